//! JSON Schemas for the file formats, so other stacks can validate files before handing them
//! to dls. The schemas are also committed under `dls-core/schemas/`; a test keeps them equal to
//! what this module generates.
//!
//! A schema checks shape only (fields, types, id patterns). Cross-references (does this rule's
//! service exist?) are checked by validation in dls, which reports every problem with its place.

use schemars::{schema_for, Schema};

use crate::cases::CaseData;
use crate::directory::DirectoryData;
use crate::events::Event;
use crate::rules::RuleSetData;

/// The formats that have a schema.
pub const FORMATS: &[&str] = &["directory", "rule_set", "case", "event"];

/// The JSON Schema of a format (`directory`, `rule_set`, `case` or `event`), or `None` for an
/// unknown name.
pub fn schema(format: &str) -> Option<Schema> {
    Some(match format {
        "directory" => schema_for!(DirectoryData),
        "rule_set" => schema_for!(RuleSetData),
        "case" => schema_for!(CaseData),
        "event" => schema_for!(Event),
        _ => return None,
    })
}

/// The schema of a format as pretty-printed JSON text, ending in a newline.
pub fn schema_json(format: &str) -> Option<String> {
    let s = schema(format)?;
    serde_json::to_string_pretty(&s).ok().map(|t| t + "\n")
}
