//! The directory: areas, the need taxonomy, organisations and the services they offer — which
//! needs, where, for whom, with what capacity, valid when, in what role.
//!
//! [`DirectoryData`] is what files hold; [`Directory`] is the validated, indexed form that rule
//! sets and routers are built on. A `Directory` can only be made by [`Directory::new`], which
//! checks every reference and reports every problem at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::areas::{AreaRef, Areas, AreasData, Kern, Municipality, Region};
use crate::conditions::{ConditionMask, Conditions};
use crate::ids::{wire_names, KernId, OrganisationId, ServiceId};
use crate::source::{self, Format, ParseError};
use crate::taxonomy::{Domain, NeedDef, NeedMatcher, Taxonomy, TaxonomyData};
use crate::validation::{LoadError, Location, ProblemKind, ValidationReport};
use crate::validity::Validity;
use crate::vocabulary::{AttributeDeclaration, Vocabulary, VocabularyError};

pub use crate::organisation_kind::{KindError, OrganisationKind, OrganisationKinds};

/// An organisation that offers services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Stable id.
    pub id: OrganisationId,
    /// Name (fictional in the embedded pilot).
    pub name: String,
    /// Kind of organisation: a national kind or one the directory declares
    /// ([`DirectoryData::organisation_kinds`]).
    pub kind: OrganisationKind,
}

/// The role a service plays in routing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceRole {
    /// Provides help for needs.
    #[default]
    Provider,
    /// A steunpilaar front door: takes anyone who does not know where to go.
    Steunpilaar,
    /// Coordinates households with several needs (e.g. the sociaal wijkteam); may also provide.
    Coordinator,
    /// An escalation body: klachtenfunctionaris, ombudsman, a municipal escalation desk.
    Escalation,
}

wire_names!(
    ServiceRole,
    "service role",
    display,
    [
        Provider = "provider",
        Steunpilaar = "steunpilaar",
        Coordinator = "coordinator",
        Escalation = "escalation",
    ]
);

/// Capacity of a service, where known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Open places now; `0` means full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_places: Option<u32>,
    /// Current waiting time in weeks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_weeks: Option<u32>,
}

impl Capacity {
    /// True when the service reports no open places.
    pub fn is_full(&self) -> bool {
        self.open_places == Some(0)
    }
}

/// How a citizen reaches a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Telephone.
    Phone,
    /// Walk-in desk.
    WalkIn,
    /// Web form or site.
    Web,
    /// E-mail.
    Email,
    /// Through a referral by a professional only.
    Referral,
}

wire_names!(
    ChannelKind,
    "channel kind",
    [
        Phone = "phone",
        WalkIn = "walk_in",
        Web = "web",
        Email = "email",
        Referral = "referral",
    ]
);

/// A contact channel of a service (organisational contact data, never a citizen's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Kind of channel.
    pub kind: ChannelKind,
    /// Address, number or URL.
    pub address: String,
}

/// A service of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Stable id, unique in the directory.
    pub id: ServiceId,
    /// The organisation offering it.
    pub organisation: OrganisationId,
    /// Name.
    pub name: String,
    /// Role in routing.
    #[serde(default)]
    pub role: ServiceRole,
    /// Needs it takes.
    #[serde(default)]
    pub needs: Vec<NeedMatcher>,
    /// Areas it serves.
    pub areas: Vec<AreaRef>,
    /// Who is eligible (empty: everyone).
    #[serde(default, skip_serializing_if = "Conditions::is_empty")]
    pub eligibility: Conditions,
    /// Capacity, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    /// Contract or service period.
    #[serde(default, skip_serializing_if = "is_always")]
    pub valid: Validity,
    /// Contact channels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// Set: the service routes by its own coverage, a candidate for its needs in its areas at
    /// this priority with no rule written for it (see the rules module's `coverage:` rules).
    /// Absent: only rules send needs to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}

fn is_always(v: &Validity) -> bool {
    *v == Validity::ALWAYS
}

impl Service {
    /// True when the service takes `need`.
    pub fn offers(&self, need: &crate::ids::NeedCode) -> bool {
        self.needs.iter().any(|m| m.matches(need))
    }
}

/// Which file each item came from; ignored by equality (provenance is not content). An item
/// declared again in another file keeps its first file, and the other is kept too
/// ([`Origins::again_in`]), so an error about the duplicate names both. Kept by kind, then id
/// in a hash map, so that a look-up copies nothing and costs the same for 15,000 services as
/// for ten; listed ([`Origins::entries`], `Debug`) in order of kind and id.
#[derive(Clone, Default)]
pub struct Origins(OriginMap, OriginMap);

/// Files by kind, then id.
type OriginMap = BTreeMap<String, HashMap<String, Arc<str>>>;

impl fmt::Debug for Origins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sorted = |m: &OriginMap| {
            m.iter()
                .map(|(k, ids)| (k.clone(), ids.iter().collect::<BTreeMap<_, _>>()))
                .map(|(k, ids)| format!("{k}: {ids:?}"))
                .collect::<Vec<_>>()
        };
        f.debug_tuple("Origins")
            .field(&sorted(&self.0))
            .field(&sorted(&self.1))
            .finish()
    }
}

impl PartialEq for Origins {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Origins {}

/// The map of `kind` in `map`, made when missing (copying the kind only then).
fn kind_map<'m>(map: &'m mut OriginMap, kind: &str) -> &'m mut HashMap<String, Arc<str>> {
    if !map.contains_key(kind) {
        map.insert(kind.to_string(), HashMap::new());
    }
    map.get_mut(kind).expect("inserted above")
}

impl Origins {
    /// Records that the item `kind`/`id` came from `file`.
    pub fn record(&mut self, kind: &str, id: &str, file: &Arc<str>) {
        let first = kind_map(&mut self.0, kind);
        match first.get(id) {
            None => {
                first.insert(id.to_string(), file.clone());
            }
            Some(f) if f != file => {
                kind_map(&mut self.1, kind)
                    .entry(id.to_string())
                    .or_insert_with(|| file.clone());
            }
            Some(_) => {}
        }
    }

    /// The second file the item was declared in, when it was declared in two different files.
    pub fn again_in(&self, kind: &str, id: &str) -> Option<String> {
        self.1.get(kind)?.get(id).map(|f| f.to_string())
    }

    /// Every recorded item and its file.
    pub fn entries(&self) -> Vec<((String, String), Arc<str>)> {
        let mut all: Vec<_> = self
            .0
            .iter()
            .flat_map(|(kind, ids)| {
                ids.iter()
                    .map(move |(id, f)| ((kind.clone(), id.clone()), f.clone()))
            })
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The file the item came from.
    pub fn file_of(&self, kind: &str, id: &str) -> Option<String> {
        self.file(kind, id).map(str::to_string)
    }

    /// The file the item came from, borrowed.
    pub fn file(&self, kind: &str, id: &str) -> Option<&str> {
        self.0.get(kind)?.get(id).map(|f| &**f)
    }

    /// Adds `other`'s records after this one's (an item already recorded keeps its file).
    fn absorb(&mut self, other: Origins) {
        // one file per item of `other`: the order of the items does not matter
        for (kind, ids) in other.0 {
            for (id, file) in ids {
                self.record(&kind, &id, &file);
            }
        }
        for (kind, ids) in other.1 {
            let again = kind_map(&mut self.1, &kind);
            for (id, file) in ids {
                again.entry(id).or_insert(file);
            }
        }
    }
}

/// The files of a directory folder, by name without extension, in the order they merge.
pub const DIRECTORY_FILES: [&str; 3] = ["areas", "taxonomy", "directory"];

fn has_areas(d: &DirectoryData) -> bool {
    !d.municipalities.is_empty() || !d.kernen.is_empty()
}

fn has_taxonomy(d: &DirectoryData) -> bool {
    !d.domains.is_empty() || !d.needs.is_empty()
}

/// Files that hold services or rules need areas and a taxonomy: the error names the companion
/// file beside `first` that holds what is missing.
fn companions(data: &DirectoryData, first: &Path) -> Result<(), ParseError> {
    let ext = first.extension().and_then(|e| e.to_str()).unwrap_or("toml");
    for (part, present) in [("areas", has_areas(data)), ("taxonomy", has_taxonomy(data))] {
        if !present {
            let folder = first.parent().unwrap_or(Path::new(""));
            return Err(ParseError::MissingCompanion {
                file: first.display().to_string(),
                part,
                companion: folder.join(format!("{part}.{ext}")).display().to_string(),
            });
        }
    }
    Ok(())
}

/// A directory as files hold it: any of its sections may be split over several files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryData {
    /// Municipalities.
    #[serde(
        default,
        rename = "municipality",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub municipalities: Vec<Municipality>,
    /// Kernen.
    #[serde(default, rename = "kern", skip_serializing_if = "Vec::is_empty")]
    pub kernen: Vec<Kern>,
    /// Regions.
    #[serde(default, rename = "region", skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Domains.
    #[serde(default, rename = "domain", skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// Needs.
    #[serde(default, rename = "need", skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<NeedDef>,
    /// The age bands reports group ages in; none declared: the five of
    /// [`AgeBand::defaults`](crate::conditions::AgeBand::defaults).
    #[serde(default, rename = "age_band", skip_serializing_if = "Vec::is_empty")]
    pub age_bands: Vec<crate::conditions::AgeBand>,
    /// Organisations.
    #[serde(
        default,
        rename = "organisation",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub organisations: Vec<Organisation>,
    /// Services.
    #[serde(default, rename = "service", skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Case attributes declared beyond the national ones, and words added to national ones
    /// ([`vocabulary`](crate::vocabulary)), by name.
    #[serde(
        default,
        rename = "attribute",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, AttributeDeclaration>,
    /// Organisation kinds declared beyond the national ones
    /// ([`OrganisationKind::NATIONAL`]; see [`organisation_kind`](crate::organisation_kind)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisation_kinds: Vec<OrganisationKind>,
    /// Where each item came from.
    #[serde(skip)]
    #[schemars(skip)]
    pub origins: Origins,
}

impl DirectoryData {
    /// Parses one file's text; `file` names it in errors.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<DirectoryData, ParseError> {
        let mut d: DirectoryData = source::parse(text, format, file)?;
        let f: Arc<str> = file.into();
        let DirectoryData {
            municipalities,
            kernen,
            regions,
            domains,
            needs,
            age_bands,
            organisations,
            services,
            attributes,
            organisation_kinds: _,
            origins,
        } = &mut d;
        let ids = [
            (
                "age_band",
                age_bands
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>(),
            ),
            (
                "municipality",
                municipalities.iter().map(|x| x.code.as_str()).collect(),
            ),
            ("kern", kernen.iter().map(|x| x.id.as_str()).collect()),
            ("region", regions.iter().map(|x| x.id.as_str()).collect()),
            ("domain", domains.iter().map(|x| x.code.as_str()).collect()),
            ("need", needs.iter().map(|x| x.code.as_str()).collect()),
            (
                "organisation",
                organisations.iter().map(|x| x.id.as_str()).collect(),
            ),
            ("service", services.iter().map(|x| x.id.as_str()).collect()),
            ("attribute", attributes.keys().map(String::as_str).collect()),
        ];
        for (kind, ids) in ids {
            ids.into_iter().for_each(|id| origins.record(kind, id, &f));
        }
        Ok(d)
    }

    /// Reads one file (`.toml` or `.json`).
    pub fn from_file(path: &Path) -> Result<DirectoryData, ParseError> {
        let (text, format, name) = source::read_file(path)?;
        Self::parse(&text, format, &name)
    }

    /// Appends another file's content.
    pub fn merge(&mut self, other: DirectoryData) {
        self.municipalities.extend(other.municipalities);
        self.kernen.extend(other.kernen);
        self.regions.extend(other.regions);
        self.domains.extend(other.domains);
        self.needs.extend(other.needs);
        self.age_bands.extend(other.age_bands);
        self.organisations.extend(other.organisations);
        self.services.extend(other.services);
        self.organisation_kinds.extend(other.organisation_kinds);
        for (name, d) in other.attributes {
            let mine = self.attributes.entry(name).or_default();
            mine.kind = mine.kind.or(d.kind);
            mine.values.extend(d.values);
            mine.min = mine.min.or(d.min);
            mine.max = mine.max.or(d.max);
        }
        self.origins.absorb(other.origins);
    }
}

/// A validated directory: every reference resolves. Cheap to share (`Arc` inside).
#[derive(Debug, Clone, PartialEq)]
pub struct Directory(Arc<DirectoryInner>);

#[derive(Debug, PartialEq)]
struct DirectoryInner {
    areas: Areas,
    taxonomy: Taxonomy,
    organisations: Vec<Organisation>,
    services: Vec<Service>,
    eligibility: Vec<ConditionMask>,
    vocabulary: Vocabulary,
    attributes: BTreeMap<String, AttributeDeclaration>,
    kinds: OrganisationKinds,
    origins: Origins,
    organisation_index: HashMap<OrganisationId, usize>,
    service_index: HashMap<ServiceId, usize>,
    service_organisation: Vec<usize>,
}

impl Serialize for Directory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_data().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Directory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let data = DirectoryData::deserialize(d)?;
        Directory::new(data)
            .map(|(dir, _)| dir)
            .map_err(serde::de::Error::custom)
    }
}

impl Directory {
    /// Validates directory data. On success returns the directory and its warnings; on failure
    /// a report with every problem found.
    pub fn new(
        data: DirectoryData,
    ) -> Result<(Directory, Vec<crate::validation::Problem>), ValidationReport> {
        let mut report = ValidationReport::default();
        let DirectoryData {
            municipalities,
            kernen,
            regions,
            domains,
            needs,
            age_bands,
            organisations,
            services,
            attributes,
            organisation_kinds,
            origins,
        } = data;
        let file_of = |kind: &str, id: &str| origins.file_of(kind, id);
        let areas = Areas::build(
            AreasData {
                municipalities,
                kernen,
                regions,
            },
            &file_of,
            &mut report,
        );
        let taxonomy = Taxonomy::build(
            TaxonomyData {
                domains,
                needs,
                age_bands,
            },
            &file_of,
            &mut report,
        );

        let vocabulary = Vocabulary::new(&attributes).unwrap_or_else(|errors| {
            for e in errors {
                let name = match &e {
                    VocabularyError::Declaration { attribute, .. } => attribute.clone(),
                    _ => String::new(),
                };
                let loc =
                    Location::item(file_of("attribute", &name).as_deref(), "attribute", &name);
                report.error(e.problem_kind(), loc.field("kind"), e.to_string());
            }
            Vocabulary::national()
        });
        let kinds = OrganisationKinds::new(&organisation_kinds);
        let mut organisation_index = HashMap::new();
        for (i, o) in organisations.iter().enumerate() {
            if let Err(e) = kinds.check(&o.kind) {
                let file = file_of("organisation", o.id.as_str());
                report.error(
                    ProblemKind::UnknownValue,
                    Location::item(file.as_deref(), "organisation", o.id.as_str()).field("kind"),
                    e.to_string(),
                );
            }
            if organisation_index.insert(o.id.clone(), i).is_some() {
                report.duplicate(
                    file_of("organisation", o.id.as_str()),
                    "organisation",
                    o.id.as_str(),
                    "id",
                );
            }
        }
        let mut service_index = HashMap::new();
        let mut service_organisation = Vec::with_capacity(services.len());
        let mut eligibility = Vec::with_capacity(services.len());
        for (i, s) in services.iter().enumerate() {
            // made only for a problem: most services have none
            let loc = || {
                Location::item(
                    origins.file("service", s.id.as_str()),
                    "service",
                    s.id.as_str(),
                )
            };
            if service_index.insert(s.id.clone(), i).is_some() {
                let again = origins
                    .again_in("service", s.id.as_str())
                    .map(|f| format!(", again in `{f}`"))
                    .unwrap_or_default();
                report.error(
                    ProblemKind::DuplicateId,
                    loc().field("id"),
                    format!("service `{}` is declared twice{again}", s.id),
                );
            }
            match organisation_index.get(&s.organisation) {
                Some(&o) => service_organisation.push(o),
                None => {
                    service_organisation.push(usize::MAX);
                    report.error(
                        ProblemKind::UnknownOrganisation,
                        loc().field("organisation"),
                        format!("unknown organisation `{}`", s.organisation),
                    );
                }
            }
            if s.needs.is_empty() && matches!(s.role, ServiceRole::Provider) {
                report.error(
                    ProblemKind::EmptyList,
                    loc().field("needs"),
                    "a provider service needs at least one need",
                );
            }
            for m in &s.needs {
                if !taxonomy.knows(m.code()) {
                    report.error(
                        ProblemKind::UnknownNeed,
                        loc().field("needs"),
                        format!("unknown need `{m}`"),
                    );
                }
            }
            if s.areas.is_empty() {
                report.error(
                    ProblemKind::EmptyList,
                    loc().field("areas"),
                    "a service needs at least one area",
                );
            }
            for a in &s.areas {
                if !areas.knows(a) {
                    report.error(
                        unknown_area_kind(a),
                        loc().field("areas"),
                        format!("unknown area `{a}`"),
                    );
                }
            }
            if s.valid.is_inverted() {
                report.error(
                    ProblemKind::InvertedRange,
                    loc().field("valid"),
                    "validity starts after it ends",
                );
            }
            match ConditionMask::compile_in(&s.eligibility, &vocabulary) {
                Ok(m) => eligibility.push(m),
                Err(errs) => {
                    eligibility.push(ConditionMask::ALL);
                    for e in errs {
                        let field = loc().field("eligibility");
                        report.error(e.problem_kind(), field, e.to_string());
                    }
                }
            }
        }
        let warnings = report.into_result()?;
        Ok((
            Directory(Arc::new(DirectoryInner {
                areas,
                taxonomy,
                organisations,
                services,
                eligibility,
                vocabulary,
                attributes,
                kinds,
                origins,
                organisation_index,
                service_index,
                service_organisation,
            })),
            warnings,
        ))
    }

    /// Reads and validates a directory from files (each `.toml` or `.json`, merged in order).
    pub fn from_files<P: AsRef<Path>>(paths: &[P]) -> Result<Directory, LoadError> {
        Ok(Directory::load_files(paths)?.0)
    }

    /// [`Directory::from_files`] with validation's warnings. Files with services that together
    /// hold no areas or no taxonomy are [`ParseError::MissingCompanion`], naming the companion file
    /// (`areas.toml`, `taxonomy.toml` beside the first file) to load with them.
    pub fn load_files<P: AsRef<Path>>(
        paths: &[P],
    ) -> Result<(Directory, Vec<crate::validation::Problem>), LoadError> {
        let mut data = DirectoryData::default();
        for p in paths {
            data.merge(DirectoryData::from_file(p.as_ref())?);
        }
        if let Some(first) = paths.first().filter(|_| !data.services.is_empty()) {
            companions(&data, first.as_ref())?;
        }
        Ok(Directory::new(data)?)
    }

    /// Reads and validates the directory of a folder: its `areas`, `taxonomy` and `directory`
    /// files ([`DIRECTORY_FILES`], each `.toml` or else `.json`). The `directory` file is
    /// required; the other two may be left out when the `directory` file holds their sections.
    /// A missing file is [`ParseError::NotFound`] naming it.
    pub fn from_folder(
        folder: &Path,
    ) -> Result<(Directory, Vec<crate::validation::Problem>), LoadError> {
        if !folder.is_dir() {
            return Err(ParseError::NotFound {
                file: folder.display().to_string(),
            }
            .into());
        }
        let mut paths = Vec::new();
        for stem in DIRECTORY_FILES {
            match ["toml", "json"]
                .iter()
                .map(|ext| folder.join(format!("{stem}.{ext}")))
                .find(|p| p.is_file())
            {
                Some(p) => paths.push(p),
                None if stem == "directory" => {
                    return Err(ParseError::NotFound {
                        file: folder.join("directory.toml").display().to_string(),
                    }
                    .into())
                }
                None => {}
            }
        }
        let mut data = DirectoryData::default();
        for p in &paths {
            data.merge(DirectoryData::from_file(p)?);
        }
        for (part, present) in [
            ("areas", has_areas(&data)),
            ("taxonomy", has_taxonomy(&data)),
        ] {
            if !present {
                return Err(ParseError::NotFound {
                    file: folder.join(format!("{part}.toml")).display().to_string(),
                }
                .into());
            }
        }
        Ok(Directory::new(data)?)
    }

    /// Parses and validates a directory from one text.
    pub fn from_str(text: &str, format: Format, file: &str) -> Result<Directory, LoadError> {
        Ok(Directory::new(DirectoryData::parse(text, format, file)?)?.0)
    }

    /// The directory as data (for saving or editing).
    pub fn to_data(&self) -> DirectoryData {
        let a = self.0.areas.data();
        let t = self.0.taxonomy.data();
        DirectoryData {
            municipalities: a.municipalities.clone(),
            kernen: a.kernen.clone(),
            regions: a.regions.clone(),
            domains: t.domains.clone(),
            needs: t.needs.clone(),
            age_bands: t.age_bands.clone(),
            organisations: self.0.organisations.clone(),
            services: self.0.services.clone(),
            attributes: self.0.attributes.clone(),
            organisation_kinds: self.0.kinds.declared().to_vec(),
            origins: self.0.origins.clone(),
        }
    }

    /// The organisation kinds this directory knows: the national ones, then those it declares.
    pub fn organisation_kinds(&self) -> &OrganisationKinds {
        &self.0.kinds
    }

    /// The attributes rules, eligibility and cases may state: the national ones and those the
    /// directory declares.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.0.vocabulary
    }

    /// The areas.
    pub fn areas(&self) -> &Areas {
        &self.0.areas
    }

    /// The need taxonomy.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.0.taxonomy
    }

    /// All organisations, in file order.
    pub fn organisations(&self) -> &[Organisation] {
        &self.0.organisations
    }

    /// All services, in file order.
    pub fn services(&self) -> &[Service] {
        &self.0.services
    }

    /// A service by id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.service_index(id).map(|i| &self.0.services[i])
    }

    /// Index of a service in [`Directory::services`].
    #[inline]
    pub(crate) fn service_index(&self, id: &str) -> Option<usize> {
        self.0.service_index.get(id).copied()
    }

    /// An organisation by id.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.0
            .organisation_index
            .get(id)
            .map(|&i| &self.0.organisations[i])
    }

    /// Index of the organisation of the service with index `service`.
    pub(crate) fn organisation_of(&self, service: usize) -> usize {
        self.0.service_organisation[service]
    }

    /// Compiled eligibility of a service, or `None` for a service not in the directory.
    pub fn eligibility_of(&self, service: &ServiceId) -> Option<&ConditionMask> {
        self.service_index(service.as_str())
            .map(|s| self.eligibility(s))
    }

    /// Compiled eligibility of the service with index `service`.
    pub(crate) fn eligibility(&self, service: usize) -> &ConditionMask {
        &self.0.eligibility[service]
    }

    /// The file an item came from, if it was loaded from a named source.
    pub fn origin(&self, kind: &str, id: &str) -> Option<String> {
        self.0.origins.file_of(kind, id)
    }

    /// True when the service serves the kern (false when either is not in the directory).
    pub fn serves(&self, service: &ServiceId, kern: &KernId) -> bool {
        match (
            self.service_index(service.as_str()),
            self.0.areas.kern_index(kern.as_str()),
        ) {
            (Some(s), Some(k)) => self.serves_kern(s, k),
            _ => false,
        }
    }

    /// True when the service with index `service` serves the kern with index `kern`.
    pub(crate) fn serves_kern(&self, service: usize, kern: usize) -> bool {
        self.0.services[service]
            .areas
            .iter()
            .any(|a| self.0.areas.contains_kern(a, kern))
    }

    /// True when the service with index `service` serves every kern of `area`.
    pub(crate) fn serves_area(&self, service: usize, area: &AreaRef) -> bool {
        let s = &self.0.services[service];
        if s.areas.iter().any(|a| self.0.areas.area_within(area, a)) {
            return true;
        }
        let kernen = self.0.areas.kernen_in(area);
        !kernen.is_empty() && kernen.iter().all(|&k| self.serves_kern(service, k))
    }
}

pub(crate) fn unknown_area_kind(a: &AreaRef) -> ProblemKind {
    match a {
        AreaRef::Region(_) => ProblemKind::UnknownRegion,
        AreaRef::Municipality(_) => ProblemKind::UnknownMunicipality,
        _ => ProblemKind::UnknownKern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_agree_with_serde() {
        crate::ids::assert_wire_names!(ServiceRole, ChannelKind);
    }
}
