//! Wire names of the enums the rows carry as words. Private stand-ins until every enum has its
//! own `as_str()`/`FromStr` (the model helper is adding them); then these become one-line calls.

use crate::areas::Layer;
use crate::cases::TryOutcome;
use crate::conditions::Attribute;
use crate::routing::{GapReason, Outcome};

use super::{clip, RowError, RowErrorKind};

/// The value of an attribute enum named `text`.
pub(super) fn attribute<T: Attribute>(field: &'static str, text: &str) -> Result<T, RowError> {
    T::ALL
        .iter()
        .copied()
        .find(|v| v.name() == text)
        .ok_or_else(|| RowError {
            field,
            kind: RowErrorKind::Unknown {
                value: clip(text),
                allowed: T::ALL.iter().map(|v| v.name()).collect(),
            },
        })
}

const TRY_OUTCOMES: &[(TryOutcome, &str)] = &[
    (TryOutcome::Rejected, "rejected"),
    (TryOutcome::NoResponse, "no_response"),
    (TryOutcome::WaitedTooLong, "waited_too_long"),
];

/// The wire name of a try outcome.
pub(super) fn try_outcome_str(o: TryOutcome) -> &'static str {
    TRY_OUTCOMES
        .iter()
        .find(|(v, _)| *v == o)
        .map_or("rejected", |(_, s)| s)
}

/// The try outcome named `text`.
pub(super) fn try_outcome(text: &str) -> Result<TryOutcome, RowError> {
    TRY_OUTCOMES
        .iter()
        .find(|(_, s)| *s == text)
        .map(|(v, _)| *v)
        .ok_or_else(|| RowError {
            field: "tried",
            kind: RowErrorKind::Unknown {
                value: clip(text),
                allowed: TRY_OUTCOMES.iter().map(|(_, s)| *s).collect(),
            },
        })
}

/// The wire name of a layer.
pub(super) fn layer_str(l: Layer) -> &'static str {
    match l {
        Layer::National => "national",
        Layer::Region => "region",
        Layer::Municipality => "municipality",
        Layer::Kern => "kern",
    }
}

/// The wire name of a gap reason.
pub(super) fn gap_reason_str(r: GapReason) -> &'static str {
    match r {
        GapReason::NoRule => "no_rule",
        GapReason::AllSkipped => "all_skipped",
        GapReason::NotCovered => "not_covered",
    }
}

/// The kind of an outcome: `service`, `steunpilaar`, `escalation` or `gap`.
pub(super) fn outcome_kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Service { .. } => "service",
        Outcome::Steunpilaar { .. } => "steunpilaar",
        Outcome::Escalation { .. } => "escalation",
        Outcome::Gap { .. } => "gap",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names here are the serde names: files, JSON and rows agree.
    #[test]
    fn names_are_the_serde_names() {
        let serde = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        for (o, s) in TRY_OUTCOMES {
            assert_eq!(serde(serde_json::to_value(o).unwrap()), *s);
        }
        for l in [
            Layer::National,
            Layer::Region,
            Layer::Municipality,
            Layer::Kern,
        ] {
            assert_eq!(serde(serde_json::to_value(l).unwrap()), layer_str(l));
        }
        for r in [
            GapReason::NoRule,
            GapReason::AllSkipped,
            GapReason::NotCovered,
        ] {
            assert_eq!(serde(serde_json::to_value(r).unwrap()), gap_reason_str(r));
        }
    }
}
