//! Rule sets as data: which service takes which need, where, for whom, when — in layers
//! (national < region < municipality < kern) that a more specific layer may extend, replace or
//! switch off inside its own area.
//!
//! [`RuleSetData`] is what TOML and JSON files hold (one file per layer is usual; files merge).
//! [`RuleSet`] is the validated form: it can only be made by [`RuleSet::new`], which checks the
//! data against a [`Directory`] and reports every problem at once, so a rule set that exists can
//! be routed with. Validation finds unknown references, empty and inverted ranges, ambiguous
//! rules, shadowed rules, targets that do not cover the rule's area or need, misused roles and
//! overrides that cannot take effect.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::areas::{AreaRef, Layer};
use crate::conditions::{ConditionMask, Conditions};
use crate::directory::{unknown_area_kind, Directory, Origins, ServiceRole};
use crate::ids::{IdError, RuleId, ServiceId};
use crate::source::{self, Format, ParseError};
use crate::taxonomy::NeedMatcher;
use crate::validation::{LoadError, Location, Problem, ProblemKind, ValidationReport};
use crate::validity::Validity;

/// Where a rule sends a need. Written as text: `service:<id>`, `steunpilaar`,
/// `escalation:<id>` or `not_covered`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    /// A provider (or coordinator) service.
    Service(ServiceId),
    /// The local steunpilaar the rule set names for the case's area.
    Steunpilaar,
    /// An escalation body (a service with role `escalation`).
    Escalation(ServiceId),
    /// Nobody covers this need here, on purpose: a deliberate gap.
    NotCovered,
}

impl FromStr for Target {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s {
            "steunpilaar" => Ok(Target::Steunpilaar),
            "not_covered" => Ok(Target::NotCovered),
            _ => {
                if let Some(id) = s.strip_prefix("service:") {
                    Ok(Target::Service(id.parse()?))
                } else if let Some(id) = s.strip_prefix("escalation:") {
                    Ok(Target::Escalation(id.parse()?))
                } else {
                    Err(IdError {
                        kind: "target",
                        value: s.chars().take(80).collect(),
                        reason: "must be `service:<id>`, `steunpilaar`, `escalation:<id>` or `not_covered`",
                    })
                }
            }
        }
    }
}

impl TryFrom<String> for Target {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        t.to_string()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Service(s) => write!(f, "service:{s}"),
            Target::Steunpilaar => f.write_str("steunpilaar"),
            Target::Escalation(s) => write!(f, "escalation:{s}"),
            Target::NotCovered => f.write_str("not_covered"),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

impl JsonSchema for Target {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Target".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(steunpilaar|not_covered|(service|escalation):[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$"
        })
    }
}

/// How capacity counts when routing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapacityPolicy {
    /// Capacity does not affect routing.
    #[default]
    Ignore,
    /// A service with no open places is skipped.
    SkipFull,
    /// A full service is skipped, and among candidates of equal layer and priority the shorter
    /// waiting time goes first.
    PreferShorterWait,
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id across all layers.
    pub id: RuleId,
    /// The needs the rule covers (codes or subtrees).
    pub needs: Vec<NeedMatcher>,
    /// The area the rule applies in; its kind sets the rule's layer.
    pub area: AreaRef,
    /// Conditions on the case (none: every case).
    #[serde(default, skip_serializing_if = "Conditions::is_empty")]
    pub when: Conditions,
    /// Where the need goes.
    pub target: Target,
    /// Higher goes first within a layer.
    #[serde(default)]
    pub priority: i32,
    /// When the rule is valid.
    #[serde(default, skip_serializing_if = "is_always")]
    pub valid: Validity,
    /// Less specific rules this rule replaces inside its own area while it is valid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<RuleId>,
}

fn is_always(v: &Validity) -> bool {
    *v == Validity::ALWAYS
}

impl Rule {
    /// The rule's layer, from its area.
    pub fn layer(&self) -> Layer {
        self.area.layer()
    }
}

/// Switches less specific rules off inside an area, without a replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchOff {
    /// Unique id (shares the namespace of rule ids).
    pub id: RuleId,
    /// The rules switched off.
    pub rules: Vec<RuleId>,
    /// Where they are switched off.
    pub area: AreaRef,
    /// When.
    #[serde(default, skip_serializing_if = "is_always")]
    pub valid: Validity,
}

/// A service named for an area: the steunpilaar front door or the coordinating role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaService {
    /// The area.
    pub area: AreaRef,
    /// The service.
    pub service: ServiceId,
}

/// A rule set as files hold it. Several files (one per layer, typically) merge into one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetData {
    /// How capacity counts; files that set it must agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityPolicy>,
    /// The steunpilaar front door per area (the most specific area containing a kern wins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steunpilaar: Vec<AreaService>,
    /// The coordinating role per area (e.g. the sociaal wijkteam).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinator: Vec<AreaService>,
    /// Rules.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Switch-offs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switch_off: Vec<SwitchOff>,
    /// Where each item (and each file's `capacity` setting) came from.
    #[serde(skip)]
    #[schemars(skip)]
    pub origins: Origins,
}

impl RuleSetData {
    /// Parses one file's text; `file` names it in errors.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<RuleSetData, ParseError> {
        let mut d: RuleSetData = source::parse(text, format, file)?;
        let f: Arc<str> = file.into();
        for r in &d.rules {
            d.origins.record("rule", r.id.as_str(), &f);
        }
        for s in &d.switch_off {
            d.origins.record("switch_off", s.id.as_str(), &f);
        }
        for s in &d.steunpilaar {
            d.origins.record("steunpilaar", &s.area.to_string(), &f);
        }
        for s in &d.coordinator {
            d.origins.record("coordinator", &s.area.to_string(), &f);
        }
        if let Some(c) = d.capacity {
            d.origins.record("capacity", policy_name(c), &f);
        }
        Ok(d)
    }

    /// Reads one file (`.toml` or `.json`).
    pub fn from_file(path: &Path) -> Result<RuleSetData, ParseError> {
        let (text, format, name) = source::read_file(path)?;
        Self::parse(&text, format, &name)
    }

    /// Appends another file's content.
    pub fn merge(&mut self, other: RuleSetData) {
        if self.capacity.is_none() {
            self.capacity = other.capacity;
        }
        self.steunpilaar.extend(other.steunpilaar);
        self.coordinator.extend(other.coordinator);
        self.rules.extend(other.rules);
        self.switch_off.extend(other.switch_off);
        // keep the first file an item was seen in
        for ((kind, id), file) in other.origins.entries() {
            self.origins.record(&kind, &id, &file);
        }
    }
}

/// A rule target resolved to directory indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompiledTarget {
    /// A service (index into [`Directory::services`]).
    Service(usize),
    /// The area's steunpilaar.
    Steunpilaar,
    /// An escalation body (service index).
    Escalation(usize),
    /// A deliberate gap.
    NotCovered,
}

/// A validated rule with resolved references.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledRule {
    /// Index into [`RuleSet::data`]`.rules`.
    pub index: usize,
    /// The layer.
    pub layer: Layer,
    /// The area.
    pub area: AreaRef,
    /// Need matchers.
    pub needs: Vec<NeedMatcher>,
    /// Compiled conditions.
    pub when: ConditionMask,
    /// Resolved target.
    pub target: CompiledTarget,
    /// Priority.
    pub priority: i32,
    /// Validity.
    pub valid: Validity,
}

/// An override of a less specific rule inside an area: by a replacing rule or a switch-off.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledOverride {
    /// The rule taken out (index into the rule list).
    pub rule: usize,
    /// The area where it is taken out.
    pub area: AreaRef,
    /// When.
    pub valid: Validity,
    /// The id of the rule or switch-off doing it.
    pub by: RuleId,
    /// True for a replacement, false for a switch-off.
    pub replaced: bool,
}

/// A validated rule set, bound to the directory it was validated against.
///
/// The only way to get one is [`RuleSet::new`] (or the loaders that call it), so a rule set that
/// failed validation cannot reach a router:
///
/// ```compile_fail
/// // no public constructor or fields: this does not compile
/// let unchecked = dls_core::RuleSet { };
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet(Arc<RuleSetInner>);

#[derive(Debug)]
struct RuleSetInner {
    directory: Directory,
    data: RuleSetData,
    rules: Vec<CompiledRule>,
    order: Vec<usize>,
    overrides: Vec<CompiledOverride>,
    overrides_of: Vec<Vec<usize>>,
    steunpilaar: HashMap<AreaRef, usize>,
    coordinator: HashMap<AreaRef, usize>,
    capacity: CapacityPolicy,
    warnings: Vec<Problem>,
}

impl Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.data.serialize(s)
    }
}

impl RuleSet {
    /// Validates rule set data against a directory. Returns the rule set (its warnings are
    /// kept, see [`RuleSet::warnings`]) or a report of every problem found.
    pub fn new(directory: &Directory, data: RuleSetData) -> Result<RuleSet, ValidationReport> {
        let mut report = ValidationReport::default();
        let (rules, overrides) = validate(directory, &data, &mut report);
        let warnings = report.into_result()?;
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by(|&a, &b| rule_order(&data, &rules, a, b));
        let mut overrides_of = vec![Vec::new(); rules.len()];
        for (i, o) in overrides.iter().enumerate() {
            overrides_of[o.rule].push(i);
        }
        let resolve = |list: &[AreaService]| {
            list.iter()
                .filter_map(|a| {
                    directory
                        .service_index(a.service.as_str())
                        .map(|s| (a.area.clone(), s))
                })
                .collect::<HashMap<_, _>>()
        };
        Ok(RuleSet(Arc::new(RuleSetInner {
            steunpilaar: resolve(&data.steunpilaar),
            coordinator: resolve(&data.coordinator),
            capacity: data.capacity.unwrap_or_default(),
            directory: directory.clone(),
            data,
            rules,
            order,
            overrides,
            overrides_of,
            warnings,
        })))
    }

    /// Reads rule files (merged in order) and validates them against `directory`.
    pub fn from_files<P: AsRef<Path>>(
        directory: &Directory,
        paths: &[P],
    ) -> Result<RuleSet, LoadError> {
        let mut data = RuleSetData::default();
        for p in paths {
            data.merge(RuleSetData::from_file(p.as_ref())?);
        }
        Ok(RuleSet::new(directory, data)?)
    }

    /// Parses one text and validates it against `directory`.
    pub fn from_str(
        directory: &Directory,
        text: &str,
        format: Format,
        file: &str,
    ) -> Result<RuleSet, LoadError> {
        Ok(RuleSet::new(
            directory,
            RuleSetData::parse(text, format, file)?,
        )?)
    }

    /// The directory this rule set was validated against.
    pub fn directory(&self) -> &Directory {
        &self.0.directory
    }

    /// The rule set as data.
    pub fn data(&self) -> &RuleSetData {
        &self.0.data
    }

    /// Warnings found by validation.
    pub fn warnings(&self) -> &[Problem] {
        &self.0.warnings
    }

    /// Compiled rules, in the same order as `data().rules`.
    pub fn rules(&self) -> &[CompiledRule] {
        &self.0.rules
    }

    /// Rule indexes in routing order: most specific layer first, then higher priority, then
    /// rule id — never file order.
    pub fn order(&self) -> &[usize] {
        &self.0.order
    }

    /// The id of a rule by index.
    pub fn rule_id(&self, rule: usize) -> &RuleId {
        &self.0.data.rules[rule].id
    }

    /// All overrides.
    pub fn overrides(&self) -> &[CompiledOverride] {
        &self.0.overrides
    }

    /// The override that takes rule `rule` out for kern index `kern` on `date`, if any.
    pub fn overridden(
        &self,
        rule: usize,
        kern: usize,
        date: NaiveDate,
    ) -> Option<&CompiledOverride> {
        self.0.overrides_of[rule]
            .iter()
            .map(|&i| &self.0.overrides[i])
            .find(|o| {
                o.valid.contains(date) && self.0.directory.areas().contains_kern(&o.area, kern)
            })
    }

    /// How capacity counts.
    pub fn capacity_policy(&self) -> CapacityPolicy {
        self.0.capacity
    }

    fn most_specific(&self, map: &HashMap<AreaRef, usize>, kern: usize) -> Option<usize> {
        if map.is_empty() {
            return None;
        }
        let areas = self.0.directory.areas();
        let k = &areas.kernen()[kern];
        if let Some(&s) = map.get(&AreaRef::Kern(k.id.clone())) {
            return Some(s);
        }
        if let Some(&s) = map.get(&AreaRef::Municipality(k.municipality.clone())) {
            return Some(s);
        }
        let m = areas.municipality_of_kern(kern);
        // regions in file order; the first region listed wins
        for &r in areas.regions_of_municipality(m) {
            if let Some(&s) = map.get(&AreaRef::Region(areas.regions()[r].id.clone())) {
                return Some(s);
            }
        }
        map.get(&AreaRef::National).copied()
    }

    /// The steunpilaar service (index) for a kern: the most specific area naming one.
    pub fn steunpilaar_for(&self, kern: usize) -> Option<usize> {
        self.most_specific(&self.0.steunpilaar, kern)
    }

    /// The coordinating service (index) for a kern, if the rule set names one.
    pub fn coordinator_for(&self, kern: usize) -> Option<usize> {
        self.most_specific(&self.0.coordinator, kern)
    }
}

fn rule_order(
    data: &RuleSetData,
    rules: &[CompiledRule],
    a: usize,
    b: usize,
) -> std::cmp::Ordering {
    let (ra, rb) = (&rules[a], &rules[b]);
    rb.layer
        .cmp(&ra.layer)
        .then(rb.priority.cmp(&ra.priority))
        .then_with(|| data.rules[a].id.cmp(&data.rules[b].id))
}

fn validate(
    dir: &Directory,
    data: &RuleSetData,
    report: &mut ValidationReport,
) -> (Vec<CompiledRule>, Vec<CompiledOverride>) {
    let areas = dir.areas();
    let tax = dir.taxonomy();
    let loc_of = |kind: &str, id: &str| {
        Location::item(
            data.origins.file_of(kind, id).as_deref(),
            kind.replace('_', "-").as_str(),
            id,
        )
    };

    // settings
    if let Some(first) = data.capacity {
        let v0 = policy_name(first);
        let f0 = data.origins.file_of("capacity", v0).unwrap_or_default();
        for ((kind, v), f) in data.origins.entries() {
            if kind == "capacity" && v != v0 {
                report.error(
                    ProblemKind::ConflictingSetting,
                    Location {
                        file: Some(f.to_string()),
                        field: Some("capacity".into()),
                        ..Default::default()
                    },
                    format!("`capacity` is set to `{v}` here but to `{v0}` in `{f0}`"),
                );
            }
        }
    }

    // steunpilaar and coordinator entries
    for (kind, list, role) in [
        ("steunpilaar", &data.steunpilaar, ServiceRole::Steunpilaar),
        ("coordinator", &data.coordinator, ServiceRole::Coordinator),
    ] {
        let mut areas_seen = HashMap::new();
        for e in list {
            let loc = loc_of(kind, &e.area.to_string());
            if areas_seen.insert(e.area.clone(), ()).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.clone().field("area"),
                    format!("two {kind} entries for area `{}`", e.area),
                );
            }
            if !areas.knows(&e.area) {
                report.error(
                    unknown_area_kind(&e.area),
                    loc.clone().field("area"),
                    format!("unknown area `{}`", e.area),
                );
                continue;
            }
            match dir.service_index(e.service.as_str()) {
                None => report.error(
                    ProblemKind::UnknownService,
                    loc.field("service"),
                    format!("unknown service `{}`", e.service),
                ),
                Some(s) => {
                    let actual = dir.services()[s].role;
                    if actual != role {
                        report.error(
                            ProblemKind::WrongRole,
                            loc.clone().field("service"),
                            format!("service `{}` has role `{actual}`, not `{role}`", e.service),
                        );
                    }
                    if !dir.serves_area(s, &e.area) {
                        report.error(
                            ProblemKind::TargetOutsideCoverage,
                            loc.field("service"),
                            format!("service `{}` does not serve all of `{}`", e.service, e.area),
                        );
                    }
                }
            }
        }
    }

    // ids
    let mut ids: HashMap<&RuleId, usize> = HashMap::new();
    for (i, r) in data.rules.iter().enumerate() {
        if ids.insert(&r.id, i).is_some() {
            report.error(
                ProblemKind::DuplicateId,
                loc_of("rule", r.id.as_str()).field("id"),
                format!("rule id `{}` is used twice", r.id),
            );
        }
    }
    let mut switch_ids = HashMap::new();
    for s in &data.switch_off {
        if ids.contains_key(&s.id) || switch_ids.insert(&s.id, ()).is_some() {
            report.error(
                ProblemKind::DuplicateId,
                loc_of("switch_off", s.id.as_str()).field("id"),
                format!("id `{}` is used twice", s.id),
            );
        }
    }

    // rules
    let mut steunpilaar_kernen: Option<Vec<bool>> = None;
    let mut compiled = Vec::with_capacity(data.rules.len());
    for (i, r) in data.rules.iter().enumerate() {
        let loc = loc_of("rule", r.id.as_str());
        if r.needs.is_empty() {
            report.error(
                ProblemKind::EmptyList,
                loc.clone().field("needs"),
                "a rule needs at least one need",
            );
        }
        for m in &r.needs {
            if !tax.knows(m.code()) {
                report.error(
                    ProblemKind::UnknownNeed,
                    loc.clone().field("needs"),
                    format!("unknown need `{m}`"),
                );
            }
        }
        let area_known = areas.knows(&r.area);
        if !area_known {
            report.error(
                unknown_area_kind(&r.area),
                loc.clone().field("area"),
                format!("unknown area `{}`", r.area),
            );
        }
        if r.valid.is_inverted() {
            report.error(
                ProblemKind::InvertedRange,
                loc.clone().field("valid"),
                "validity starts after it ends",
            );
        }
        let when = ConditionMask::compile(&r.when).unwrap_or_else(|errs| {
            for e in &errs {
                report.error(e.problem_kind(), loc.clone().field("when"), e.to_string());
            }
            ConditionMask::ALL
        });
        let target = match &r.target {
            Target::NotCovered => CompiledTarget::NotCovered,
            Target::Steunpilaar => {
                if area_known {
                    let covered = steunpilaar_kernen.get_or_insert_with(|| {
                        let mut v = vec![false; areas.kernen().len()];
                        for e in &data.steunpilaar {
                            for k in areas.kernen_in(&e.area) {
                                v[k] = true;
                            }
                        }
                        v
                    });
                    let uncovered = areas.kernen_in(&r.area).into_iter().find(|&k| !covered[k]);
                    if let Some(k) = uncovered {
                        report.error(
                            ProblemKind::TargetOutsideCoverage,
                            loc.clone().field("target"),
                            format!(
                                "no steunpilaar is named for kern `{}` inside `{}`",
                                areas.kernen()[k].id,
                                r.area
                            ),
                        );
                    }
                }
                CompiledTarget::Steunpilaar
            }
            Target::Service(id) | Target::Escalation(id) => {
                match dir.service_index(id.as_str()) {
                    None => {
                        report.error(
                            ProblemKind::UnknownService,
                            loc.clone().field("target"),
                            format!("unknown service `{id}`"),
                        );
                        CompiledTarget::NotCovered
                    }
                    Some(s) => {
                        let svc = &dir.services()[s];
                        let escalation = matches!(r.target, Target::Escalation(_));
                        if escalation != (svc.role == ServiceRole::Escalation) {
                            report.error(
                            ProblemKind::WrongRole,
                            loc.clone().field("target"),
                            if escalation {
                                format!("service `{id}` has role `{}`, not `escalation`", svc.role)
                            } else {
                                format!("service `{id}` is an escalation body: write `escalation:{id}`")
                            },
                        );
                        }
                        if area_known && !dir.serves_area(s, &r.area) {
                            report.error(
                                ProblemKind::TargetOutsideCoverage,
                                loc.clone().field("target"),
                                format!("service `{id}` does not serve all of `{}`", r.area),
                            );
                        }
                        if !escalation {
                            for m in &r.needs {
                                if !svc.needs.iter().any(|sm| m.within(sm)) {
                                    report.error(
                                        ProblemKind::TargetLacksNeed,
                                        loc.clone().field("target"),
                                        format!("service `{id}` does not offer `{m}`"),
                                    );
                                }
                            }
                        }
                        if escalation {
                            CompiledTarget::Escalation(s)
                        } else {
                            CompiledTarget::Service(s)
                        }
                    }
                }
            }
        };
        compiled.push(CompiledRule {
            index: i,
            layer: r.layer(),
            area: r.area.clone(),
            needs: r.needs.clone(),
            when,
            target,
            priority: r.priority,
            valid: r.valid,
        });
    }

    // overrides
    let mut overrides = Vec::new();
    let mut add_override = |by: &RuleId,
                            kind: &str,
                            layer: Layer,
                            area: &AreaRef,
                            valid: Validity,
                            targets: &[RuleId],
                            replaced: bool,
                            report: &mut ValidationReport| {
        let loc = loc_of(kind, by.as_str()).field(if replaced { "replaces" } else { "rules" });
        for t in targets {
            let Some(&ti) = ids.get(t) else {
                report.error(
                    ProblemKind::UnknownRule,
                    loc.clone(),
                    format!("unknown rule `{t}`"),
                );
                continue;
            };
            let target = &compiled[ti];
            if t == by {
                report.error(
                    ProblemKind::InvalidOverride,
                    loc.clone(),
                    "a rule cannot replace itself",
                );
            } else if target.layer >= layer {
                report.error(
                    ProblemKind::InvalidOverride,
                    loc.clone(),
                    format!("rule `{t}` is in the {} layer: only a less specific rule can be overridden from the {layer} layer", target.layer),
                );
            } else if !areas.area_within(area, &target.area) {
                report.error(
                    ProblemKind::InvalidOverride,
                    loc.clone(),
                    format!("`{area}` is not inside the area `{}` of rule `{t}`: an override acts inside its own area only", target.area),
                );
            } else {
                overrides.push(CompiledOverride {
                    rule: ti,
                    area: area.clone(),
                    valid,
                    by: by.clone(),
                    replaced,
                });
            }
        }
    };
    for r in &data.rules {
        if !r.replaces.is_empty() {
            add_override(
                &r.id,
                "rule",
                r.layer(),
                &r.area,
                r.valid,
                &r.replaces,
                true,
                report,
            );
        }
    }
    for s in &data.switch_off {
        let loc = loc_of("switch_off", s.id.as_str());
        if !areas.knows(&s.area) {
            report.error(
                unknown_area_kind(&s.area),
                loc.clone().field("area"),
                format!("unknown area `{}`", s.area),
            );
            continue;
        }
        if s.valid.is_inverted() {
            report.error(
                ProblemKind::InvertedRange,
                loc.clone().field("valid"),
                "validity starts after it ends",
            );
        }
        if s.rules.is_empty() {
            report.error(
                ProblemKind::EmptyList,
                loc.field("rules"),
                "a switch-off names at least one rule",
            );
        }
        add_override(
            &s.id,
            "switch_off",
            s.area.layer(),
            &s.area,
            s.valid,
            &s.rules,
            false,
            report,
        );
    }

    analyse_pairs(dir, data, &compiled, &overrides, report);
    (compiled, overrides)
}

fn policy_name(c: CapacityPolicy) -> &'static str {
    match c {
        CapacityPolicy::Ignore => "ignore",
        CapacityPolicy::SkipFull => "skip_full",
        CapacityPolicy::PreferShorterWait => "prefer_shorter_wait",
    }
}

/// Layer, area and domain of a group of rules compared pairwise.
type BucketKey = (Layer, String, String);

/// Ambiguity (error) and shadowing (warning), checked pairwise within buckets of equal layer
/// and priority whose areas can overlap.
fn analyse_pairs(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    overrides: &[CompiledOverride],
    report: &mut ValidationReport,
) {
    let areas = dir.areas();
    let overridden: Vec<bool> = {
        let mut v = vec![false; rules.len()];
        for o in overrides {
            v[o.rule] = true;
        }
        v
    };
    // Bucket by layer, area and domain: rules of one layer only compete where their areas
    // overlap, and within one layer two different kernen or municipalities never do. Regions
    // can share municipalities, so region buckets are also compared with those of every
    // overlapping region.
    let mut buckets: BTreeMap<BucketKey, Vec<usize>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        let mut domains: Vec<&str> = r.needs.iter().map(|m| m.code().domain()).collect();
        domains.sort_unstable();
        domains.dedup();
        for d in domains {
            buckets
                .entry((r.layer, r.area.to_string(), d.to_string()))
                .or_default()
                .push(i);
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for members in buckets.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                pairs.push((a, b));
            }
        }
    }
    let region_buckets: Vec<(&BucketKey, &Vec<usize>)> = buckets
        .iter()
        .filter(|((l, ..), _)| *l == Layer::Region)
        .collect();
    for (x, ((_, area_a, dom_a), ma)) in region_buckets.iter().enumerate() {
        for ((_, area_b, dom_b), mb) in &region_buckets[x + 1..] {
            if dom_a != dom_b || area_a == area_b {
                continue;
            }
            let (Ok(ra), Ok(rb)) = (area_a.parse::<AreaRef>(), area_b.parse::<AreaRef>()) else {
                continue;
            };
            if areas.overlap(&ra, &rb) {
                for &a in ma.iter() {
                    for &b in mb.iter() {
                        pairs.push((a, b));
                    }
                }
            }
        }
    }
    let mut reported = std::collections::HashSet::new();
    for (a, b) in pairs {
        let (ra, rb) = (&rules[a], &rules[b]);
        if !reported.insert((a.min(b), a.max(b))) {
            continue;
        }
        let needs_overlap = ra
            .needs
            .iter()
            .any(|m| rb.needs.iter().any(|n| m.overlaps(n)));
        if !needs_overlap
            || !ra.valid.overlaps(&rb.valid)
            || !ra.when.overlaps(&rb.when)
            || !areas.overlap(&ra.area, &rb.area)
        {
            continue;
        }
        let (first, second) = if rule_order(data, rules, a, b).is_lt() {
            (a, b)
        } else {
            (b, a)
        };
        let (r1, r2) = (&rules[first], &rules[second]);
        let covers = areas.area_within(&r2.area, &r1.area)
            && r2
                .needs
                .iter()
                .all(|n| r1.needs.iter().any(|m| n.within(m)))
            && r2.when.within(&r1.when)
            && r2.valid.within(&r1.valid);
        if covers
            && !overridden[first]
            && (r1.target == CompiledTarget::NotCovered || r1.target == r2.target)
        {
            let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
            report.warning(
                ProblemKind::Shadowed,
                Location::item(data.origins.file_of("rule", id2.as_str()).as_deref(), "rule", id2.as_str()),
                format!("rule `{id2}` can never decide: rule `{id1}` comes first and covers every case it covers"),
            );
        } else if r1.priority == r2.priority && r1.target != r2.target {
            let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
            report.error(
                ProblemKind::Ambiguous,
                Location::item(data.origins.file_of("rule", id2.as_str()).as_deref(), "rule", id2.as_str()).field("priority"),
                format!(
                    "rules `{id1}` and `{id2}` overlap in need, area, conditions and validity at equal priority {}: give one a higher priority",
                    r1.priority
                ),
            );
        }
    }
}
