//! The CSV reader: RFC 4180 records, header names to columns, one [`EventFields`] row per record.

use std::io::{BufRead, BufReader, Read};

use super::{io_err, strip_eol, EventFields, EventLogBuilder, Ingested, RejectReason, Timestamp};
use crate::evaluation::error::EvalError;

/// Column positions of a CSV header.
#[derive(Default)]
struct Columns {
    case_id: Option<usize>,
    timestamp: Option<usize>,
    activity: Option<usize>,
    organisation: Option<usize>,
    service: Option<usize>,
    kern: Option<usize>,
    need: Option<usize>,
    reason: Option<usize>,
    municipality: Option<usize>,
    region: Option<usize>,
    domain: Option<usize>,
    phase: Option<usize>,
    framework: Option<usize>,
    signals: Option<usize>,
}

/// Splits one CSV record (RFC 4180 quoting) into `out`, recording field ends in `ends`.
/// Returns false when a quoted field is not closed (the record continues on the next line).
fn split_record(line: &[u8], out: &mut Vec<u8>, ends: &mut Vec<usize>) -> bool {
    out.clear();
    ends.clear();
    let mut i = 0;
    let n = line.len();
    loop {
        if i < n && line[i] == b'"' {
            i += 1;
            loop {
                if i >= n {
                    return false;
                }
                if line[i] == b'"' {
                    if i + 1 < n && line[i + 1] == b'"' {
                        out.push(b'"');
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else {
                    out.push(line[i]);
                    i += 1;
                }
            }
            // Anything between the closing quote and the separator is kept as is.
            while i < n && line[i] != b',' {
                out.push(line[i]);
                i += 1;
            }
        } else {
            let start = i;
            while i < n && line[i] != b',' {
                i += 1;
            }
            out.extend_from_slice(&line[start..i]);
        }
        ends.push(out.len());
        if i >= n {
            return true;
        }
        i += 1; // the comma
    }
}

/// Reads a CSV event log (comma-separated, header row, RFC 4180 quotes, `\n` or `\r\n`).
///
/// Fails only when the input cannot be read or the header lacks `case_id`, `timestamp` or
/// `activity`; every other problem rejects one row.
pub fn ingest_csv<R: Read>(reader: R) -> Result<Ingested, EvalError> {
    let mut rd = BufReader::with_capacity(1 << 20, reader);
    let mut line = Vec::with_capacity(256);
    let mut rec = Vec::with_capacity(256);
    let mut ends = Vec::with_capacity(16);
    let mut b = EventLogBuilder::new();
    let mut line_no = 0u64;
    // Header.
    let cols = loop {
        line.clear();
        if rd.read_until(b'\n', &mut line).map_err(io_err)? == 0 {
            return Ok(b.finish());
        }
        line_no += 1;
        trim_eol(&mut line);
        if line.is_empty() {
            continue;
        }
        let mut l: &[u8] = &line;
        if l.starts_with(&[0xEF, 0xBB, 0xBF]) {
            l = &l[3..];
        }
        split_record(l, &mut rec, &mut ends);
        let mut cols = Columns::default();
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let name = String::from_utf8_lossy(&rec[start..end])
                .trim()
                .to_ascii_lowercase();
            start = end;
            let slot = match name.as_str() {
                "case_id" | "case" => &mut cols.case_id,
                "timestamp" | "at" => &mut cols.timestamp,
                "activity" => &mut cols.activity,
                "organisation" | "organization" => &mut cols.organisation,
                "service" => &mut cols.service,
                "kern" => &mut cols.kern,
                "need" => &mut cols.need,
                "reason" => &mut cols.reason,
                "municipality" => &mut cols.municipality,
                "region" => &mut cols.region,
                "domain" => &mut cols.domain,
                "phase" => &mut cols.phase,
                "framework" => &mut cols.framework,
                "signals" => &mut cols.signals,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(i);
            }
        }
        for (c, name) in [
            (cols.case_id, "case_id"),
            (cols.timestamp, "timestamp"),
            (cols.activity, "activity"),
        ] {
            if c.is_none() {
                return Err(EvalError::MissingColumn {
                    column: name.to_string(),
                });
            }
        }
        break cols;
    };
    let width = ends.len();
    loop {
        line.clear();
        if rd.read_until(b'\n', &mut line).map_err(io_err)? == 0 {
            break;
        }
        line_no += 1;
        let row = line_no;
        // A quoted field may span lines.
        let mut complete = true;
        while !split_record(strip_eol(&line), &mut rec, &mut ends) {
            let before = line.len();
            if rd.read_until(b'\n', &mut line).map_err(io_err)? == 0 || line.len() == before {
                complete = false;
                break;
            }
            line_no += 1;
        }
        let l = strip_eol(&line);
        if l.is_empty() {
            continue;
        }
        if !complete {
            b.reject(row, RejectReason::UnclosedQuote, None);
            continue;
        }
        if ends.len() < width {
            b.reject(row, RejectReason::MissingColumn, None);
            continue;
        }
        if ends.len() > width {
            b.reject(row, RejectReason::ExtraColumns, None);
            continue;
        }
        let Ok(text) = std::str::from_utf8(&rec) else {
            b.reject(row, RejectReason::BadEncoding, None);
            continue;
        };
        let f = |c: Option<usize>| -> Option<&str> {
            c.map(|i| {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                &text[start..ends[i]]
            })
        };
        let signals = f(cols.signals);
        b.push(
            row,
            EventFields {
                case_id: f(cols.case_id),
                timestamp: f(cols.timestamp).map(Timestamp::Text),
                activity: f(cols.activity),
                organisation: f(cols.organisation),
                service: f(cols.service),
                kern: f(cols.kern),
                need: f(cols.need),
                reason: f(cols.reason),
                municipality: f(cols.municipality),
                region: f(cols.region),
                domain: f(cols.domain),
                phase: f(cols.phase),
                framework: f(cols.framework),
                signals: signals.as_slice(),
            },
        );
    }
    Ok(b.finish())
}

/// Reads a CSV event log from text.
pub fn ingest_csv_str(text: &str) -> Result<Ingested, EvalError> {
    ingest_csv(text.as_bytes())
}

fn trim_eol(line: &mut Vec<u8>) {
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::ingest::RejectReason;

    #[test]
    fn crlf_bom_blank_lines_and_multiline_quotes() {
        let text = "\u{feff}case_id,timestamp,activity,organisation\r\n\
                    c1,2026-01-05T09:00:00Z,opened,\r\n\
                    \r\n\
                    c1,2026-01-05T10:00:00Z,referred,\"gemeente\"\r\n\
                    c1,2026-01-05T11:00:00Z,referred,\"gem\neente\"\r\n\
                    c1,2026-01-05T12:00:00Z,accepted,gemeente\r\n";
        let ing = ingest_csv_str(text).unwrap();
        assert_eq!((ing.rows_read, ing.rows_used), (4, 3));
        // The multi-line record is one row, numbered by its first line.
        assert_eq!(ing.rejected[0].row, 5);
        assert_eq!(ing.rejected[0].reason, RejectReason::BadId);
        assert_eq!(ing.log.len(), 3);
    }

    #[test]
    fn csv_quotes() {
        let mut out = Vec::new();
        let mut ends = Vec::new();
        assert!(split_record(b"a,\"b,\"\"c\"\"\",,d", &mut out, &mut ends));
        assert_eq!(out, b"ab,\"c\"d");
        assert_eq!(ends, vec![1, 6, 6, 7]);
        assert!(!split_record(b"a,\"b", &mut out, &mut ends));
    }
}
