//! A dls directory as HSDS 3.0 JSON: one page of `service_full` objects.

use std::path::Path;

use serde_json::{json, Map, Value};
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

/// A `dls` attribute (or a `dls-need` term) of the object with HSDS id `link`.
fn attribute(
    link: &str,
    entity: &str,
    taxonomy: &str,
    code: &str,
    value: Option<&str>,
    n: usize,
) -> Value {
    let term = json!({
        "id": uuid_of(&format!("term:{taxonomy}:{code}")),
        "code": code,
        "name": code,
        "description": format!("{taxonomy} {code}"),
        "taxonomy": taxonomy,
    });
    let mut a = json!({
        "id": uuid_of(&format!("attribute:{link}:{n}")),
        "link_id": link,
        "link_entity": entity,
        "link_type": taxonomy,
        "taxonomy_term_id": term["id"].clone(),
        "taxonomy_term": term,
    });
    if let Some(v) = value {
        a["value"] = Value::String(v.to_string());
    }
    a
}

fn organization(o: &Organisation) -> Value {
    let (id, renamed) = hsds_id("organisation", o.id.as_str());
    let mut attrs = vec![attribute(
        &id,
        "organization",
        DLS_TAXONOMY,
        "organisation_kind",
        Some(o.kind.as_str()),
        0,
    )];
    if renamed {
        attrs.push(attribute(
            &id,
            "organization",
            DLS_TAXONOMY,
            "id",
            Some(o.id.as_str()),
            1,
        ));
    }
    json!({
        "id": id,
        "name": o.name,
        "description": o.name,
        "attributes": attrs,
    })
}

fn area_name(dir: &Directory, a: &AreaRef) -> String {
    match a {
        AreaRef::Kern(k) => dir.areas().kern(k.as_str()).map(|k| k.name.clone()),
        AreaRef::Municipality(m) => dir.areas().municipality(m.as_str()).map(|m| m.name.clone()),
        _ => None,
    }
    .unwrap_or_else(|| a.to_string())
}

fn service(dir: &Directory, s: &Service) -> Value {
    let (id, renamed) = hsds_id("service", s.id.as_str());
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    o.insert("name".into(), json!(s.name));
    o.insert("status".into(), json!("active"));
    if let Some(org) = dir.organisation(s.organisation.as_str()) {
        let org = organization(org);
        o.insert("organization_id".into(), org["id"].clone());
        o.insert("organization".into(), org);
    }
    if let Some(age) = s.eligibility.age {
        if let Some(min) = age.min {
            o.insert("minimum_age".into(), json!(min));
        }
        if let Some(max) = age.max {
            o.insert("maximum_age".into(), json!(max));
        }
    }
    let first = |kind: ChannelKind, ok: fn(&str) -> bool| {
        s.channels
            .iter()
            .find(|c| c.kind == kind && ok(&c.address))
            .map(|c| c.address.clone())
    };
    if let Some(url) = first(ChannelKind::Web, |a| {
        a.starts_with("https://") || a.starts_with("http://")
    }) {
        o.insert("url".into(), json!(url));
    }
    if let Some(email) = first(ChannelKind::Email, |a| a.contains('@') && !a.contains(' ')) {
        o.insert("email".into(), json!(email));
    }
    let phones: Vec<Value> = s
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ChannelKind::Phone)
        .map(|(i, c)| json!({ "id": uuid_of(&format!("phone:{id}:{i}")), "service_id": id, "number": c.address }))
        .collect();
    if !phones.is_empty() {
        o.insert("phones".into(), Value::Array(phones));
    }
    let areas: Vec<Value> = s
        .areas
        .iter()
        .map(|a| {
            json!({
                "id": uuid_of(&format!("service_area:{id}:{a}")),
                "service_id": id,
                "name": area_name(dir, a),
                "extent": a.to_string(),
                "extent_type": "text",
                "uri": format!("{AREA_URI_PREFIX}{a}"),
            })
        })
        .collect();
    o.insert("service_areas".into(), Value::Array(areas));
    let mut attrs = Vec::new();
    let mut add = |taxonomy: &str, code: &str, value: Option<&str>| {
        let n = attrs.len();
        attrs.push(attribute(&id, "service", taxonomy, code, value, n));
    };
    for n in &s.needs {
        add(NEED_TAXONOMY, &n.to_string(), None);
    }
    if renamed {
        add(DLS_TAXONOMY, "id", Some(s.id.as_str()));
    }
    if let Some(p) = s.priority {
        add(DLS_TAXONOMY, "priority", Some(&p.to_string()));
    }
    if s.role != ServiceRole::Provider {
        add(DLS_TAXONOMY, "role", Some(s.role.as_str()));
    }
    let rest = Conditions {
        age: None,
        ..s.eligibility.clone()
    };
    if !rest.is_empty() {
        add(DLS_TAXONOMY, "eligibility", Some(&json_text(&rest)));
    }
    if s.valid != crate::validity::Validity::ALWAYS {
        add(DLS_TAXONOMY, "valid", Some(&json_text(&s.valid)));
    }
    if let Some(c) = &s.capacity {
        add(DLS_TAXONOMY, "capacity", Some(&json_text(c)));
    }
    for c in &s.channels {
        add(
            DLS_TAXONOMY,
            "channel",
            Some(&format!("{}:{}", c.kind.as_str(), c.address)),
        );
    }
    o.insert("attributes".into(), Value::Array(attrs));
    Value::Object(o)
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The directory's services as one page of an HSDS 3.0 service list (`total_items`, …,
/// `contents`), each a `service_full` object with its organization, service areas, phones and
/// attributes, in the directory's service order.
pub fn export(dir: &Directory) -> Value {
    let contents: Vec<Value> = dir.services().iter().map(|s| service(dir, s)).collect();
    let n = contents.len();
    json!({
        "total_items": n,
        "total_pages": 1,
        "page_number": 1,
        "size": n,
        "first_page": true,
        "last_page": true,
        "empty": n == 0,
        "contents": contents,
    })
}

/// [`export`] as pretty-printed JSON text.
pub fn export_json(dir: &Directory) -> String {
    serde_json::to_string_pretty(&export(dir)).unwrap_or_default()
}

/// Writes [`export`] to a JSON file.
pub fn export_to_file(dir: &Directory, path: &Path) -> Result<(), HsdsError> {
    std::fs::write(path, export_json(dir)).map_err(|e| {
        HsdsError::Parse(ParseError::Io {
            file: path.display().to_string(),
            reason: e.kind().to_string(),
        })
    })
}
