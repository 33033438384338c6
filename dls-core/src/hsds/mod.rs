//! HSDS 3.0 in and out: reading a directory written in the Human Services Data Specification
//! (Open Referral) and writing a dls directory as HSDS.
//!
//! **Import** ([`import`], [`load`]) reads HSDS JSON (`service_full`, `organization_full`,
//! `service_at_location_full`, the paginated lists, taxonomy terms) and the tabular CSV data
//! package (a folder with `services.csv`, `organizations.csv`, `service_areas.csv`,
//! `attributes.csv`, `taxonomy_terms.csv`, `phones.csv`, …). What maps:
//!
//! | HSDS | dls |
//! |---|---|
//! | organization `id`, `name` | [`Organisation`](crate::directory::Organisation) (kind: the `dls` attribute `organisation_kind`, else [`HsdsMapping::organisation_kind`]) |
//! | service `id`, `name`, `organization_id` | [`Service`](crate::directory::Service) |
//! | `status` | only `active` services are imported; any other is skipped with a note |
//! | `minimum_age`, `maximum_age` | eligibility `age = { min, max }`, whole years 0–130 |
//! | attribute → taxonomy term | needs, through [`HsdsMapping::needs`] (by term `code`, else `id`); terms of taxonomy `dls-need` are need codes themselves |
//! | service area | areas, through [`HsdsMapping::areas`] (by `id`, `name`, `uri` or `extent`); a `uri` `urn:dls:area:<area>` is the area itself |
//! | `phones[].number`, `url`, `email` | channels (phone, web, e-mail) |
//! | attributes of taxonomy `dls` (`role`, `priority`, `eligibility`, `valid`, `capacity`, `channel`, `id`, `organisation_kind`) | what dls itself writes on export |
//!
//! Everything else is not dropped silently: every field, table or term dls does not use is a
//! line of the [`HsdsReport`], with file, row or item, id and field. Bad input (a file that is
//! not JSON, a record without `id`, an age that is not a whole number of years from 0 to 130, a
//! minimum above the maximum, one service id in two places) is an [`HsdsError`] that lists every
//! problem with the same location.
//!
//! **Export** ([`export`]) writes every service of a directory as an HSDS 3.0 `service_full`
//! object inside a one-page service list, valid against the HSDS JSON Schemas. Ids that are not
//! UUIDs are replaced by name-based (version 5) UUIDs and kept in a `dls` attribute `id`, so an
//! export imports back to the same directory ([`load`] on the export with the same areas and
//! taxonomy gives the same services, and so the same routing decisions). The JSON is written
//! one service at a time from typed records, compact ([`export_json`], [`export_to_file`]) or
//! indented ([`export_json_pretty`]); [`import_texts`] reads HSDS from memory.

mod export;
mod import;
mod read;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::areas::AreaRef;
use crate::directory::OrganisationKind;
use crate::source::{Format, ParseError};
use crate::taxonomy::NeedMatcher;
use crate::validation::ValidationReport;

pub use export::{export, export_json, export_json_pretty, export_to_file};
pub use import::{import, import_texts, load, onto, HsdsImport};

/// The taxonomy of the attributes dls writes for what HSDS has no field for.
pub const DLS_TAXONOMY: &str = "dls";
/// The taxonomy whose term codes are dls need codes (or matchers such as `zorg.wmo.*`).
pub const NEED_TAXONOMY: &str = "dls-need";
/// A service area `uri` that names a dls area: `urn:dls:area:kern:hoofddorp`.
pub const AREA_URI_PREFIX: &str = "urn:dls:area:";

/// How an HSDS directory's taxonomy terms and service areas map onto dls needs and areas. Read
/// from TOML or JSON:
///
/// ```toml
/// default_areas = ["GM0394"]
/// organisation_kind = "welfare"
/// [needs]
/// "mental-health" = ["zorg.ggz"]
/// [areas]
/// "MyCity" = ["GM0394"]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsdsMapping {
    /// Taxonomy term (by `code`, else by `id`) to the needs it stands for.
    #[serde(default)]
    pub needs: BTreeMap<String, Vec<NeedMatcher>>,
    /// Service area (by `id`, `name`, `uri` or `extent`) to the areas it stands for.
    #[serde(default)]
    pub areas: BTreeMap<String, Vec<AreaRef>>,
    /// The areas of a service none of whose service areas maps (none: such a service is skipped).
    #[serde(default)]
    pub default_areas: Vec<AreaRef>,
    /// The needs of a service none of whose terms maps (none: such a service is skipped).
    #[serde(default)]
    pub default_needs: Vec<NeedMatcher>,
    /// The kind of an organisation that does not state one (none: `other`).
    #[serde(default)]
    pub organisation_kind: Option<OrganisationKind>,
}

impl HsdsMapping {
    /// Parses a mapping; `file` names it in errors.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<HsdsMapping, ParseError> {
        crate::source::parse(text, format, file)
    }

    /// Reads a mapping file (`.toml` or `.json`).
    pub fn from_file(path: &Path) -> Result<HsdsMapping, ParseError> {
        let (text, format, name) = crate::source::read_file(path)?;
        Self::parse(&text, format, &name)
    }
}

/// [`load`] with the mapping read from `mapping` (none: the empty mapping, for HSDS that dls
/// itself wrote), the report as one line per note: what bindings call.
pub fn load_with_mapping_file<P: AsRef<Path>>(
    base: &crate::directory::Directory,
    paths: &[P],
    mapping: Option<&Path>,
) -> Result<
    (
        crate::directory::Directory,
        Vec<crate::validation::Problem>,
        Vec<String>,
    ),
    HsdsError,
> {
    let mapping = match mapping {
        Some(p) => HsdsMapping::from_file(p)?,
        None => HsdsMapping::default(),
    };
    let (dir, warnings, report) = load(base, paths, &mapping)?;
    Ok((
        dir,
        warnings,
        report.notes.iter().map(|n| n.to_string()).collect(),
    ))
}

/// Where in the HSDS input something is: file, row or item, kind and id, field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HsdsLocation {
    /// The file.
    pub file: String,
    /// `row N` of a CSV table (first data row is 1) or `item N` of a JSON list (first is 1);
    /// empty for a whole file.
    pub at: String,
    /// `service`, `organization`, `taxonomy_term`, `table`, ….
    pub kind: &'static str,
    /// The record's id (empty when it has none or it is not a valid id).
    pub id: String,
    /// The field (empty for the whole record).
    pub field: String,
}

impl fmt::Display for HsdsLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.file)?;
        if !self.at.is_empty() {
            write!(f, ", {}", self.at)?;
        }
        if !self.id.is_empty() {
            write!(f, ", {} `{}`", self.kind, self.id)?;
        }
        if !self.field.is_empty() {
            write!(f, ", field `{}`", self.field)?;
        }
        Ok(())
    }
}

/// What a line of the import report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NoteKind {
    /// A field or table that dls does not model.
    Unused,
    /// A taxonomy term with no mapping to a need.
    UnmappedTerm,
    /// A service area with no mapping to an area.
    UnmappedArea,
    /// A service left out: not `active`, or no need or area mapped.
    Skipped,
}

/// One line of the import report: something in the input that dls did not take over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsdsNote {
    /// What it is.
    pub kind: NoteKind,
    /// Where.
    pub location: HsdsLocation,
    /// Why (never quotes the input's free text).
    pub message: String,
}

impl fmt::Display for HsdsNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything an import did not take over, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HsdsReport {
    /// The notes.
    pub notes: Vec<HsdsNote>,
    /// Each unmapped taxonomy term (its code, else id) with the ids of the services that use it.
    pub unmapped_terms: BTreeMap<String, Vec<String>>,
}

impl HsdsReport {
    /// The notes of one kind.
    pub fn of_kind(&self, kind: NoteKind) -> impl Iterator<Item = &HsdsNote> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }
}

/// One thing wrong in HSDS input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsdsProblem {
    /// Where.
    pub location: HsdsLocation,
    /// What (never quotes the input's values, except ids that are valid).
    pub message: String,
}

impl fmt::Display for HsdsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// HSDS input that could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HsdsError {
    /// A file could not be read or is not valid JSON or CSV.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A CSV table of the tabular package is malformed.
    #[error("CSV error in `{file}` at line {line}: {message}")]
    Csv {
        /// The file.
        file: String,
        /// The 1-based line (0 when unknown).
        line: u64,
        /// What is wrong, without quoting the input.
        message: String,
    },
    /// Records that break HSDS or dls rules, every one listed.
    #[error("{}", list(.0))]
    Invalid(Vec<HsdsProblem>),
    /// The imported directory failed dls validation (an unknown need or area in the mapping, …).
    #[error(transparent)]
    Validation(#[from] ValidationReport),
}

fn list(problems: &[HsdsProblem]) -> String {
    let shown: Vec<String> = problems.iter().take(20).map(|p| p.to_string()).collect();
    let more = problems.len().saturating_sub(shown.len());
    let mut s = format!(
        "{} problem{} in HSDS input: {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        shown.join("; ")
    );
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    s
}

impl From<crate::validation::LoadError> for HsdsError {
    fn from(e: crate::validation::LoadError) -> Self {
        match e {
            crate::validation::LoadError::Parse(p) => HsdsError::Parse(p),
            crate::validation::LoadError::Invalid(r) => HsdsError::Validation(r),
        }
    }
}

#[cfg(test)]
mod tests;
