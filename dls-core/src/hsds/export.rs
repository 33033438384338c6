//! A dls directory as HSDS 3.0 JSON: one page of `service_full` objects.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::{HsdsError, AREA_URI_PREFIX, DLS_TAXONOMY, NEED_TAXONOMY};
use crate::areas::AreaRef;
use crate::conditions::Conditions;
use crate::directory::{ChannelKind, Directory, Organisation, Service, ServiceRole};
use crate::source::ParseError;

/// The namespace of the name-based UUIDs dls gives ids that are not UUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d1c_2f0e_5b7a_4c3e_9a41_d15c_0de5_0001);

/// The HSDS id of a dls id: itself when it is a UUID, else a version 5 UUID of `kind:id`.
fn hsds_id(kind: &str, id: &str) -> (String, bool) {
    match Uuid::parse_str(id) {
        Ok(u) if u.hyphenated().to_string() == id => (id.to_string(), false),
        _ => (
            Uuid::new_v5(&NAMESPACE, format!("{kind}:{id}").as_bytes()).to_string(),
            true,
        ),
    }
}

fn uuid_of(parts: &str) -> String {
    Uuid::new_v5(&NAMESPACE, parts.as_bytes()).to_string()
}

/// A taxonomy term as HSDS writes it inside an attribute.
#[derive(Serialize)]
struct Term {
    id: String,
    code: String,
    name: String,
    description: String,
    taxonomy: &'static str,
}

/// An attribute: a `dls` attribute, or a `dls-need` term, of the object with HSDS id `link_id`.
#[derive(Serialize)]
struct Attribute<'a> {
    id: String,
    link_id: &'a str,
    link_entity: &'static str,
    link_type: &'static str,
    taxonomy_term_id: &'a str,
    taxonomy_term: &'a Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Serialize)]
struct Organization<'a> {
    id: String,
    name: &'a str,
    description: &'a str,
    attributes: Vec<Attribute<'a>>,
}

#[derive(Serialize)]
struct Phone<'a> {
    id: String,
    service_id: &'a str,
    number: &'a str,
}

#[derive(Serialize)]
struct ServiceArea<'a> {
    id: String,
    service_id: &'a str,
    name: String,
    extent: String,
    extent_type: &'static str,
    uri: String,
}

#[derive(Serialize)]
struct ServiceFull<'a> {
    id: &'a str,
    name: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a Organization<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_age: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phones: Vec<Phone<'a>>,
    service_areas: Vec<ServiceArea<'a>>,
    attributes: Vec<Attribute<'a>>,
}

/// The taxonomy terms of an export, made once each (a term's id is a name-based UUID).
#[derive(Default)]
struct Terms(HashMap<(&'static str, String), Term>);

impl Terms {
    fn add(&mut self, taxonomy: &'static str, code: &str) {
        self.0
            .entry((taxonomy, code.to_string()))
            .or_insert_with(|| Term {
                id: uuid_of(&format!("term:{taxonomy}:{code}")),
                code: code.to_string(),
                name: code.to_string(),
                description: format!("{taxonomy} {code}"),
                taxonomy,
            });
    }
}

/// What one attribute says before its term is looked up: taxonomy, code, value.
type AttributeSpec = (&'static str, String, Option<String>);

fn attributes<'a>(
    link: &'a str,
    entity: &'static str,
    specs: &[AttributeSpec],
    terms: &'a HashMap<(&'static str, String), Term>,
) -> Vec<Attribute<'a>> {
    specs
        .iter()
        .enumerate()
        .filter_map(|(n, (taxonomy, code, value))| {
            let term = terms.get(&(*taxonomy, code.clone()))?;
            Some(Attribute {
                id: uuid_of(&format!("attribute:{link}:{n}")),
                link_id: link,
                link_entity: entity,
                link_type: taxonomy,
                taxonomy_term_id: &term.id,
                taxonomy_term: term,
                value: value.clone(),
            })
        })
        .collect()
}

/// The attributes of an organisation, and its HSDS id.
fn organization_specs(o: &Organisation) -> (String, Vec<AttributeSpec>) {
    let (id, renamed) = hsds_id("organisation", o.id.as_str());
    let mut specs = vec![(
        DLS_TAXONOMY,
        "organisation_kind".to_string(),
        Some(o.kind.as_str().to_string()),
    )];
    if renamed {
        specs.push((DLS_TAXONOMY, "id".to_string(), Some(o.id.to_string())));
    }
    (id, specs)
}

fn area_name(dir: &Directory, a: &AreaRef) -> String {
    match a {
        AreaRef::Kern(k) => dir.areas().kern(k.as_str()).map(|k| k.name.clone()),
        AreaRef::Municipality(m) => dir.areas().municipality(m.as_str()).map(|m| m.name.clone()),
        _ => None,
    }
    .unwrap_or_else(|| a.to_string())
}

/// The attributes of a service (its needs as `dls-need` terms, the rest as `dls` attributes).
fn service_specs(s: &Service, renamed: bool) -> Vec<AttributeSpec> {
    let mut specs: Vec<AttributeSpec> = Vec::new();
    for n in &s.needs {
        specs.push((NEED_TAXONOMY, n.to_string(), None));
    }
    let mut add = |code: &str, value: String| {
        specs.push((DLS_TAXONOMY, code.to_string(), Some(value)));
    };
    if renamed {
        add("id", s.id.to_string());
    }
    if let Some(p) = s.priority {
        add("priority", p.to_string());
    }
    if s.role != ServiceRole::Provider {
        add("role", s.role.as_str().to_string());
    }
    let rest = Conditions {
        age: None,
        ..s.eligibility.clone()
    };
    if !rest.is_empty() {
        add("eligibility", json_text(&rest));
    }
    if s.valid != crate::validity::Validity::ALWAYS {
        add("valid", json_text(&s.valid));
    }
    if let Some(c) = &s.capacity {
        add("capacity", json_text(c));
    }
    for c in &s.channels {
        add("channel", format!("{}:{}", c.kind.as_str(), c.address));
    }
    specs
}

/// A service as `service_full`, its organization made once per organisation in `orgs`.
fn service<'a>(
    dir: &'a Directory,
    s: &'a Service,
    id: &'a str,
    specs: &[AttributeSpec],
    orgs: &'a HashMap<&'a str, Organization<'a>>,
    terms: &'a HashMap<(&'static str, String), Term>,
) -> ServiceFull<'a> {
    let organization = orgs.get(s.organisation.as_str());
    let first = |kind: ChannelKind, ok: fn(&str) -> bool| {
        s.channels
            .iter()
            .find(|c| c.kind == kind && ok(&c.address))
            .map(|c| c.address.as_str())
    };
    let age = s.eligibility.age;
    ServiceFull {
        id,
        name: &s.name,
        status: "active",
        organization_id: organization.map(|o| o.id.as_str()),
        organization,
        minimum_age: age.and_then(|a| a.min),
        maximum_age: age.and_then(|a| a.max),
        url: first(ChannelKind::Web, |a| {
            a.starts_with("https://") || a.starts_with("http://")
        }),
        email: first(ChannelKind::Email, |a| a.contains('@') && !a.contains(' ')),
        phones: s
            .channels
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == ChannelKind::Phone)
            .map(|(i, c)| Phone {
                id: uuid_of(&format!("phone:{id}:{i}")),
                service_id: id,
                number: &c.address,
            })
            .collect(),
        service_areas: s
            .areas
            .iter()
            .map(|a| ServiceArea {
                id: uuid_of(&format!("service_area:{id}:{a}")),
                service_id: id,
                name: area_name(dir, a),
                extent: a.to_string(),
                extent_type: "text",
                uri: format!("{AREA_URI_PREFIX}{a}"),
            })
            .collect(),
        attributes: attributes(id, "service", specs, terms),
    }
}

/// Writes the directory's services as one page of an HSDS 3.0 service list to `out`, one
/// service at a time; `pretty` indents.
fn write_page<W: Write>(dir: &Directory, out: W, pretty: bool) -> serde_json::Result<()> {
    let org_specs: Vec<(&Organisation, String, Vec<AttributeSpec>)> = dir
        .organisations()
        .iter()
        .map(|o| {
            let (id, specs) = organization_specs(o);
            (o, id, specs)
        })
        .collect();
    let services: Vec<(&Service, String, Vec<AttributeSpec>)> = dir
        .services()
        .iter()
        .map(|s| {
            let (id, renamed) = hsds_id("service", s.id.as_str());
            let specs = service_specs(s, renamed);
            (s, id, specs)
        })
        .collect();
    let mut terms = Terms::default();
    for (taxonomy, code, _) in org_specs
        .iter()
        .flat_map(|o| &o.2)
        .chain(services.iter().flat_map(|s| &s.2))
    {
        terms.add(taxonomy, code);
    }
    let terms = terms.0;
    let orgs: HashMap<&str, Organization> = org_specs
        .iter()
        .map(|(o, id, specs)| {
            let org = Organization {
                id: id.clone(),
                name: &o.name,
                description: &o.name,
                attributes: attributes(id, "organization", specs, &terms),
            };
            (o.id.as_str(), org)
        })
        .collect();
    let n = services.len();
    let page = Page {
        total_items: n,
        total_pages: 1,
        page_number: 1,
        size: n,
        first_page: true,
        last_page: true,
        empty: n == 0,
        contents: Contents {
            dir,
            services: &services,
            orgs: &orgs,
            terms: &terms,
        },
    };
    if pretty {
        serde_json::to_writer_pretty(out, &page)
    } else {
        serde_json::to_writer(out, &page)
    }
}

#[derive(Serialize)]
struct Page<'a> {
    total_items: usize,
    total_pages: usize,
    page_number: usize,
    size: usize,
    first_page: bool,
    last_page: bool,
    empty: bool,
    contents: Contents<'a>,
}

/// The services of a page, made one at a time as they are written.
struct Contents<'a> {
    dir: &'a Directory,
    services: &'a [(&'a Service, String, Vec<AttributeSpec>)],
    orgs: &'a HashMap<&'a str, Organization<'a>>,
    terms: &'a HashMap<(&'static str, String), Term>,
}

impl Serialize for Contents<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.services
                .iter()
                .map(|(s, id, specs)| service(self.dir, s, id, specs, self.orgs, self.terms)),
        )
    }
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The directory's services as one page of an HSDS 3.0 service list (`total_items`, …,
/// `contents`), each a `service_full` object with its organization, service areas, phones and
/// attributes, in the directory's service order.
pub fn export(dir: &Directory) -> Value {
    serde_json::from_slice(&export_bytes(dir, false)).unwrap_or_default()
}

fn export_bytes(dir: &Directory, pretty: bool) -> Vec<u8> {
    // About 2.3 KB of compact JSON per service.
    let mut out = Vec::with_capacity(4096 + dir.services().len() * 2400);
    // Writing into memory fails only if serialisation does, which it cannot for these types.
    let _ = write_page(dir, &mut out, pretty);
    out
}

/// [`export`] as compact JSON text (no indentation: a third smaller than indented, and faster
/// to write and read).
pub fn export_json(dir: &Directory) -> String {
    String::from_utf8(export_bytes(dir, false)).unwrap_or_default()
}

/// [`export`] as indented JSON text, for reading by eye.
pub fn export_json_pretty(dir: &Directory) -> String {
    String::from_utf8(export_bytes(dir, true)).unwrap_or_default()
}

/// Writes [`export`] to a JSON file (compact), one service at a time.
pub fn export_to_file(dir: &Directory, path: &Path) -> Result<(), HsdsError> {
    let io = |e: std::io::Error| {
        HsdsError::Parse(ParseError::Io {
            file: path.display().to_string(),
            reason: e.kind().to_string(),
        })
    };
    let file = std::fs::File::create(path).map_err(io)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    write_page(dir, &mut w, false).map_err(|e| io(e.into()))?;
    w.flush().map_err(io)
}
