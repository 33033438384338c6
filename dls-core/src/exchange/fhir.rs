//! FHIR R4 out and in, after the Gravity SDOH closed-loop referral pattern: a household's
//! decision becomes a Bundle with
//!
//! - one `Group` for the household, named only by its pseudonymous case id (an identifier in
//!   the system [`HOUSEHOLD_SYSTEM`]);
//! - one `Organization` per organisation involved (identifier in [`ORGANISATION_SYSTEM`]);
//! - one `ServiceRequest` per routed need (gaps have none): `code` the need in the dls code
//!   system [`NEED_SYSTEM`] (and its iWmo/iJw product category and product code where the
//!   taxonomy has them),
//!   `performer` the organisation of the service it goes to, `note` the decision and its trace
//!   as text (rule ids, services and verdicts: no data of the household);
//! - one `Task` per referral (`code` `fulfill`, `focus` the ServiceRequest of the need whose
//!   service or organisation it names, else of the primary need; `owner` the organisation
//!   referred to; `status` from the life cycle ([`crate::lifecycle`]); `businessStatus` the dls
//!   event that set it (e.g. `no_response`, `bounced`), `statusReason` the rejection reason;
//!   `input` the service referred to and, where the event named it, the need);
//! - one `CareTeam` for the household, its first participant the coordinator (role
//!   `regisseur`), or the first point of contact when one organisation does everything.
//!
//! Without events, each service the needs go to gets one Task in `requested` on the decision's
//! date (focus: the first need that goes there). With
//! events (the case's; others are ignored), each referral of the timeline gets a Task in its
//! status now ([`bundle`]); [`history`] writes every version of every Task (a Bundle of type
//! `history`), which [`import`] reads back into the same referral events.
//!
//! Import ([`import`]) reads a Bundle of any type: each Task becomes dls events (a version
//! whose `businessStatus` is a dls event code gives that event; otherwise its status gives the
//! event of [`crate::lifecycle::activity_of`]; `received`, `in-progress` and `on-hold` have
//! none and are listed as [`Skipped`]). Every reference a Task needs (`for`, `focus`, `owner`)
//! must resolve inside the Bundle; a Bundle that is not R4, or a Task without what dls needs,
//! is a [`FhirError`] naming the resource and the field.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::timeline::{self, Referral};
use super::uuid;
use crate::directory::Directory;
use crate::events::{Activity, Event, RejectionReason};
use crate::ids::{CaseId, NeedCode, OrganisationId, ServiceId};

use crate::lifecycle::{self, TaskStatus};
use crate::routing::{HouseholdDecision, NeedDecision, Verdict};

/// The identifier system of households (the value is the pseudonymous case id).
pub const HOUSEHOLD_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/NamingSystem/household";
/// The identifier system of organisations (the value is the directory's organisation id).
pub const ORGANISATION_SYSTEM: &str =
    "https://delokalesteunpilaar.nl/fhir/NamingSystem/organisation";
/// The code system of dls needs (the codes of the need taxonomy).
pub const NEED_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/CodeSystem/need";
/// The code system of iWmo product categories (code list WMO757), under a dls URL.
pub const IWMO_CATEGORY_SYSTEM: &str =
    "https://delokalesteunpilaar.nl/fhir/CodeSystem/iwmo-productcategorie";
/// The code system of iWmo product codes (within a category, e.g. `02A03`), under a dls URL.
pub const IWMO_PRODUCT_SYSTEM: &str =
    "https://delokalesteunpilaar.nl/fhir/CodeSystem/iwmo-productcode";
/// The code system of iJw product categories, under a dls URL.
pub const IJW_CATEGORY_SYSTEM: &str =
    "https://delokalesteunpilaar.nl/fhir/CodeSystem/ijw-productcategorie";
/// The code system of iJw product codes, under a dls URL.
pub const IJW_PRODUCT_SYSTEM: &str =
    "https://delokalesteunpilaar.nl/fhir/CodeSystem/ijw-productcode";
/// The code system of dls events, used for `Task.businessStatus`.
pub const EVENT_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/CodeSystem/event";
/// The code system of dls rejection reasons, used for `Task.statusReason`.
pub const REASON_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/CodeSystem/rejection-reason";
/// The code system of the `Task.input` types dls writes (`service`, `need`).
pub const INPUT_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/CodeSystem/task-input";
/// The code system of care-team roles (`regisseur`, `uitvoerder`).
pub const ROLE_SYSTEM: &str = "https://delokalesteunpilaar.nl/fhir/CodeSystem/role";
/// The FHIR Task code system (`fulfill`).
pub const TASK_CODE_SYSTEM: &str = "http://hl7.org/fhir/CodeSystem/task-code";

/// A FHIR Bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// Always `Bundle`.
    pub resource_type: String,
    /// Its id.
    pub id: String,
    /// `collection` or `history`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The entries.
    pub entry: Vec<Entry>,
}

/// One entry of a Bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `urn:uuid:` and the resource's id.
    pub full_url: String,
    /// The resource.
    pub resource: Resource,
    /// In a history Bundle: how the version came about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<EntryRequest>,
    /// In a history Bundle: the server's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<EntryResponse>,
}

/// `Bundle.entry.request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryRequest {
    /// `POST` (first version) or `PUT`.
    pub method: String,
    /// `Task` or `Task/<id>`.
    pub url: String,
}

/// `Bundle.entry.response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryResponse {
    /// `201` or `200`.
    pub status: String,
    /// When the version was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// The resources dls writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "resourceType")]
#[allow(clippy::large_enum_variant)]
pub enum Resource {
    /// The household.
    Group(Group),
    /// An organisation.
    Organization(Organization),
    /// A routed need.
    ServiceRequest(ServiceRequest),
    /// A referral.
    Task(Task),
    /// The household's care team.
    CareTeam(CareTeam),
}

/// `Identifier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// The namespace.
    pub system: String,
    /// The value.
    pub value: String,
}

/// `Coding`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// The code system.
    pub system: String,
    /// The code.
    pub code: String,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// `CodeableConcept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeableConcept {
    /// The codings.
    pub coding: Vec<Coding>,
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    fn one(system: &str, code: &str, display: Option<String>) -> Self {
        CodeableConcept {
            coding: vec![Coding {
                system: system.to_owned(),
                code: code.to_owned(),
                display,
            }],
            text: None,
        }
    }
}

/// `Reference` (always to a resource in the same Bundle, by its `fullUrl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The `fullUrl` of the resource referred to.
    pub reference: String,
}

/// `Annotation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// The text.
    pub text: String,
}

/// `Meta` (version of a resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// The version, `1`, `2`, ….
    pub version_id: String,
    /// When the version was made.
    pub last_updated: String,
}

/// `Group`: the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Its id.
    pub id: String,
    /// The pseudonymous case id.
    pub identifier: Vec<Identifier>,
    /// Always `person`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always true.
    pub actual: bool,
}

/// `Organization`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Its id.
    pub id: String,
    /// The directory's organisation id.
    pub identifier: Vec<Identifier>,
    /// Its name in the directory, where it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `ServiceRequest`: one routed need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequest {
    /// Its id.
    pub id: String,
    /// `active`, or `completed` once a referral for it completed.
    pub status: String,
    /// Always `order`.
    pub intent: String,
    /// The need (and its iWmo product category).
    pub code: CodeableConcept,
    /// The household.
    pub subject: Reference,
    /// When the decision was taken (its date).
    pub authored_on: String,
    /// The first point of contact's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester: Option<Reference>,
    /// The organisation of the service the need goes to.
    pub performer: Vec<Reference>,
    /// The decision and its trace, as text.
    pub note: Vec<Annotation>,
}

/// `Task.input`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskInput {
    /// `service` or `need` (in [`INPUT_SYSTEM`]).
    #[serde(rename = "type")]
    pub kind: CodeableConcept,
    /// The service id or need code.
    pub value_string: String,
}

/// `Task`: one referral (one version of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Its id.
    pub id: String,
    /// The version, in a history Bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// The FHIR status ([`TaskStatus`]).
    pub status: TaskStatus,
    /// The dls event that set the status (in [`EVENT_SYSTEM`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_status: Option<CodeableConcept>,
    /// The rejection reason (in [`REASON_SYSTEM`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<CodeableConcept>,
    /// Always `order`.
    pub intent: String,
    /// Always `fulfill`.
    pub code: CodeableConcept,
    /// The ServiceRequest.
    pub focus: Reference,
    /// The household.
    #[serde(rename = "for")]
    pub beneficiary: Reference,
    /// When the referral was made.
    pub authored_on: String,
    /// When the status last changed.
    pub last_modified: String,
    /// The organisation referred to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Reference>,
    /// The service referred to, and the need where the event named it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input: Vec<TaskInput>,
}

/// `CareTeam.participant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// `regisseur` (the lead) or `uitvoerder`.
    pub role: Vec<CodeableConcept>,
    /// The organisation.
    pub member: Reference,
}

/// `CareTeam`: the household's organisations, the coordinator first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CareTeam {
    /// Its id.
    pub id: String,
    /// Always `active`.
    pub status: String,
    /// The household.
    pub subject: Reference,
    /// The lead (coordinator, else first point of contact) first.
    pub participant: Vec<Participant>,
    /// The lead's organisation.
    pub managing_organization: Vec<Reference>,
}

fn instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn urn(id: &str) -> String {
    let mut s = String::with_capacity(9 + id.len());
    s.push_str("urn:uuid:");
    s.push_str(id);
    s
}

fn reference(id: &str) -> Reference {
    Reference { reference: urn(id) }
}

/// The decision of one need, with its trace, as text.
fn trace_text(n: &NeedDecision) -> String {
    let mut s = n.summary();
    if let Some(t) = &n.trace {
        for c in &t.candidates {
            if c.verdict != Verdict::Decided {
                let _ = write!(
                    s,
                    "; `{}` ({} layer, priority {}): {}",
                    c.rule, c.layer, c.priority, c.verdict
                );
            }
        }
    }
    s
}

/// What both exports share: ids, the routed needs, the referrals.
struct Model<'a> {
    decision: &'a HouseholdDecision,
    directory: &'a Directory,
    case: String,
    /// The needs that go to a service: (index in decision.needs, ServiceRequest id).
    requests: Vec<(usize, String)>,
    referrals: Vec<Referral>,
    /// Organisations in order of first mention.
    organisations: Vec<OrganisationId>,
    /// The id of each organisation's resource, in the order of `organisations`.
    organisation_ids: Vec<String>,
    /// The household's Group id.
    group: String,
}

impl<'a> Model<'a> {
    fn new(
        decision: &'a HouseholdDecision,
        directory: &'a Directory,
        events: Option<&[Event]>,
    ) -> Self {
        let case = decision.case.as_str().to_owned();
        let requests: Vec<(usize, String)> = decision
            .needs
            .iter()
            .enumerate()
            .filter(|(_, n)| n.outcome.service().is_some())
            .map(|(i, n)| (i, uuid(&[&case, "ServiceRequest", n.need.as_str()])))
            .collect();
        let mut m = Model {
            decision,
            directory,
            case,
            requests,
            referrals: Vec::new(),
            organisations: Vec::new(),
            organisation_ids: Vec::new(),
            group: String::new(),
        };
        m.referrals = match events {
            None => timeline::of_decision(decision),
            Some(events) => timeline::of_events(decision, events),
        };
        let mut orgs = Vec::new();
        let mut add = |o: Option<&OrganisationId>| {
            if let Some(o) = o {
                if !orgs.contains(o) {
                    orgs.push(o.clone());
                }
            }
        };
        add(decision
            .coordinator
            .as_ref()
            .map(|c| &c.contact.organisation));
        add(decision
            .plan
            .first_contact
            .as_ref()
            .map(|c| &c.organisation));
        for n in &decision.needs {
            add(n.outcome.organisation());
        }
        for r in &m.referrals {
            add(r.organisation.as_ref());
        }
        m.organisation_ids = orgs
            .iter()
            .map(|o| uuid(&[&m.case, "Organization", o.as_str()]))
            .collect();
        m.organisations = orgs;
        m.group = uuid(&[&m.case, "Group"]);
        m
    }

    /// The ServiceRequest of need `i` (a routed need: see `timeline`).
    fn request_id(&self, i: usize) -> &str {
        self.requests
            .iter()
            .find(|(n, _)| *n == i)
            .or(self.requests.first())
            .map_or("", |(_, id)| id)
    }

    fn org_id(&self, o: &OrganisationId) -> String {
        if let Some(i) = self.organisations.iter().position(|x| x == o) {
            return self.organisation_ids[i].clone();
        }
        uuid(&[&self.case, "Organization", o.as_str()])
    }

    fn group_id(&self) -> String {
        if !self.group.is_empty() {
            return self.group.clone();
        }
        uuid(&[&self.case, "Group"])
    }

    fn task_id(&self, r: usize) -> String {
        uuid(&[&self.case, "Task", &r.to_string()])
    }

    fn fixed_entries(&self) -> Vec<Entry> {
        let d = self.decision;
        let group = self.group_id();
        let mut out = vec![entry(Resource::Group(Group {
            id: group.clone(),
            identifier: vec![Identifier {
                system: HOUSEHOLD_SYSTEM.to_owned(),
                value: self.case.clone(),
            }],
            kind: "person".to_owned(),
            actual: true,
        }))];
        for o in &self.organisations {
            out.push(entry(Resource::Organization(Organization {
                id: self.org_id(o),
                identifier: vec![Identifier {
                    system: ORGANISATION_SYSTEM.to_owned(),
                    value: o.as_str().to_owned(),
                }],
                name: self
                    .directory
                    .organisation(o.as_str())
                    .map(|x| x.name.clone()),
            })));
        }
        let requester = d
            .plan
            .first_contact
            .as_ref()
            .map(|c| reference(&self.org_id(&c.organisation)));
        for (i, id) in &self.requests {
            let n = &d.needs[*i];
            let def = self.directory.taxonomy().need(n.need.as_str());
            let mut code =
                CodeableConcept::one(NEED_SYSTEM, n.need.as_str(), def.map(|d| d.label.clone()));
            if let Some(def) = def {
                let products = [
                    (IWMO_CATEGORY_SYSTEM, def.iwmo.map(|c| c.to_string())),
                    (IWMO_PRODUCT_SYSTEM, def.iwmo_product.map(|c| c.to_string())),
                    (IJW_CATEGORY_SYSTEM, def.ijw.map(|c| c.to_string())),
                    (IJW_PRODUCT_SYSTEM, def.ijw_product.map(|c| c.to_string())),
                ];
                for (system, c) in products {
                    if let Some(c) = c {
                        code.coding.push(Coding {
                            system: system.to_owned(),
                            code: c,
                            display: None,
                        });
                    }
                }
            }
            let completed = self.referrals.iter().any(|x| {
                x.need == *i && x.versions.last().map(|v| v.status) == Some(TaskStatus::Completed)
            });
            out.push(entry(Resource::ServiceRequest(ServiceRequest {
                id: id.clone(),
                status: if completed { "completed" } else { "active" }.to_owned(),
                intent: "order".to_owned(),
                code,
                subject: reference(&group),
                authored_on: d.date.to_string(),
                requester: requester.clone(),
                performer: n
                    .outcome
                    .organisation()
                    .map(|o| reference(&self.org_id(o)))
                    .into_iter()
                    .collect(),
                note: vec![Annotation {
                    text: trace_text(n),
                }],
            })));
        }
        let lead = d.coordinator.as_ref().map(|c| &c.contact.organisation).or(d
            .plan
            .first_contact
            .as_ref()
            .map(|c| &c.organisation));
        if let Some(lead) = lead {
            let role = |code: &str, display: &str| {
                vec![CodeableConcept::one(
                    ROLE_SYSTEM,
                    code,
                    Some(display.to_owned()),
                )]
            };
            let mut participant = vec![Participant {
                role: role("regisseur", "coordinator (regisseur)"),
                member: reference(&self.org_id(lead)),
            }];
            for n in &d.needs {
                if let Some(o) = n.outcome.organisation() {
                    let m = reference(&self.org_id(o));
                    if !participant.iter().any(|p| p.member == m) {
                        participant.push(Participant {
                            role: role("uitvoerder", "performer"),
                            member: m,
                        });
                    }
                }
            }
            out.push(entry(Resource::CareTeam(CareTeam {
                id: uuid(&[&self.case, "CareTeam"]),
                status: "active".to_owned(),
                subject: reference(&group),
                participant,
                managing_organization: vec![reference(&self.org_id(lead))],
            })));
        }
        out
    }

    /// Version `v` of referral `r` as a Task.
    fn task(&self, r: usize, v: usize, with_meta: bool) -> Task {
        let x = &self.referrals[r];
        let version = &x.versions[v];
        let mut input = Vec::new();
        let kind = |code: &str| CodeableConcept::one(INPUT_SYSTEM, code, None);
        if let Some(s) = &x.service {
            input.push(TaskInput {
                kind: kind("service"),
                value_string: s.as_str().to_owned(),
            });
        }
        if let Some(n) = &version.need {
            input.push(TaskInput {
                kind: kind("need"),
                value_string: n.as_str().to_owned(),
            });
        }
        let id = self.task_id(r);
        Task {
            meta: with_meta.then(|| Meta {
                version_id: (v + 1).to_string(),
                last_updated: instant(&version.at),
            }),
            status: version.status,
            business_status: Some(CodeableConcept::one(
                EVENT_SYSTEM,
                version.activity.as_str(),
                None,
            )),
            status_reason: version
                .reason
                .map(|reason| CodeableConcept::one(REASON_SYSTEM, reason.as_str(), None)),
            intent: "order".to_owned(),
            code: CodeableConcept::one(TASK_CODE_SYSTEM, "fulfill", None),
            focus: reference(self.request_id(x.need)),
            beneficiary: reference(&self.group_id()),
            authored_on: instant(&x.versions[0].at),
            last_modified: instant(&version.at),
            owner: x.organisation.as_ref().map(|o| reference(&self.org_id(o))),
            input,
            id,
        }
    }
}

fn entry(resource: Resource) -> Entry {
    let id = match &resource {
        Resource::Group(x) => &x.id,
        Resource::Organization(x) => &x.id,
        Resource::ServiceRequest(x) => &x.id,
        Resource::Task(x) => &x.id,
        Resource::CareTeam(x) => &x.id,
    };
    Entry {
        full_url: urn(id),
        resource,
        request: None,
        response: None,
    }
}

/// The household's decision as a FHIR R4 Bundle of type `collection` (see the
/// [module docs](self)): each Task in its status now. `events` are the timeline (the decision's
/// case's events are used, ordered as evaluation orders them; events that break the life cycle
/// are left out); `None` writes one Task in `requested` per routed need.
pub fn bundle(
    decision: &HouseholdDecision,
    directory: &Directory,
    events: Option<&[Event]>,
) -> Bundle {
    let m = Model::new(decision, directory, events);
    let mut entries = m.fixed_entries();
    for (r, x) in m.referrals.iter().enumerate() {
        entries.push(entry(Resource::Task(m.task(
            r,
            x.versions.len() - 1,
            false,
        ))));
    }
    Bundle {
        resource_type: "Bundle".to_owned(),
        id: uuid(&[&m.case, "Bundle", "collection"]),
        kind: "collection".to_owned(),
        entry: entries,
    }
}

/// The same as [`bundle`], as a Bundle of type `history`: every resource once (created), then
/// every version of every Task in time order (`meta.versionId` 1, 2, …), as a partner's FHIR
/// server would list them. [`import`] reads it back into the referral events.
pub fn history(
    decision: &HouseholdDecision,
    directory: &Directory,
    events: Option<&[Event]>,
) -> Bundle {
    let m = Model::new(decision, directory, events);
    let created = |e: &mut Entry, url: &str, at: Option<String>| {
        e.request = Some(EntryRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
        });
        e.response = Some(EntryResponse {
            status: "201".to_owned(),
            last_modified: at,
        });
    };
    let mut entries = m.fixed_entries();
    for e in &mut entries {
        let url = match &e.resource {
            Resource::Group(_) => "Group",
            Resource::Organization(_) => "Organization",
            Resource::ServiceRequest(_) => "ServiceRequest",
            Resource::Task(_) => "Task",
            Resource::CareTeam(_) => "CareTeam",
        };
        created(e, url, None);
    }
    let mut versions: Vec<(DateTime<Utc>, usize, usize)> = Vec::new();
    for (r, x) in m.referrals.iter().enumerate() {
        for (v, ver) in x.versions.iter().enumerate() {
            versions.push((ver.at, r, v));
        }
    }
    versions.sort();
    for (at, r, v) in versions {
        let task = m.task(r, v, true);
        let mut e = entry(Resource::Task(task));
        if v == 0 {
            created(&mut e, "Task", Some(instant(&at)));
        } else {
            e.request = Some(EntryRequest {
                method: "PUT".to_owned(),
                url: format!("Task/{}", m.task_id(r)),
            });
            e.response = Some(EntryResponse {
                status: "200".to_owned(),
                last_modified: Some(instant(&at)),
            });
        }
        entries.push(e);
    }
    Bundle {
        resource_type: "Bundle".to_owned(),
        id: uuid(&[&m.case, "Bundle", "history"]),
        kind: "history".to_owned(),
        entry: entries,
    }
}

/// Why a FHIR document could not be read. Names the resource (`Task/<id>`, or `entry <n>` when
/// it has no usable id) and the field, never a value of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FhirError {
    /// Not JSON.
    #[error("fhir: not JSON at line {line}, column {column}")]
    NotJson {
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
    },
    /// Not an R4 Bundle (no `resourceType` `Bundle`, no `type`, `entry` not a list, …).
    #[error("fhir: not an R4 Bundle: field `{field}` {problem}")]
    NotBundle {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// A resource lacks a field dls needs, or the field is not of its R4 type or value set.
    #[error("fhir: `{resource}`, field `{field}`: {problem}")]
    Invalid {
        /// `Task/<id>` or `entry <n>`.
        resource: String,
        /// The field (`status`, `focus`, `for`, `owner`, `lastModified`, …).
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
}

/// A Task version whose status dls has no event for (`received`, `in-progress`, `on-hold`):
/// read, not turned into an event, and listed so nothing is lost silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// `Task/<id>`.
    pub task: String,
    /// Its status.
    pub status: TaskStatus,
    /// When.
    pub at: DateTime<Utc>,
}

/// What [`import`] read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FhirImport {
    /// The dls events, ordered by case, time, then Task.
    pub events: Vec<Event>,
    /// Versions with no dls event.
    pub skipped: Vec<Skipped>,
}

/// True when `s` is a FHIR id (`[A-Za-z0-9\-\.]{1,64}`).
fn is_fhir_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Reads a FHIR R4 Bundle (any type: a `collection` or `searchset` of Tasks in their status now,
/// or a `history` of Task versions) into dls events: for each Task, `referred` at its
/// `authoredOn`, then one event per change of status (see the [module docs](self)).
/// Organisations come from the `owner` Organization's identifier in [`ORGANISATION_SYSTEM`],
/// the case from the `for` Group's identifier in [`HOUSEHOLD_SYSTEM`], the service and need
/// from `input`, the reason from `statusReason`.
pub fn import(json: &str) -> Result<FhirImport, FhirError> {
    let root: Value = serde_json::from_str(json).map_err(|e| FhirError::NotJson {
        line: e.line(),
        column: e.column(),
    })?;
    if root.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(FhirError::NotBundle {
            field: "resourceType",
            problem: "must be `Bundle`",
        });
    }
    const TYPES: &[&str] = &[
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    ];
    match root.get("type").and_then(Value::as_str) {
        Some(t) if TYPES.contains(&t) => {}
        _ => {
            return Err(FhirError::NotBundle {
                field: "type",
                problem: "must be a bundle type of R4",
            })
        }
    }
    let entries = match root.get("entry") {
        None => &[][..],
        Some(Value::Array(a)) => &a[..],
        Some(_) => {
            return Err(FhirError::NotBundle {
                field: "entry",
                problem: "must be a list",
            })
        }
    };
    // Index the resources by fullUrl and by `Type/id`.
    let mut by_ref: std::collections::HashMap<String, &Value> = Default::default();
    let mut tasks: Vec<(String, &Value)> = Vec::new();
    for (n, e) in entries.iter().enumerate() {
        let name = || format!("entry {}", n + 1);
        let Some(r) = e.get("resource").filter(|r| r.is_object()) else {
            return Err(FhirError::Invalid {
                resource: name(),
                field: "resource",
                problem: "missing or not an object",
            });
        };
        let Some(kind) = r.get("resourceType").and_then(Value::as_str) else {
            return Err(FhirError::Invalid {
                resource: name(),
                field: "resourceType",
                problem: "missing",
            });
        };
        let id = r
            .get("id")
            .and_then(Value::as_str)
            .filter(|i| is_fhir_id(i));
        if r.get("id").is_some() && id.is_none() {
            return Err(FhirError::Invalid {
                resource: name(),
                field: "id",
                problem: "not a FHIR id",
            });
        }
        if let Some(u) = e.get("fullUrl").and_then(Value::as_str) {
            by_ref.insert(u.to_owned(), r);
        }
        if let Some(id) = id {
            by_ref.insert(format!("{kind}/{id}"), r);
        }
        if kind == "Task" {
            let label = match id {
                Some(id) => format!("Task/{id}"),
                None => name(),
            };
            tasks.push((label, r));
        }
    }
    // Versions of one Task, grouped by label, in time order.
    let mut versions: Vec<(String, Vec<TaskVersion>)> = Vec::new();
    for (label, t) in tasks {
        let v = read_task(&label, t, &by_ref)?;
        match versions.iter_mut().find(|(l, _)| *l == label) {
            Some((_, vs)) => vs.push(v),
            None => versions.push((label, vec![v])),
        }
    }
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    for (label, mut vs) in versions {
        vs.sort_by_key(|a| (a.at, a.version));
        let first = &vs[0];
        let referral = |activity: Activity,
                        at: DateTime<Utc>,
                        v: &TaskVersion,
                        reason: Option<RejectionReason>,
                        need: Option<NeedCode>| Event {
            case: v.case.clone(),
            at,
            activity,
            organisation: v.organisation.clone(),
            service: v.service.clone(),
            kern: None,
            need,
            reason,
        };
        events.push(referral(
            Activity::Referred,
            first.authored_on,
            first,
            None,
            None,
        ));
        let mut last = TaskStatus::Requested;
        let mut last_activity = Activity::Referred;
        for v in &vs {
            let activity = v.business.or_else(|| lifecycle::activity_of(v.status));
            if v.status == last && activity == Some(last_activity) {
                continue;
            }
            last = v.status;
            match activity {
                Some(Activity::Referred) => {}
                Some(a) => {
                    last_activity = a;
                    events.push(referral(a, v.at, v, v.reason, v.need.clone()));
                }
                None => skipped.push(Skipped {
                    task: label.clone(),
                    status: v.status,
                    at: v.at,
                }),
            }
        }
    }
    events.sort_by(|a, b| (&a.case, a.at).cmp(&(&b.case, b.at)));
    Ok(FhirImport { events, skipped })
}

/// What dls reads of one Task version.
struct TaskVersion {
    case: CaseId,
    organisation: Option<OrganisationId>,
    service: Option<ServiceId>,
    need: Option<NeedCode>,
    status: TaskStatus,
    business: Option<Activity>,
    reason: Option<RejectionReason>,
    authored_on: DateTime<Utc>,
    at: DateTime<Utc>,
    version: u64,
}

fn read_task(
    label: &str,
    t: &Value,
    by_ref: &std::collections::HashMap<String, &Value>,
) -> Result<TaskVersion, FhirError> {
    let bad = |field: &'static str, problem: &'static str| FhirError::Invalid {
        resource: label.to_owned(),
        field,
        problem,
    };
    let status: TaskStatus = match t.get("status").and_then(Value::as_str) {
        None => return Err(bad("status", "missing")),
        Some(s) => s
            .parse()
            .map_err(|_| bad("status", "not a task status dls reads"))?,
    };
    match t.get("intent").and_then(Value::as_str) {
        None => return Err(bad("intent", "missing")),
        Some(
            "unknown" | "proposal" | "plan" | "order" | "original-order" | "reflex-order"
            | "filler-order" | "instance-order" | "option",
        ) => {}
        Some(_) => return Err(bad("intent", "not in the FHIR task-intent value set")),
    }
    let target = |field: &'static str| -> Result<Option<&Value>, FhirError> {
        match t.get(field) {
            None => Ok(None),
            Some(r) => {
                let s = r
                    .get("reference")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(field, "not a reference"))?;
                by_ref
                    .get(s)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| bad(field, "refers to no resource in the bundle"))
            }
        }
    };
    let focus = target("focus")?.ok_or_else(|| bad("focus", "missing"))?;
    if focus.get("resourceType").and_then(Value::as_str) != Some("ServiceRequest") {
        return Err(bad("focus", "does not refer to a ServiceRequest"));
    }
    let ident = |r: &Value, system: &str| -> Option<String> {
        r.get("identifier")?
            .as_array()?
            .iter()
            .find(|i| i.get("system").and_then(Value::as_str) == Some(system))?
            .get("value")?
            .as_str()
            .map(str::to_owned)
    };
    let group = target("for")?.ok_or_else(|| bad("for", "missing"))?;
    let case: CaseId = ident(group, HOUSEHOLD_SYSTEM)
        .ok_or_else(|| bad("for", "the household has no dls identifier"))?
        .parse()
        .map_err(|_| bad("for", "the household's identifier is not a case id"))?;
    let organisation = match target("owner")? {
        None => None,
        Some(o) => Some(
            ident(o, ORGANISATION_SYSTEM)
                .ok_or_else(|| bad("owner", "the organisation has no dls identifier"))?
                .parse()
                .map_err(|_| bad("owner", "the organisation's identifier is not an id"))?,
        ),
    };
    let time = |field: &'static str| -> Result<Option<DateTime<Utc>>, FhirError> {
        match t.get(field).and_then(Value::as_str) {
            None => Ok(None),
            Some(s) => DateTime::parse_from_rfc3339(s)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|_| bad(field, "not a dateTime with a time zone")),
        }
    };
    let meta_time = match t.pointer("/meta/lastUpdated").and_then(Value::as_str) {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| bad("meta.lastUpdated", "not an instant"))?
                .with_timezone(&Utc),
        ),
    };
    let authored = time("authoredOn")?;
    let at = time("lastModified")?
        .or(meta_time)
        .or(authored)
        .ok_or_else(|| bad("lastModified", "missing (and no authoredOn)"))?;
    let coded = |field: &'static str, system: &str| -> Option<String> {
        t.get(field)?
            .get("coding")?
            .as_array()?
            .iter()
            .find(|c| c.get("system").and_then(Value::as_str) == Some(system))?
            .get("code")?
            .as_str()
            .map(str::to_owned)
    };
    let business = match coded("businessStatus", EVENT_SYSTEM) {
        None => None,
        Some(c) => Some(
            c.parse::<Activity>()
                .map_err(|_| bad("businessStatus", "not a dls event"))?,
        ),
    };
    let reason = match coded("statusReason", REASON_SYSTEM) {
        None => None,
        Some(c) => Some(
            c.parse::<RejectionReason>()
                .map_err(|_| bad("statusReason", "not a dls rejection reason"))?,
        ),
    };
    let mut service = None;
    let mut need = None;
    if let Some(inputs) = t.get("input") {
        let inputs = inputs
            .as_array()
            .ok_or_else(|| bad("input", "not a list"))?;
        for i in inputs {
            let kind = i
                .pointer("/type/coding")
                .and_then(Value::as_array)
                .and_then(|c| {
                    c.iter()
                        .find(|c| c.get("system").and_then(Value::as_str) == Some(INPUT_SYSTEM))
                })
                .and_then(|c| c.get("code"))
                .and_then(Value::as_str);
            let value = i.get("valueString").and_then(Value::as_str);
            match (kind, value) {
                (Some("service"), Some(v)) => {
                    service = Some(
                        v.parse()
                            .map_err(|_| bad("input", "the service is not a service id"))?,
                    )
                }
                (Some("need"), Some(v)) => {
                    need = Some(
                        v.parse()
                            .map_err(|_| bad("input", "the need is not a need code"))?,
                    )
                }
                _ => {}
            }
        }
    }
    let version = match t.pointer("/meta/versionId").and_then(Value::as_str) {
        None => 0,
        Some(v) => v.parse().unwrap_or(0),
    };
    Ok(TaskVersion {
        case,
        organisation,
        service,
        need,
        status,
        business,
        reason,
        authored_on: authored.unwrap_or(at),
        at,
        version,
    })
}

impl Bundle {
    /// The Bundle as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(1024 * self.entry.len());
        match serde_json::to_writer(&mut out, self) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
}
