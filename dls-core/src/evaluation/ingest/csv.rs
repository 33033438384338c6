//! The CSV reader: RFC 4180 records read by csv-core's state machine, with a bounded record size
//! and resynchronisation at the next line after a stray quote; header names to columns, one
//! [`EventFields`] row per record.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};

use super::{
    io_err, strip_eol, EventFields, EventLogBuilder, Ingested, LogMapping, RejectReason, Timestamp,
};
use crate::evaluation::error::EvalError;

/// The largest record read, in bytes (all the lines of a record whose quoted field spans lines,
/// together). A longer line is rejected as [`RejectReason::RecordTooLong`]; a quoted field still
/// open after this many bytes is taken as a stray quote (see [`ingest_csv`]).
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// The most fields a record may have; more is [`RejectReason::ExtraColumns`].
const MAX_FIELDS: usize = 1024;

/// Physical lines of the input, each with its line number, with room to read lines again.
struct Lines<R> {
    rd: BufReader<R>,
    line_no: u64,
    /// Lines to read again (in order), after a record that spanned them was abandoned.
    again: VecDeque<(u64, Vec<u8>)>,
}

/// One physical line: its number, and whether it was longer than [`MAX_RECORD_BYTES`] (then
/// only its start is kept).
struct Line {
    no: u64,
    too_long: bool,
}

impl<R: Read> Lines<R> {
    /// Reads the next line into `buf` (ending in `\n`, added at the end of the input), or
    /// returns `None` at the end.
    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Line>, EvalError> {
        buf.clear();
        if let Some((no, l)) = self.again.pop_front() {
            buf.extend_from_slice(&l);
            return Ok(Some(Line {
                no,
                too_long: l.len() > MAX_RECORD_BYTES + 1,
            }));
        }
        let n = (&mut self.rd)
            .take(MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', buf)
            .map_err(io_err)?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        let mut too_long = false;
        if buf.last() != Some(&b'\n') {
            if buf.len() > MAX_RECORD_BYTES {
                too_long = true;
                self.rd.skip_until(b'\n').map_err(io_err)?;
            }
            buf.push(b'\n');
        }
        Ok(Some(Line {
            no: self.line_no,
            too_long,
        }))
    }
}

/// What became of one record.
enum Record {
    /// Complete: fields in `out`, their ends in `ends`.
    Fields,
    /// A quoted field not closed within the line, and no valid record by joining the lines
    /// after it (within [`MAX_RECORD_BYTES`]): the line is rejected, reading goes on at the
    /// next line.
    Unclosed,
    /// More than [`MAX_FIELDS`] fields.
    TooManyFields,
    /// Longer than [`MAX_RECORD_BYTES`].
    TooLong,
}

/// A CSV record reader on csv-core's state machine (RFC 4180 quoting, `\n` or `\r\n`).
struct Records {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nends: usize,
    /// The lines of a record being read.
    lines: Vec<(u64, Vec<u8>)>,
}

impl Records {
    fn new() -> Self {
        Records {
            rdr: csv_core::ReaderBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            out: vec![0; MAX_RECORD_BYTES],
            ends: vec![0; MAX_FIELDS],
            nout: 0,
            nends: 0,
            lines: Vec::new(),
        }
    }

    /// The fields of the record read last.
    fn fields(&self) -> (&[u8], &[usize]) {
        (&self.out[..self.nout], &self.ends[..self.nends])
    }

    /// Reads the record that starts with `first` (a line ending in `\n`). A quoted field may
    /// take the lines after it, as long as the record closes within [`MAX_RECORD_BYTES`] with
    /// `width` fields; otherwise the lines after `first` are handed back to `src`.
    fn read<R: Read>(
        &mut self,
        first: &[u8],
        width: Option<usize>,
        src: &mut Lines<R>,
    ) -> Result<Record, EvalError> {
        self.rdr.reset();
        self.nout = 0;
        self.nends = 0;
        let mut total = first.len();
        let mut line = first;
        let mut buf = Vec::new();
        self.lines.clear();
        loop {
            let (res, _, nout, nend) = self.rdr.read_record(
                line,
                &mut self.out[self.nout..],
                &mut self.ends[self.nends..],
            );
            self.nout += nout;
            self.nends += nend;
            match res {
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                    if !self.lines.is_empty() && width.is_some_and(|w| w != self.nends) {
                        return Ok(self.give_back(src));
                    }
                    return Ok(Record::Fields);
                }
                csv_core::ReadRecordResult::OutputFull => {
                    return Ok(if self.lines.is_empty() {
                        Record::TooLong
                    } else {
                        self.give_back(src)
                    });
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    return Ok(if self.lines.is_empty() {
                        Record::TooManyFields
                    } else {
                        self.give_back(src)
                    });
                }
                csv_core::ReadRecordResult::InputEmpty => {
                    // The line's `\n` was inside a quoted field: the record goes on.
                    match src.next(&mut buf)? {
                        Some(l) if !l.too_long && total + buf.len() <= MAX_RECORD_BYTES => {
                            total += buf.len();
                            self.lines.push((l.no, std::mem::take(&mut buf)));
                            line = &self.lines.last().expect("just pushed").1;
                        }
                        Some(l) => {
                            // Read again as a line of its own (a line too long is only its
                            // start, longer than the limit, so it is rejected again).
                            self.lines.push((l.no, std::mem::take(&mut buf)));
                            return Ok(self.give_back(src));
                        }
                        None => return Ok(self.give_back(src)),
                    }
                }
            }
        }
    }

    /// Abandons a record that spanned lines: the lines after its first are read again.
    fn give_back<R>(&mut self, src: &mut Lines<R>) -> Record {
        for l in self.lines.drain(..).rev() {
            src.again.push_front(l);
        }
        Record::Unclosed
    }
}

/// Reads a CSV event log (comma-separated, header row, RFC 4180 quotes, `\n` or `\r\n`), with
/// csv-core's state machine.
///
/// A quoted field may span lines. A record is at most [`MAX_RECORD_BYTES`] long: a longer line
/// is rejected as [`RejectReason::RecordTooLong`]. A quote that is not closed on its line and
/// does not make a valid record with the lines after it (within that size, with as many fields
/// as the header) is a stray quote: its line is rejected as [`RejectReason::UnclosedQuote`] and
/// reading goes on at the next line, so every later row is used or rejected on its own.
///
/// Fails only when the input cannot be read or the header lacks `case_id`, `timestamp` or
/// `activity`; every other problem rejects one row.
pub fn ingest_csv<R: Read>(reader: R) -> Result<Ingested, EvalError> {
    ingest_csv_mapped(reader, &LogMapping::dls())
}

/// Reads a CSV event log whose columns and activities `mapping` names (see [`ingest_csv`] for
/// the format). Fails only when the input cannot be read or the header has no column for the
/// case id, timestamp or activity (the error lists the columns found); columns no field reads
/// are listed in [`Ingested::ignored_columns`].
pub fn ingest_csv_mapped<R: Read>(reader: R, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    let mut src = Lines {
        rd: BufReader::with_capacity(1 << 20, reader),
        line_no: 0,
        again: VecDeque::new(),
    };
    let mut line = Vec::with_capacity(256);
    let mut recs = Records::new();
    let mut b = EventLogBuilder::with_mapping(mapping);
    // Header.
    let cols = loop {
        let Some(l) = src.next(&mut line)? else {
            return Ok(b.finish());
        };
        if strip_eol(&line).is_empty() || l.too_long {
            continue;
        }
        let mut start_at = 0;
        if line.starts_with(&[0xEF, 0xBB, 0xBF]) {
            start_at = 3;
        }
        let header = line[start_at..].to_vec();
        if !matches!(recs.read(&header, None, &mut src)?, Record::Fields) {
            continue;
        }
        let (rec, ends) = recs.fields();
        let mut names = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            names.push(String::from_utf8_lossy(&rec[start..end]).into_owned());
            start = end;
        }
        let cols = mapping.header_columns(names.iter().map(String::as_str))?;
        b.ignore_columns(&cols.ignored);
        break cols;
    };
    let width = recs.fields().1.len();
    while let Some(l) = src.next(&mut line)? {
        let row = l.no;
        if strip_eol(&line).is_empty() {
            continue;
        }
        if l.too_long {
            b.reject(row, RejectReason::RecordTooLong, None);
            continue;
        }
        match recs.read(&line, Some(width), &mut src)? {
            Record::Fields => {}
            Record::Unclosed => {
                b.reject(row, RejectReason::UnclosedQuote, None);
                continue;
            }
            Record::TooManyFields => {
                b.reject(row, RejectReason::ExtraColumns, None);
                continue;
            }
            Record::TooLong => {
                b.reject(row, RejectReason::RecordTooLong, None);
                continue;
            }
        }
        let (rec, ends) = recs.fields();
        if ends.len() < width {
            b.reject(row, RejectReason::MissingColumn, None);
            continue;
        }
        if ends.len() > width {
            b.reject(row, RejectReason::ExtraColumns, None);
            continue;
        }
        let Ok(text) = std::str::from_utf8(rec) else {
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
        let extra: Vec<Option<&str>> = cols.dimensions.iter().map(|&i| f(Some(i))).collect();
        b.push(
            row,
            EventFields {
                case_id: f(Some(cols.case_id)),
                timestamp: f(Some(cols.timestamp)).map(Timestamp::Text),
                activity: f(Some(cols.activity)),
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
                extra: &extra,
            },
        );
    }
    Ok(b.finish())
}

/// Reads a CSV event log from text.
pub fn ingest_csv_str(text: &str) -> Result<Ingested, EvalError> {
    ingest_csv(text.as_bytes())
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

    fn read_all(text: &[u8]) -> Vec<Vec<String>> {
        let mut src = Lines {
            rd: BufReader::new(text),
            line_no: 0,
            again: VecDeque::new(),
        };
        let mut recs = Records::new();
        let mut line = Vec::new();
        let mut out = Vec::new();
        while src.next(&mut line).unwrap().is_some() {
            if let Record::Fields = recs.read(&line, None, &mut src).unwrap() {
                let (rec, ends) = recs.fields();
                let mut start = 0;
                out.push(
                    ends.iter()
                        .map(|&e| {
                            let f = String::from_utf8_lossy(&rec[start..e]).into_owned();
                            start = e;
                            f
                        })
                        .collect(),
                );
            } else {
                out.push(vec!["?".to_string()]);
            }
        }
        out
    }

    #[test]
    fn csv_quotes() {
        assert_eq!(
            read_all(b"a,\"b,\"\"c\"\"\",,d\n"),
            vec![vec!["a", "b,\"c\"", "", "d"]]
        );
        // Unclosed at the end of the input: rejected, nothing swallowed.
        assert_eq!(read_all(b"a,\"b\nc,d"), vec![vec!["?"], vec!["c", "d"]]);
    }
}
