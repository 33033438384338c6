//! The CSV reader: RFC 4180 records read by csv-core's state machine, with a bounded record size
//! and resynchronisation at the next line after a stray quote; header names to columns, one
//! [`EventFields`] row per record.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};

use super::parallel::{Parsed, Spare};
use super::{
    io_err, strip_eol, EventFields, EventLogBuilder, HeaderColumns, Ingested, LogMapping,
    RejectReason, Timestamp,
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

    /// Reads the record on one line (ending in `\n`), or [`Record::Unclosed`] when a quoted
    /// field is still open at its end.
    fn read_line(&mut self, line: &[u8]) -> Record {
        self.rdr.reset();
        let (res, _, nout, nends) = self.rdr.read_record(line, &mut self.out, &mut self.ends);
        self.nout = nout;
        self.nends = nends;
        match res {
            csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => Record::Fields,
            csv_core::ReadRecordResult::OutputFull => Record::TooLong,
            csv_core::ReadRecordResult::OutputEndsFull => Record::TooManyFields,
            csv_core::ReadRecordResult::InputEmpty => Record::Unclosed,
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
    read_csv(reader, mapping, Some(BLOCKS))
}

/// How [`read_blocks`] cuts the input: blocks of this many bytes, cut into chunks of about
/// this many (at line ends); `size` is the input's size in bytes when known (0: unknown), to
/// make room for its rows once the first block tells how long a row is.
#[derive(Debug, Clone, Copy)]
struct Blocks {
    block: usize,
    chunk: usize,
    size: u64,
}

/// Blocks of 8 MiB in chunks of 256 KiB. The chunks do not depend on the number of threads
/// (nor does the result: see [`super::parallel`]).
const BLOCKS: Blocks = Blocks {
    block: 8 << 20,
    chunk: 256 << 10,
    size: 0,
};

/// Reads a CSV event log file through `mapping` (as [`ingest_csv_mapped`]), making room for
/// its rows from the file's size.
pub(crate) fn ingest_csv_file(
    file: std::fs::File,
    mapping: &LogMapping,
) -> Result<Ingested, EvalError> {
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    read_csv(file, mapping, Some(Blocks { size, ..BLOCKS }))
}

/// Reads a CSV log: the rows after the header in blocks on rayon's threads (see
/// [`read_blocks`]), or one record at a time (`None`).
fn read_csv<R: Read>(
    reader: R,
    mapping: &LogMapping,
    blocks: Option<Blocks>,
) -> Result<Ingested, EvalError> {
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
    if let (Some(blocks), true) = (blocks, src.again.is_empty()) {
        let at = src.line_no;
        match read_blocks(&mut src.rd, blocks, at, &mut b, &cols, width)? {
            None => return Ok(b.finish()),
            Some((rest, line_no)) => {
                // A quoted field spans lines: the rest one record at a time.
                let mut src = Lines {
                    rd: BufReader::with_capacity(1 << 20, std::io::Cursor::new(rest).chain(src.rd)),
                    line_no,
                    again: VecDeque::new(),
                };
                read_rows(&mut src, &mut recs, &mut b, &cols, width)?;
                return Ok(b.finish());
            }
        }
    }
    read_rows(&mut src, &mut recs, &mut b, &cols, width)?;
    Ok(b.finish())
}

/// Reads the records after the header one by one, a quoted field spanning lines as
/// [`ingest_csv`] says.
fn read_rows<R: Read>(
    src: &mut Lines<R>,
    recs: &mut Records,
    b: &mut EventLogBuilder,
    cols: &HeaderColumns,
    width: usize,
) -> Result<(), EvalError> {
    let mut line = Vec::with_capacity(256);
    while let Some(l) = src.next(&mut line)? {
        let row = l.no;
        if strip_eol(&line).is_empty() {
            continue;
        }
        if l.too_long {
            b.reject(row, RejectReason::RecordTooLong, None);
            continue;
        }
        let read = match recs.read(&line, Some(width), src)? {
            Record::Fields => Ok(()),
            Record::Unclosed => Err(RejectReason::UnclosedQuote),
            Record::TooManyFields => Err(RejectReason::ExtraColumns),
            Record::TooLong => Err(RejectReason::RecordTooLong),
        };
        let (rec, ends) = recs.fields();
        push_record(b, row, cols, width, read.map(|()| (rec, ends, 0)));
    }
    Ok(())
}

/// Checks the fields of one record (`bytes`, field `i` ending at `ends[i]` and the next one
/// starting `sep` bytes later) and hands them to the builder, or rejects the row.
fn push_record(
    b: &mut EventLogBuilder,
    row: u64,
    cols: &HeaderColumns,
    width: usize,
    record: Result<(&[u8], &[usize], usize), RejectReason>,
) {
    let (bytes, ends, sep) = match record {
        Ok(r) => r,
        Err(reason) => return b.reject(row, reason, None),
    };
    if ends.len() < width {
        return b.reject(row, RejectReason::MissingColumn, None);
    }
    if ends.len() > width {
        return b.reject(row, RejectReason::ExtraColumns, None);
    }
    // Every field whole UTF-8 (csv-core's output joins the fields: a character may not run
    // from one field into the next).
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if ends.iter().all(|&e| t.is_char_boundary(e)) => t,
        _ => return b.reject(row, RejectReason::BadEncoding, None),
    };
    let f = |c: Option<usize>| -> Option<&str> {
        c.map(|i| {
            let start = if i == 0 { 0 } else { ends[i - 1] + sep };
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

/// Reads the lines after the header in blocks of whole lines, each cut into chunks read on
/// rayon's threads, as long as every record ends on its line (a quoted field that spans lines
/// needs the records before it). `line_no` is the number of the line read last. Returns `None`
/// at the end of the input, or the input not yet read (from the block whose records do not all
/// end on their line) and the number of the line before it, for [`read_rows`].
#[allow(clippy::type_complexity)]
fn read_blocks<R: Read>(
    rd: &mut R,
    Blocks { block, chunk, size }: Blocks,
    mut line_no: u64,
    b: &mut EventLogBuilder,
    cols: &HeaderColumns,
    width: usize,
) -> Result<Option<(Vec<u8>, u64)>, EvalError> {
    let mut buf: Vec<u8> = Vec::with_capacity(block + (1 << 16));
    // The next block, read while this one is parsed: what is left of this one after its last
    // line, then the input after it.
    let mut next: Vec<u8> = Vec::with_capacity(block + (1 << 16));
    let mut eof = false;
    // Chunks read into builders of their own (made like `template`), merged into `b` while the
    // next block is read: the rows of a block and the row number before its first row.
    let template = b.chunk_builder();
    let spare = Spare::default();
    let mut pending: Option<(Parsed, u64)> = None;
    let mut first = true;
    let result = loop {
        if !eof && buf.len() < block {
            let want = (block - buf.len()) as u64;
            let n = rd.take(want).read_to_end(&mut buf).map_err(io_err)?;
            eof = (n as u64) < want;
        }
        if buf.is_empty() {
            break None;
        }
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(p) => p + 1,
                // A line longer than a block: read one record at a time.
                None => break Some((buf, line_no)),
            }
        };
        let mut chunks = Vec::new();
        let mut start = 0;
        while start < end {
            let from = (start + chunk).min(end - 1);
            let cut = match memchr::memchr(b'\n', &buf[from..end]) {
                Some(p) => from + p + 1,
                None => end,
            };
            chunks.push(&buf[start..cut]);
            start = cut;
        }
        next.clear();
        next.extend_from_slice(&buf[end..]);
        let tail = next.len();
        // The chunks parsed and the last block's merged on rayon's threads, while this thread
        // reads the next block (the reader need not be sent to another thread).
        let mut parsed = None;
        let mut read: std::io::Result<(usize, u64)> = Ok((0, 0));
        rayon::in_place_scope(|s| {
            let (chunks, spare, template, parsed) = (&chunks, &spare, &template, &mut parsed);
            s.spawn(move |_| {
                *parsed = Some(
                    template.parse_chunks(chunks, spare, |c, cb| read_chunk(c, cb, cols, width)),
                );
            });
            let (b, pending) = (&mut *b, &mut pending);
            s.spawn(move |_| {
                if let Some((parsed, offset)) = pending.take() {
                    b.merge_parsed(parsed, offset, Some(spare));
                }
            });
            if !eof {
                let want = (block - tail) as u64;
                read = rd.take(want).read_to_end(&mut next).map(|n| (n, want));
            }
        });
        drop(chunks);
        // (The scope ran the parse: `None` cannot be, and would read the block record by record.)
        let parsed = parsed.unwrap_or(Err(GiveUp));
        match parsed {
            Ok(parsed) => {
                let rows = parsed.rows();
                if first && size > end as u64 {
                    // Room for the rows of the whole input, estimated from this block's (with
                    // a margin: room not written to takes no memory), so that the columns are
                    // not moved, and held twice, while they grow.
                    let estimate = size as f64 / end as f64 * rows as f64 * 1.1;
                    b.reserve(estimate as usize);
                    b.reserve_cases(parsed.cases_in(estimate as usize));
                }
                first = false;
                pending = Some((parsed, line_no));
                line_no += rows;
            }
            Err(GiveUp) => {
                // The input from this block on: the block, then what was read after it.
                buf.extend_from_slice(&next[tail..]);
                read.map_err(io_err)?;
                break Some((buf, line_no));
            }
        }
        if !eof {
            let (n, want) = read.map_err(io_err)?;
            eof = (n as u64) < want;
        }
        std::mem::swap(&mut buf, &mut next);
    };
    if let Some((parsed, offset)) = pending {
        b.merge_parsed(parsed, offset, None);
    }
    Ok(result)
}

/// Reads the lines of one chunk (whole lines; the last may lack its `\n` at the end of the
/// input) into `b`, numbered from 1, as [`read_rows`] would; returns how many lines it has, or
/// [`GiveUp`] when a quoted field does not close on its line.
fn read_chunk(
    chunk: &[u8],
    b: &mut EventLogBuilder,
    cols: &HeaderColumns,
    width: usize,
) -> Result<u64, GiveUp> {
    let mut recs: Option<Records> = None;
    let mut ends: Vec<usize> = Vec::with_capacity(width + 1);
    let mut quoted = Vec::new();
    let mut row = 0u64;
    let mut start = 0;
    // Room for the chunk's rows (about 60 bytes each in a typical log).
    b.reserve(chunk.len() / 56 + 1);
    while start < chunk.len() {
        let (line, next) = match memchr::memchr(b'\n', &chunk[start..]) {
            Some(p) => (&chunk[start..start + p + 1], start + p + 1),
            None => (&chunk[start..], chunk.len()),
        };
        start = next;
        row += 1;
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        if strip_eol(content).is_empty() {
            continue;
        }
        if content.len() > MAX_RECORD_BYTES {
            b.reject(row, RejectReason::RecordTooLong, None);
            continue;
        }
        if memchr::memchr(b'"', content).is_none() {
            ends.clear();
            ends.extend(memchr::memchr_iter(b',', content).take(MAX_FIELDS));
            ends.push(content.len());
            let record = if ends.len() > MAX_FIELDS {
                Err(RejectReason::ExtraColumns)
            } else {
                Ok((content, &ends[..], 1))
            };
            push_record(b, row, cols, width, record);
            continue;
        }
        // Quotes: csv-core, as `read_rows` does; a record that goes on past its line gives up.
        quoted.clear();
        quoted.extend_from_slice(content);
        quoted.push(b'\n');
        let recs = recs.get_or_insert_with(Records::new);
        let record = match recs.read_line(&quoted) {
            Record::Fields => Ok(()),
            Record::Unclosed => return Err(GiveUp),
            Record::TooManyFields => Err(RejectReason::ExtraColumns),
            Record::TooLong => Err(RejectReason::RecordTooLong),
        };
        let (rec, fields) = recs.fields();
        push_record(b, row, cols, width, record.map(|()| (rec, fields, 0)));
    }
    Ok(row)
}

/// A chunk whose records do not all end on their line: it is read one record at a time.
struct GiveUp;

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

    /// A summary of everything a read gives, to compare two reads.
    fn summary(r: Result<Ingested, EvalError>) -> String {
        match r {
            Err(e) => format!("error {e}"),
            Ok(i) => format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                (i.rows_read, i.rows_used),
                i.rejected,
                i.warnings,
                i.anomalies,
                i.unmapped_activities,
                i.ignored_columns,
                i.log.events(),
                i.log.cases,
            ),
        }
    }

    /// Lines of all kinds: good rows, bad fields, quotes that close on their line and quotes
    /// that do not, blank lines, CRLF, bad UTF-8, missing and extra columns.
    fn line() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let case = prop_oneof![
            Just("c1"),
            Just("c2"),
            Just("c3"),
            Just(""),
            Just("bad id!")
        ];
        let ts = prop_oneof![
            Just("2026-01-05T09:00:00Z"),
            Just("2026-01-05T10:00:00+01:00"),
            Just("2026-01-06T10:00:00.5Z"),
            Just("2026-02-30T10:00:00Z"),
            Just(""),
        ];
        let act = prop_oneof![
            Just("opened"),
            Just("first_contact"),
            Just("referred"),
            Just("accepted"),
            Just("bounced"),
            Just("dance"),
            Just("sing"),
            Just(""),
        ];
        let org = prop_oneof![
            Just("gemeente"),
            Just("\"gemeente\""),
            Just("\"gem,eente\""),
            Just("\"gem\neente\""),
            Just("\"open"),
            Just("x\"y"),
            Just(""),
            Just("bad org!"),
        ];
        let tail = prop_oneof![
            Just(&b""[..]),
            Just(&b"\r"[..]),
            Just(&b",extra"[..]),
            Just(&b"\xff"[..]),
            Just(&b"\xc3"[..]),
        ];
        let row = (case, ts, act, org, tail).prop_map(|(c, t, a, o, tail)| {
            let mut l = format!("{c},{t},{a},{o}").into_bytes();
            l.extend_from_slice(tail);
            l
        });
        prop_oneof![
            8 => row,
            1 => Just(b"".to_vec()),
            1 => Just(b"c1,2026-01-05T09:00:00Z".to_vec()),
            1 => Just(b"\xc3,\xa9,opened,".to_vec()),
            1 => Just(b"c1,2026-01-05T11:00:00Z,referred,\"a\"\"b\"".to_vec()),
        ]
    }

    proptest::proptest! {
        /// Reading in blocks and chunks on several threads gives exactly what reading one
        /// record at a time gives (the reference: the reader as it was), wherever the blocks
        /// and chunks are cut.
        #[test]
        fn reading_in_parallel_equals_reading_one_record_at_a_time(
            lines in proptest::collection::vec(line(), 0..120),
            block in 16usize..600,
            chunk in 1usize..200,
            final_newline: bool,
        ) {
            let mut text = b"case_id,timestamp,activity,organisation\n".to_vec();
            for (i, l) in lines.iter().enumerate() {
                text.extend_from_slice(l);
                if i + 1 < lines.len() || final_newline {
                    text.push(b'\n');
                }
            }
            let mapping = LogMapping::dls();
            let one = summary(read_csv(&text[..], &mapping, None));
            let blocks = Blocks { block, chunk, size: text.len() as u64 };
            let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
            let par = pool.install(|| summary(read_csv(&text[..], &mapping, Some(blocks))));
            proptest::prop_assert_eq!(&one, &par);
            let unmapped = LogMapping { unmapped_activities: crate::evaluation::ingest::Unmapped::Other, ..LogMapping::dls() };
            let one = summary(read_csv(&text[..], &unmapped, None));
            let par = pool.install(|| summary(read_csv(&text[..], &unmapped, Some(blocks))));
            proptest::prop_assert_eq!(one, par);
        }
    }

    /// A character split by a comma is not two fields (it panicked: a field cut the
    /// character's bytes): the row is rejected as badly encoded.
    #[test]
    fn a_character_across_a_comma_is_bad_encoding() {
        let text = b"case_id,timestamp,activity,organisation\n\"\xc3\",\"\xa9\",opened,\n";
        for blocks in [None, Some(BLOCKS)] {
            let ing = read_csv(&text[..], &LogMapping::dls(), blocks).unwrap();
            assert_eq!(ing.rejected.len(), 1);
            assert_eq!(ing.rejected[0].reason, RejectReason::BadEncoding);
        }
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
