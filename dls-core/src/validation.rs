//! Problems found when reference data or a rule set is validated, each with its location.
//!
//! Validation never stops at the first problem: a [`ValidationReport`] lists all of them, errors
//! and warnings apart, so an author can fix a file in one pass.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::wire_names;
use crate::source::ParseError;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The data cannot be used until this is fixed.
    Error,
    /// The data can be used, but probably does not say what its author meant.
    Warning,
}

wire_names!(Severity, "severity", [Error = "error", Warning = "warning"]);

/// What kind of problem was found. Tests and tools match on this, not on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// Two items share an id.
    DuplicateId,
    /// A municipality code that the areas do not declare.
    UnknownMunicipality,
    /// A kern id that the areas do not declare.
    UnknownKern,
    /// A region id that the areas do not declare.
    UnknownRegion,
    /// A need code that the taxonomy does not declare.
    UnknownNeed,
    /// A domain that the taxonomy does not declare.
    UnknownDomain,
    /// An organisation id that the directory does not declare.
    UnknownOrganisation,
    /// A service id that the directory does not declare.
    UnknownService,
    /// A rule id that the rule set does not declare.
    UnknownRule,
    /// A condition that no value can satisfy.
    EmptyRange,
    /// A range whose minimum lies above its maximum (values or dates).
    InvertedRange,
    /// Two rules of the same layer, area, priority and overlapping needs, conditions and
    /// validity that send a need to different places: the one with the smaller id goes first.
    /// A warning; an error when the rule set is `strict`.
    Ambiguous,
    /// A rule that can never decide because an earlier rule always decides first.
    Shadowed,
    /// A rule's target service does not cover the whole of the rule's area.
    TargetOutsideCoverage,
    /// A rule's target service does not offer a need the rule routes to it.
    TargetLacksNeed,
    /// A service used in a role it does not have (e.g. a provider named as steunpilaar).
    WrongRole,
    /// An override (`replaces` or a switch-off) that is not allowed where it stands.
    InvalidOverride,
    /// Two files set the same setting to different values.
    ConflictingSetting,
    /// A list that must not be empty is empty.
    EmptyList,
    /// A rule layer file beside the loaded ones was left out, though it has rules where the
    /// loaded rules apply.
    LayerLeftOut,
    /// A number outside the values its field can take (an age above 130, say).
    OutOfRange,
    /// A rule whose areas lie in different layers.
    MixedLayers,
    /// An attribute the vocabulary does not declare.
    UnknownAttribute,
    /// A value the attribute does not declare.
    UnknownValue,
    /// A condition or a value of the wrong kind for its attribute, or a declaration that
    /// cannot be used.
    AttributeKind,
    /// A rule no case can reach: its conditions and its target's eligibility admit no case
    /// together, or it is valid only outside its target's contract period. A warning.
    Unreachable,
    /// A rule set with more rules and switch-offs than
    /// [`MAX_RULES`](crate::limits::MAX_RULES).
    TooManyRules,
}

wire_names!(
    ProblemKind,
    "problem kind",
    [
        DuplicateId = "duplicate_id",
        UnknownMunicipality = "unknown_municipality",
        UnknownKern = "unknown_kern",
        UnknownRegion = "unknown_region",
        UnknownNeed = "unknown_need",
        UnknownDomain = "unknown_domain",
        UnknownOrganisation = "unknown_organisation",
        UnknownService = "unknown_service",
        UnknownRule = "unknown_rule",
        EmptyRange = "empty_range",
        InvertedRange = "inverted_range",
        Ambiguous = "ambiguous",
        Shadowed = "shadowed",
        TargetOutsideCoverage = "target_outside_coverage",
        TargetLacksNeed = "target_lacks_need",
        WrongRole = "wrong_role",
        InvalidOverride = "invalid_override",
        ConflictingSetting = "conflicting_setting",
        EmptyList = "empty_list",
        LayerLeftOut = "layer_left_out",
        OutOfRange = "out_of_range",
        MixedLayers = "mixed_layers",
        UnknownAttribute = "unknown_attribute",
        UnknownValue = "unknown_value",
        AttributeKind = "attribute_kind",
        Unreachable = "unreachable",
        TooManyRules = "too_many_rules",
    ]
);

/// Where a problem is: as much of file, item, field and row as applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file (or source name) the item came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The item, such as ``rule `nat-wmo` `` or ``service `wmo-loket` ``.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The field within the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The 1-based row, for tabular input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
}

impl Location {
    /// A location naming an item of a kind (`rule`, `service`, …) and its id.
    pub fn item(file: Option<&str>, kind: &str, id: &str) -> Location {
        Location {
            file: file.map(str::to_string),
            item: Some(format!("{kind} `{id}`")),
            field: None,
            row: None,
        }
    }

    /// The same location narrowed to a field.
    pub fn field(mut self, field: impl Into<String>) -> Location {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(format!("`{file}`"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(item) = &self.item {
            parts.push(item.clone());
        }
        if let Some(field) = &self.field {
            parts.push(format!("field `{field}`"));
        }
        if parts.is_empty() {
            f.write_str("input")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in a short lowercase sentence.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.severity.as_str(),
            self.location,
            self.message
        )
    }
}

/// All problems found in one validation; an `Err` holds at least one error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Every problem, errors first, then in the order found.
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    /// Adds an error.
    pub fn error(&mut self, kind: ProblemKind, location: Location, message: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Error,
            kind,
            location,
            message: message.into(),
        });
    }

    /// Adds a warning.
    pub fn warning(&mut self, kind: ProblemKind, location: Location, message: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            kind,
            location,
            message: message.into(),
        });
    }

    /// Adds the error for an item declared twice.
    pub(crate) fn duplicate(&mut self, file: Option<String>, kind: &str, id: &str, field: &str) {
        self.error(
            ProblemKind::DuplicateId,
            Location::item(file.as_deref(), kind, id).field(field),
            format!("{kind} `{id}` is declared twice"),
        );
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Problems of one kind.
    pub fn of_kind(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }

    /// Sorts errors before warnings, keeping the order found within each.
    pub(crate) fn finish(mut self) -> Self {
        self.problems.sort_by_key(|p| p.severity);
        self
    }

    /// `Err(self)` when there are errors, else `Ok(warnings)`.
    pub(crate) fn into_result(self) -> Result<Vec<Problem>, ValidationReport> {
        let report = self.finish();
        if report.has_errors() {
            Err(report)
        } else {
            Ok(report.problems)
        }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        let w = self.problems.len() - n;
        write!(f, "validation found {n} error(s) and {w} warning(s)")?;
        for p in &self.problems {
            write!(f, "; {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}

/// What a loader (`Directory::from_files`, `RuleSet::from_files`, …) can fail with: the input
/// could not be read or parsed, or it was read and failed validation. Each carries its own
/// locations (file, line and column; file, item and field).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be read or parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The input was read and failed validation.
    #[error(transparent)]
    Invalid(#[from] ValidationReport),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_agree_with_serde() {
        crate::ids::assert_wire_names!(Severity, ProblemKind);
    }
}
