//! Log mappings: how a log that was not written for dls is read. A [`LogMapping`] names the
//! log's columns (case id, timestamp, activity, organisation, …) and maps the log's own activity
//! names to dls [`Activity`]s, and says what happens to rows that do not fit: activities with no
//! mapping, a bad optional field, a case without an `opened` event.
//!
//! Two presets: [`LogMapping::dls`] (dls's own columns, strict: the default of every reader) and
//! [`LogMapping::pm4py`] (the pm4py / XES conventions `case:concept:name`, `concept:name`,
//! `time:timestamp`, `org:resource`, lenient). A mapping is also data: TOML
//! ([`LogMapping::from_toml`]) or JSON ([`LogMapping::from_json`]), starting from a preset:
//!
//! ```toml
//! preset = "pm4py"
//! [columns]
//! kern = "wijk"
//! [activities]
//! "Melding ontvangen" = "opened"
//! "Intakegesprek" = "first_contact"
//! ```
//!
//! `dimensions = ["channel"]` names extra columns of the log that aggregates can be grouped by
//! (see [`LogMapping::dimensions`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::evaluation::columns::{COUNT_COLUMNS, NUMBER_COLUMNS};
use crate::evaluation::error::EvalError;
use crate::events::Activity;
use crate::hash::FxMap;

/// The fields of an event row, in the order of
/// [`EventFields`](crate::evaluation::EventFields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Field {
    CaseId,
    Timestamp,
    Activity,
    Organisation,
    Service,
    Kern,
    Need,
    Reason,
    Municipality,
    Region,
    Domain,
    Phase,
    Framework,
    Signals,
}

impl Field {
    pub(crate) const ALL: [Field; 14] = [
        Field::CaseId,
        Field::Timestamp,
        Field::Activity,
        Field::Organisation,
        Field::Service,
        Field::Kern,
        Field::Need,
        Field::Reason,
        Field::Municipality,
        Field::Region,
        Field::Domain,
        Field::Phase,
        Field::Framework,
        Field::Signals,
    ];

    /// The dls name of the field.
    pub(crate) fn name(self) -> &'static str {
        self.dls_names()[0]
    }

    /// The column names dls's own format accepts for the field (first: the name).
    fn dls_names(self) -> &'static [&'static str] {
        match self {
            Field::CaseId => &["case_id", "case"],
            Field::Timestamp => &["timestamp", "at"],
            Field::Activity => &["activity"],
            Field::Organisation => &["organisation", "organization"],
            Field::Service => &["service"],
            Field::Kern => &["kern"],
            Field::Need => &["need"],
            Field::Reason => &["reason"],
            Field::Municipality => &["municipality"],
            Field::Region => &["region"],
            Field::Domain => &["domain"],
            Field::Phase => &["phase"],
            Field::Framework => &["framework"],
            Field::Signals => &["signals"],
        }
    }
}

/// The log's own column name for each dls field; a field not named here is read from dls's own
/// column name (`case_id` or `case`, `timestamp` or `at`, `activity`, `organisation` or
/// `organization`, `service`, `kern`, `need`, `reason`, `municipality`, `region`, `domain`,
/// `phase`, `framework`, `signals`). Names are compared without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnNames {
    /// Case id (required).
    pub case_id: Option<String>,
    /// Timestamp (required).
    pub timestamp: Option<String>,
    /// Activity (required).
    pub activity: Option<String>,
    /// Organisation.
    pub organisation: Option<String>,
    /// Service.
    pub service: Option<String>,
    /// Kern.
    pub kern: Option<String>,
    /// Need code.
    pub need: Option<String>,
    /// Rejection reason.
    pub reason: Option<String>,
    /// Municipality code.
    pub municipality: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Domain.
    pub domain: Option<String>,
    /// Phase.
    pub phase: Option<String>,
    /// Legal framework.
    pub framework: Option<String>,
    /// Signals.
    pub signals: Option<String>,
}

impl ColumnNames {
    fn get(&self, f: Field) -> Option<&str> {
        match f {
            Field::CaseId => &self.case_id,
            Field::Timestamp => &self.timestamp,
            Field::Activity => &self.activity,
            Field::Organisation => &self.organisation,
            Field::Service => &self.service,
            Field::Kern => &self.kern,
            Field::Need => &self.need,
            Field::Reason => &self.reason,
            Field::Municipality => &self.municipality,
            Field::Region => &self.region,
            Field::Domain => &self.domain,
            Field::Phase => &self.phase,
            Field::Framework => &self.framework,
            Field::Signals => &self.signals,
        }
        .as_deref()
    }

    /// Fills the fields this does not name from `base`.
    fn or(mut self, base: &ColumnNames) -> ColumnNames {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = base.$f.clone(); } )* };
        }
        fill!(
            case_id,
            timestamp,
            activity,
            organisation,
            service,
            kern,
            need,
            reason,
            municipality,
            region,
            domain,
            phase,
            framework,
            signals
        );
        self
    }
}

/// What becomes of a row whose activity has no mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmapped {
    /// Rejected as [`UnknownActivity`](super::RejectReason::UnknownActivity) (dls's own format:
    /// a name dls does not know is a mistake).
    #[default]
    Reject,
    /// Kept in its case as an [`Activity::Other`] event; the name is listed with its frequency
    /// in [`Ingested::unmapped_activities`](super::Ingested::unmapped_activities).
    Other,
}

/// What becomes of a row with a malformed optional field (organisation, service, kern, need,
/// reason, municipality, region, domain, phase, framework, signals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadOptional {
    /// The row is rejected, naming the field.
    #[default]
    Reject,
    /// The field is cleared for that row and the row kept, with a
    /// [`RowWarning`](super::RowWarning) naming the field and why.
    Clear,
}

/// What becomes of the events of a case that has no `opened` event at or before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithoutOpened {
    /// Rejected as [`NotOpened`](super::RejectReason::NotOpened).
    #[default]
    Reject,
    /// The case starts at its first event (that instant is its opening) and the event is kept,
    /// with a [`RowWarning`](super::RowWarning) on its row.
    StartAtFirstEvent,
}

/// How to read a log: its column names, its activity names, and what to do with rows that do
/// not fit.
///
/// Two presets: [`LogMapping::dls`] (dls's own columns, strict: the default of every reader)
/// and [`LogMapping::pm4py`] (the pm4py / XES conventions `case:concept:name`, `concept:name`,
/// `time:timestamp`, `org:resource`, lenient). As data, TOML ([`LogMapping::from_toml`]) or
/// JSON ([`LogMapping::from_json`]), starting from a preset:
///
/// ```
/// use dls_core::evaluation::LogMapping;
///
/// let m = LogMapping::from_toml(
///     "preset = \"pm4py\"\n[columns]\nkern = \"wijk\"\n[activities]\n\"Melding ontvangen\" = \"opened\"\n",
/// ).unwrap();
/// assert_eq!(m.columns.case_id.as_deref(), Some("case:concept:name"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogMapping {
    /// The log's column names.
    pub columns: ColumnNames,
    /// The log's activity names (exact, after trimming) to dls activities. A name not listed
    /// here is read as a dls activity name (`opened`, `referred`, …) when it is one.
    pub activities: BTreeMap<String, Activity>,
    /// What becomes of a row whose activity maps to nothing.
    pub unmapped_activities: Unmapped,
    /// What becomes of a row with a malformed optional field.
    pub bad_optional: BadOptional,
    /// What becomes of the events of a case without `opened`.
    pub without_opened: WithoutOpened,
    /// Extra columns of the log kept as dimensions, by column name (compared without regard to
    /// case; the name as written here is the dimension's name): aggregates can be grouped by
    /// them ([`Dim::Extra`](crate::evaluation::Dim::Extra)). A case takes the value of its
    /// earliest event that states one (see [`ingest`](super#extra-dimensions)). A name may not
    /// be a built-in dimension's (`kern`, `month`, …) nor a column dls's tables already have
    /// (`case`, `cases`, `suppressed`, `first_contact_days`, …), and may appear once; at most
    /// [`MAX_DIMENSIONS`].
    pub dimensions: Vec<String>,
}

/// Column names of the per-case and aggregate tables besides the figures' columns: a dimension
/// may not take one, so that every table keeps one column per name.
const RESERVED: [&str; 7] = [
    "case",
    "opened",
    "suppressed",
    "reached_right_place",
    "first_contact_days",
    "right_place_days",
    "organisations",
];

/// The most extra dimensions a mapping may name.
pub const MAX_DIMENSIONS: usize = 32;

/// A mapping as written in a file: an optional preset, then what differs from it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    columns: ColumnNames,
    #[serde(default)]
    activities: BTreeMap<String, Activity>,
    #[serde(default)]
    unmapped_activities: Option<Unmapped>,
    #[serde(default)]
    bad_optional: Option<BadOptional>,
    #[serde(default)]
    without_opened: Option<WithoutOpened>,
    #[serde(default)]
    dimensions: Vec<String>,
}

impl LogMapping {
    /// dls's own format, strict: its column names, its activity names, and any row that does
    /// not fit rejected. What every reader uses when given no mapping.
    pub fn dls() -> LogMapping {
        LogMapping::default()
    }

    /// The pm4py / XES conventions (`case:concept:name`, `time:timestamp`, `concept:name`,
    /// `org:resource` as the organisation; the other fields under dls's names), lenient: an
    /// activity with no mapping is kept as `other`, a bad optional field is cleared, a case
    /// without `opened` starts at its first event. Add the log's activity names to
    /// [`activities`](Self::activities).
    pub fn pm4py() -> LogMapping {
        LogMapping {
            columns: ColumnNames {
                case_id: Some("case:concept:name".into()),
                timestamp: Some("time:timestamp".into()),
                activity: Some("concept:name".into()),
                organisation: Some("org:resource".into()),
                ..ColumnNames::default()
            },
            activities: BTreeMap::new(),
            unmapped_activities: Unmapped::Other,
            bad_optional: BadOptional::Clear,
            without_opened: WithoutOpened::StartAtFirstEvent,
            dimensions: Vec::new(),
        }
    }

    /// A preset by name: `dls` or `pm4py`.
    pub fn preset(name: &str) -> Result<LogMapping, EvalError> {
        match name {
            "dls" => Ok(LogMapping::dls()),
            "pm4py" | "xes" => Ok(LogMapping::pm4py()),
            _ => Err(EvalError::UnknownName {
                kind: "log mapping preset (use `dls` or `pm4py`)",
            }),
        }
    }

    fn from_file(f: MappingFile) -> Result<LogMapping, EvalError> {
        let base = match &f.preset {
            Some(p) => LogMapping::preset(p)?,
            None => LogMapping::dls(),
        };
        let mut activities = base.activities;
        activities.extend(f.activities);
        let mut dimensions = base.dimensions;
        dimensions.extend(f.dimensions);
        let m = LogMapping {
            columns: f.columns.or(&base.columns),
            activities,
            unmapped_activities: f.unmapped_activities.unwrap_or(base.unmapped_activities),
            bad_optional: f.bad_optional.unwrap_or(base.bad_optional),
            without_opened: f.without_opened.unwrap_or(base.without_opened),
            dimensions,
        };
        m.check_dimensions()?;
        Ok(m)
    }

    /// Checks the extra dimensions: non-empty names, none a built-in dimension's, none twice,
    /// at most [`MAX_DIMENSIONS`].
    pub fn check_dimensions(&self) -> Result<(), EvalError> {
        let bad = |problem: String| Err(EvalError::Mapping { problem });
        if self.dimensions.len() > MAX_DIMENSIONS {
            return bad(format!(
                "`dimensions` names more than {MAX_DIMENSIONS} columns"
            ));
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            let d = d.trim();
            if d.is_empty() {
                return bad("`dimensions` has an empty name".to_string());
            }
            if crate::evaluation::Dim::ALL
                .iter()
                .any(|b| b.as_str().eq_ignore_ascii_case(d))
            {
                return bad(format!(
                    "`dimensions` names `{d}`, a built-in dimension: name the column under `columns` instead"
                ));
            }
            if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(d))
                || COUNT_COLUMNS.iter().any(|(r, _)| r.eq_ignore_ascii_case(d))
                || NUMBER_COLUMNS
                    .iter()
                    .any(|(r, _)| r.eq_ignore_ascii_case(d))
            {
                return bad(format!(
                    "`dimensions` names `{d}`, a column dls's tables already have"
                ));
            }
            if self.dimensions[..i]
                .iter()
                .any(|o| o.trim().eq_ignore_ascii_case(d))
            {
                return bad(format!("`dimensions` names `{d}` twice"));
            }
        }
        Ok(())
    }

    /// Reads a mapping from TOML (keys: `preset`, `columns`, `activities`,
    /// `unmapped_activities`, `bad_optional`, `without_opened`); `preset` names the starting
    /// point (`dls` when absent).
    pub fn from_toml(text: &str) -> Result<LogMapping, EvalError> {
        let f: MappingFile = toml::from_str(text).map_err(|e| EvalError::Mapping {
            problem: e.message().to_string(),
        })?;
        LogMapping::from_file(f)
    }

    /// Reads a mapping from JSON, with the keys of the TOML form.
    pub fn from_json(text: &str) -> Result<LogMapping, EvalError> {
        let f: MappingFile = serde_json::from_str(text).map_err(|e| EvalError::Mapping {
            problem: format!("not a mapping at line {}, column {}", e.line(), e.column()),
        })?;
        LogMapping::from_file(f)
    }

    /// The log's column name for `f`, when the mapping names one.
    fn named(&self, f: Field) -> Option<&str> {
        self.columns.get(f)
    }

    /// Which field a column of the log holds, if any: the mapping's name for a field, or dls's
    /// name of a field the mapping does not name.
    pub(crate) fn field_of(&self, column: &str) -> Option<Field> {
        let c = column.trim();
        Field::ALL.into_iter().find(|&f| match self.named(f) {
            Some(n) => n.trim().eq_ignore_ascii_case(c),
            None => f.dls_names().iter().any(|n| n.eq_ignore_ascii_case(c)),
        })
    }

    /// The column name the log must have for a required field.
    pub(crate) fn wanted(&self, f: Field) -> String {
        self.named(f).unwrap_or(f.name()).to_string()
    }

    /// True when the mapping reads dls's own columns (no column renamed).
    pub(crate) fn is_dls_columns(&self) -> bool {
        self.columns == ColumnNames::default()
    }

    /// The columns of a header (the log's column names, in order) under this mapping: where
    /// each field is (the first column of a field wins) and the columns no field reads. Fails
    /// when a required field (case id, timestamp, activity) has no column, naming the column
    /// the mapping needed and the columns found.
    pub fn header_columns<'a, I: IntoIterator<Item = &'a str>>(
        &self,
        header: I,
    ) -> Result<HeaderColumns, EvalError> {
        self.check_dimensions()?;
        let mut slots = [None; 14];
        let mut dims: Vec<Option<usize>> = vec![None; self.dimensions.len()];
        let mut ignored: Vec<String> = Vec::new();
        let mut found = Vec::new();
        for (i, name) in header.into_iter().enumerate() {
            found.push(name.trim().to_string());
            let dim = self.dimension_of(name);
            if let Some(k) = dim {
                dims[k].get_or_insert(i);
            }
            match self.field_of(name) {
                Some(f) if slots[f as usize].is_none() => slots[f as usize] = Some(i),
                _ if dim.is_some() => {}
                _ => {
                    let n = name.trim().to_string();
                    if !ignored.contains(&n) {
                        ignored.push(n);
                    }
                }
            }
        }
        let mut required = [0usize; 3];
        for (k, f) in [Field::CaseId, Field::Timestamp, Field::Activity]
            .into_iter()
            .enumerate()
        {
            match slots[f as usize] {
                Some(i) => required[k] = i,
                None if self.is_dls_columns() => {
                    return Err(EvalError::MissingColumn {
                        column: f.name().to_string(),
                    })
                }
                None => {
                    return Err(EvalError::ColumnNotFound {
                        field: f.name(),
                        wanted: self.wanted(f),
                        found,
                    })
                }
            }
        }
        let mut dimensions = Vec::with_capacity(dims.len());
        for (k, d) in dims.into_iter().enumerate() {
            match d {
                Some(i) => dimensions.push(i),
                None => {
                    return Err(EvalError::ColumnNotFound {
                        field: "dimension",
                        wanted: self.dimensions[k].trim().to_string(),
                        found,
                    })
                }
            }
        }
        let s = |f: Field| slots[f as usize];
        Ok(HeaderColumns {
            case_id: required[0],
            timestamp: required[1],
            activity: required[2],
            organisation: s(Field::Organisation),
            service: s(Field::Service),
            kern: s(Field::Kern),
            need: s(Field::Need),
            reason: s(Field::Reason),
            municipality: s(Field::Municipality),
            region: s(Field::Region),
            domain: s(Field::Domain),
            phase: s(Field::Phase),
            framework: s(Field::Framework),
            signals: s(Field::Signals),
            ignored,
            dimensions,
        })
    }

    /// Which extra dimension (index in [`dimensions`](Self::dimensions)) a column of the log
    /// holds, if any.
    pub(crate) fn dimension_of(&self, column: &str) -> Option<usize> {
        let c = column.trim();
        self.dimensions
            .iter()
            .position(|d| d.trim().eq_ignore_ascii_case(c))
    }

    /// The activity lookup and the policies, ready for reading rows.
    pub(crate) fn compile(&self) -> Compiled {
        Compiled {
            activities: self
                .activities
                .iter()
                .map(|(k, v)| (Box::from(k.trim()), *v))
                .collect(),
            unmapped: self.unmapped_activities,
            bad_optional: self.bad_optional,
            without_opened: self.without_opened,
        }
    }
}

/// Where the fields of an event row are in a log's columns (0-based positions), from
/// [`LogMapping::header_columns`]: what a reader of any tabular format (CSV, Parquet, a host's
/// Arrow table) needs to fill [`EventFields`](crate::evaluation::EventFields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderColumns {
    /// Case id.
    pub case_id: usize,
    /// Timestamp.
    pub timestamp: usize,
    /// Activity.
    pub activity: usize,
    /// Organisation.
    pub organisation: Option<usize>,
    /// Service.
    pub service: Option<usize>,
    /// Kern.
    pub kern: Option<usize>,
    /// Need.
    pub need: Option<usize>,
    /// Rejection reason.
    pub reason: Option<usize>,
    /// Municipality.
    pub municipality: Option<usize>,
    /// Region.
    pub region: Option<usize>,
    /// Domain.
    pub domain: Option<usize>,
    /// Phase.
    pub phase: Option<usize>,
    /// Framework.
    pub framework: Option<usize>,
    /// Signals.
    pub signals: Option<usize>,
    /// The log's columns that no field reads, in order, each once (reported in
    /// [`Ingested::ignored_columns`](crate::evaluation::Ingested::ignored_columns)).
    pub ignored: Vec<String>,
    /// The column of each extra dimension, in the order of
    /// [`LogMapping::dimensions`].
    pub dimensions: Vec<usize>,
}

/// A mapping compiled for reading rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compiled {
    activities: FxMap<Box<str>, Activity>,
    pub unmapped: Unmapped,
    pub bad_optional: BadOptional,
    pub without_opened: WithoutOpened,
}

impl Compiled {
    /// The dls activity of a log's activity name (trimmed), if any.
    pub(crate) fn activity(&self, name: &str) -> Option<Activity> {
        if !self.activities.is_empty() {
            if let Some(&a) = self.activities.get(name) {
                return Some(a);
            }
        }
        name.parse::<Activity>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_resolve_their_headers() {
        let pm = LogMapping::pm4py();
        let r = pm
            .header_columns([
                "case:concept:name",
                "concept:name",
                "time:timestamp",
                "org:resource",
                "channel",
            ])
            .unwrap();
        assert_eq!((r.case_id, r.activity, r.timestamp), (0, 1, 2));
        assert_eq!(r.organisation, Some(3));
        assert_eq!(r.kern, None);
        assert_eq!(r.ignored, vec!["channel".to_string()]);
        let e = pm
            .header_columns(["case_id", "activity", "timestamp"])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "event log has no column `case:concept:name` for `case_id`: its columns are \
             `case_id`, `activity`, `timestamp`"
        );
        let dls = LogMapping::dls();
        assert!(dls.header_columns(["CASE", "At", "activity"]).is_ok());
    }

    #[test]
    fn a_mapping_file_starts_from_its_preset() {
        let m = LogMapping::from_toml(
            "preset = \"pm4py\"\n[columns]\nkern = \"wijk\"\n[activities]\n\"Melding ontvangen\" = \"opened\"\n",
        )
        .unwrap();
        assert_eq!(m.columns.kern.as_deref(), Some("wijk"));
        assert_eq!(m.columns.case_id.as_deref(), Some("case:concept:name"));
        assert_eq!(m.unmapped_activities, Unmapped::Other);
        let c = m.compile();
        assert_eq!(c.activity("Melding ontvangen"), Some(Activity::Opened));
        assert_eq!(c.activity("referred"), Some(Activity::Referred));
        assert_eq!(c.activity("Koffie"), None);
        let j =
            LogMapping::from_json(r#"{"activities": {"Melding ontvangen": "opened"}}"#).unwrap();
        assert_eq!(j.bad_optional, BadOptional::Reject);
        assert!(LogMapping::from_toml("preset = \"celonis\"").is_err());
        let e = LogMapping::from_toml("[activities]\nx = \"openend\"").unwrap_err();
        assert!(e.to_string().starts_with("log mapping: "), "{e}");
        assert!(LogMapping::from_json("{\"colums\": {}}").is_err());
    }
}
