//! The JSON-lines reader: one object per line, keys as the CSV column names.

use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::{io_err, strip_eol, Builder, Ingested, RawRow, RejectReason};
use crate::evaluation::EvalError;

#[derive(Deserialize)]
struct JsonRow<'a> {
    #[serde(borrow, default, alias = "case")]
    case_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default, alias = "at")]
    timestamp: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    activity: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default, alias = "organization")]
    organisation: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    service: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    kern: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    need: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    reason: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    municipality: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    region: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    domain: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    phase: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    framework: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    signals: Option<std::borrow::Cow<'a, str>>,
}

/// Reads a JSON-lines event log: one object per line with the CSV column names as keys and
/// string values (`null` or absent means empty). Blank lines are skipped.
pub fn ingest_jsonl<R: Read>(reader: R) -> Result<Ingested, EvalError> {
    let mut rd = BufReader::new(reader);
    let mut line = Vec::new();
    let mut b = Builder::default();
    let mut row = 0u64;
    loop {
        line.clear();
        if rd.read_until(b'\n', &mut line).map_err(io_err)? == 0 {
            break;
        }
        row += 1;
        let l = strip_eol(&line);
        if l.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(l) else {
            b.reject(row, RejectReason::BadEncoding, None);
            continue;
        };
        let j: JsonRow<'_> = match serde_json::from_str(text) {
            Ok(j) => j,
            Err(_) => {
                b.reject(row, RejectReason::BadJson, None);
                continue;
            }
        };
        fn s<'b>(v: &'b Option<std::borrow::Cow<'_, str>>) -> &'b str {
            v.as_deref().map(str::trim).unwrap_or("")
        }
        let raw = RawRow {
            case_id: j.case_id.as_deref().map(str::trim),
            timestamp: j.timestamp.as_deref().map(str::trim),
            activity: j.activity.as_deref().map(str::trim),
            organisation: s(&j.organisation),
            service: s(&j.service),
            kern: s(&j.kern),
            need: s(&j.need),
            reason: s(&j.reason),
            municipality: s(&j.municipality),
            region: s(&j.region),
            domain: s(&j.domain),
            phase: s(&j.phase),
            framework: s(&j.framework),
            signals: s(&j.signals),
        };
        b.push_raw(row, &raw);
    }
    Ok(b.finish())
}

/// Reads a JSON-lines event log from text.
pub fn ingest_jsonl_str(text: &str) -> Result<Ingested, EvalError> {
    ingest_jsonl(text.as_bytes())
}
