//! Reading TOML and JSON input with typed errors that say which file and where.
//!
//! Every loader in dls goes through [`parse`], so malformed, oversized or deeply nested input
//! gives a [`ParseError`] and never a panic. Messages never quote the input text itself.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::wire_names;

pub use crate::limits::{MAX_INPUT_BYTES, MAX_JSON_DEPTH};

/// A text format dls reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// TOML, the format for hand-written rule sets and directories.
    Toml,
    /// JSON, for machine-written files and other stacks.
    Json,
}

impl Format {
    /// The format a file name suggests (`.toml` or `.json`), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

wire_names!(Format, "format", [Toml = "toml", Json = "json"]);

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Toml => "TOML",
            Format::Json => "JSON",
        })
    }
}

/// Input that could not be read into the expected model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The file could not be read.
    #[error("cannot read `{file}`: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A file that was asked for, or that a folder must hold, does not exist.
    #[error("cannot find `{file}`")]
    NotFound {
        /// The file (for a folder's file, the name it was looked for under).
        file: String,
    },
    /// The files given lack a part that a companion file holds (e.g. a directory file loaded
    /// without its areas): the error names the companion to load with them.
    #[error("`{file}` has no {part}: load `{companion}` with it, or load the whole folder")]
    MissingCompanion {
        /// The file (the first one given).
        file: String,
        /// What is missing: `areas` or `taxonomy`.
        part: &'static str,
        /// The companion file that holds it (where it is looked for beside `file`).
        companion: String,
    },
    /// The file name gives no known format.
    #[error("cannot tell the format of `{file}`: use a `.toml` or `.json` file")]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// The input is empty or only white space.
    #[error("`{file}` is empty")]
    Empty {
        /// The file.
        file: String,
    },
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("`{file}` is {bytes} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The input nests deeper than accepted.
    #[error("`{file}` nests deeper than {limit} levels at line {line}")]
    TooDeep {
        /// The file.
        file: String,
        /// The line where the limit was passed.
        line: usize,
        /// The limit.
        limit: usize,
    },
    /// The text is not valid for the format or the model (syntax, types, unknown fields, bad ids).
    #[error("{format} error in `{file}` at line {line}, column {column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// TOML or JSON.
        format: Format,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// 1-based column, 0 when unknown.
        column: usize,
        /// What is wrong, without quoting the input.
        message: String,
    },
}

/// Where in its input a [`ParseError`] happened, as far as known: what bindings show beside the
/// message, without matching on the error's variants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ParseLocation {
    /// The file (or source name).
    pub file: Option<String>,
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column.
    pub column: Option<usize>,
}

impl ParseError {
    /// True when a file is missing: one asked for, one a folder must hold, or a companion the
    /// files given need. Bindings raise their platform's "file not found" for these.
    pub fn is_missing_file(&self) -> bool {
        matches!(
            self,
            ParseError::NotFound { .. } | ParseError::MissingCompanion { .. }
        )
    }

    /// Where the error happened: the file always, line and column where known.
    pub fn location(&self) -> ParseLocation {
        let known = |n: usize| (n > 0).then_some(n);
        let (file, line, column) = match self {
            ParseError::Syntax {
                file, line, column, ..
            } => (file, known(*line), known(*column)),
            ParseError::TooDeep { file, line, .. } => (file, known(*line), None),
            ParseError::Io { file, .. }
            | ParseError::NotFound { file }
            | ParseError::MissingCompanion { file, .. }
            | ParseError::UnknownFormat { file }
            | ParseError::Empty { file }
            | ParseError::TooLarge { file, .. } => (file, None, None),
        };
        ParseLocation {
            file: Some(file.clone()),
            line,
            column,
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Checks JSON nesting depth before serde sees it (serde_json's own limit is 128).
fn json_depth_check(file: &str, text: &str) -> Result<(), ParseError> {
    let (mut depth, mut in_str, mut esc, mut line) = (0usize, false, false, 1usize);
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(ParseError::TooDeep {
                        file: file.into(),
                        line,
                        limit: MAX_JSON_DEPTH,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses `text` (named `file` in errors) as `format` into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, format: Format, file: &str) -> Result<T, ParseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            file: file.into(),
            bytes: text.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if text.trim().is_empty() {
        return Err(ParseError::Empty { file: file.into() });
    }
    match format {
        Format::Json => {
            json_depth_check(file, text)?;
            serde_json::from_str(text).map_err(|e| ParseError::Syntax {
                file: file.into(),
                format,
                line: e.line(),
                column: e.column(),
                message: redact(&strip_position(&e.to_string())),
            })
        }
        Format::Toml => toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            ParseError::Syntax {
                file: file.into(),
                format,
                line,
                column,
                message: redact(e.message().trim()).replace('\n', " "),
            }
        }),
    }
}

/// A deserialiser's message without the input values it quotes: serde and the TOML and JSON
/// readers write the value that failed (``invalid type: string "111222333"``, ``unknown variant
/// `Jan` ``), which may be personal data typed into the wrong field. What stays says what was
/// expected. Bindings pass the messages of their own converters (e.g. Python objects read with
/// serde) through here too.
pub fn redact(msg: &str) -> String {
    redact_quoted(msg, false)
}

/// [`redact`], and unknown field names too: for data a host builds at run time (a Python dict,
/// a JSON record), whose keys may be anything, where a file's misspelt field name is not the
/// question.
pub fn redact_keys(msg: &str) -> String {
    redact_quoted(msg, true)
}

fn redact_quoted(msg: &str, keys: bool) -> String {
    // kinds of quoted values in serde's messages, and what stays in their place
    // (field names stay: they are the schema's words, and a misspelt one must be findable)
    const QUOTED: [(&str, &str); 8] = [
        ("string \"", "a string"),
        ("integer `", "an integer"),
        ("floating point `", "a number"),
        ("character `", "a character"),
        ("boolean `", "a boolean"),
        ("unknown variant `", "unknown variant"),
        ("invalid value: `", "invalid value"),
        ("unknown field `", "unknown field"),
    ];
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    'outer: while !rest.is_empty() {
        for (open, says) in QUOTED {
            if open == "unknown field `" && !keys {
                continue;
            }
            if let Some(after) = rest.strip_prefix(open) {
                let close = if open.ends_with('"') { '"' } else { '`' };
                // the closing quote (a `\"` inside a JSON string does not close it)
                let mut end = None;
                let mut escaped = false;
                for (i, c) in after.char_indices() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && close == '"' {
                        escaped = true;
                    } else if c == close {
                        end = Some(i);
                        break;
                    }
                }
                out.push_str(says);
                rest = match end {
                    Some(i) => &after[i + 1..],
                    None => "",
                };
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Reads a file and parses it, taking the format from its extension.
pub fn parse_file<T: DeserializeOwned>(path: &Path) -> Result<T, ParseError> {
    let (text, format, name) = read_file(path)?;
    parse(&text, format, &name)
}

/// The error for a file that could not be opened or read: [`ParseError::NotFound`] when it
/// does not exist, else [`ParseError::Io`] with the operating system's reason.
pub fn io_error(file: &str, e: &std::io::Error) -> ParseError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ParseError::NotFound { file: file.into() },
        kind => ParseError::Io {
            file: file.into(),
            reason: kind.to_string(),
        },
    }
}

/// Reads a file's text and its format, with the errors of [`parse_file`].
pub fn read_file(path: &Path) -> Result<(String, Format, String), ParseError> {
    let name = path.display().to_string();
    let format =
        Format::from_path(path).ok_or_else(|| ParseError::UnknownFormat { file: name.clone() })?;
    let meta = std::fs::metadata(path).map_err(|e| io_error(&name, &e))?;
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(ParseError::TooLarge {
            file: name,
            bytes: meta.len() as usize,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(&name, &e))?;
    let text = String::from_utf8(bytes).map_err(|e| ParseError::Syntax {
        file: name.clone(),
        format,
        line: 0,
        column: 0,
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    Ok((text, format, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_removes_the_values_serde_quotes() {
        for (msg, want) in [
            (
                r#"invalid type: string "111222333", expected u16"#,
                "invalid type: a string, expected u16",
            ),
            (
                r#"invalid type: string "Jan \"de\" Vries", expected a map"#,
                "invalid type: a string, expected a map",
            ),
            (
                "unknown variant `Jan de Vries`, expected one of `normal`, `urgent`",
                "unknown variant, expected one of `normal`, `urgent`",
            ),
            (
                "invalid value: integer `111222333`, expected i32",
                "invalid value: an integer, expected i32",
            ),
        ] {
            assert_eq!(redact(msg), want);
        }
        let msg = "unknown field `Jan de Vries`, expected `id`";
        assert_eq!(redact(msg), msg);
        assert_eq!(redact_keys(msg), "unknown field, expected `id`");
    }

    #[test]
    fn format_wire_names() {
        crate::ids::assert_wire_names!(Format);
        assert_eq!(Format::Toml.to_string(), "TOML");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u32,
    }

    #[test]
    fn positions_are_reported() {
        let e = parse::<T>("a = 1\nb = 2\n", Format::Toml, "f.toml").unwrap_err();
        match e {
            ParseError::Syntax { line, .. } => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        let e = parse::<T>("{\n\"a\": \"x\"}", Format::Json, "f.json").unwrap_err();
        assert!(matches!(e, ParseError::Syntax { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn locations_without_matching_variants() {
        let e = parse::<T>("a = 1\nb = 2\n", Format::Toml, "f.toml").unwrap_err();
        let l = e.location();
        assert_eq!(
            (l.file.as_deref(), l.line, l.column),
            (Some("f.toml"), Some(2), Some(1))
        );
        let e = parse::<T>(" ", Format::Json, "e.json").unwrap_err();
        assert_eq!(
            e.location(),
            ParseLocation {
                file: Some("e.json".into()),
                line: None,
                column: None
            }
        );
    }

    #[test]
    fn deep_json_is_refused() {
        let text = "[".repeat(10_000);
        assert!(matches!(
            parse::<T>(&text, Format::Json, "deep.json"),
            Err(ParseError::TooDeep { .. })
        ));
    }
}
