//! HSDS records to dls organisations and services, with a note for everything left out.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use super::read::{present, text, Input, Object, Record};
use super::{
    HsdsError, HsdsMapping, HsdsNote, HsdsProblem, HsdsReport, NoteKind, AREA_URI_PREFIX,
    DLS_TAXONOMY, NEED_TAXONOMY,
};
use crate::areas::AreaRef;
use crate::conditions::{AgeCondition, Conditions};
use crate::directory::{
    Capacity, Channel, ChannelKind, Directory, DirectoryData, Organisation, OrganisationKind,
    Service, ServiceRole,
};
use crate::ids::{OrganisationId, ServiceId};
use crate::taxonomy::NeedMatcher;
use crate::validation::Problem;
use crate::validity::Validity;

/// The organisations and services read from HSDS, and the report of what was left out.
#[derive(Debug, Clone, Default)]
pub struct HsdsImport {
    /// Organisations and services (no areas or taxonomy: those come from the base directory).
    pub data: DirectoryData,
    /// What was not taken over.
    pub report: HsdsReport,
}

/// Fields of a service that dls reads (the rest are noted as unused).
const SERVICE_FIELDS: [&str; 12] = [
    "id",
    "phones",
    "name",
    "status",
    "organization_id",
    "organization",
    "minimum_age",
    "maximum_age",
    "url",
    "email",
    "service_areas",
    "attributes",
];
const ORGANIZATION_FIELDS: [&str; 4] = ["id", "name", "description", "attributes"];

/// Reads HSDS files (`.json`) and folders (the tabular CSV package) into organisations and
/// services, mapping terms and areas through `mapping`. Every path is read before anything is
/// checked, so a problem in any of them is reported with the others.
pub fn import<P: AsRef<Path>>(paths: &[P], mapping: &HsdsMapping) -> Result<HsdsImport, HsdsError> {
    let mut input = Input::default();
    for p in paths {
        input.read(p.as_ref())?;
    }
    convert(input, mapping)
}

/// [`import`] from memory: JSON texts as `(file name, text)` (each as one `.json` file), and
/// optionally the tabular CSV package as `(file name, bytes)` (as one folder; it must hold
/// `services.csv`). What a binding or a service calls when the HSDS did not come from disk.
pub fn import_texts(
    json: &[(&str, &str)],
    tables: Option<&[(&str, &[u8])]>,
    mapping: &HsdsMapping,
) -> Result<HsdsImport, HsdsError> {
    let mut input = Input::default();
    for (name, text) in json {
        input.read_json(text, name)?;
    }
    if let Some(tables) = tables {
        input.read_tables(tables)?;
    }
    convert(input, mapping)
}

/// Imports HSDS onto the areas and taxonomy of `base` (its organisations and services are not
/// used) and validates the result: the directory, its validation warnings and the import report.
pub fn load<P: AsRef<Path>>(
    base: &Directory,
    paths: &[P],
    mapping: &HsdsMapping,
) -> Result<(Directory, Vec<Problem>, HsdsReport), HsdsError> {
    let import = import(paths, mapping)?;
    let (directory, warnings) = onto(base, import.data)?;
    Ok((directory, warnings, import.report))
}

/// `data`'s organisations and services on `base`'s areas and taxonomy, validated.
pub fn onto(base: &Directory, data: DirectoryData) -> Result<(Directory, Vec<Problem>), HsdsError> {
    let mut full = base.to_data();
    full.organisations = data.organisations;
    full.services = data.services;
    for ((kind, id), file) in data.origins.entries() {
        full.origins.record(&kind, &id, &file);
    }
    Ok(Directory::new(full)?)
}

pub(super) fn convert(input: Input, mapping: &HsdsMapping) -> Result<HsdsImport, HsdsError> {
    let mut cx = Cx {
        mapping,
        terms: &input.terms,
        problems: Vec::new(),
        report: HsdsReport {
            notes: input.notes,
            ..HsdsReport::default()
        },
    };
    let mut data = DirectoryData::default();
    let mut orgs: HashMap<String, usize> = HashMap::new();
    let embedded = input
        .services
        .iter()
        .filter_map(|r| match r.object.get("organization") {
            Some(Value::Object(o)) => Some(Record {
                file: r.file.clone(),
                at: r.at.clone(),
                object: o.clone(),
            }),
            _ => None,
        });
    for r in input.organizations.iter().cloned().chain(embedded) {
        if let Some(o) = cx.organisation(&r) {
            if !orgs.contains_key(o.id.as_str()) {
                orgs.insert(o.id.to_string(), data.organisations.len());
                data.origins.record("organisation", o.id.as_str(), &r.file);
                data.organisations.push(o);
            }
        }
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    for r in &input.services {
        let Some(s) = cx.service(r) else { continue };
        let here = format!("`{}`{}", r.file, at_suffix(&r.at));
        if let Some(first) = seen.insert(s.id.to_string(), here.clone()) {
            cx.problem(
                r.location("service", s.id.as_str(), "id"),
                format!("service `{}` is also in {first}", s.id),
            );
            continue;
        }
        data.origins.record("service", s.id.as_str(), &r.file);
        data.services.push(s);
    }
    if !cx.problems.is_empty() {
        return Err(HsdsError::Invalid(cx.problems));
    }
    Ok(HsdsImport {
        data,
        report: cx.report,
    })
}

fn at_suffix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!(", {at}")
    }
}

struct Cx<'a> {
    mapping: &'a HsdsMapping,
    terms: &'a HashMap<String, Object>,
    problems: Vec<HsdsProblem>,
    report: HsdsReport,
}

impl Cx<'_> {
    fn problem(&mut self, location: super::HsdsLocation, message: String) {
        self.problems.push(HsdsProblem { location, message });
    }

    fn note(&mut self, kind: NoteKind, location: super::HsdsLocation, message: String) {
        self.report.notes.push(HsdsNote {
            kind,
            location,
            message,
        });
    }

    /// The record's id as a dls id, or a problem (`kind` names the record).
    fn id<T: std::str::FromStr>(&mut self, r: &Record, kind: &'static str) -> Option<T> {
        let raw = text(&r.object, "id");
        if raw.is_empty() {
            self.problem(r.location(kind, "", "id"), "missing `id`".into());
            return None;
        }
        match raw.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                self.problem(
                    r.location(kind, "", "id"),
                    "not a usable id (letters, digits and `-_.:`, at most 64 characters)".into(),
                );
                None
            }
        }
    }

    fn unused(&mut self, r: &Record, kind: &'static str, id: &str, used: &[&str]) {
        for (k, v) in &r.object {
            if present(v) && !used.contains(&k.as_str()) {
                self.note(
                    NoteKind::Unused,
                    r.location(kind, id, k),
                    "not used by dls".into(),
                );
            }
        }
    }

    fn organisation(&mut self, r: &Record) -> Option<Organisation> {
        let id: OrganisationId = self.id(r, "organization")?;
        let name = text(&r.object, "name");
        if name.is_empty() {
            self.problem(
                r.location("organization", id.as_str(), "name"),
                "missing `name`".into(),
            );
        }
        let mut kind = self
            .mapping
            .organisation_kind
            .clone()
            .unwrap_or(OrganisationKind::OTHER);
        let mut ignored = Vec::new();
        for (code, value) in dls_attributes(&r.object) {
            match (code.as_str(), value.parse()) {
                ("organisation_kind", Ok(k)) => kind = k,
                ("organisation_kind", Err(_)) => self.problem(
                    r.location("organization", id.as_str(), "attributes"),
                    "the `dls` attribute `organisation_kind` is not a known kind".into(),
                ),
                ("id", _) => {}
                _ => ignored.push(code),
            }
        }
        let id = match dls_id(&r.object).map(|s| s.parse()) {
            Some(Ok(dls)) => dls,
            _ => id,
        };
        for code in ignored {
            self.note(
                NoteKind::Unused,
                r.location("organization", id.as_str(), "attributes"),
                format!("attribute `{code}` not used by dls"),
            );
        }
        self.unused(r, "organization", id.as_str(), &ORGANIZATION_FIELDS);
        Some(Organisation { id, name, kind })
    }

    fn service(&mut self, r: &Record) -> Option<Service> {
        let hsds_id: ServiceId = self.id(r, "service")?;
        let id: ServiceId = match dls_id(&r.object).map(|s| s.parse()) {
            Some(Ok(dls)) => dls,
            _ => hsds_id,
        };
        let o = &r.object;
        let loc = |field: &str| r.location("service", id.as_str(), field);
        let name = text(o, "name");
        if name.is_empty() {
            self.problem(loc("name"), "missing `name`".into());
        }
        let mut org = text(o, "organization_id");
        if org.is_empty() {
            if let Some(Value::Object(e)) = o.get("organization") {
                org = dls_id(e).unwrap_or_else(|| text(e, "id"));
            }
        } else if let Some(Value::Object(e)) = o.get("organization") {
            org = dls_id(e).unwrap_or(org);
        }
        let organisation = match org.parse::<OrganisationId>() {
            Ok(o) => o,
            Err(_) => {
                self.problem(loc("organization_id"), "missing or unusable".into());
                return None;
            }
        };
        let age = self.age(r, id.as_str());
        let mut s = Service {
            id: id.clone(),
            organisation,
            name,
            role: ServiceRole::Provider,
            needs: Vec::new(),
            areas: Vec::new(),
            eligibility: Conditions::default(),
            capacity: None,
            valid: Validity::ALWAYS,
            channels: Vec::new(),
            priority: None,
        };
        self.attributes(r, &mut s);
        if s.needs.is_empty() {
            s.needs = self.mapping.default_needs.clone();
        }
        if let Some(age) = age {
            s.eligibility.age = Some(age);
        }
        self.areas(r, &mut s);
        // The `dls` channel attributes of an export list every channel in order; `url`, `email`
        // and `phones` then repeat some of them.
        if s.channels.is_empty() {
            for (field, kind) in [("url", ChannelKind::Web), ("email", ChannelKind::Email)] {
                let address = text(o, field);
                if !address.is_empty() {
                    s.channels.push(Channel { kind, address });
                }
            }
            self.phones(r, &mut s);
        }
        self.unused(r, "service", id.as_str(), &SERVICE_FIELDS);
        let status = text(o, "status");
        let skip = if status.is_empty() {
            self.problem(loc("status"), "missing `status`".into());
            return None;
        } else if status != "active" {
            Some(("status", "the service is not `active`".to_string()))
        } else if s.needs.is_empty() && s.role == ServiceRole::Provider {
            Some(("attributes", "no taxonomy term maps to a need".to_string()))
        } else if s.areas.is_empty() {
            Some((
                "service_areas",
                "no service area maps to an area".to_string(),
            ))
        } else {
            None
        };
        if let Some((field, why)) = skip {
            self.note(NoteKind::Skipped, loc(field), format!("left out: {why}"));
            return None;
        }
        Some(s)
    }

    fn age(&mut self, r: &Record, id: &str) -> Option<AgeCondition> {
        let mut bound = |field: &str| -> Option<i64> {
            let v = r.object.get(field).filter(|v| present(v))?;
            let n = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match n {
                Some(y)
                    if y.fract() == 0.0
                        && (0.0..=f64::from(crate::attributes::MAX_AGE)).contains(&y) =>
                {
                    Some(y as i64)
                }
                _ => {
                    self.problem(
                        r.location("service", id, field),
                        "not a whole number of years from 0 to 130".into(),
                    );
                    None
                }
            }
        };
        let (min, max) = (bound("minimum_age"), bound("maximum_age"));
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                self.problem(
                    r.location("service", id, "minimum_age"),
                    format!("minimum age {lo} lies above maximum age {hi}"),
                );
                return None;
            }
        }
        (min.is_some() || max.is_some()).then_some(AgeCondition { min, max })
    }

    fn attributes(&mut self, r: &Record, s: &mut Service) {
        let Some(Value::Array(attrs)) = r.object.get("attributes") else {
            return;
        };
        let sid = s.id.clone();
        let loc = |field: &str| r.location("service", sid.as_str(), field);
        for a in attrs {
            let Value::Object(a) = a else { continue };
            let term = match a.get("taxonomy_term") {
                Some(Value::Object(t)) => Some(t),
                _ => a
                    .get("taxonomy_term_id")
                    .and_then(Value::as_str)
                    .and_then(|id| self.terms.get(id)),
            };
            let Some(term) = term else {
                self.note(
                    NoteKind::Unused,
                    loc("attributes"),
                    "an attribute without a taxonomy term: not used by dls".into(),
                );
                continue;
            };
            let (taxonomy, code, term_id) =
                (text(term, "taxonomy"), text(term, "code"), text(term, "id"));
            let value = text(a, "value");
            if taxonomy == DLS_TAXONOMY {
                self.dls_attribute(r, s, &code, &value);
                continue;
            }
            let mapped: Option<Vec<NeedMatcher>> = if taxonomy == NEED_TAXONOMY {
                code.parse().ok().map(|m| vec![m])
            } else {
                self.mapping
                    .needs
                    .get(&code)
                    .or_else(|| self.mapping.needs.get(&term_id))
                    .cloned()
            };
            match mapped {
                Some(needs) => {
                    for n in needs {
                        if !s.needs.contains(&n) {
                            s.needs.push(n);
                        }
                    }
                }
                None => {
                    let key = if code.is_empty() { term_id } else { code };
                    self.note(
                        NoteKind::UnmappedTerm,
                        loc("attributes"),
                        format!("taxonomy term `{key}` maps to no need"),
                    );
                    let users = self.report.unmapped_terms.entry(key).or_default();
                    if !users.contains(&s.id.to_string()) {
                        users.push(s.id.to_string());
                    }
                }
            }
        }
    }

    fn dls_attribute(&mut self, r: &Record, s: &mut Service, code: &str, value: &str) {
        let bad = match code {
            "id" => false,
            "role" => value.parse().map(|v| s.role = v).is_err(),
            "priority" => value.parse().map(|v| s.priority = Some(v)).is_err(),
            "eligibility" => serde_json::from_str::<Conditions>(value)
                .map(|c| {
                    s.eligibility = Conditions {
                        age: s.eligibility.age,
                        ..c
                    }
                })
                .is_err(),
            "valid" => serde_json::from_str::<Validity>(value)
                .map(|v| s.valid = v)
                .is_err(),
            "capacity" => serde_json::from_str::<Capacity>(value)
                .map(|c| s.capacity = Some(c))
                .is_err(),
            "channel" => match value.split_once(':').map(|(k, a)| (k.parse(), a)) {
                Some((Ok(kind), address)) => {
                    s.channels.push(Channel {
                        kind,
                        address: address.to_string(),
                    });
                    false
                }
                _ => true,
            },
            _ => {
                self.note(
                    NoteKind::Unused,
                    r.location("service", s.id.as_str(), "attributes"),
                    format!("`dls` attribute `{code}` not used"),
                );
                false
            }
        };
        if bad {
            self.problem(
                r.location("service", s.id.as_str(), "attributes"),
                format!("the `dls` attribute `{code}` has a value dls cannot read"),
            );
        }
    }

    fn areas(&mut self, r: &Record, s: &mut Service) {
        if let Some(Value::Array(areas)) = r.object.get("service_areas") {
            for a in areas {
                let Value::Object(a) = a else { continue };
                let uri = text(a, "uri");
                let mapped: Option<Vec<AreaRef>> = match uri.strip_prefix(AREA_URI_PREFIX) {
                    Some(area) => area.parse().ok().map(|a| vec![a]),
                    None => ["id", "name", "uri", "extent"]
                        .iter()
                        .map(|f| text(a, f))
                        .filter(|k| !k.is_empty())
                        .find_map(|k| self.mapping.areas.get(&k).cloned()),
                };
                match mapped {
                    Some(refs) => {
                        for a in refs {
                            if !s.areas.contains(&a) {
                                s.areas.push(a);
                            }
                        }
                    }
                    None => {
                        let which = text(a, "id");
                        self.note(
                            NoteKind::UnmappedArea,
                            r.location("service", s.id.as_str(), "service_areas"),
                            format!("service area `{which}` maps to no area"),
                        );
                    }
                }
            }
        }
        if s.areas.is_empty() {
            s.areas = self.mapping.default_areas.clone();
        }
    }

    fn phones(&mut self, r: &Record, s: &mut Service) {
        let Some(Value::Array(phones)) = r.object.get("phones") else {
            return;
        };
        let mut unused = BTreeMap::new();
        for p in phones {
            let Value::Object(p) = p else { continue };
            let number = text(p, "number");
            if !number.is_empty() {
                s.channels.push(Channel {
                    kind: ChannelKind::Phone,
                    address: number,
                });
            }
            for (k, v) in p {
                if present(v) && !matches!(k.as_str(), "id" | "number" | "service_id") {
                    unused.insert(k.clone(), ());
                }
            }
        }
        for k in unused.into_keys() {
            self.note(
                NoteKind::Unused,
                r.location("service", s.id.as_str(), &format!("phones.{k}")),
                "not used by dls".into(),
            );
        }
    }
}

/// The `dls` attributes of an object: (term code, value).
fn dls_attributes(o: &Object) -> Vec<(String, String)> {
    let Some(Value::Array(attrs)) = o.get("attributes") else {
        return Vec::new();
    };
    attrs
        .iter()
        .filter_map(|a| {
            let t = a.get("taxonomy_term")?.as_object()?;
            (text(t, "taxonomy") == DLS_TAXONOMY).then(|| {
                (
                    text(t, "code"),
                    a.as_object().map(|a| text(a, "value")).unwrap_or_default(),
                )
            })
        })
        .collect()
}

/// The dls id an export kept in a `dls` attribute `id`.
fn dls_id(o: &Object) -> Option<String> {
    dls_attributes(o)
        .into_iter()
        .find(|(c, _)| c == "id")
        .map(|(_, v)| v)
}
