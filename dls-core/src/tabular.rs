//! A directory read from CSV tables, one row per service, for directories kept in spreadsheets
//! or exported from another system.
//!
//! A folder holds `services.csv` (required) and `organisations.csv` (optional; without it the
//! organisations come from the base directory). Areas and the need taxonomy come from a base
//! [`Directory`] (its organisations are kept, its services are not). Lists are joined with `;`.
//!
//! `services.csv` columns (a header row names them; order is free):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `id`, `organisation`, `name` | yes | the service |
//! | `needs`, `areas` | yes | `;`-joined need matchers (`zorg.wmo.*`) and areas (`GM0394;kern:hoofddorp`) |
//! | `role` | no | `provider` (default), `steunpilaar`, `coordinator`, `escalation` |
//! | `age_min`, `age_max` | no | eligibility by age in whole years, inclusive, 0–130 |
//! | `household`, `urgency`, `framework` | no | `;`-joined allowed values |
//! | `signals` | no | `;`-joined signals of which one must be present |
//! | `income_min`, `income_max` | no | income as % of the social minimum |
//! | `valid_from`, `valid_until` | no | contract period, `YYYY-MM-DD`, inclusive |
//! | `open_places`, `waiting_weeks` | no | capacity |
//! | `channels` | no | `;`-joined `kind:address` (`phone:0800-1234;web:https://…`) |
//! | `priority` | no | set: the service routes by its own coverage at this priority (see [`rules`](crate::rules)) |
//!
//! `organisations.csv` columns: `id`, `name`, `kind`. An empty cell is no value. A column not
//! listed here, a bad value, a missing required cell: every one is reported at once as a
//! [`TabularError::Invalid`] naming file, row (the first data row is row 1) and column.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::areas::AreaRef;
use crate::conditions::{AgeCondition, Conditions};
use crate::directory::{
    Capacity, Channel, Directory, DirectoryData, Organisation, Service, ServiceRole,
};
use crate::ids::{OrganisationId, ServiceId};
use crate::source::{ParseError, MAX_INPUT_BYTES};
use crate::taxonomy::NeedMatcher;
use crate::validation::{Problem, ValidationReport};
use crate::validity::Validity;
use crate::vocabulary::Vocabulary;

/// The columns `services.csv` may have.
pub const SERVICE_COLUMNS: [&str; 20] = [
    "id",
    "organisation",
    "name",
    "needs",
    "areas",
    "role",
    "age_min",
    "age_max",
    "household",
    "urgency",
    "framework",
    "signals",
    "income_min",
    "income_max",
    "valid_from",
    "valid_until",
    "open_places",
    "waiting_weeks",
    "channels",
    "priority",
];

/// The columns `organisations.csv` may have.
pub const ORGANISATION_COLUMNS: [&str; 3] = ["id", "name", "kind"];

/// One bad cell (or missing column) of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularProblem {
    /// The file.
    pub file: String,
    /// The data row (first is 1); 0 for the header.
    pub row: usize,
    /// The column.
    pub column: String,
    /// What is wrong (never quotes the cell).
    pub message: String,
}

impl std::fmt::Display for TabularProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.row == 0 {
            write!(
                f,
                "`{}`, header, column `{}`: {}",
                self.file, self.column, self.message
            )
        } else {
            write!(
                f,
                "`{}`, row {}, column `{}`: {}",
                self.file, self.row, self.column, self.message
            )
        }
    }
}

/// A tabular directory that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TabularError {
    /// A file is missing or unreadable.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A table is not well-formed CSV.
    #[error("CSV error in `{file}` at line {line}: {message}")]
    Csv {
        /// The file.
        file: String,
        /// The 1-based line (0 when unknown).
        line: u64,
        /// What is wrong, without quoting the input.
        message: String,
    },
    /// Bad cells, every one listed.
    #[error("{}", list(.0))]
    Invalid(Vec<TabularProblem>),
    /// The directory read failed dls validation (an unknown need, area, organisation, …).
    #[error(transparent)]
    Validation(#[from] ValidationReport),
}

fn list(problems: &[TabularProblem]) -> String {
    let shown: Vec<String> = problems.iter().take(20).map(|p| p.to_string()).collect();
    let more = problems.len().saturating_sub(shown.len());
    let s = if problems.len() == 1 { "" } else { "s" };
    let mut out = format!(
        "{} problem{s} in tables: {}",
        problems.len(),
        shown.join("; ")
    );
    if more > 0 {
        out.push_str(&format!("; and {more} more"));
    }
    out
}

/// A table: its header and its rows.
struct Table {
    file: Arc<str>,
    header: Vec<String>,
    /// One record per row (one allocation each, not one per cell).
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, TabularError> {
        let file: Arc<str> = path.display().to_string().into();
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ParseError::NotFound {
                    file: file.to_string(),
                }
            } else {
                ParseError::Io {
                    file: file.to_string(),
                    reason: e.kind().to_string(),
                }
            }
        })?;
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(ParseError::TooLarge {
                file: file.to_string(),
                bytes: bytes.len(),
                limit: MAX_INPUT_BYTES,
            }
            .into());
        }
        Table::parse(&bytes, file)
    }

    fn parse(bytes: &[u8], file: Arc<str>) -> Result<Table, TabularError> {
        let csv_error = |e: csv::Error| TabularError::Csv {
            file: file.to_string(),
            line: e.position().map_or(0, |p| p.line()),
            message: match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("a row has {len} fields where the header has {expected_len}"),
                csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
                _ => "malformed CSV".into(),
            },
        };
        // cells are trimmed of ASCII whitespace as they are read ([`cells`]), as the csv
        // crate's `Trim::All` does, without copying every record
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim_ascii().to_string())
            .collect();
        let mut rows = Vec::new();
        for r in reader.records() {
            rows.push(r.map_err(csv_error)?);
        }
        Ok(Table { file, header, rows })
    }

    fn check_header(
        &self,
        allowed: &[&str],
        required: &[&str],
        problems: &mut Vec<TabularProblem>,
    ) {
        let mut p = |column: &str, message: &str| {
            problems.push(TabularProblem {
                file: self.file.to_string(),
                row: 0,
                column: column.to_string(),
                message: message.to_string(),
            })
        };
        for (i, h) in self.header.iter().enumerate() {
            if !allowed.contains(&h.as_str()) {
                p(h, "not a column dls reads");
            } else if self.header[..i].contains(h) {
                p(h, "the column appears twice");
            }
        }
        for r in required {
            if !self.header.iter().any(|h| h == r) {
                p(r, "missing column");
            }
        }
    }
}

/// One row as (column, cell) with the non-empty cells, trimmed of ASCII whitespace.
fn cells<'a>(t: &'a Table, row: &'a csv::StringRecord) -> impl Iterator<Item = (&'a str, &'a str)> {
    t.header
        .iter()
        .zip(row)
        .map(|(h, v)| (h.as_str(), v.trim_ascii()))
        .filter(|(_, v)| !v.is_empty())
}

fn split(cell: &str) -> Vec<&str> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses every `;`-joined item of a cell, or reports the column.
fn items<T: std::str::FromStr>(cell: &str) -> Option<Vec<T>> {
    split(cell).into_iter().map(|x| x.parse().ok()).collect()
}

/// Reads the rows of a services table into services; bad cells go to `problems`, row by row
/// in the table's order. The rows are read in parallel (each on its own), so the services and
/// problems are the same for any number of threads.
fn services(
    t: &Table,
    vocabulary: &Vocabulary,
    problems: &mut Vec<TabularProblem>,
) -> Vec<Service> {
    use rayon::prelude::*;
    let read: Vec<(Option<Service>, Vec<TabularProblem>)> = t
        .rows
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(i, row)| {
            let mut row_problems = Vec::new();
            let service = service(t, i, row, vocabulary, &mut row_problems);
            (service, row_problems)
        })
        .collect();
    let mut out = Vec::with_capacity(read.len());
    for (service, row_problems) in read {
        problems.extend(row_problems);
        out.extend(service);
    }
    out
}

/// Reads row `i` (0-based) of a services table; bad cells go to `problems`.
fn service(
    t: &Table,
    i: usize,
    row: &csv::StringRecord,
    vocabulary: &Vocabulary,
    problems: &mut Vec<TabularProblem>,
) -> Option<Service> {
    {
        let mut bad = |column: &str, message: &str| {
            problems.push(TabularProblem {
                file: t.file.to_string(),
                row: i + 1,
                column: column.to_string(),
                message: message.to_string(),
            })
        };
        let (mut id, mut organisation, mut name) = (None, None, None);
        let (mut needs, mut areas) = (None, None);
        let mut role = ServiceRole::Provider;
        let mut eligibility = Map::new();
        let (mut age, mut income) = (AgeCondition::default(), Map::new());
        let mut valid = Validity::ALWAYS;
        let mut capacity = Capacity::default();
        let mut channels = Vec::new();
        let mut priority = None;
        for (column, cell) in cells(t, row) {
            let number = || cell.parse::<i64>().ok();
            let invalid = "not a valid value for this column";
            match column {
                "id" => {
                    id = cell.parse::<ServiceId>().ok().or_else(|| {
                        bad(
                            column,
                            "not a usable id (letters, digits and `-_.:`, at most 64 characters)",
                        );
                        None
                    })
                }
                "organisation" => {
                    organisation = cell.parse::<OrganisationId>().ok().or_else(|| {
                        bad(
                            column,
                            "not a usable id (letters, digits and `-_.:`, at most 64 characters)",
                        );
                        None
                    })
                }
                "name" => name = Some(cell.to_string()),
                "needs" => {
                    needs = items::<NeedMatcher>(cell).or_else(|| {
                        bad(
                            column,
                            "an item is not a need code or matcher such as `zorg.wmo.*`",
                        );
                        None
                    })
                }
                "areas" => {
                    areas = items::<AreaRef>(cell).or_else(|| {
                        bad(
                        column,
                        "an item is not an area (`national`, `region:<id>`, `GM0394`, `kern:<id>`)",
                    );
                        None
                    })
                }
                "role" => match cell.parse() {
                    Ok(r) => role = r,
                    Err(_) => bad(column, invalid),
                },
                "age_min" | "age_max" => match number() {
                    Some(n) if (0..=i64::from(crate::attributes::MAX_AGE)).contains(&n) => {
                        if column == "age_min" {
                            age.min = Some(n);
                        } else {
                            age.max = Some(n);
                        }
                    }
                    _ => bad(column, "not a whole number of years from 0 to 130"),
                },
                "income_min" | "income_max" => match number() {
                    Some(n) if n >= 0 => {
                        income.insert(column.trim_start_matches("income_").into(), json!(n));
                    }
                    _ => bad(column, "not a whole number from 0 up"),
                },
                "open_places" | "waiting_weeks" => match cell.parse::<u32>() {
                    Ok(n) if column == "open_places" => capacity.open_places = Some(n),
                    Ok(n) => capacity.waiting_weeks = Some(n),
                    Err(_) => bad(column, "not a whole number from 0 up"),
                },
                "household" | "urgency" | "framework" | "signals" => {
                    let key = if column == "signals" { "any" } else { "in" };
                    let words = split(cell);
                    let cond = json!({ column: { key: words } });
                    // The directory's declared vocabulary decides which words exist (a
                    // municipality may add its own), so a cell is checked against it here.
                    let known = vocabulary
                        .attribute(column)
                        .is_ok_and(|a| words.iter().all(|w| a.value_index(w, false).is_ok()));
                    match serde_json::from_value::<Conditions>(cond.clone()) {
                        Ok(_) if known => {
                            eligibility.insert(column.into(), cond[column].clone());
                        }
                        _ => bad(column, "holds a value that is not known"),
                    }
                }
                "valid_from" | "valid_until" => {
                    match chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                        Ok(d) if column == "valid_from" => valid.from = Some(d),
                        Ok(d) => valid.until = Some(d),
                        Err(_) => bad(column, "not a date `YYYY-MM-DD`"),
                    }
                }
                "channels" => {
                    for c in split(cell) {
                        let kind = c
                            .split_once(':')
                            .and_then(|(k, a)| Some((k.parse().ok()?, a)));
                        match kind {
                            Some((kind, address)) => channels.push(Channel {
                                kind,
                                address: address.to_string(),
                            }),
                            None => {
                                bad(column, "a channel is not `kind:address` with a known kind")
                            }
                        }
                    }
                }
                "priority" => match cell.parse::<i32>() {
                    Ok(p) => priority = Some(p),
                    Err(_) => bad(column, "not a whole number"),
                },
                _ => {}
            }
        }
        if let (Some(lo), Some(hi)) = (age.min, age.max) {
            if lo > hi {
                bad("age_min", "the minimum age lies above the maximum age");
            }
        }
        let mut eligibility: Conditions = if income.is_empty() {
            serde_json::from_value(Value::Object(eligibility)).unwrap_or_default()
        } else {
            eligibility.insert("income_pct".into(), Value::Object(income));
            match serde_json::from_value(Value::Object(eligibility)) {
                Ok(c) => c,
                Err(_) => {
                    bad("income_max", "not a whole number from 0 to 65535");
                    Conditions::default()
                }
            }
        };
        if age != AgeCondition::default() {
            eligibility.age = Some(age);
        }
        let missing = [
            ("id", id.is_none()),
            ("organisation", organisation.is_none()),
            ("name", name.is_none()),
            ("needs", needs.is_none()),
            ("areas", areas.is_none()),
        ];
        for (column, gone) in missing {
            let cell_present = cells(t, row).any(|(c, _)| c == column);
            if gone && !cell_present {
                bad(column, "missing value");
            }
        }
        if let (Some(id), Some(organisation), Some(name), Some(needs), Some(areas)) =
            (id, organisation, name, needs, areas)
        {
            return Some(Service {
                id,
                organisation,
                name,
                role,
                needs,
                areas,
                eligibility,
                capacity: (capacity != Capacity::default()).then_some(capacity),
                valid,
                channels,
                priority,
            });
        }
    }
    None
}

fn organisations(t: &Table, problems: &mut Vec<TabularProblem>) -> Vec<Organisation> {
    let mut out = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        let o: Map<String, Value> = cells(t, row)
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        match serde_json::from_value::<Organisation>(Value::Object(o.clone())) {
            Ok(o) => out.push(o),
            Err(_) => {
                let column = ORGANISATION_COLUMNS
                    .iter()
                    .find(|c| {
                        !o.contains_key(**c)
                            || serde_json::from_value::<Organisation>(Value::Object(fill(&o, c)))
                                .is_ok()
                    })
                    .copied()
                    .unwrap_or("id");
                problems.push(TabularProblem {
                    file: t.file.to_string(),
                    row: i + 1,
                    column: column.into(),
                    message: if o.contains_key(column) {
                        "not a valid value for this column".into()
                    } else {
                        "missing value".into()
                    },
                });
            }
        }
    }
    out
}

/// `o` with `column` replaced by a value known to be valid (to find the bad column).
fn fill(o: &Map<String, Value>, column: &str) -> Map<String, Value> {
    let mut o = o.clone();
    let good = match column {
        "kind" => "other",
        _ => "x",
    };
    o.insert(column.into(), json!(good));
    o
}

/// Reads `services.csv` (and `organisations.csv` when present) of `folder` onto the areas,
/// taxonomy and organisations of `base`, and validates the result.
pub fn load(base: &Directory, folder: &Path) -> Result<(Directory, Vec<Problem>), TabularError> {
    let services_table = Table::read(&folder.join("services.csv"))?;
    let org_path = folder.join("organisations.csv");
    let org_table = if org_path.is_file() {
        Some(Table::read(&org_path)?)
    } else {
        None
    };
    load_parsed(base, services_table, org_table)
}

/// [`load`] from memory: the bytes of `services.csv` and of `organisations.csv` (when there is
/// one); errors name the files `services.csv` and `organisations.csv`.
pub fn load_tables(
    base: &Directory,
    services: &[u8],
    organisations: Option<&[u8]>,
) -> Result<(Directory, Vec<Problem>), TabularError> {
    let parse = |bytes: &[u8], file: &str| {
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(TabularError::from(ParseError::TooLarge {
                file: file.to_string(),
                bytes: bytes.len(),
                limit: MAX_INPUT_BYTES,
            }));
        }
        Table::parse(bytes, file.into())
    };
    let services_table = parse(services, "services.csv")?;
    let org_table = organisations
        .map(|b| parse(b, "organisations.csv"))
        .transpose()?;
    load_parsed(base, services_table, org_table)
}

fn load_parsed(
    base: &Directory,
    services_table: Table,
    org_table: Option<Table>,
) -> Result<(Directory, Vec<Problem>), TabularError> {
    let mut problems = Vec::new();
    services_table.check_header(
        &SERVICE_COLUMNS,
        &["id", "organisation", "name", "needs", "areas"],
        &mut problems,
    );
    if let Some(t) = &org_table {
        t.check_header(
            &ORGANISATION_COLUMNS,
            &["id", "name", "kind"],
            &mut problems,
        );
    }
    if !problems.is_empty() {
        return Err(TabularError::Invalid(problems));
    }
    let services = services(&services_table, base.vocabulary(), &mut problems);
    let orgs = org_table
        .as_ref()
        .map(|t| (t, organisations(t, &mut problems)));
    if !problems.is_empty() {
        return Err(TabularError::Invalid(problems));
    }
    let mut data: DirectoryData = base.to_data();
    data.services.clear();
    if let Some((t, orgs)) = orgs {
        data.organisations = orgs;
        for o in &data.organisations {
            data.origins.record("organisation", o.id.as_str(), &t.file);
        }
    }
    for s in &services {
        data.origins
            .record("service", s.id.as_str(), &services_table.file);
    }
    data.services = services;
    Ok(Directory::new(data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_headers_are_trimmed_of_ascii_whitespace_only() {
        let text = " id ,\tname , areas\n a1 ,  x y \t,\n\u{a0}b2\u{a0}, z,  \n";
        let t = Table::parse(text.as_bytes(), "t.csv".into()).unwrap();
        assert_eq!(t.header, ["id", "name", "areas"]);
        let rows: Vec<Vec<(&str, &str)>> = t.rows.iter().map(|r| cells(&t, r).collect()).collect();
        // an empty or blank cell is not listed; a non-ASCII space is not whitespace here
        assert_eq!(rows[0], [("id", "a1"), ("name", "x y")]);
        assert_eq!(rows[1], [("id", "\u{a0}b2\u{a0}"), ("name", "z")]);
    }
}
