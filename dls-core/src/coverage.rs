//! Coverage analysis: without any cases, where does each need go in each kern, for each age
//! band — and where is nobody (a gap, lacune) or more than one organisation (an overlap)?
//!
//! This is DLS's first front: find the local gaps. For every kern × leaf need × age band it
//! walks the rule set as routing would (layers, priorities, overrides, validity, eligibility
//! on age, capacity when the rule set counts it) with the other case attributes left open,
//! and it lists the organisations whose services could take the need there.
//!
//! Age bands are the reporting groups the directory declares (the five of
//! [`AgeBand::defaults`](crate::conditions::AgeBand::defaults) when it declares none). Rules and
//! eligibility speak in years, so within a band the answer can change with the age (a `65+`
//! service inside `adult`, 23–66): such a band gets one row per stretch of ages that is routed
//! alike, each with its `age_min` and `age_max`. Ages where the need does not apply (see
//! [`crate::taxonomy::NeedDef::ages`]) are left out; a band none of whose ages apply has no
//! row.
//!
//! - **Gap**: no rule leads to a provider — the steunpilaar catches it, a rule says
//!   `not_covered` on purpose, or nobody at all.
//! - **Overlap**: two or more organisations offer the need in the kern for the age band, valid on
//!   the date, at equal standing: work possibly done twice, whichever of them the rules choose.
//!   Standing is the tier of the service's most specific area containing the kern — local (kern
//!   or municipality), regional or national — so a national helpline behind a local service is
//!   a fallback, not an overlap.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::conditions::Age;
use crate::directory::ServiceRole;
use crate::ids::{KernId, MunicipalityCode, NeedCode, OrganisationId, RuleId, ServiceId};
use crate::rules::{CapacityPolicy, CompiledTarget, RuleSet};

/// Where a kern × need × age band ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// A provider service takes it.
    Covered,
    /// It goes to an escalation body.
    Escalation,
    /// No provider: the local steunpilaar catches it (a gap in local services).
    Steunpilaar,
    /// A rule says nobody covers it here, on purpose.
    NotCovered,
    /// Nobody at all, not even a steunpilaar.
    Gap,
}

impl CoverageStatus {
    /// The wire name: `covered`, `escalation`, `steunpilaar`, `not_covered` or `gap`.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Covered => "covered",
            CoverageStatus::Escalation => "escalation",
            CoverageStatus::Steunpilaar => "steunpilaar",
            CoverageStatus::NotCovered => "not_covered",
            CoverageStatus::Gap => "gap",
        }
    }

    /// True for every status where no provider takes the need.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            CoverageStatus::Steunpilaar | CoverageStatus::NotCovered | CoverageStatus::Gap
        )
    }
}

/// The columns of a coverage row as a host writes it in a table: the fields of
/// [`CoverageRow`] (the `overlap` field as `overlapping_organisations`), with the flags `gap`
/// ([`CoverageStatus::is_gap`]) and `overlap` ([`CoverageRow::is_overlap`]) after `rule`.
pub const COVERAGE_COLUMNS: &[&str] = &[
    "kern",
    "kern_name",
    "municipality",
    "need",
    "age_band",
    "age_min",
    "age_max",
    "status",
    "service",
    "organisation",
    "rule",
    "gap",
    "overlap",
    "providers",
    "overlapping_organisations",
];

/// One kern × leaf need × age band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// The kern.
    pub kern: KernId,
    /// The kern's name.
    pub kern_name: String,
    /// Its municipality.
    pub municipality: MunicipalityCode,
    /// The leaf need.
    pub need: NeedCode,
    /// The age band (a declared reporting group, see
    /// [`Taxonomy::age_bands`](crate::taxonomy::Taxonomy::age_bands)).
    pub age_band: String,
    /// The youngest age of the stretch this row stands for.
    pub age_min: Age,
    /// The oldest age of the stretch this row stands for.
    pub age_max: Age,
    /// Where it ends up.
    pub status: CoverageStatus,
    /// The service it reaches (provider, escalation body or steunpilaar), if any.
    pub service: Option<ServiceId>,
    /// That service's organisation.
    pub organisation: Option<OrganisationId>,
    /// The rule that decides, if any.
    pub rule: Option<RuleId>,
    /// Every organisation offering the need here for this age band, sorted.
    pub providers: Vec<OrganisationId>,
    /// The organisations offering it at equal standing when there are two or more, else empty.
    pub overlap: Vec<OrganisationId>,
}

impl CoverageRow {
    /// True when both rows end up alike: same status, service, organisation, rule, providers
    /// and overlap.
    fn same_outcome(&self, other: &CoverageRow) -> bool {
        (
            &self.status,
            &self.service,
            &self.rule,
            &self.providers,
            &self.overlap,
        ) == (
            &other.status,
            &other.service,
            &other.rule,
            &other.providers,
            &other.overlap,
        )
    }

    /// True when two or more organisations offer the need here at equal standing.
    pub fn is_overlap(&self) -> bool {
        self.overlap.len() >= 2
    }
}

/// Which rows of a coverage report to keep: the `only` switch of every binding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageFilter {
    /// Every row.
    #[default]
    All,
    /// Rows where no provider takes the need ([`CoverageStatus::is_gap`]).
    Gaps,
    /// Rows where two or more organisations offer the need ([`CoverageRow::is_overlap`]).
    Overlaps,
    /// Gaps and overlaps.
    Problems,
}

impl CoverageFilter {
    /// Every filter, in order.
    pub const ALL: &'static [CoverageFilter] = &[
        CoverageFilter::All,
        CoverageFilter::Gaps,
        CoverageFilter::Overlaps,
        CoverageFilter::Problems,
    ];

    /// The wire name: `all`, `gaps`, `overlaps` or `problems`.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageFilter::All => "all",
            CoverageFilter::Gaps => "gaps",
            CoverageFilter::Overlaps => "overlaps",
            CoverageFilter::Problems => "problems",
        }
    }

    /// True when the filter keeps `row`.
    pub fn keeps(self, row: &CoverageRow) -> bool {
        match self {
            CoverageFilter::All => true,
            CoverageFilter::Gaps => row.status.is_gap(),
            CoverageFilter::Overlaps => row.is_overlap(),
            CoverageFilter::Problems => row.status.is_gap() || row.is_overlap(),
        }
    }
}

impl fmt::Display for CoverageFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A coverage filter name that is not one of `all`, `gaps`, `overlaps`, `problems` (the name
/// given is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown selection: use `all`, `gaps`, `overlaps` or `problems`")]
pub struct CoverageFilterError;

impl FromStr for CoverageFilter {
    type Err = CoverageFilterError;
    fn from_str(s: &str) -> Result<Self, CoverageFilterError> {
        CoverageFilter::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or(CoverageFilterError)
    }
}

/// The standing of a service in a kern: the tier of its most specific area containing the kern.
fn tier(dir: &crate::directory::Directory, service: usize, kern: usize) -> u8 {
    use crate::areas::AreaRef;
    dir.services()[service]
        .areas
        .iter()
        .filter(|a| dir.areas().contains_kern(a, kern))
        .map(|a| match a {
            AreaRef::Kern(_) | AreaRef::Municipality(_) => 2,
            AreaRef::Region(_) => 1,
            AreaRef::National => 0,
        })
        .max()
        .unwrap_or(0)
}

/// What to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageOptions {
    /// The date rules and contracts must be valid on.
    pub date: NaiveDate,
    /// Only kernen of this municipality (all kernen when `None`).
    pub municipality: Option<MunicipalityCode>,
}

impl CoverageOptions {
    /// All kernen on `date`.
    pub fn on(date: NaiveDate) -> CoverageOptions {
        CoverageOptions {
            date,
            municipality: None,
        }
    }
}

/// A municipality to analyse that has no kernen in the directory: the coverage would be empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no kernen of municipality `{code}` in the directory: it has {}", known.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "))]
pub struct UnknownMunicipalityError {
    /// The municipality asked for.
    pub code: MunicipalityCode,
    /// The municipalities that have kernen, sorted.
    pub known: Vec<MunicipalityCode>,
}

impl CoverageOptions {
    /// Checks that the municipality asked for (if any) has kernen in the rule set's directory,
    /// so that an unknown code is an error naming the codes that exist, never an empty report.
    pub fn check(&self, rules: &RuleSet) -> Result<(), UnknownMunicipalityError> {
        let Some(code) = &self.municipality else {
            return Ok(());
        };
        let kernen = rules.directory().areas().kernen();
        if kernen.iter().any(|k| k.municipality == *code) {
            return Ok(());
        }
        let known: std::collections::BTreeSet<&MunicipalityCode> =
            kernen.iter().map(|k| &k.municipality).collect();
        Err(UnknownMunicipalityError {
            code: code.clone(),
            known: known.into_iter().cloned().collect(),
        })
    }
}

/// The result of a coverage analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The date analysed.
    pub date: NaiveDate,
    /// One row per kern × leaf need × age band, in kern, need and age-band order.
    pub rows: Vec<CoverageRow>,
}

/// Analyses coverage of a rule set on a date.
pub fn analyse(rules: &RuleSet, options: &CoverageOptions) -> CoverageReport {
    let dir = rules.directory();
    let areas = dir.areas();
    let leaf_defs: Vec<_> = dir.taxonomy().leaves().collect();
    let leaves: Vec<&NeedCode> = leaf_defs.iter().map(|n| &n.code).collect();
    // per leaf: candidate rules in routing order, and services offering it
    let rule_lists: Vec<Vec<usize>> = leaves
        .iter()
        .map(|need| {
            rules
                .order()
                .iter()
                .copied()
                .filter(|&r| {
                    let cr = &rules.rules()[r];
                    cr.valid.contains(options.date) && cr.needs.iter().any(|m| m.matches(need))
                })
                .collect()
        })
        .collect();
    let service_lists: Vec<Vec<usize>> = leaves
        .iter()
        .map(|need| {
            (0..dir.services().len())
                .filter(|&s| {
                    let svc = &dir.services()[s];
                    matches!(svc.role, ServiceRole::Provider | ServiceRole::Coordinator)
                        && svc.valid.contains(options.date)
                        && svc.offers(need)
                })
                .collect()
        })
        .collect();
    // per leaf: the ages where some rule, service or the need's own ages begin or end; between
    // two of them every age is routed alike, so one age stands for the whole stretch
    let cuts: Vec<Vec<Age>> = leaves
        .iter()
        .enumerate()
        .map(|(n, need)| {
            let mut intervals = vec![dir.taxonomy().ages_of(need)];
            for &r in &rule_lists[n] {
                let cr = &rules.rules()[r];
                intervals.push(cr.when.age_interval());
                if let CompiledTarget::Service(s) | CompiledTarget::Escalation(s) = cr.target {
                    intervals.push(dir.eligibility(s).age_interval());
                }
            }
            intervals.extend(
                service_lists[n]
                    .iter()
                    .map(|&s| dir.eligibility(s).age_interval()),
            );
            let mut cuts: Vec<Age> = intervals
                .into_iter()
                .flatten()
                .flat_map(|(lo, hi)| [Some(lo), Age::new(i64::from(hi.years()) + 1).ok()])
                .flatten()
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            cuts
        })
        .collect();
    let bands = dir.taxonomy().age_bands();
    let counts = rules.capacity_policy() != CapacityPolicy::Ignore;
    let mut rows = Vec::new();
    for (k, kern) in areas.kernen().iter().enumerate() {
        if options
            .municipality
            .as_ref()
            .is_some_and(|m| *m != kern.municipality)
        {
            continue;
        }
        for (n, need) in leaves.iter().enumerate() {
            for band in bands {
                let (lo, hi) = band.bounds();
                let mut starts = vec![lo];
                starts.extend(cuts[n].iter().copied().filter(|&c| lo < c && c <= hi));
                let mut band_rows: Vec<CoverageRow> = Vec::new();
                for (x, &from) in starts.iter().enumerate() {
                    let to = starts.get(x + 1).map_or(hi, |&next| {
                        Age::new(i64::from(next.years()) - 1).unwrap_or(hi)
                    });
                    if !dir.taxonomy().applies_to(need, from) {
                        continue;
                    }
                    let row = coverage_at(
                        rules,
                        options,
                        k,
                        n,
                        need,
                        from,
                        (&rule_lists, &service_lists),
                        counts,
                    );
                    let row = CoverageRow {
                        kern: kern.id.clone(),
                        kern_name: kern.name.clone(),
                        municipality: kern.municipality.clone(),
                        age_band: band.name.clone(),
                        age_min: from,
                        age_max: to,
                        ..row
                    };
                    match band_rows.last_mut() {
                        Some(last)
                            if last.age_max.years() + 1 == from.years()
                                && last.same_outcome(&row) =>
                        {
                            last.age_max = to;
                        }
                        _ => band_rows.push(row),
                    }
                }
                rows.extend(band_rows);
            }
        }
    }
    CoverageReport {
        date: options.date,
        rows,
    }
}

/// The rule and service lists per leaf need, in routing order.
type Lists<'a> = (&'a [Vec<usize>], &'a [Vec<usize>]);

/// Where leaf need `n` goes in kern `k` for a person of `age` (other attributes open): the
/// outcome fields of a row, the kern and band fields left for the caller.
#[allow(clippy::too_many_arguments)]
fn coverage_at(
    rules: &RuleSet,
    options: &CoverageOptions,
    k: usize,
    n: usize,
    need: &NeedCode,
    age: Age,
    (rule_lists, service_lists): Lists<'_>,
    counts: bool,
) -> CoverageRow {
    let dir = rules.directory();
    let areas = dir.areas();
    let mut decided: Option<(CoverageStatus, Option<usize>, Option<usize>)> = None;
    for &r in &rule_lists[n] {
        let cr = &rules.rules()[r];
        if !areas.any_contains_kern(&cr.areas, k)
            || !cr.when.admits_age(age)
            || rules.overridden(r, k, options.date).is_some()
        {
            continue;
        }
        let usable = |s: usize| {
            let svc = &dir.services()[s];
            svc.valid.contains(options.date)
                && dir.eligibility(s).admits_age(age)
                && !(counts && svc.capacity.is_some_and(|c| c.is_full()))
        };
        decided = match cr.target {
            CompiledTarget::NotCovered => Some((CoverageStatus::NotCovered, None, Some(r))),
            CompiledTarget::Steunpilaar => Some((
                CoverageStatus::Steunpilaar,
                rules.steunpilaar_for(k),
                Some(r),
            )),
            CompiledTarget::Service(s) if usable(s) => {
                Some((CoverageStatus::Covered, Some(s), Some(r)))
            }
            CompiledTarget::Escalation(s) if usable(s) => {
                Some((CoverageStatus::Escalation, Some(s), Some(r)))
            }
            _ => None,
        };
        if decided.is_some() {
            break;
        }
    }
    let (status, service, rule) = decided.unwrap_or_else(|| match rules.steunpilaar_for(k) {
        Some(s) => (CoverageStatus::Steunpilaar, Some(s), None),
        None => (CoverageStatus::Gap, None, None),
    });
    let able: Vec<(u8, OrganisationId)> = service_lists[n]
        .iter()
        .filter(|&&s| dir.serves_kern(s, k) && dir.eligibility(s).admits_age(age))
        .map(|&s| {
            (
                tier(dir, s, k),
                dir.organisations()[dir.organisation_of(s)].id.clone(),
            )
        })
        .collect();
    let mut providers: Vec<OrganisationId> = able.iter().map(|(_, o)| o.clone()).collect();
    providers.sort();
    providers.dedup();
    let mut overlap = Vec::new();
    for t in [2u8, 1, 0] {
        let mut at: Vec<OrganisationId> = able
            .iter()
            .filter(|(x, _)| *x == t)
            .map(|(_, o)| o.clone())
            .collect();
        at.sort();
        at.dedup();
        if at.len() >= 2 {
            overlap = at;
            break;
        }
    }
    let kern = &areas.kernen()[k];
    CoverageRow {
        kern: kern.id.clone(),
        kern_name: String::new(),
        municipality: kern.municipality.clone(),
        need: need.clone(),
        age_band: String::new(),
        age_min: age,
        age_max: age,
        status,
        service: service.map(|s| dir.services()[s].id.clone()),
        organisation: service.map(|s| dir.organisations()[dir.organisation_of(s)].id.clone()),
        rule: rule.map(|r| rules.rule_id(r).clone()),
        providers,
        overlap,
    }
}

impl CoverageReport {
    /// Rows where no provider takes the need.
    pub fn gaps(&self) -> impl Iterator<Item = &CoverageRow> {
        self.select(CoverageFilter::Gaps)
    }

    /// Rows where two or more organisations offer the need.
    pub fn overlaps(&self) -> impl Iterator<Item = &CoverageRow> {
        self.select(CoverageFilter::Overlaps)
    }

    /// The rows `only` keeps, in report order.
    pub fn select(&self, only: CoverageFilter) -> impl Iterator<Item = &CoverageRow> {
        self.rows.iter().filter(move |r| only.keeps(r))
    }

    /// The first row for a kern, need and age band (a band where the answer changes with the
    /// age has one row per stretch of ages; see [`CoverageReport::row_at`]).
    pub fn row(&self, kern: &str, need: &str, band: &str) -> Option<&CoverageRow> {
        self.rows
            .iter()
            .find(|r| r.kern.as_str() == kern && r.need.as_str() == need && r.age_band == band)
    }

    /// The row for a kern, need and age in years (the first band holding it).
    pub fn row_at(&self, kern: &str, need: &str, age: u8) -> Option<&CoverageRow> {
        self.rows.iter().find(|r| {
            r.kern.as_str() == kern
                && r.need.as_str() == need
                && r.age_min.years() <= age
                && age <= r.age_max.years()
        })
    }

    /// A readable table: per kern, its gaps and overlaps, age bands merged.
    pub fn render_table(&self) -> String {
        // group: kern -> (kind, need, detail) -> bands
        let mut kern_order: Vec<&KernId> = Vec::new();
        let mut groups: BTreeMap<(&KernId, u8, &NeedCode, String), Vec<String>> = BTreeMap::new();
        let mut band_names: Vec<&str> = self.rows.iter().map(|r| r.age_band.as_str()).collect();
        band_names.sort_unstable();
        band_names.dedup();
        // a band split into stretches of ages is labelled with the ages (`adult 65-66`)
        let mut split: BTreeMap<(&KernId, &NeedCode, &str), usize> = BTreeMap::new();
        for r in &self.rows {
            *split
                .entry((&r.kern, &r.need, r.age_band.as_str()))
                .or_default() += 1;
        }
        let label = |r: &CoverageRow| {
            if split[&(&r.kern, &r.need, r.age_band.as_str())] > 1 {
                format!("{} {}-{}", r.age_band, r.age_min, r.age_max)
            } else {
                r.age_band.clone()
            }
        };
        for r in &self.rows {
            if kern_order.last() != Some(&&r.kern) && !kern_order.contains(&&r.kern) {
                kern_order.push(&r.kern);
            }
            if r.status.is_gap() {
                let detail = match r.status {
                    CoverageStatus::NotCovered => format!(
                        "not covered here on purpose (rule {})",
                        r.rule.as_ref().map_or("-", |x| x.as_str())
                    ),
                    CoverageStatus::Steunpilaar => format!(
                        "only the steunpilaar ({})",
                        r.service.as_ref().map_or("-", |x| x.as_str())
                    ),
                    _ => "nobody".to_string(),
                };
                groups
                    .entry((&r.kern, 0, &r.need, detail))
                    .or_default()
                    .push(label(r));
            }
            if r.is_overlap() {
                let orgs: Vec<&str> = r.overlap.iter().map(|o| o.as_str()).collect();
                let detail = format!(
                    "{} (routed to {})",
                    orgs.join(", "),
                    r.organisation.as_ref().map_or("-", |x| x.as_str())
                );
                groups
                    .entry((&r.kern, 1, &r.need, detail))
                    .or_default()
                    .push(label(r));
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Coverage on {}: {} kernen, {} gaps and {} overlaps (kern x need x age band)",
            self.date,
            kern_order.len(),
            self.gaps().count(),
            self.overlaps().count()
        );
        for kern in kern_order {
            let entries: Vec<_> = groups.iter().filter(|((k, ..), _)| *k == kern).collect();
            let gaps = entries.iter().filter(|((_, t, ..), _)| *t == 0).count();
            let overlaps = entries.len() - gaps;
            let (name, municipality) = self
                .rows
                .iter()
                .find(|r| &r.kern == kern)
                .map(|r| (r.kern_name.as_str(), r.municipality.as_str()))
                .unwrap_or(("", ""));
            let _ = writeln!(
                out,
                "\n{name} ({municipality}): {gaps} gap(s), {overlaps} overlap(s)"
            );
            for ((_, t, need, detail), bands) in entries {
                let whole = bands.iter().filter(|b| !b.contains(' ')).count();
                let bands = if whole == band_names.len() && bands.len() == whole {
                    "all ages".to_string()
                } else {
                    bands.join(", ")
                };
                let kind = if *t == 0 { "gap" } else { "overlap" };
                let _ = writeln!(
                    out,
                    "  {kind:<8} {:<38} {bands:<26} {detail}",
                    need.as_str()
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_names_round_trip_and_select() {
        for f in CoverageFilter::ALL {
            assert_eq!(f.as_str().parse::<CoverageFilter>(), Ok(*f));
            let json = serde_json::to_value(f).unwrap();
            assert_eq!(json.as_str(), Some(f.as_str()));
        }
        let e = "everything-and-more-than-that".parse::<CoverageFilter>();
        assert_eq!(
            e.unwrap_err().to_string(),
            "unknown selection: use `all`, `gaps`, `overlaps` or `problems`"
        );
        let rules = crate::pilot::rules();
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let report = analyse(&rules, &CoverageOptions::on(date));
        let count = |f| report.select(f).count();
        assert_eq!(count(CoverageFilter::All), report.rows.len());
        assert_eq!(count(CoverageFilter::Gaps), report.gaps().count());
        let both = report.gaps().filter(|r| r.is_overlap()).count();
        assert_eq!(
            count(CoverageFilter::Problems),
            count(CoverageFilter::Gaps) + count(CoverageFilter::Overlaps) - both
        );
        for s in [CoverageStatus::Covered, CoverageStatus::NotCovered] {
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json.as_str(), Some(s.as_str()));
        }
    }
}
