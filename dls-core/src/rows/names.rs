//! Enum values from the words a row carries, through each enum's own wire names, with an error
//! that names the field and lists the allowed words.

use crate::cases::TryOutcome;
use crate::conditions::Attribute;

use super::{RowError, RowErrorKind};

/// The value named `text` among `all` (named by `name`), for `field`.
fn named<T: Copy>(
    field: &'static str,
    text: &str,
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> Result<T, RowError> {
    all.iter()
        .copied()
        .find(|&v| name(v) == text)
        .ok_or_else(|| RowError {
            field,
            kind: RowErrorKind::Unknown {
                allowed: all.iter().map(|&v| name(v)).collect(),
            },
        })
}

/// The value of an attribute enum named `text`.
pub(super) fn attribute<T: Attribute>(field: &'static str, text: &str) -> Result<T, RowError> {
    named(field, text, T::ALL, T::name)
}

/// The try outcome named `text`.
pub(super) fn try_outcome(text: &str) -> Result<TryOutcome, RowError> {
    named("tried", text, TryOutcome::ALL, TryOutcome::as_str)
}
