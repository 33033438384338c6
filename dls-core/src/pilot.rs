//! The embedded Haarlemmermeer care pilot: areas, taxonomy, directory, layered rule set, sample
//! cases and timelines, compiled into the crate so examples and tests run with no files.

use std::sync::OnceLock;

use crate::cases::Case;
use crate::directory::{Directory, DirectoryData};
use crate::rules::{RuleSet, RuleSetData};
use crate::source::Format;

/// The pilot's source files: (name, TOML text), directory files first, then rule layers.
pub const DIRECTORY_SOURCES: &[(&str, &str)] = &[
    (
        "haarlemmermeer/areas.toml",
        include_str!("../data/haarlemmermeer/areas.toml"),
    ),
    (
        "haarlemmermeer/taxonomy.toml",
        include_str!("../data/haarlemmermeer/taxonomy.toml"),
    ),
    (
        "haarlemmermeer/directory.toml",
        include_str!("../data/haarlemmermeer/directory.toml"),
    ),
];

/// The pilot's rule files, one per layer: national, region, municipality (with kern rules).
pub const RULE_SOURCES: &[(&str, &str)] = &[
    (
        "haarlemmermeer/rules-national.toml",
        include_str!("../data/haarlemmermeer/rules-national.toml"),
    ),
    (
        "haarlemmermeer/rules-region.toml",
        include_str!("../data/haarlemmermeer/rules-region.toml"),
    ),
    (
        "haarlemmermeer/rules-GM0394.toml",
        include_str!("../data/haarlemmermeer/rules-GM0394.toml"),
    ),
];

/// The pilot's sample cases (JSON).
pub const CASES_JSON: &str = include_str!("../data/haarlemmermeer/cases.json");

/// The pilot's directory data, merged from [`DIRECTORY_SOURCES`].
pub fn directory_data() -> DirectoryData {
    let mut data = DirectoryData::default();
    for (name, text) in DIRECTORY_SOURCES {
        match DirectoryData::parse(text, Format::Toml, name) {
            Ok(d) => data.merge(d),
            Err(e) => unreachable!("embedded pilot file {name} does not parse: {e}"),
        }
    }
    data
}

/// The pilot's rule set data, merged from [`RULE_SOURCES`].
pub fn rules_data() -> RuleSetData {
    let mut data = RuleSetData::default();
    for (name, text) in RULE_SOURCES {
        match RuleSetData::parse(text, Format::Toml, name) {
            Ok(d) => data.merge(d),
            Err(e) => unreachable!("embedded pilot file {name} does not parse: {e}"),
        }
    }
    data
}

/// The validated pilot directory (built once, then shared).
///
/// The embedded data is checked by this crate's tests, so this never fails at run time.
pub fn directory() -> Directory {
    static DIR: OnceLock<Directory> = OnceLock::new();
    DIR.get_or_init(|| match Directory::new(directory_data()) {
        Ok((d, _)) => d,
        Err(e) => unreachable!("embedded pilot directory does not validate: {e}"),
    })
    .clone()
}

/// The validated pilot rule set (built once, then shared).
pub fn rules() -> RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES
        .get_or_init(|| match RuleSet::new(&directory(), rules_data()) {
            Ok(r) => r,
            Err(e) => unreachable!("embedded pilot rule set does not validate: {e}"),
        })
        .clone()
}

/// The pilot's sample cases.
pub fn cases() -> Vec<Case> {
    match serde_json::from_str(CASES_JSON) {
        Ok(c) => c,
        Err(e) => unreachable!("embedded pilot cases do not parse: {e}"),
    }
}

/// The pilot's sample timelines (CSV, fixed data: see `data/haarlemmermeer/README.md`): a
/// baseline period (phase `baseline`, March–August 2025) and the pilot (phase `pilot`,
/// March–August 2026), including the sample cases of [`CASES_JSON`].
pub const EVENTS_CSV: &str = include_str!("../data/haarlemmermeer/events.csv");

/// The pilot's sample timelines, checked and indexed for evaluation.
///
/// Every row of the embedded file is used; this crate's tests check that.
pub fn event_log() -> crate::evaluation::EventLog {
    match crate::evaluation::ingest_csv_str(EVENTS_CSV) {
        Ok(i) => i.log,
        Err(e) => unreachable!("embedded pilot timelines do not parse: {e}"),
    }
}

/// The pilot's sample timelines as events, grouped by case, in time order.
pub fn events() -> Vec<crate::events::Event> {
    event_log().events()
}

/// The pilot's sample feed of early signals (vroegsignalering, CSV; fictional partners and
/// households): eleven rows, one of them a re-sent duplicate, for five households, March–June
/// 2026. See [`crate::signals`].
pub const SIGNALS_CSV: &str = include_str!("../data/haarlemmermeer/signals.csv");

/// The pilot's early signals, checked as of 30 June 2026.
///
/// Every row of the embedded file is accepted; this crate's tests check that.
pub fn signals() -> Vec<crate::signals::EarlySignal> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    match crate::signals::read_csv(SIGNALS_CSV, as_of) {
        Ok(c) => c.signals,
        Err(e) => unreachable!("embedded pilot signals do not parse: {e}"),
    }
}
