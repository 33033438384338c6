//! Rule sets as data: which service takes which need, where, for whom, when — in layers
//! (national < region < municipality < kern) that a more specific layer may extend, replace or
//! switch off inside its own area.
//!
//! [`RuleSetData`] is what TOML and JSON files hold (one file per layer is usual; files merge).
//! [`RuleSet`] is the validated form: it can only be made by [`RuleSet::new`], which checks the
//! data against a [`Directory`] and reports every problem at once, so a rule set that exists can
//! be routed with. Validation finds unknown references, empty and inverted ranges, ambiguous
//! rules, shadowed rules, unreachable rules (through their target, or taken in every kern by
//! more specific layers), targets that do not cover the rule's area or need, misused roles and
//! overrides that cannot take effect.
//!
//! A service that states a `priority` routes by its own coverage: `own` adds a rule
//! `coverage:<service>` for it in the layer of its areas, ranked like any rule (layer, then
//! priority, then id); see the crate README's "Semantics".

mod analyse;
mod compile;
mod data;
mod layers;
mod own;
mod reach;
mod taken;
mod validate;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::areas::AreaRef;
use crate::directory::Directory;
use crate::ids::{KernId, RuleId, ServiceId};
use crate::source::Format;
use crate::validation::{LoadError, Problem, ValidationReport};

pub use compile::CompiledOverride;
pub(crate) use compile::{CompiledRule, CompiledTarget};
pub use data::{AreaService, CapacityPolicy, Rule, RuleSetData, SwitchOff, Target};
pub use layers::{is_rule_file, rule_files, RULE_FILE_PREFIX};
pub use own::COVERAGE_PREFIX;

use compile::rule_order;
use validate::validate;

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
    /// The rule set as given.
    source: RuleSetData,
    /// With the coverage rules of the directory's services appended (what routing uses).
    routed: RuleSetData,
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
        self.0.source.serialize(s)
    }
}

impl RuleSet {
    /// Validates rule set data against a directory. Returns the rule set (its warnings are
    /// kept, see [`RuleSet::warnings`]) or a report of every problem found.
    pub fn new(directory: &Directory, data: RuleSetData) -> Result<RuleSet, ValidationReport> {
        Self::with_warnings(directory, data, Vec::new())
    }

    /// [`RuleSet::new`], with `extra` problems found by the loader added to validation's.
    fn with_warnings(
        directory: &Directory,
        data: RuleSetData,
        extra: Vec<Problem>,
    ) -> Result<RuleSet, ValidationReport> {
        let mut report = ValidationReport::default();
        let source = data;
        let data = own::expand(directory, &source, &mut report);
        let (rules, overrides) = validate(directory, &data, &mut report);
        report.problems.extend(extra);
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
            source,
            routed: data,
            rules,
            order,
            overrides,
            overrides_of,
            warnings,
        })))
    }

    /// Reads rule files (merged in order) and validates them against `directory`.
    ///
    /// A rule layer file beside them (named `rules…`, see [`is_rule_file`]) that was left out
    /// although it has rules where the loaded rules apply gives a warning of kind
    /// [`LayerLeftOut`](crate::ProblemKind::LayerLeftOut): loading the national and municipal
    /// layers without the region's loses the region's rules otherwise.
    pub fn from_files<P: AsRef<Path>>(
        directory: &Directory,
        paths: &[P],
    ) -> Result<RuleSet, LoadError> {
        let mut data = RuleSetData::default();
        for p in paths {
            data.merge(RuleSetData::from_file(p.as_ref())?);
        }
        let loaded: Vec<&Path> = paths.iter().map(AsRef::as_ref).collect();
        let extra = layers::left_out(directory, &data, &loaded);
        Ok(RuleSet::with_warnings(directory, data, extra)?)
    }

    /// Reads every rule layer file of `folder` ([`rule_files`]) and validates them against
    /// `directory`.
    pub fn from_folder(directory: &Directory, folder: &Path) -> Result<RuleSet, LoadError> {
        RuleSet::from_files(directory, &rule_files(folder)?)
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

    /// The rule set as data, as given (without the coverage rules of the directory's services:
    /// see [`RuleSet::in_routing_order`] for every rule routing uses).
    pub fn data(&self) -> &RuleSetData {
        &self.0.source
    }

    /// The rule set routing uses: [`RuleSet::data`] with the coverage rules of the directory's
    /// services (ids `coverage:<service>`) appended after the explicit rules.
    pub fn with_coverage(&self) -> &RuleSetData {
        &self.0.routed
    }

    /// Warnings found by validation.
    pub fn warnings(&self) -> &[Problem] {
        &self.0.warnings
    }

    /// Compiled rules, in the same order as `with_coverage().rules`.
    pub(crate) fn rules(&self) -> &[CompiledRule] {
        &self.0.rules
    }

    /// Rule indexes in routing order: most specific layer first, then higher priority, then
    /// rule id — never file order.
    pub(crate) fn order(&self) -> &[usize] {
        &self.0.order
    }

    /// The id of a rule by index.
    pub(crate) fn rule_id(&self, rule: usize) -> &RuleId {
        &self.0.routed.rules[rule].id
    }

    /// All overrides.
    pub fn overrides(&self) -> &[CompiledOverride] {
        &self.0.overrides
    }

    /// The override that takes rule `rule` out for kern index `kern` on `date`, if any.
    pub(crate) fn overridden(
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

    /// The rules in routing order: most specific layer first, then higher priority, then rule
    /// id — never file order. (Under [`CapacityPolicy::PreferShorterWait`] the router also
    /// puts shorter waiting times first among rules of equal layer and priority.)
    pub fn in_routing_order(&self) -> impl ExactSizeIterator<Item = &Rule> + '_ {
        self.0.order.iter().map(|&r| &self.0.routed.rules[r])
    }

    /// The override that takes rule `rule` out in `kern` on `date`, if any; `None` also when
    /// the rule or the kern is unknown.
    pub fn overridden_in(
        &self,
        rule: &RuleId,
        kern: &KernId,
        date: NaiveDate,
    ) -> Option<&CompiledOverride> {
        let r = self.0.routed.rules.iter().position(|r| &r.id == rule)?;
        let k = self.0.directory.areas().kern_index(kern.as_str())?;
        self.overridden(r, k, date)
    }

    /// The steunpilaar service for a kern: the one named for the most specific area holding
    /// the kern; `None` when none is named or the kern is unknown.
    pub fn steunpilaar(&self, kern: &KernId) -> Option<&ServiceId> {
        self.service_for_kern(&self.0.steunpilaar, kern)
    }

    /// The coordinating service for a kern, if the rule set names one (the most specific area
    /// holding the kern wins); `None` also when the kern is unknown.
    pub fn coordinator(&self, kern: &KernId) -> Option<&ServiceId> {
        self.service_for_kern(&self.0.coordinator, kern)
    }

    fn service_for_kern(&self, map: &HashMap<AreaRef, usize>, kern: &KernId) -> Option<&ServiceId> {
        let k = self.0.directory.areas().kern_index(kern.as_str())?;
        let s = self.most_specific(map, k)?;
        Some(&self.0.directory.services()[s].id)
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
    pub(crate) fn steunpilaar_for(&self, kern: usize) -> Option<usize> {
        self.most_specific(&self.0.steunpilaar, kern)
    }

    /// The coordinating service (index) for a kern, if the rule set names one.
    pub(crate) fn coordinator_for(&self, kern: usize) -> Option<usize> {
        self.most_specific(&self.0.coordinator, kern)
    }
}
