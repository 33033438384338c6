//! Reading a folder and writing rows: CSV or JSON Lines, chosen by the file's extension.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context};
use dls_core::{Directory, RuleSet};

use crate::parquet_out::{Kind, ParquetSink};

/// The directory and every rule layer of `dir`; warnings go to stderr.
pub(crate) fn load_rules(dir: &Path) -> anyhow::Result<RuleSet> {
    let (directory, warnings) = Directory::from_folder(dir)?;
    let rules = RuleSet::from_folder(&directory, dir)?;
    for w in warnings.iter().chain(rules.warnings()) {
        eprintln!("{w}");
    }
    Ok(rules)
}

/// The directory of `dir`; warnings go to stderr.
pub(crate) fn load_directory(dir: &Path) -> anyhow::Result<Directory> {
    let (directory, warnings) = Directory::from_folder(dir)?;
    for w in &warnings {
        eprintln!("{w}");
    }
    Ok(directory)
}

/// Where rows go: a CSV writer, JSON Lines or Parquet.
pub(crate) enum Sink {
    /// A Parquet file, started when the header (with the column types) is known.
    Parquet(Option<File>, Option<Box<ParquetSink>>),
    /// CSV with a header row.
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    /// One JSON object per line.
    Jsonl(BufWriter<Box<dyn Write>>),
}

impl Sink {
    /// A sink for `path` by its extension (`.csv`, `.jsonl`/`.ndjson`, `.parquet`), or CSV on
    /// stdout.
    pub(crate) fn create(path: Option<&Path>) -> anyhow::Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Csv(Box::new(csv::Writer::from_writer(Box::new(
                std::io::stdout(),
            )))));
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let jsonl = match ext.as_deref() {
            Some("csv") => false,
            Some("jsonl" | "ndjson") => true,
            Some("parquet") => {
                let file = File::create(path)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                return Ok(Sink::Parquet(Some(file), None));
            }
            _ => bail!(
                "cannot tell the format of `{}`: use a `.csv`, `.jsonl` or `.parquet` file",
                path.display()
            ),
        };
        let file: Box<dyn Write> = Box::new(
            File::create(path).with_context(|| format!("cannot write `{}`", path.display()))?,
        );
        Ok(if jsonl {
            Sink::Jsonl(BufWriter::new(file))
        } else {
            Sink::Csv(Box::new(csv::Writer::from_writer(file)))
        })
    }

    /// Writes the header (CSV), or starts the Parquet file with these column types.
    pub(crate) fn header(&mut self, columns: &[&str], kinds: &[Kind]) -> anyhow::Result<()> {
        match self {
            Sink::Csv(w) => w.write_record(columns)?,
            Sink::Parquet(file, sink) => {
                if let Some(f) = file.take() {
                    *sink = Some(Box::new(ParquetSink::new(f, columns, kinds)?));
                }
            }
            Sink::Jsonl(_) => {}
        }
        Ok(())
    }

    /// Writes one row: `values` in the order of `columns` (CSV: nulls empty; JSON Lines: an
    /// object with the columns as keys).
    pub(crate) fn row(
        &mut self,
        columns: &[&str],
        values: &[serde_json::Value],
    ) -> anyhow::Result<()> {
        match self {
            Sink::Parquet(_, sink) => match sink {
                Some(s) => s.row(values)?,
                None => bail!("internal error: a Parquet row before the header"),
            },
            Sink::Csv(w) => {
                let text = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                w.write_record(values.iter().map(text))?;
            }
            Sink::Jsonl(w) => {
                // keys in the order of the columns (a JSON map would sort them)
                w.write_all(b"{")?;
                for (k, (c, v)) in columns.iter().zip(values).enumerate() {
                    if k > 0 {
                        w.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut *w, c)?;
                    w.write_all(b":")?;
                    serde_json::to_writer(&mut *w, v)?;
                }
                w.write_all(b"}\n")?;
            }
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Jsonl(mut w) => w.flush()?,
            Sink::Parquet(_, Some(s)) => s.finish()?,
            Sink::Parquet(_, None) => bail!("internal error: a Parquet file without a header"),
        }
        Ok(())
    }
}
