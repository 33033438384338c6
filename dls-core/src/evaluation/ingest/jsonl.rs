//! The JSON-lines reader: one object per line, keys as the CSV column names.

use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::{
    io_err, strip_eol, EventFields, EventLogBuilder, Ingested, LogMapping, RejectReason, Timestamp,
};
use crate::evaluation::error::EvalError;

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
    ingest_jsonl_mapped(reader, &LogMapping::dls())
}

/// Reads a JSON-lines event log with the activity names and policies of `mapping` (keys are
/// dls's names; the mapping's column names apply to tabular formats only).
pub fn ingest_jsonl_mapped<R: Read>(
    reader: R,
    mapping: &LogMapping,
) -> Result<Ingested, EvalError> {
    let mut rd = BufReader::new(reader);
    let mut line = Vec::new();
    let mut b = EventLogBuilder::with_mapping(mapping);
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
        // An absent (or null) required key is a fault of the line, like a short CSV record;
        // an empty one is left to the builder (the first required field at fault is named).
        let required = [
            (&j.case_id, "case_id"),
            (&j.timestamp, "timestamp"),
            (&j.activity, "activity"),
        ];
        if let Some((_, name)) = required
            .iter()
            .find(|(v, _)| v.as_deref().is_none_or(|s| s.trim().is_empty()))
            .filter(|(v, _)| v.is_none())
        {
            b.reject(row, RejectReason::MissingColumn, Some(name));
            continue;
        }
        let signals = j.signals.as_deref();
        // The mapping's extra dimensions: keys of those names (any case); a number or a truth
        // value as its JSON text.
        let values: Vec<Option<String>> = if mapping.dimensions.is_empty() {
            Vec::new()
        } else {
            let obj: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).unwrap_or_default();
            let mut v = vec![None; mapping.dimensions.len()];
            for (k, val) in &obj {
                if let Some(d) = mapping.dimension_of(k) {
                    if v[d].is_none() {
                        v[d] = match val {
                            serde_json::Value::String(s) => Some(s.clone()),
                            serde_json::Value::Null => None,
                            other => Some(other.to_string()),
                        };
                    }
                }
            }
            v
        };
        let extra: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
        b.push(
            row,
            EventFields {
                case_id: j.case_id.as_deref(),
                timestamp: j.timestamp.as_deref().map(Timestamp::Text),
                activity: j.activity.as_deref(),
                organisation: j.organisation.as_deref(),
                service: j.service.as_deref(),
                kern: j.kern.as_deref(),
                need: j.need.as_deref(),
                reason: j.reason.as_deref(),
                municipality: j.municipality.as_deref(),
                region: j.region.as_deref(),
                domain: j.domain.as_deref(),
                phase: j.phase.as_deref(),
                framework: j.framework.as_deref(),
                signals: signals.as_slice(),
                extra: &extra,
            },
        );
    }
    Ok(b.finish())
}

/// Reads a JSON-lines event log from text.
pub fn ingest_jsonl_str(text: &str) -> Result<Ingested, EvalError> {
    ingest_jsonl(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_required_key_at_fault_is_named() {
        let text = concat!(
            r#"{"case_id":" ","activity":"opened"}"#,
            "\n",
            r#"{"case_id":"c1","timestamp":null,"activity":""}"#,
            "\n",
            r#"{"case_id":"c1","timestamp":"2026-02-02T09:00:00Z","activity":" "}"#,
            "\n",
        );
        let ing = ingest_jsonl_str(text).unwrap();
        let got: Vec<(u64, RejectReason, Option<&str>)> = ing
            .rejected
            .iter()
            .map(|r| (r.row, r.reason, r.field.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, RejectReason::MissingValue, Some("case_id")),
                (2, RejectReason::MissingColumn, Some("timestamp")),
                (3, RejectReason::MissingValue, Some("activity")),
            ]
        );
    }
}
