//! Reading HSDS files into service and organization records (JSON objects in the
//! `service_full` shape), whatever the form they came in: one object, a paginated list, an
//! organization with its services, a service at a location, or the tabular CSV package.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{HsdsError, HsdsLocation, HsdsNote, NoteKind};
use crate::source::{self, Format, ParseError};

pub(super) type Object = Map<String, Value>;
type Tables = BTreeMap<String, (Arc<str>, Vec<Object>)>;

/// A service or organization object with where it came from.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub file: Arc<str>,
    pub at: String,
    pub object: Object,
}

impl Record {
    pub fn location(&self, kind: &'static str, id: &str, field: &str) -> HsdsLocation {
        HsdsLocation {
            file: self.file.to_string(),
            at: self.at.clone(),
            kind,
            id: id.to_string(),
            field: field.to_string(),
        }
    }
}

/// What a set of HSDS files holds.
#[derive(Debug, Default)]
pub(super) struct Input {
    pub services: Vec<Record>,
    pub organizations: Vec<Record>,
    /// Taxonomy terms by id (for attributes that name only `taxonomy_term_id`).
    pub terms: HashMap<String, Object>,
    pub notes: Vec<HsdsNote>,
}

impl Input {
    fn note_file(&mut self, file: &str, at: &str, message: String) {
        self.notes.push(HsdsNote {
            kind: NoteKind::Unused,
            location: HsdsLocation {
                file: file.to_string(),
                at: at.to_string(),
                kind: "table",
                id: String::new(),
                field: String::new(),
            },
            message,
        });
    }

    /// Reads one path: a `.json` file or a folder holding the tabular package.
    pub fn read(&mut self, path: &Path) -> Result<(), HsdsError> {
        if path.is_dir() {
            return self.read_tabular(path);
        }
        let (text, format, name) = source::read_file(path)?;
        if format != Format::Json {
            return Err(ParseError::UnknownFormat { file: name }.into());
        }
        Ok(self.read_json(&text, &name)?)
    }

    /// Reads one JSON text; `file` names it.
    pub fn read_json(&mut self, text: &str, file: &str) -> Result<(), ParseError> {
        let value: Value = source::parse(text, Format::Json, file)?;
        let file: Arc<str> = file.into();
        match value {
            Value::Array(items) => self.items(&file, items),
            Value::Object(o) if !o.is_empty() && o.keys().all(|k| k.ends_with(".csv")) => {
                self.tabular_json(&file, o)
            }
            Value::Object(mut o) => match o.remove("contents") {
                Some(Value::Array(items)) => self.items(&file, items),
                other => {
                    if let Some(v) = other {
                        o.insert("contents".into(), v);
                    }
                    self.object(&file, String::new(), o)
                }
            },
            _ => self.note_file(&file, "", "not an HSDS object or list".into()),
        }
        Ok(())
    }

    fn items(&mut self, file: &Arc<str>, items: Vec<Value>) {
        for (i, item) in items.into_iter().enumerate() {
            let at = format!("item {}", i + 1);
            match item {
                Value::Object(o) => self.object(file, at, o),
                _ => self.note_file(file, &at, "not an HSDS object".into()),
            }
        }
    }

    /// Sorts one object: a service, an organization (with or without its services), a service
    /// at a location, a taxonomy term; anything else is a note.
    fn object(&mut self, file: &Arc<str>, at: String, mut o: Object) {
        let record = |object| Record {
            file: file.clone(),
            at: at.clone(),
            object,
        };
        if let Some(Value::Object(service)) = o.remove("service") {
            // service_at_location: the service is what dls reads; the location is not modelled.
            let mut service = service;
            for (k, v) in &o {
                if present(v) && k != "id" {
                    service.insert(format!("service_at_location.{k}"), v.clone());
                }
            }
            self.services.push(record(service));
        } else if o.contains_key("status") {
            self.services.push(record(o));
        } else if let Some(Value::Array(services)) = o.remove("services") {
            let org_id = o.get("id").cloned();
            self.organizations.push(record(o));
            for (i, s) in services.into_iter().enumerate() {
                let at = format!("{}services item {}", prefix(&at), i + 1);
                match s {
                    Value::Object(mut s) => {
                        if let (Some(id), false) = (&org_id, s.contains_key("organization_id")) {
                            s.insert("organization_id".into(), id.clone());
                        }
                        self.services.push(Record {
                            file: file.clone(),
                            at,
                            object: s,
                        });
                    }
                    _ => self.note_file(file, &at, "not an HSDS object".into()),
                }
            }
        } else if o.contains_key("taxonomy") || o.contains_key("code") {
            if let Some(Value::String(id)) = o.get("id") {
                self.terms.insert(id.clone(), o);
            }
        } else if o.contains_key("name") && o.contains_key("description") {
            self.organizations.push(record(o));
        } else {
            self.note_file(
                file,
                &at,
                "not an HSDS service, organization or taxonomy term".into(),
            );
        }
    }

    /// Reads the tabular package of a folder: each service row of `services.csv` joined with
    /// its rows of the other tables into one `service_full` object.
    fn read_tabular(&mut self, folder: &Path) -> Result<(), HsdsError> {
        let services_file = folder.join("services.csv");
        if !services_file.is_file() {
            return Err(ParseError::NotFound {
                file: services_file.display().to_string(),
            }
            .into());
        }
        let mut tables: Tables = BTreeMap::new();
        let mut entries: Vec<_> = std::fs::read_dir(folder)
            .map_err(|e| ParseError::Io {
                file: folder.display().to_string(),
                reason: e.kind().to_string(),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        entries.sort();
        for p in entries {
            let stem = p.file_stem().unwrap_or_default().to_string_lossy().into();
            let name: Arc<str> = p.display().to_string().into();
            let rows = read_csv(&p, &name)?;
            tables.insert(stem, (name, rows));
        }
        self.tabular(tables);
        Ok(())
    }

    /// Reads the tabular package from memory: `(file name, CSV bytes)`, the stem of each name
    /// (`services` of `services.csv`) naming its table.
    pub fn read_tables(&mut self, files: &[(&str, &[u8])]) -> Result<(), HsdsError> {
        if !files.iter().any(|(n, _)| stem(n) == "services") {
            return Err(ParseError::NotFound {
                file: "services.csv".into(),
            }
            .into());
        }
        let mut tables: Tables = BTreeMap::new();
        for (name, bytes) in files {
            let rows = parse_csv(bytes, name)?;
            tables.insert(stem(name).to_string(), ((*name).into(), rows));
        }
        self.tabular(tables);
        Ok(())
    }

    /// The tabular package held as JSON: `{"services.csv": [rows], …}` (the specification's
    /// `tabular.json`).
    fn tabular_json(&mut self, file: &Arc<str>, o: Object) {
        let mut tables: Tables = BTreeMap::new();
        for (k, v) in o {
            let stem = k.trim_end_matches(".csv").to_string();
            let rows = match v {
                Value::Array(rows) => rows
                    .into_iter()
                    .filter_map(|r| match r {
                        Value::Object(r) => Some(r),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let name: Arc<str> = format!("{file}#{k}").into();
            tables.insert(stem, (name, rows));
        }
        self.tabular(tables);
    }

    /// Joins each service row with its rows of the other tables into one `service_full` object.
    fn tabular(&mut self, mut tables: Tables) {
        let mut take = |t: &str| tables.remove(t).unwrap_or_else(|| ("".into(), Vec::new()));
        let (sfile, services) = take("services");
        let (ofile, organizations) = take("organizations");
        let (_, terms) = take("taxonomy_terms");
        for t in terms {
            if let Some(Value::String(id)) = t.get("id") {
                self.terms.insert(id.clone(), t);
            }
        }
        let mut children: HashMap<String, BTreeMap<&'static str, Vec<Value>>> = HashMap::new();
        let ids: Vec<String> = services.iter().map(|s| text(s, "id")).collect();
        for (table, key, field) in [
            ("service_areas", "service_id", "service_areas"),
            ("phones", "service_id", "phones"),
            ("attributes", "link_id", "attributes"),
        ] {
            let (file, rows) = take(table);
            for (i, mut row) in rows.into_iter().enumerate() {
                let owner = text(&row, key);
                if !ids.contains(&owner) {
                    self.note_file(
                        &file,
                        &format!("row {}", i + 1),
                        format!("`{key}` names no service of `services.csv`: not used by dls"),
                    );
                    continue;
                }
                if let Some(term) = row
                    .get("taxonomy_term_id")
                    .and_then(Value::as_str)
                    .and_then(|t| self.terms.get(t))
                {
                    row.insert("taxonomy_term".into(), Value::Object(term.clone()));
                }
                children
                    .entry(owner)
                    .or_default()
                    .entry(field)
                    .or_default()
                    .push(Value::Object(row));
            }
        }
        for (i, mut s) in services.into_iter().enumerate() {
            if let Some(c) = children.remove(&text(&s, "id")) {
                for (field, rows) in c {
                    s.insert(field.into(), Value::Array(rows));
                }
            }
            self.services.push(Record {
                file: sfile.clone(),
                at: format!("row {}", i + 1),
                object: s,
            });
        }
        for (i, o) in organizations.into_iter().enumerate() {
            self.organizations.push(Record {
                file: ofile.clone(),
                at: format!("row {}", i + 1),
                object: o,
            });
        }
        for (_, (file, rows)) in tables {
            if !rows.is_empty() {
                let n = rows.len();
                let s = if n == 1 { "" } else { "s" };
                self.note_file(&file, "", format!("{n} row{s}: table not used by dls"));
            }
        }
    }
}

fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}, ")
    }
}

/// A field's text, or empty.
pub(super) fn text(o: &Object, field: &str) -> String {
    match o.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// True for a value that says something (not null, not empty).
pub(super) fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Reads a CSV table with a header into objects of its non-empty cells.
fn read_csv(path: &Path, name: &str) -> Result<Vec<Object>, HsdsError> {
    let bytes = std::fs::read(path).map_err(|e| ParseError::Io {
        file: name.into(),
        reason: e.kind().to_string(),
    })?;
    parse_csv(&bytes, name)
}

/// The file name without its folder and `.csv`.
fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.strip_suffix(".csv").unwrap_or(base)
}

/// Parses a CSV table with a header into objects of its non-empty cells.
fn parse_csv(bytes: &[u8], name: &str) -> Result<Vec<Object>, HsdsError> {
    if bytes.len() > source::MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            file: name.into(),
            bytes: bytes.len(),
            limit: source::MAX_INPUT_BYTES,
        }
        .into());
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let syntax = |e: csv::Error| HsdsError::Csv {
        file: name.into(),
        line: e.position().map_or(0, |p| p.line()),
        message: match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("a row has {len} fields where the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
            _ => "malformed CSV".into(),
        },
    };
    let header = reader.headers().map_err(syntax)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(syntax)?;
        let mut o = Object::new();
        for (k, v) in header.iter().zip(record.iter()) {
            if !v.is_empty() {
                o.insert(k.to_string(), Value::String(v.to_string()));
            }
        }
        rows.push(o);
    }
    Ok(rows)
}
