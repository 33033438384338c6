//! The formats an event-log file may have, told by its extension: the one place that decides,
//! for every binding and the command line.

use std::io::Read;
use std::path::Path;

use super::{ingest_csv_mapped, ingest_jsonl_mapped, ingest_xes_mapped, Ingested, LogMapping};
use crate::evaluation::EvalError;

/// An event log's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogFormat {
    /// CSV with a header row (`.csv`).
    Csv,
    /// One JSON event per line (`.jsonl` or `.ndjson`).
    JsonLines,
    /// XES, IEEE 1849 (`.xes`): read with the XES conventions ([`LogMapping::pm4py`]) unless
    /// a mapping is given.
    Xes,
    /// Apache Parquet (`.parquet`), with the cargo feature `parquet` (on by default).
    Parquet,
}

impl LogFormat {
    /// The format of `path` by its extension, in any case; fails with
    /// [`EvalError::UnknownFormat`] for any other.
    pub fn of_path(path: &Path) -> Result<LogFormat, EvalError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(LogFormat::Csv),
            Some("jsonl" | "ndjson") => Ok(LogFormat::JsonLines),
            Some("xes") => Ok(LogFormat::Xes),
            Some("parquet") => Ok(LogFormat::Parquet),
            _ => Err(EvalError::UnknownFormat {
                file: path.display().to_string(),
            }),
        }
    }

    /// Reads a log in this format, in dls's own vocabulary (XES: its own conventions).
    pub fn ingest<R: Read>(self, reader: R) -> Result<Ingested, EvalError> {
        self.ingest_mapped(reader, &self.default_mapping())
    }

    /// The mapping a log of this format is read with when none is given: dls's own, or the
    /// XES conventions for XES.
    pub fn default_mapping(self) -> LogMapping {
        match self {
            LogFormat::Xes => LogMapping::pm4py(),
            _ => LogMapping::dls(),
        }
    }

    /// Reads a log in this format through `mapping`.
    pub fn ingest_mapped<R: Read>(
        self,
        reader: R,
        mapping: &LogMapping,
    ) -> Result<Ingested, EvalError> {
        match self {
            LogFormat::Csv => ingest_csv_mapped(reader, mapping),
            LogFormat::JsonLines => ingest_jsonl_mapped(reader, mapping),
            LogFormat::Xes => ingest_xes_mapped(reader, mapping),
            LogFormat::Parquet => {
                let mut data = Vec::new();
                let mut reader = reader;
                reader.read_to_end(&mut data).map_err(super::io_err)?;
                parquet_bytes(data, mapping)
            }
        }
    }

    /// Reads an open file in this format through `mapping` (`None`: the format's default
    /// mapping). Parquet is read in place (only the columns the mapping reads), the others
    /// streamed.
    pub fn ingest_file(
        self,
        file: std::fs::File,
        mapping: Option<&LogMapping>,
    ) -> Result<Ingested, EvalError> {
        let default = self.default_mapping();
        let mapping = mapping.unwrap_or(&default);
        match self {
            #[cfg(feature = "parquet")]
            LogFormat::Parquet => super::ingest_parquet(file, mapping),
            LogFormat::Csv => super::csv::ingest_csv_file(file, mapping),
            _ => self.ingest_mapped(file, mapping),
        }
    }
}

#[cfg(feature = "parquet")]
fn parquet_bytes(data: Vec<u8>, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    super::ingest_parquet_bytes(data, mapping)
}

#[cfg(not(feature = "parquet"))]
fn parquet_bytes(_: Vec<u8>, _: &LogMapping) -> Result<Ingested, EvalError> {
    Err(EvalError::Malformed {
        format: "Parquet",
        problem: "this build of dls reads no Parquet (cargo feature `parquet`)".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_decides_in_any_case_and_others_are_refused() {
        let of = |p: &str| LogFormat::of_path(Path::new(p));
        assert_eq!(of("a/events.csv"), Ok(LogFormat::Csv));
        assert_eq!(of("events.CSV"), Ok(LogFormat::Csv));
        assert_eq!(of("events.jsonl"), Ok(LogFormat::JsonLines));
        assert_eq!(of("events.ndjson"), Ok(LogFormat::JsonLines));
        assert_eq!(of("export.XES"), Ok(LogFormat::Xes));
        assert_eq!(of("events.parquet"), Ok(LogFormat::Parquet));
        let e = of("events.xlsx").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot tell the format of `events.xlsx`: use a `.csv`, `.jsonl`, `.xes` or `.parquet` file"
        );
        assert!(of("events").is_err());
    }
}
