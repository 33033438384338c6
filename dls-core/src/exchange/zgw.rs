//! ZGW Zaken API 1.5.1 out: a household as the documents a client would POST to a Zaken API.
//!
//! - one hoofdzaak for the household (`kenmerken`: its pseudonymous case id, source `dls`);
//! - one deelzaak per routed need (`hoofdzaak` the hoofdzaak's URL; `omschrijving` the need's
//!   label, `toelichting` the decision and its trace, `kenmerken` the need code and, where the
//!   taxonomy has them, the iWmo/iJw product codes);
//! - rollen: `initiator` on the hoofdzaak (the household, by its pseudonymous id only: no
//!   person is identified), `zaakcoördinator` on the hoofdzaak (the coordinator, else the first
//!   point of contact, as an organisational unit), `behandelaar` on each deelzaak for every
//!   organisation that accepted a referral for it (an organisation id longer than the 24
//!   characters of `identificatie` is shortened stably, and named in full in `roltoelichting`);
//! - statussen of each deelzaak: one per status its referrals went through (the statustype per
//!   [`TaskStatus`] comes from the configuration), in time order.
//!
//! `zaaktype`, the roltypen and statustypen (URLs in the Catalogi API), `bronorganisatie` and
//! `verantwoordelijkeOrganisatie` (RSINs) come from a [`ZgwConfig`], checked when it is made:
//! an RSIN that is not nine digits passing the elfproef is an error then, not at export.
//!
//! Each document has the URL it will have under the configured Zaken API with dls's id; the
//! references between documents (`hoofdzaak`, `zaak`) use those URLs. A client whose server
//! chooses its own URLs posts in order and replaces each reference by the URL it got back
//! (`refers_to` names the document).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::timeline::{self, Referral};
use super::uuid;
use crate::directory::Directory;
use crate::events::Event;
use crate::lifecycle::TaskStatus;
use crate::routing::{HouseholdDecision, Verdict};

/// Why a ZGW configuration or export was refused. Names the field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZgwError {
    /// A required field is empty.
    #[error("zgw configuration: field `{field}` is required")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// An RSIN that is not nine digits.
    #[error("zgw configuration: field `{field}` must be an RSIN of nine digits")]
    RsinShape {
        /// The field.
        field: &'static str,
    },
    /// An RSIN whose check digit fails the elfproef.
    #[error("zgw configuration: field `{field}` is not a valid RSIN (elfproef)")]
    RsinCheck {
        /// The field.
        field: &'static str,
    },
    /// A URL that is not `http(s)://…` of at most 1000 characters.
    #[error(
        "zgw configuration: field `{field}` must be an http(s) URL of at most 1000 characters"
    )]
    Url {
        /// The field.
        field: String,
    },
    /// A statustype for a status that is not a FHIR Task status dls uses.
    #[error("zgw configuration: field `statustypen` names an unknown status")]
    UnknownStatus,
    /// A status dls writes has no statustype.
    #[error("zgw configuration: field `statustypen` lacks `{status}`")]
    MissingStatus {
        /// The status.
        status: TaskStatus,
    },
    /// A value that does not fit its field in the Zaken API.
    #[error("zgw: `{field}` is longer than {max} characters")]
    TooLong {
        /// The field (e.g. `kenmerken.kenmerk`, `betrokkeneIdentificatie.identificatie`).
        field: &'static str,
        /// Its maximum length.
        max: usize,
    },
}

/// What a host gives to make a [`ZgwConfig`] (field names as in JSON/TOML: snake_case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZgwConfigData {
    /// The base URL of the Zaken API (e.g. `https://zaken.example.nl/zaken/api/v1`).
    pub zaken_api: String,
    /// The zaaktype of the hoofdzaak (URL in the Catalogi API).
    pub zaaktype: String,
    /// The zaaktype of a deelzaak; the hoofdzaak's when empty.
    #[serde(default)]
    pub deelzaaktype: String,
    /// The RSIN of the organisation that creates the zaken.
    pub bronorganisatie: String,
    /// The RSIN of the organisation responsible for them.
    pub verantwoordelijke_organisatie: String,
    /// The roltype of the initiator.
    pub roltype_initiator: String,
    /// The roltype of the zaakcoördinator.
    pub roltype_zaakcoordinator: String,
    /// The roltype of a behandelaar.
    pub roltype_behandelaar: String,
    /// The statustype for each referral status (FHIR code → URL); at least `requested`,
    /// `accepted`, `rejected`, `failed`, `cancelled` and `completed` (the statuses dls's events
    /// reach).
    pub statustypen: BTreeMap<String, String>,
    /// `vertrouwelijkheidaanduiding` of every zaak; `vertrouwelijk` when empty.
    #[serde(default)]
    pub vertrouwelijkheidaanduiding: String,
}

/// A checked ZGW configuration: only [`ZgwConfig::new`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZgwConfig {
    data: ZgwConfigData,
    statustypen: BTreeMap<TaskStatus, String>,
}

/// True when `s` is nine digits passing the elfproef (RSIN and BSN: 9·d1 + 8·d2 + … + 2·d8 −
/// d9 is a multiple of 11).
pub fn is_rsin(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d = |i: usize| (b[i] - b'0') as i64;
    let sum: i64 = (0..8).map(|i| (9 - i as i64) * d(i)).sum::<i64>() - d(8);
    sum % 11 == 0
}

const VERTROUWELIJKHEID: &[&str] = &[
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
];

impl ZgwConfig {
    /// Checks `data`: every URL `http(s)://…` (at most 1000 characters), both RSINs nine digits
    /// with a valid check digit, a statustype for every status dls's events reach, a known
    /// `vertrouwelijkheidaanduiding`.
    pub fn new(mut data: ZgwConfigData) -> Result<ZgwConfig, ZgwError> {
        fn url(field: &str, v: &str) -> Result<(), ZgwError> {
            let ok = (v.starts_with("https://") || v.starts_with("http://"))
                && v.len() > 8
                && v.len() <= 1000
                && !v.contains(char::is_whitespace);
            if ok {
                Ok(())
            } else {
                Err(ZgwError::Url {
                    field: field.to_owned(),
                })
            }
        }
        let required = [
            ("zaken_api", &data.zaken_api),
            ("zaaktype", &data.zaaktype),
            ("bronorganisatie", &data.bronorganisatie),
            (
                "verantwoordelijke_organisatie",
                &data.verantwoordelijke_organisatie,
            ),
            ("roltype_initiator", &data.roltype_initiator),
            ("roltype_zaakcoordinator", &data.roltype_zaakcoordinator),
            ("roltype_behandelaar", &data.roltype_behandelaar),
        ];
        for (field, v) in required {
            if v.trim().is_empty() {
                return Err(ZgwError::Missing { field });
            }
        }
        for (field, v) in [
            ("bronorganisatie", &data.bronorganisatie),
            (
                "verantwoordelijke_organisatie",
                &data.verantwoordelijke_organisatie,
            ),
        ] {
            if v.len() != 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ZgwError::RsinShape { field });
            }
            if !is_rsin(v) {
                return Err(ZgwError::RsinCheck { field });
            }
        }
        if data.deelzaaktype.is_empty() {
            data.deelzaaktype = data.zaaktype.clone();
        }
        while data.zaken_api.ends_with('/') {
            data.zaken_api.pop();
        }
        for (field, v) in [
            ("zaken_api", &data.zaken_api),
            ("zaaktype", &data.zaaktype),
            ("deelzaaktype", &data.deelzaaktype),
            ("roltype_initiator", &data.roltype_initiator),
            ("roltype_zaakcoordinator", &data.roltype_zaakcoordinator),
            ("roltype_behandelaar", &data.roltype_behandelaar),
        ] {
            url(field, v)?;
        }
        let mut statustypen = BTreeMap::new();
        for (k, v) in &data.statustypen {
            let s: TaskStatus = k.parse().map_err(|_| ZgwError::UnknownStatus)?;
            url(&format!("statustypen.{s}"), v)?;
            statustypen.insert(s, v.clone());
        }
        for s in crate::lifecycle::ACTIVITY_STATUS.iter().map(|&(_, s)| s) {
            if !statustypen.contains_key(&s) {
                return Err(ZgwError::MissingStatus { status: s });
            }
        }
        if data.vertrouwelijkheidaanduiding.is_empty() {
            data.vertrouwelijkheidaanduiding = "vertrouwelijk".to_owned();
        }
        if !VERTROUWELIJKHEID.contains(&data.vertrouwelijkheidaanduiding.as_str()) {
            return Err(ZgwError::Missing {
                field: "vertrouwelijkheidaanduiding",
            });
        }
        Ok(ZgwConfig { data, statustypen })
    }

    /// The checked data.
    pub fn data(&self) -> &ZgwConfigData {
        &self.data
    }
}

/// Which Zaken API resource a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZgwResource {
    /// `POST /zaken` (`Zaak`).
    Zaak,
    /// `POST /rollen` (`Rol`).
    Rol,
    /// `POST /statussen` (`Status`).
    Status,
}

impl ZgwResource {
    /// The collection path: `zaken`, `rollen` or `statussen`.
    pub const fn path(self) -> &'static str {
        match self {
            ZgwResource::Zaak => "zaken",
            ZgwResource::Rol => "rollen",
            ZgwResource::Status => "statussen",
        }
    }

    /// The component schema of the Zaken API the body follows: `Zaak`, `Rol` or `Status`.
    pub const fn schema(self) -> &'static str {
        match self {
            ZgwResource::Zaak => "Zaak",
            ZgwResource::Rol => "Rol",
            ZgwResource::Status => "Status",
        }
    }
}

/// One document a client POSTs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZgwDocument {
    /// The resource.
    pub resource: ZgwResource,
    /// dls's id for it (a UUID).
    pub id: String,
    /// The URL it will have: `{zaken_api}/{path}/{id}`.
    pub url: String,
    /// The documents it refers to (their ids), which must be posted first.
    pub refers_to: Vec<String>,
    /// The request body (JSON, camelCase as the API names its fields).
    pub body: serde_json::Value,
}

// The request bodies. Their fields are declared in the order of their JSON names, so that
// writing a body straight ([`zaken_json`]) gives the keys in the order `serde_json::Value`
// keeps them (sorted) in [`ZgwDocument::body`]: the two outputs are the same bytes.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kenmerk<'a> {
    bron: &'static str,
    kenmerk: Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Zaak<'a> {
    bronorganisatie: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hoofdzaak: Option<Rc<str>>,
    kenmerken: Vec<Kenmerk<'a>>,
    omschrijving: String,
    registratiedatum: Rc<str>,
    startdatum: Rc<str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    toelichting: String,
    verantwoordelijke_organisatie: &'a str,
    vertrouwelijkheidaanduiding: &'a str,
    zaaktype: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rol<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    betrokkene_identificatie: Option<OrganisatorischeEenheid>,
    betrokkene_type: &'static str,
    roltoelichting: String,
    roltype: &'a str,
    zaak: Rc<str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganisatorischeEenheid {
    identificatie: String,
    naam: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status<'a> {
    datum_status_gezet: String,
    statustoelichting: String,
    statustype: &'a str,
    zaak: Rc<str>,
}

/// A body of one of the three resources.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Zaak(Zaak<'a>),
    Rol(Rol<'a>),
    Status(Status<'a>),
}

/// A document before its body becomes a `serde_json::Value`: serialises as [`ZgwDocument`]
/// does (same fields, same order).
#[derive(Serialize)]
struct Doc<'a> {
    resource: ZgwResource,
    id: Rc<str>,
    url: String,
    refers_to: Vec<Rc<str>>,
    body: Body<'a>,
}

/// At most `max` characters of `s` (for free-text fields: labels and explanations).
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => {
            let mut t: String = s[..i].chars().take(max.saturating_sub(1)).collect();
            t.push('…');
            t
        }
    }
}

/// An organisation id as an `identificatie` of at most 24 characters: the id itself when it
/// fits, else its first 15 characters, `~` and 8 hex digits of a hash of the whole id (stable,
/// and distinct for distinct ids in practice). The roltoelichting names the full id.
fn short_id(id: &str) -> String {
    if id.len() <= 24 {
        return id.to_owned();
    }
    let head: String = id.chars().take(15).collect();
    format!("{head}~{}", &uuid(&[id])[..8])
}

/// `value` when it fits in `max` characters, else [`ZgwError::TooLong`].
fn fit<'a>(value: &'a str, field: &'static str, max: usize) -> Result<Cow<'a, str>, ZgwError> {
    if value.chars().count() <= max {
        Ok(Cow::Borrowed(value))
    } else {
        Err(ZgwError::TooLong { field, max })
    }
}

fn doc<'a>(
    config: &ZgwConfig,
    resource: ZgwResource,
    id: Rc<str>,
    refers_to: Vec<Rc<str>>,
    body: Body<'a>,
) -> Doc<'a> {
    Doc {
        url: format!("{}/{}/{id}", config.data.zaken_api, resource.path()),
        resource,
        id,
        refers_to,
        body,
    }
}

impl Doc<'_> {
    fn into_document(self) -> ZgwDocument {
        ZgwDocument {
            resource: self.resource,
            body: serde_json::to_value(&self.body).unwrap_or_default(),
            id: self.id.to_string(),
            url: self.url,
            refers_to: self.refers_to.iter().map(|r| r.to_string()).collect(),
        }
    }
}

/// The household's decision as the Zaken API documents a client would POST, in the order to
/// post them: the hoofdzaak, the deelzaken, the rollen, the statussen (see the
/// [module docs](self)). `events` are the timeline (the case's events are used); without,
/// no referral was made yet: no behandelaar and no status.
pub fn zaken(
    decision: &HouseholdDecision,
    directory: &Directory,
    events: Option<&[Event]>,
    config: &ZgwConfig,
) -> Result<Vec<ZgwDocument>, ZgwError> {
    Ok(documents(decision, directory, events, config)?
        .into_iter()
        .map(Doc::into_document)
        .collect())
}

/// The documents of [`zaken`] as JSON text: the same bytes as `serde_json::to_string` of
/// them, written straight from the decision (no `serde_json::Value` in between), which is
/// what an export of many households wants.
pub fn zaken_json(
    decision: &HouseholdDecision,
    directory: &Directory,
    events: Option<&[Event]>,
    config: &ZgwConfig,
) -> Result<String, ZgwError> {
    let docs = documents(decision, directory, events, config)?;
    let mut out = Vec::with_capacity(1024 * docs.len());
    match serde_json::to_writer(&mut out, &docs) {
        Ok(()) => Ok(String::from_utf8(out).unwrap_or_default()),
        Err(_) => Ok(String::new()),
    }
}

fn documents<'a>(
    decision: &'a HouseholdDecision,
    directory: &'a Directory,
    events: Option<&[Event]>,
    config: &'a ZgwConfig,
) -> Result<Vec<Doc<'a>>, ZgwError> {
    let c = &config.data;
    let case = decision.case.as_str();
    let date: Rc<str> = decision.date.to_string().into();
    let hoofd_id: Rc<str> = uuid(&[case, "zaak"]).into();
    let hoofd_url: Rc<str> = format!("{}/zaken/{hoofd_id}", c.zaken_api).into();
    let routed: Vec<usize> = (0..decision.needs.len())
        .filter(|&i| decision.needs[i].outcome.service().is_some())
        .collect();
    let mut out = vec![doc(
        config,
        ZgwResource::Zaak,
        hoofd_id.clone(),
        vec![],
        Body::Zaak(Zaak {
            bronorganisatie: &c.bronorganisatie,
            verantwoordelijke_organisatie: &c.verantwoordelijke_organisatie,
            zaaktype: &c.zaaktype,
            omschrijving: clip(
                &format!("hulpvraag huishouden: {} behoeften", decision.needs.len()),
                80,
            ),
            toelichting: String::new(),
            registratiedatum: date.clone(),
            startdatum: date.clone(),
            vertrouwelijkheidaanduiding: &c.vertrouwelijkheidaanduiding,
            hoofdzaak: None,
            kenmerken: vec![Kenmerk {
                kenmerk: fit(case, "kenmerken.kenmerk", 40)?,
                bron: "dls",
            }],
        }),
    )];
    // The id and URL of each routed need's deelzaak (by index in `decision.needs`).
    let deel: Vec<Option<(Rc<str>, Rc<str>)>> = decision
        .needs
        .iter()
        .map(|n| {
            n.outcome.service().map(|_| {
                let id: Rc<str> = uuid(&[case, "deelzaak", n.need.as_str()]).into();
                let url: Rc<str> = format!("{}/zaken/{id}", c.zaken_api).into();
                (id, url)
            })
        })
        .collect();
    let deel_id = |i: usize| deel[i].as_ref().map(|d| d.0.clone()).unwrap_or_default();
    let deel_url = |i: usize| deel[i].as_ref().map(|d| d.1.clone()).unwrap_or_default();
    for &i in &routed {
        let n = &decision.needs[i];
        let def = directory.taxonomy().need(n.need.as_str());
        let mut kenmerken = vec![Kenmerk {
            kenmerk: fit(n.need.as_str(), "kenmerken.kenmerk", 40)?,
            bron: "dls-behoefte",
        }];
        if let Some(def) = def {
            let products = [
                ("iWmo-productcategorie", def.iwmo.map(|c| c.to_string())),
                ("iWmo-productcode", def.iwmo_product.map(|c| c.to_string())),
                ("iJw-productcategorie", def.ijw.map(|c| c.to_string())),
                ("iJw-productcode", def.ijw_product.map(|c| c.to_string())),
            ];
            for (bron, code) in products {
                if let Some(kenmerk) = code {
                    kenmerken.push(Kenmerk {
                        kenmerk: kenmerk.into(),
                        bron,
                    });
                }
            }
        }
        let mut toelichting = n.summary();
        if let Some(t) = &n.trace {
            for cand in t
                .candidates
                .iter()
                .filter(|c| c.verdict != Verdict::Decided)
            {
                let _ = write!(toelichting, "; `{}`: {}", cand.rule, cand.verdict);
            }
        }
        out.push(doc(
            config,
            ZgwResource::Zaak,
            deel_id(i),
            vec![hoofd_id.clone()],
            Body::Zaak(Zaak {
                bronorganisatie: &c.bronorganisatie,
                verantwoordelijke_organisatie: &c.verantwoordelijke_organisatie,
                zaaktype: &c.deelzaaktype,
                omschrijving: clip(def.map_or(n.need.as_str(), |d| d.label.as_str()), 80),
                toelichting: clip(&toelichting, 1000),
                registratiedatum: date.clone(),
                startdatum: date.clone(),
                vertrouwelijkheidaanduiding: &c.vertrouwelijkheidaanduiding,
                hoofdzaak: Some(hoofd_url.clone()),
                kenmerken,
            }),
        ));
    }
    // Rollen.
    let unit = |o: &crate::ids::OrganisationId| -> Result<OrganisatorischeEenheid, ZgwError> {
        Ok(OrganisatorischeEenheid {
            identificatie: short_id(o.as_str()),
            naam: clip(
                directory
                    .organisation(o.as_str())
                    .map_or(o.as_str(), |x| x.name.as_str()),
                50,
            ),
        })
    };
    out.push(doc(
        config,
        ZgwResource::Rol,
        uuid(&[case, "rol", "initiator"]).into(),
        vec![hoofd_id.clone()],
        Body::Rol(Rol {
            zaak: hoofd_url.clone(),
            betrokkene_type: "natuurlijk_persoon",
            roltype: &c.roltype_initiator,
            roltoelichting: format!("huishouden, pseudoniem {case}"),
            betrokkene_identificatie: None,
        }),
    ));
    let lead = decision
        .coordinator
        .as_ref()
        .map(|x| &x.contact.organisation)
        .or(decision
            .plan
            .first_contact
            .as_ref()
            .map(|x| &x.organisation));
    if let Some(lead) = lead {
        out.push(doc(
            config,
            ZgwResource::Rol,
            uuid(&[case, "rol", "zaakcoordinator"]).into(),
            vec![hoofd_id.clone()],
            Body::Rol(Rol {
                zaak: hoofd_url.clone(),
                betrokkene_type: "organisatorische_eenheid",
                roltype: &c.roltype_zaakcoordinator,
                roltoelichting: format!("regisseur: {lead}"),
                betrokkene_identificatie: Some(unit(lead)?),
            }),
        ));
    }
    let referrals: Vec<Referral> = match events {
        None => Vec::new(),
        Some(evs) => timeline::of_events(decision, evs),
    };
    for &i in &routed {
        let mut seen = Vec::new();
        for r in referrals.iter().filter(|r| r.need == i) {
            let accepted = r
                .versions
                .iter()
                .any(|v| matches!(v.status, TaskStatus::Accepted | TaskStatus::InProgress));
            let Some(o) = r.organisation.as_ref().filter(|_| accepted) else {
                continue;
            };
            if seen.contains(&o) {
                continue;
            }
            seen.push(o);
            out.push(doc(
                config,
                ZgwResource::Rol,
                uuid(&[case, "rol", "behandelaar", &i.to_string(), o.as_str()]).into(),
                vec![deel_id(i)],
                Body::Rol(Rol {
                    zaak: deel_url(i),
                    betrokkene_type: "organisatorische_eenheid",
                    roltype: &c.roltype_behandelaar,
                    roltoelichting: format!("behandelaar: {o}"),
                    betrokkene_identificatie: Some(unit(o)?),
                }),
            ));
        }
    }
    // Statussen, per deelzaak in time order.
    for &i in &routed {
        let mut versions: Vec<(&timeline::Version, &Referral, usize)> = Vec::new();
        for (r_i, r) in referrals.iter().enumerate().filter(|(_, r)| r.need == i) {
            versions.extend(r.versions.iter().map(|v| (v, r, r_i)));
        }
        versions.sort_by_key(|(v, _, r_i)| (v.at, *r_i));
        for (k, (v, r, _)) in versions.iter().enumerate() {
            let Some(statustype) = config.statustypen.get(&v.status) else {
                continue;
            };
            let by = r.organisation.as_ref().map_or("", |o| o.as_str());
            let mut toelichting = format!("{}: {}", v.activity, v.status);
            if !by.is_empty() {
                let _ = write!(toelichting, " ({by})");
            }
            if let Some(reason) = v.reason {
                let _ = write!(toelichting, ", reden {reason}");
            }
            out.push(doc(
                config,
                ZgwResource::Status,
                uuid(&[case, "status", &i.to_string(), &k.to_string()]).into(),
                vec![deel_id(i)],
                Body::Status(Status {
                    zaak: deel_url(i),
                    statustype,
                    datum_status_gezet: v.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    statustoelichting: clip(&toelichting, 1000),
                }),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_organisation_ids_are_shortened_stably() {
        assert_eq!(short_id("gem-haarlemmermeer"), "gem-haarlemmermeer");
        let a = short_id("stichting-welzijn-haarlemmermeer-zuid");
        assert_eq!(a.len(), 24);
        assert!(a.starts_with("stichting-welzi~"));
        assert_eq!(a, short_id("stichting-welzijn-haarlemmermeer-zuid"));
        assert_ne!(a, short_id("stichting-welzijn-haarlemmermeer-noord"));
    }

    #[test]
    fn the_elfproef() {
        // 9·1 + 8·1 + 7·1 + 6·1 + 5·1 + 4·1 + 3·1 + 2·1 − 0 = 44 = 4 · 11.
        assert!(is_rsin("111111110"));
        assert!(!is_rsin("111111111"));
        assert!(is_rsin("002220647")); // the RSIN of the VNG's examples
        assert!(!is_rsin("12345678"));
        assert!(!is_rsin("12345678a"));
    }
}
