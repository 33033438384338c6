//! Declared attributes as extra columns of a case table: a column beyond [`CASE_COLUMNS`] is
//! the attribute of that name, read as its declaration says. Every host that holds cases as a
//! table (an Arrow table from Python, a CSV file) asks here which columns it may read and what
//! each cell means, so that a table routes exactly as the same cases written as case files.
//!
//! | declared kind        | column type                                | value                     |
//! |----------------------|--------------------------------------------|---------------------------|
//! | `enum`, `ordered`    | text                                       | the word                  |
//! | `boolean`            | boolean                                    | `true` / `false`          |
//! | `integer`            | integer (any width)                        | the number                |
//! | `flags`              | list of text, or text with `;` between     | the words (empty: none)   |
//!
//! A null or empty cell is "not stated". A column that is neither a case column nor a declared
//! attribute is an error naming it (with the closest name when one is close): a misspelt
//! column would otherwise be dropped without a word, and every case would route as if the
//! attribute were not stated. A column of the wrong type is an error naming the column and the
//! type its attribute takes; a cell whose value the declaration does not hold (an undeclared
//! word, an integer out of bounds) fails its own row, through [`CaseRow::to_case_in`](super::CaseRow::to_case_in), without
//! repeating the value.

use std::collections::BTreeMap;

use crate::attributes::AttributeValue;
use crate::vocabulary::{suggest, AttributeKind, Suggestion, Vocabulary};

use super::text::list_items;
use super::CASE_COLUMNS;

/// The type of a host's column, as far as a declared attribute cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// Text (strings, categoricals).
    Text,
    /// A list of texts.
    List,
    /// Booleans.
    Bool,
    /// Whole numbers.
    Int,
}

impl ColumnType {
    /// The type in words, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::List => "lists of text",
            ColumnType::Bool => "booleans",
            ColumnType::Int => "whole numbers",
        }
    }
}

/// One cell of an attribute column, borrowed from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// A text cell.
    Text(&'a str),
    /// A list cell.
    List(Vec<&'a str>),
    /// A boolean cell.
    Bool(bool),
    /// A whole-number cell.
    Int(i64),
}

/// An extra column of a case table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnError {
    /// The column is neither a case column nor an attribute the directory declares.
    #[error("column `{column}` is neither a case column nor a declared attribute{suggestion}")]
    Unknown {
        /// The column's name.
        column: String,
        /// The closest case column or declared attribute, if close.
        suggestion: Suggestion,
    },
    /// The column's type does not fit its attribute's declaration.
    #[error("column `{column}` holds {found} where its attribute takes {expected}")]
    WrongType {
        /// The column's name (= the attribute).
        column: String,
        /// The column's type, in words.
        found: &'static str,
        /// What the attribute takes, in words.
        expected: &'static str,
    },
    /// Cases state the attribute with values of different kinds (e.g. a word and a number),
    /// so no one column type holds them all.
    #[error("attribute `{column}` has values of different kinds across cases")]
    Mixed {
        /// The attribute.
        column: String,
    },
    /// A required case column is missing.
    #[error("the column `{column}` is missing")]
    Missing {
        /// The column's name.
        column: String,
    },
    /// A table names one column twice.
    #[error("column `{column}` is named twice")]
    Duplicate {
        /// The column's name.
        column: String,
    },
}

impl ColumnError {
    /// The column at fault.
    pub fn column(&self) -> &str {
        match self {
            ColumnError::Unknown { column, .. }
            | ColumnError::WrongType { column, .. }
            | ColumnError::Mixed { column }
            | ColumnError::Missing { column }
            | ColumnError::Duplicate { column } => column,
        }
    }
}

/// A declared attribute read from a column: its name and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeColumn<'a> {
    /// The column's name, which is the attribute's.
    pub name: &'a str,
    /// The attribute's declared kind.
    pub kind: AttributeKind,
}

impl AttributeColumn<'_> {
    /// The attribute's value in `cell`; `None` for an empty cell ("not stated"). The cell's
    /// type was checked by [`attribute_column`]; a cell of another type is passed on as it
    /// is, for the vocabulary to refuse in its row.
    pub fn value(&self, cell: Cell<'_>) -> Option<AttributeValue> {
        match (self.kind, cell) {
            (_, Cell::Text("")) => None,
            (AttributeKind::Flags, Cell::Text(t)) => Some(AttributeValue::Words(
                list_items(t).into_iter().map(str::to_string).collect(),
            )),
            (AttributeKind::Flags, Cell::List(l)) => Some(AttributeValue::Words(
                l.into_iter().map(str::to_string).collect(),
            )),
            (_, Cell::Text(t)) => Some(AttributeValue::Word(t.to_string())),
            (_, Cell::List(l)) => Some(AttributeValue::Words(
                l.into_iter().map(str::to_string).collect(),
            )),
            (_, Cell::Bool(b)) => Some(AttributeValue::Bool(b)),
            (_, Cell::Int(i)) => Some(AttributeValue::Int(i)),
        }
    }
}

/// The attribute a column of a case table beyond [`CASE_COLUMNS`] stands for, checked against
/// `vocabulary`: the column must be named after an attribute the directory declares (beyond the
/// national six, which have their own columns) and be of a type that holds it:
///
/// | declared kind        | column type                                | value                     |
/// |----------------------|--------------------------------------------|---------------------------|
/// | `enum`, `ordered`    | text                                       | the word                  |
/// | `boolean`            | boolean                                    | `true` / `false`          |
/// | `integer`            | integer (any width)                        | the number                |
/// | `flags`              | list of text, or text with `;` between     | the words (empty: none)   |
pub fn attribute_column<'a>(
    vocabulary: &Vocabulary,
    column: &'a str,
    found: ColumnType,
) -> Result<AttributeColumn<'a>, ColumnError> {
    let declared = vocabulary
        .attribute(column)
        .ok()
        .filter(|_| !CASE_COLUMNS.contains(&column))
        .filter(|d| !is_national(d.name().as_str()));
    let Some(d) = declared else {
        let names = CASE_COLUMNS
            .iter()
            .copied()
            .chain(vocabulary.attributes().iter().map(|a| a.name().as_str()))
            .filter(|n| !is_national(n) || CASE_COLUMNS.contains(n));
        return Err(ColumnError::Unknown {
            column: column.to_string(),
            suggestion: Suggestion(suggest(column, names)),
        });
    };
    let kind = d.kind();
    let fits = match kind {
        AttributeKind::Enum | AttributeKind::Ordered => found == ColumnType::Text,
        AttributeKind::Boolean => found == ColumnType::Bool,
        AttributeKind::Integer => found == ColumnType::Int,
        AttributeKind::Flags => matches!(found, ColumnType::Text | ColumnType::List),
    };
    if !fits {
        return Err(ColumnError::WrongType {
            column: column.to_string(),
            found: found.as_str(),
            expected: match kind {
                AttributeKind::Enum | AttributeKind::Ordered => "text",
                AttributeKind::Boolean => "booleans",
                AttributeKind::Integer => "whole numbers",
                AttributeKind::Flags => "lists of text or text with `;` between words",
            },
        });
    }
    Ok(AttributeColumn { name: column, kind })
}

/// The national attributes, which a case table writes in their own columns.
fn is_national(name: &str) -> bool {
    matches!(
        name,
        "age" | "household" | "urgency" | "framework" | "signals" | "income_pct"
    )
}

/// The extra columns a table of `rows` needs for the declared attributes its cases state,
/// by name, each with the one column type that holds every value: a word and a list of words
/// make a list column (a set of flags may be stated as one word). Cases that state one
/// attribute with values of different kinds give [`ColumnError::Mixed`].
pub fn extra_columns<'r>(
    rows: impl IntoIterator<Item = &'r super::CaseRow<'r>>,
) -> Result<Vec<(&'r str, ColumnType)>, ColumnError> {
    let mut types: BTreeMap<&'r str, ColumnType> = BTreeMap::new();
    for row in rows {
        for (name, value) in &row.extra {
            let t = match value {
                AttributeValue::Bool(_) => ColumnType::Bool,
                AttributeValue::Int(_) => ColumnType::Int,
                AttributeValue::Word(_) => ColumnType::Text,
                AttributeValue::Words(_) => ColumnType::List,
            };
            let slot = types.entry(*name).or_insert(t);
            *slot = match (*slot, t) {
                (a, b) if a == b => a,
                (ColumnType::Text | ColumnType::List, ColumnType::Text | ColumnType::List) => {
                    ColumnType::List
                }
                _ => {
                    return Err(ColumnError::Mixed {
                        column: name.to_string(),
                    })
                }
            };
        }
    }
    Ok(types.into_iter().collect())
}

/// The cell of column `name` (of type `column`, from [`extra_columns`]) for `row`: `None`
/// when the case does not state it.
pub fn extra_cell<'r>(
    row: &'r super::CaseRow<'r>,
    name: &str,
    column: ColumnType,
) -> Option<Cell<'r>> {
    let (_, v) = row.extra.iter().find(|(n, _)| *n == name)?;
    Some(match (v, column) {
        (AttributeValue::Word(w), ColumnType::List) => Cell::List(vec![w.as_str()]),
        (AttributeValue::Word(w), _) => Cell::Text(w),
        (AttributeValue::Words(ws), _) => Cell::List(ws.iter().map(String::as_str).collect()),
        (AttributeValue::Bool(b), _) => Cell::Bool(*b),
        (AttributeValue::Int(i), _) => Cell::Int(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::CaseRow;
    use crate::vocabulary::AttributeDeclaration;

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

    #[test]
    fn declared_columns_read_by_their_kind() {
        let v = vocabulary();
        let lang = attribute_column(&v, "language", ColumnType::Text).unwrap();
        assert_eq!(
            lang.value(Cell::Text("ar")),
            Some(AttributeValue::Word("ar".into()))
        );
        assert_eq!(lang.value(Cell::Text("")), None);
        let flags = attribute_column(&v, "needs_help_with", ColumnType::Text).unwrap();
        assert_eq!(
            flags.value(Cell::Text("forms; phone")),
            Some(AttributeValue::Words(vec!["forms".into(), "phone".into()]))
        );
        assert!(attribute_column(&v, "needs_help_with", ColumnType::List).is_ok());
        assert!(attribute_column(&v, "debts", ColumnType::Int).is_ok());
        assert!(attribute_column(&v, "has_wlz_indication", ColumnType::Bool).is_ok());
    }

    #[test]
    fn unknown_and_mistyped_columns_are_named() {
        let v = vocabulary();
        let e = attribute_column(&v, "langauge", ColumnType::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `langauge` is neither a case column nor a declared attribute; did you mean `language`"
        );
        // a national attribute has its own column; its name is not an extra column
        assert!(attribute_column(&v, "urgency", ColumnType::Text).is_err());
        let e = attribute_column(&Vocabulary::national(), "age_band", ColumnType::Text)
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("did you mean `age`"), "{e}");
        let e = attribute_column(&v, "debts", ColumnType::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `debts` holds text where its attribute takes whole numbers"
        );
        assert!(attribute_column(&v, "has_wlz_indication", ColumnType::Int).is_err());
    }

    #[test]
    fn extra_columns_hold_every_value_of_the_cases() {
        let row = |extra: Vec<(&'static str, AttributeValue)>| CaseRow {
            extra,
            ..CaseRow::default()
        };
        let rows = [
            row(vec![
                ("language", AttributeValue::Word("ar".into())),
                ("f", AttributeValue::Word("forms".into())),
            ]),
            row(vec![
                ("f", AttributeValue::Words(vec!["phone".into()])),
                ("b", AttributeValue::Bool(true)),
            ]),
        ];
        let cols = extra_columns(&rows).unwrap();
        assert_eq!(
            cols,
            [
                ("b", ColumnType::Bool),
                ("f", ColumnType::List),
                ("language", ColumnType::Text)
            ]
        );
        assert_eq!(
            extra_cell(&rows[0], "f", ColumnType::List),
            Some(Cell::List(vec!["forms"]))
        );
        assert_eq!(extra_cell(&rows[0], "b", ColumnType::Bool), None);
        let mixed = [
            row(vec![("x", AttributeValue::Int(1))]),
            row(vec![("x", AttributeValue::Bool(true))]),
        ];
        assert_eq!(
            extra_columns(&mixed).unwrap_err().to_string(),
            "attribute `x` has values of different kinds across cases"
        );
    }
}
