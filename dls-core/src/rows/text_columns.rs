//! A case table held as text (a CSV file, a spreadsheet export): its header checked once
//! against the directory's vocabulary ([`TextColumns::new`]), then each record read into a
//! [`CaseRow`] ([`TextColumns::row`]), so that a CSV file routes exactly as the same cases given
//! as an Arrow table (Python's `route_batch`) or as case files.
//!
//! The columns are the [`CASE_COLUMNS`] (read as [`CaseRow::from_text`] reads them) and one
//! column per declared attribute beyond the national ones, its text read by the attribute's
//! declared kind, as [`attribute_column`](super::attribute_column) types an Arrow column:
//!
//! | declared kind        | text                                           |
//! |----------------------|------------------------------------------------|
//! | `enum`, `ordered`    | the word                                       |
//! | `boolean`            | `true` / `false` (also `1` / `0`, `yes` / `no`) |
//! | `integer`            | the number, digits with an optional sign       |
//! | `flags`              | the words with `;` between (empty: none)       |
//!
//! An empty cell is "not stated". A column that is neither a case column nor a declared
//! attribute is a [`ColumnError`] naming it, with the closest name when one is close (a misspelt
//! column would otherwise be dropped without a word); so is a column named twice and a
//! missing required column (`id`, `kern`, `needs`). A cell its attribute cannot hold (`maybe` for
//! a boolean, `12x` for an integer, an undeclared word) fails its own row when the row becomes a
//! case ([`CaseRow::to_case_in`]), naming the attribute, never repeating the value.

use crate::attributes::AttributeValue;
use crate::vocabulary::{AttributeKind, Vocabulary};

use super::columns::{attribute_column, AttributeColumn, Cell, ColumnError, ColumnType};
use super::{CaseRow, RowError, CASE_COLUMNS};

/// The columns a case table must have.
pub const REQUIRED_COLUMNS: &[&str] = &["id", "kern", "needs"];

/// The header of a case table held as text, checked against a vocabulary: where each case
/// column and each declared attribute is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextColumns {
    /// The position in the header of each of [`CASE_COLUMNS`], in that order.
    case: Vec<Option<usize>>,
    /// The declared attributes: position, name, kind.
    extra: Vec<(usize, String, AttributeKind)>,
}

impl TextColumns {
    /// Checks `header` (the names as written; surrounding spaces are ignored) against
    /// `vocabulary`: every name a case column or an attribute it declares beyond the national
    /// ones, none twice, the required ones present.
    pub fn new<S: AsRef<str>>(
        header: &[S],
        vocabulary: &Vocabulary,
    ) -> Result<TextColumns, ColumnError> {
        let mut case = vec![None; CASE_COLUMNS.len()];
        let mut extra = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.as_ref().trim();
            if !seen.insert(name) {
                return Err(ColumnError::Duplicate {
                    column: name.to_string(),
                });
            }
            if let Some(k) = CASE_COLUMNS.iter().position(|c| *c == name) {
                case[k] = Some(i);
                continue;
            }
            // a text column holds any kind: each cell is read by the declared kind, in its row
            let found = match vocabulary.attribute(name).map(|d| d.kind()) {
                Ok(AttributeKind::Boolean) => ColumnType::Bool,
                Ok(AttributeKind::Integer) => ColumnType::Int,
                _ => ColumnType::Text,
            };
            let column = attribute_column(vocabulary, name, found)?;
            extra.push((i, name.to_string(), column.kind));
        }
        for required in REQUIRED_COLUMNS {
            let k = CASE_COLUMNS.iter().position(|c| c == required);
            if k.and_then(|k| case[k]).is_none() {
                return Err(ColumnError::Missing {
                    column: required.to_string(),
                });
            }
        }
        Ok(TextColumns { case, extra })
    }

    /// The declared attributes the table has, in header order.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(_, n, _)| n.as_str())
    }

    /// The row whose cell at each header position `cell(i)` gives (`None` or empty: not
    /// given). The numbers, the date and the consent flag are checked here
    /// ([`CaseRow::from_text`]); the words and the declared attributes when the row becomes a
    /// case ([`CaseRow::to_case_in`]).
    pub fn row<'a>(
        &'a self,
        cell: impl Fn(usize) -> Option<&'a str>,
    ) -> Result<CaseRow<'a>, RowError> {
        let mut row = CaseRow::from_text(|name| {
            let k = CASE_COLUMNS.iter().position(|c| *c == name)?;
            self.case[k].and_then(&cell)
        })?;
        for (i, name, kind) in &self.extra {
            let Some(text) = cell(*i).map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            // a cell its kind cannot hold goes on as a word, for the vocabulary to refuse in
            // its row, naming the attribute
            let value = match kind {
                AttributeKind::Boolean => match text {
                    "true" | "1" | "yes" => AttributeValue::Bool(true),
                    "false" | "0" | "no" => AttributeValue::Bool(false),
                    _ => AttributeValue::Word(text.to_string()),
                },
                AttributeKind::Integer => text.parse().map_or_else(
                    |_| AttributeValue::Word(text.to_string()),
                    AttributeValue::Int,
                ),
                kind => {
                    let column = AttributeColumn { name, kind: *kind };
                    match column.value(Cell::Text(text)) {
                        Some(v) => v,
                        None => continue,
                    }
                }
            };
            row.extra.push((name.as_str(), value));
        }
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::AttributeDeclaration;
    use std::collections::BTreeMap;

    fn vocabulary() -> Vocabulary {
        let d: BTreeMap<String, AttributeDeclaration> = toml::from_str(
            r#"
            urgency = { values = ["acute"] }
            has_wlz_indication = { kind = "boolean" }
            language = { kind = "enum", values = ["nl", "en", "ar"] }
            debts = { kind = "integer", min = 0, max = 50 }
            needs_help_with = { kind = "flags", values = ["forms", "phone"] }
            "#,
        )
        .unwrap();
        Vocabulary::new(&d).unwrap()
    }

    const HEADER: &[&str] = &[
        "id",
        " kern",
        "needs",
        "urgency",
        "language",
        "has_wlz_indication",
        "debts",
        "needs_help_with",
    ];

    fn read(record: &[&'static str]) -> Result<crate::Case, RowError> {
        let v = vocabulary();
        let cols = TextColumns::new(HEADER, &v).unwrap();
        let row = cols.row(|i| record.get(i).copied())?;
        row.to_case_in(&v)
    }

    #[test]
    fn declared_columns_are_read_by_their_kind() {
        let c = read(&[
            "c1",
            "dorp",
            "zorg.a",
            "acute",
            "ar",
            "yes",
            "7",
            "forms; phone",
        ])
        .unwrap();
        let extra = &c.attributes().extra;
        assert_eq!(extra["language"], AttributeValue::Word("ar".into()));
        assert_eq!(extra["has_wlz_indication"], AttributeValue::Bool(true));
        assert_eq!(extra["debts"], AttributeValue::Int(7));
        assert_eq!(
            extra["needs_help_with"],
            AttributeValue::Words(vec!["forms".into(), "phone".into()])
        );
        assert_eq!(extra["urgency"], AttributeValue::Word("acute".into()));
        // empty cells: not stated
        let c = read(&["c1", "dorp", "zorg.a", "", "", " ", "", ""]).unwrap();
        assert!(
            c.attributes().extra.is_empty(),
            "{:?}",
            c.attributes().extra
        );
    }

    #[test]
    fn a_bad_cell_fails_its_row_naming_the_attribute_not_the_value() {
        let e = |r: &[&'static str]| read(r).unwrap_err().to_string();
        let base = ["c1", "dorp", "zorg.a", "", "", "", "", ""];
        let with = |k: usize, v: &'static str| {
            let mut r = base;
            r[k] = v;
            r
        };
        let m = e(&with(5, "maybe"));
        assert!(m.contains("`has_wlz_indication` takes"), "{m}");
        assert!(!m.contains("maybe"), "{m}");
        let m = e(&with(6, "12x"));
        assert!(m.contains("`debts` takes"), "{m}");
        assert!(!m.contains("12x"), "{m}");
        let m = e(&with(6, "51"));
        assert!(m.contains("`debts`: a value lies outside 0 to 50"), "{m}");
        let m = e(&with(4, "klingon"));
        assert!(m.contains("`language`: unknown value"), "{m}");
        assert!(!m.contains("klingon"), "{m}");
        let m = e(&with(7, "forms;fax"));
        assert!(m.contains("`needs_help_with`: unknown value"), "{m}");
        let m = e(&with(3, "acuute"));
        assert!(m.contains("did you mean `acute`"), "{m}");
    }

    #[test]
    fn the_header_is_checked_once_with_did_you_mean() {
        let v = vocabulary();
        let e = TextColumns::new(&["id", "kern", "needs", "langauge"], &v).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `langauge` is neither a case column nor a declared attribute; did you mean `language`"
        );
        assert_eq!(e.column(), "langauge");
        // a declared attribute of the national vocabulary has its own column only
        let e = TextColumns::new(
            &["id", "kern", "needs", "language"],
            &Vocabulary::national(),
        )
        .unwrap_err();
        assert_eq!(e.column(), "language");
        let e = TextColumns::new(&["id", "needs", "language"], &v).unwrap_err();
        assert_eq!(e.to_string(), "the column `kern` is missing");
        let e = TextColumns::new(&["id", "kern", "needs", "kern "], &v).unwrap_err();
        assert_eq!(e.to_string(), "column `kern` is named twice");
        let cols = TextColumns::new(HEADER, &v).unwrap();
        assert_eq!(
            cols.attributes().collect::<Vec<_>>(),
            ["language", "has_wlz_indication", "debts", "needs_help_with"]
        );
    }

    /// A header of the case columns only reads exactly as [`CaseRow::from_text`].
    #[test]
    fn case_columns_read_as_from_text() {
        let header = CASE_COLUMNS;
        let record = [
            "c1",
            "hoofddorp",
            "zorg.b;zorg.a",
            "67",
            "single",
            "urgent",
            "wmo",
            "rent_arrears",
            "105",
            "2026-03-02",
            "svc:no_response",
            "yes",
        ];
        let cols = TextColumns::new(header, &Vocabulary::national()).unwrap();
        let a = cols.row(|i| record.get(i).copied()).unwrap();
        let b = CaseRow::from_text(|f| {
            let k = CASE_COLUMNS.iter().position(|c| *c == f)?;
            record.get(k).copied()
        })
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_case().unwrap(), b.to_case().unwrap());
    }
}
