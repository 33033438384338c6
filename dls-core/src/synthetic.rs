//! Synthetic directories, rule sets and cases, deterministic from a seed: from one
//! pilot-sized municipality to the whole country (342 municipalities, ~3,400 kernen, 25 regions,
//! ~15,000 services, 200 leaf needs, ~15,000 layered rules). For benchmarks and property tests
//! here and in the Python and JVM bindings; every set it makes passes validation.
//!
//! The same seed gives the same data on every machine: the generator uses its own small
//! SplitMix64 generator, no hashing and no clock.
//!
//! ```
//! use dls_core::synthetic;
//! let (directory, rules) = synthetic::pilot(7);
//! let cases = synthetic::cases(&directory, 100, 7);
//! assert_eq!(cases.len(), 100);
//! assert_eq!(rules.directory(), &directory);
//! ```
//!
//! What the data holds, per municipality: a steunpilaar (most municipalities name one), a
//! sociaal wijkteam that coordinates (in about 60%), a complaints desk (escalation), one
//! provider per need group (with eligibility, capacity, waiting times and contract periods
//! drawn at random), a second provider for some groups behind a conditional rule, contract
//! successions with rules valid before and after 2026-01-01, deliberate gaps (`not_covered`),
//! and kern rules for village services that extend, replace or switch off the municipal rule.
//! Regions run some groups with a national fallback; a few groups are national only, and
//! national lines catch the rest of care and youth at low priority.
//!
//! [`events`] makes event logs for evaluation. This module is behind the cargo feature
//! `synthetic`.

pub mod events;

use chrono::NaiveDate;

use crate::areas::{AreaRef, Kern, Municipality, Region};
use crate::cases::{
    Case, CaseAttributes, CaseData, CaseNeed, Consent, Situation, TriedService, TryOutcome,
};
use crate::conditions::{
    Age, AgeCondition, Conditions, EnumCondition, HouseholdType, LegalFramework, RangeCondition,
    Signal, SignalCondition, Urgency,
};
use crate::directory::{
    Capacity, Directory, DirectoryData, Organisation, OrganisationKind, Service, ServiceRole,
};
use crate::ids::{KernId, MunicipalityCode, NeedCode, OrganisationId, RegionId, RuleId, ServiceId};
use crate::rng::SplitMix64;
use crate::rules::{AreaService, CapacityPolicy, Rule, RuleSet, RuleSetData, SwitchOff, Target};
use crate::taxonomy::{Domain, NeedDef, NeedMatcher};
use crate::validity::Validity;

/// How big a synthetic set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scale {
    /// Number of municipalities (at least 1).
    pub municipalities: usize,
    /// Fewest kernen per municipality (at least 1).
    pub min_kernen: usize,
    /// Most kernen per municipality.
    pub max_kernen: usize,
    /// Number of regions (at least 1, at most the number of municipalities); each
    /// municipality lies in exactly one.
    pub regions: usize,
    /// How capacity counts in the rule set.
    pub capacity: CapacityPolicy,
}

impl Scale {
    /// The whole country: 342 municipalities of 4 to 16 kernen (about 3,400), 25 regions.
    pub const NATIONAL: Scale = Scale {
        municipalities: 342,
        min_kernen: 4,
        max_kernen: 16,
        regions: 25,
        capacity: CapacityPolicy::SkipFull,
    };

    /// One municipality of 31 kernen in one region, like the Haarlemmermeer pilot.
    pub const PILOT: Scale = Scale {
        municipalities: 1,
        min_kernen: 31,
        max_kernen: 31,
        regions: 1,
        capacity: CapacityPolicy::SkipFull,
    };
}

/// The national-scale set ([`Scale::NATIONAL`]).
pub fn national(seed: u64) -> (Directory, RuleSet) {
    generate(&Scale::NATIONAL, seed)
}

/// The pilot-scale set ([`Scale::PILOT`]): the same taxonomy and density per municipality.
pub fn pilot(seed: u64) -> (Directory, RuleSet) {
    generate(&Scale::PILOT, seed)
}

/// A validated set of the given scale.
///
/// The generator only writes data that validates (its tests check every scale they use), so
/// this does not fail.
pub fn generate(scale: &Scale, seed: u64) -> (Directory, RuleSet) {
    let (d, r) = data(scale, seed);
    let dir = match Directory::new(d) {
        Ok((dir, _)) => dir,
        Err(e) => unreachable!("synthetic directory does not validate: {e}"),
    };
    match RuleSet::new(&dir, r) {
        Ok(rules) => (dir, rules),
        Err(e) => unreachable!("synthetic rule set does not validate: {e}"),
    }
}

/// The generators' random source: SplitMix64 bits, mapped to a range by remainder (the data sets
/// in BENCHMARKS.md were generated this way; another mapping would change them).
#[derive(Debug, Clone)]
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(SplitMix64(seed ^ 0x5DEE_CE66_D1CE_4E5B))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Display,
{
    match s.parse() {
        Ok(v) => v,
        Err(e) => unreachable!("synthetic id `{s}`: {e}"),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

const DOMAINS: &[(&str, &str, usize)] = &[
    ("zorg", "Zorg", 16),
    ("jeugd", "Jeugd", 6),
    ("sociale_zaken", "Sociale zaken", 8),
    ("wonen", "Wonen", 6),
    ("openbare_ruimte", "Openbare ruimte", 4),
];
const LEAVES_PER_GROUP: usize = 5;
/// The complaints group: escalation bodies only.
const ESCALATION_GROUP: usize = 27;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupKind {
    Municipal,
    Regional,
    National,
    Escalation,
}

struct Group {
    code: String,
    domain: &'static str,
    kind: GroupKind,
}

fn groups() -> Vec<Group> {
    let mut out = Vec::new();
    for &(domain, _, n) in DOMAINS {
        for _ in 0..n {
            let g = out.len();
            let kind = if g == ESCALATION_GROUP {
                GroupKind::Escalation
            } else if g % 10 == 9 {
                GroupKind::National
            } else if g % 10 == 8 {
                GroupKind::Regional
            } else {
                GroupKind::Municipal
            };
            out.push(Group {
                code: format!("{domain}.g{g:02}"),
                domain,
                kind,
            });
        }
    }
    out
}

fn subtree(code: &str) -> NeedMatcher {
    NeedMatcher::Subtree(id(code))
}

fn eligibility(rng: &mut Rng) -> Conditions {
    let mut c = Conditions::default();
    match rng.below(100) {
        0..=5 => {
            // adults only: from 18
            c.age = Some(AgeCondition::from(18))
        }
        6..=10 => {
            c.income_pct = Some(RangeCondition {
                min: None,
                max: Some(150),
            })
        }
        11..=13 => {
            // youth help, extended to under 23
            c.age = Some(AgeCondition::up_to(22))
        }
        _ => {}
    }
    c
}

fn condition(rng: &mut Rng) -> Conditions {
    let mut c = Conditions::default();
    match rng.below(4) {
        0 => c.urgency = Some(EnumCondition::at_least(Urgency::Urgent)),
        1 => {
            // 65 and older (the ouderenadviseur)
            c.age = Some(AgeCondition::from(65))
        }
        2 => {
            c.signals = Some(SignalCondition {
                any: vec!["rent_arrears".into(), "energy_debt".into()],
            })
        }
        _ => {
            c.income_pct = Some(RangeCondition {
                min: None,
                max: Some(120),
            })
        }
    }
    c
}

fn capacity(rng: &mut Rng) -> Option<Capacity> {
    rng.chance(30).then(|| Capacity {
        open_places: Some(if rng.chance(15) {
            0
        } else {
            1 + rng.below(20) as u32
        }),
        waiting_weeks: Some(rng.below(27) as u32),
    })
}

struct Builder {
    dir: DirectoryData,
    rules: RuleSetData,
}

impl Builder {
    fn org(&mut self, id_: &str, name: String, kind: OrganisationKind) -> OrganisationId {
        let oid: OrganisationId = id(id_);
        self.dir.organisations.push(Organisation {
            id: oid.clone(),
            name,
            kind,
        });
        oid
    }

    #[allow(clippy::too_many_arguments)]
    fn service(
        &mut self,
        id_: &str,
        organisation: &OrganisationId,
        role: ServiceRole,
        needs: Vec<NeedMatcher>,
        area: AreaRef,
        eligibility: Conditions,
        capacity: Option<Capacity>,
        valid: Validity,
    ) -> ServiceId {
        let sid: ServiceId = id(id_);
        self.dir.services.push(Service {
            id: sid.clone(),
            organisation: organisation.clone(),
            name: format!("Service {id_}"),
            role,
            needs,
            areas: vec![area],
            eligibility,
            capacity,
            valid,
            channels: Vec::new(),
            priority: None,
        });
        sid
    }

    #[allow(clippy::too_many_arguments)]
    fn rule(
        &mut self,
        id_: &str,
        needs: Vec<NeedMatcher>,
        area: AreaRef,
        when: Conditions,
        target: Target,
        priority: i32,
        valid: Validity,
        replaces: Vec<RuleId>,
    ) -> RuleId {
        let rid: RuleId = id(id_);
        self.rules.rules.push(Rule {
            id: rid.clone(),
            needs,
            areas: vec![area],
            when,
            target,
            priority,
            valid,
            replaces,
        });
        rid
    }
}

/// The unvalidated data of a set of the given scale: for tests that reorder or edit it.
pub fn data(scale: &Scale, seed: u64) -> (DirectoryData, RuleSetData) {
    let n_munis = scale.municipalities.clamp(1, 9999);
    let n_regions = scale.regions.clamp(1, n_munis);
    let min_k = scale.min_kernen.max(1);
    let max_k = scale.max_kernen.max(min_k);
    let mut rng = Rng::new(seed);
    let groups = groups();
    let mut b = Builder {
        dir: DirectoryData::default(),
        rules: RuleSetData::default(),
    };
    b.rules.capacity = Some(scale.capacity);

    // taxonomy
    for &(domain, label, _) in DOMAINS {
        b.dir.domains.push(Domain {
            code: id(domain),
            label: label.to_string(),
        });
    }
    for (g, group) in groups.iter().enumerate() {
        b.dir.needs.push(NeedDef {
            code: id(&group.code),
            label: format!("Need group {g}"),
            iwmo: None,
            iwmo_product: None,
            ijw: None,
            ijw_product: None,
            ages: None,
        });
        for j in 0..LEAVES_PER_GROUP {
            b.dir.needs.push(NeedDef {
                code: id(&format!("{}.n{j}", group.code)),
                label: format!("Need {g}.{j}"),
                iwmo: None,
                iwmo_product: None,
                ijw: None,
                ijw_product: None,
                ages: None,
            });
        }
    }

    // areas
    let mut muni_codes: Vec<MunicipalityCode> = Vec::with_capacity(n_munis);
    let mut kernen_of: Vec<Vec<KernId>> = Vec::with_capacity(n_munis);
    for m in 0..n_munis {
        let code: MunicipalityCode = id(&format!("GM{:04}", m + 1));
        b.dir.municipalities.push(Municipality {
            code: code.clone(),
            name: format!("Gemeente {}", m + 1),
        });
        let n_k = min_k + rng.below(max_k - min_k + 1);
        let mut ks = Vec::with_capacity(n_k);
        for j in 0..n_k {
            let kid: KernId = id(&format!("gm{:04}-k{j:02}", m + 1));
            b.dir.kernen.push(Kern {
                id: kid.clone(),
                name: format!("Kern {} van gemeente {}", j + 1, m + 1),
                municipality: code.clone(),
            });
            ks.push(kid);
        }
        muni_codes.push(code);
        kernen_of.push(ks);
    }
    let region_ids: Vec<RegionId> = (0..n_regions)
        .map(|r| id(&format!("reg{:02}", r + 1)))
        .collect();
    for (r, rid) in region_ids.iter().enumerate() {
        // contiguous blocks of municipalities
        let lo = r * n_munis / n_regions;
        let hi = (r + 1) * n_munis / n_regions;
        b.dir.regions.push(Region {
            id: rid.clone(),
            name: format!("Regio {}", r + 1),
            municipalities: muni_codes[lo..hi].to_vec(),
        });
    }

    let always = Validity::ALWAYS;
    let none = Conditions::default;

    // national
    let nat_gov = b.org(
        "nat-overheid",
        "Rijksoverheid".into(),
        OrganisationKind::OTHER,
    );
    let nat_health = b.org(
        "nat-zorglijn",
        "Landelijke zorglijn".into(),
        OrganisationKind::HEALTH,
    );
    let nat_ombuds = b.org(
        "nat-ombudsman",
        "Nationale ombudsman".into(),
        OrganisationKind::COMPLAINTS,
    );
    for (g, group) in groups.iter().enumerate() {
        if matches!(group.kind, GroupKind::National | GroupKind::Regional) {
            let s = b.service(
                &format!("nat-g{g:02}"),
                &nat_gov,
                ServiceRole::Provider,
                vec![subtree(&group.code)],
                AreaRef::National,
                none(),
                None,
                always,
            );
            b.rule(
                &format!("nat-g{g:02}"),
                vec![subtree(&group.code)],
                AreaRef::National,
                none(),
                Target::Service(s),
                0,
                always,
                vec![],
            );
        }
    }
    for domain in ["zorg", "jeugd"] {
        let s = b.service(
            &format!("nat-{domain}lijn"),
            &nat_health,
            ServiceRole::Provider,
            vec![subtree(domain)],
            AreaRef::National,
            none(),
            None,
            always,
        );
        b.rule(
            &format!("nat-{domain}"),
            vec![subtree(domain)],
            AreaRef::National,
            none(),
            Target::Service(s),
            -10,
            always,
            vec![],
        );
    }
    let escalation_code = groups[ESCALATION_GROUP].code.clone();
    let ombudsman = b.service(
        "nat-ombudsman",
        &nat_ombuds,
        ServiceRole::Escalation,
        vec![subtree(&escalation_code)],
        AreaRef::National,
        none(),
        None,
        always,
    );
    b.rule(
        "nat-ombudsman",
        vec![subtree(&escalation_code)],
        AreaRef::National,
        none(),
        Target::Escalation(ombudsman),
        0,
        always,
        vec![],
    );

    // regions
    for rid in &region_ids {
        let area = AreaRef::Region(rid.clone());
        let health = b.org(
            &format!("{rid}-ggd"),
            format!("GGD {rid}"),
            OrganisationKind::HEALTH,
        );
        let youth = b.org(
            &format!("{rid}-jeugd"),
            format!("Jeugdregio {rid}"),
            OrganisationKind::YOUTH,
        );
        for (g, group) in groups.iter().enumerate() {
            if group.kind != GroupKind::Regional {
                continue;
            }
            let org = if group.domain == "jeugd" {
                &youth
            } else {
                &health
            };
            let cap = capacity(&mut rng);
            let s = b.service(
                &format!("{rid}-g{g:02}"),
                org,
                ServiceRole::Provider,
                vec![subtree(&group.code)],
                area.clone(),
                none(),
                cap,
                always,
            );
            b.rule(
                &format!("{rid}-g{g:02}"),
                vec![subtree(&group.code)],
                area.clone(),
                none(),
                Target::Service(s),
                0,
                always,
                vec![],
            );
        }
    }

    // municipalities and kernen
    let until_2025 = Validity {
        from: None,
        until: Some(date(2025, 12, 31)),
    };
    let from_2026 = Validity {
        from: Some(date(2026, 1, 1)),
        until: None,
    };
    for (m, code) in muni_codes.iter().enumerate() {
        let p = format!("gm{:04}", m + 1);
        let area = AreaRef::Municipality(code.clone());
        let gemeente = b.org(
            &format!("{p}-gemeente"),
            format!("Gemeente {}", m + 1),
            OrganisationKind::MUNICIPALITY,
        );
        let welzijn = b.org(
            &format!("{p}-welzijn"),
            format!("Welzijn {}", m + 1),
            OrganisationKind::WELFARE,
        );
        let zorg = b.org(
            &format!("{p}-zorg"),
            format!("Zorg {}", m + 1),
            OrganisationKind::HEALTH,
        );
        let vrijwilligers = b.org(
            &format!("{p}-vrijwilligers"),
            format!("Steunpilaar {}", m + 1),
            OrganisationKind::VOLUNTEER,
        );
        let wonen = b.org(
            &format!("{p}-wonen"),
            format!("Woningcorporatie {}", m + 1),
            OrganisationKind::HOUSING,
        );
        let has_steunpilaar = n_munis == 1 || rng.chance(95);
        let slp = b.service(
            &format!("{p}-slp"),
            &vrijwilligers,
            ServiceRole::Steunpilaar,
            vec![],
            area.clone(),
            none(),
            None,
            always,
        );
        if has_steunpilaar {
            b.rules.steunpilaar.push(AreaService {
                area: area.clone(),
                service: slp,
            });
        }
        let swt = b.service(
            &format!("{p}-swt"),
            &welzijn,
            ServiceRole::Coordinator,
            vec![subtree(&groups[0].code)],
            area.clone(),
            none(),
            None,
            always,
        );
        if n_munis == 1 || rng.chance(60) {
            b.rules.coordinator.push(AreaService {
                area: area.clone(),
                service: swt,
            });
        }
        let klachten = b.service(
            &format!("{p}-klachten"),
            &gemeente,
            ServiceRole::Escalation,
            vec![subtree(&escalation_code)],
            area.clone(),
            none(),
            None,
            always,
        );
        b.rule(
            &format!("{p}-bezwaar"),
            vec![subtree(&escalation_code)],
            area.clone(),
            none(),
            Target::Escalation(klachten),
            0,
            always,
            vec![],
        );

        // the plain municipal rule per group, which kern rules may replace or switch off
        let mut plain: Vec<(usize, RuleId)> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            if group.kind != GroupKind::Municipal {
                continue;
            }
            let org = match group.domain {
                "zorg" if g % 2 == 0 => &zorg,
                "zorg" | "jeugd" => &welzijn,
                "wonen" => &wonen,
                _ => &gemeente,
            };
            let needs = vec![subtree(&group.code)];
            let valid = if rng.chance(6) {
                Validity {
                    from: None,
                    until: Some(date(2026, 6, 30)),
                }
            } else {
                always
            };
            let elig = eligibility(&mut rng);
            let cap = capacity(&mut rng);
            let main = b.service(
                &format!("{p}-g{g:02}"),
                org,
                ServiceRole::Provider,
                needs.clone(),
                area.clone(),
                elig,
                cap,
                valid,
            );
            let variant = rng.below(100);
            let covered = if variant < 3 {
                b.rule(
                    &format!("{p}-g{g:02}"),
                    needs.clone(),
                    area.clone(),
                    none(),
                    Target::NotCovered,
                    10,
                    always,
                    vec![],
                );
                false
            } else if variant < 4 && has_steunpilaar {
                b.rule(
                    &format!("{p}-g{g:02}"),
                    needs.clone(),
                    area.clone(),
                    none(),
                    Target::Steunpilaar,
                    10,
                    always,
                    vec![],
                );
                true
            } else if variant < 10 {
                // a contract succession on 2026-01-01
                let cap = capacity(&mut rng);
                let next = b.service(
                    &format!("{p}-g{g:02}-2026"),
                    org,
                    ServiceRole::Provider,
                    needs.clone(),
                    area.clone(),
                    none(),
                    cap,
                    from_2026,
                );
                b.rule(
                    &format!("{p}-g{g:02}-tot-2026"),
                    needs.clone(),
                    area.clone(),
                    none(),
                    Target::Service(main),
                    10,
                    until_2025,
                    vec![],
                );
                b.rule(
                    &format!("{p}-g{g:02}-vanaf-2026"),
                    needs.clone(),
                    area.clone(),
                    none(),
                    Target::Service(next),
                    10,
                    from_2026,
                    vec![],
                );
                true
            } else {
                let r = b.rule(
                    &format!("{p}-g{g:02}"),
                    needs.clone(),
                    area.clone(),
                    none(),
                    Target::Service(main),
                    10,
                    always,
                    vec![],
                );
                plain.push((g, r));
                true
            };
            if covered && rng.chance(25) {
                let other = if org == &welzijn { &zorg } else { &welzijn };
                let cap = capacity(&mut rng);
                let alt = b.service(
                    &format!("{p}-g{g:02}-b"),
                    other,
                    ServiceRole::Provider,
                    needs.clone(),
                    area.clone(),
                    none(),
                    cap,
                    always,
                );
                b.rule(
                    &format!("{p}-g{g:02}-b"),
                    needs.clone(),
                    area.clone(),
                    condition(&mut rng),
                    Target::Service(alt.clone()),
                    20,
                    always,
                    vec![],
                );
                if rng.chance(50) {
                    b.rule(
                        &format!("{p}-g{g:02}-c"),
                        needs.clone(),
                        area.clone(),
                        none(),
                        Target::Service(alt),
                        0,
                        always,
                        vec![],
                    );
                }
            }
        }

        for kid in &kernen_of[m] {
            let karea = AreaRef::Kern(kid.clone());
            if rng.chance(20) && !plain.is_empty() {
                let (g, ref main_rule) = plain[rng.below(plain.len())];
                let needs = vec![subtree(&groups[g].code)];
                let cap = capacity(&mut rng);
                let s = b.service(
                    &format!("{kid}-vrijwilligers"),
                    &vrijwilligers,
                    ServiceRole::Provider,
                    needs.clone(),
                    karea.clone(),
                    none(),
                    cap,
                    always,
                );
                let replaces = if rng.chance(50) {
                    vec![main_rule.clone()]
                } else {
                    vec![]
                };
                let valid = if rng.chance(50) { from_2026 } else { always };
                b.rule(
                    &format!("{kid}-g{g:02}"),
                    needs,
                    karea.clone(),
                    none(),
                    Target::Service(s),
                    0,
                    valid,
                    replaces,
                );
            }
            if rng.chance(3) && !plain.is_empty() {
                let (_, ref main_rule) = plain[rng.below(plain.len())];
                b.rules.switch_off.push(SwitchOff {
                    id: id(&format!("{kid}-uit")),
                    rules: vec![main_rule.clone()],
                    area: karea.clone(),
                    valid: always,
                });
            }
        }
    }
    (b.dir, b.rules)
}

/// `n` synthetic cases for any directory (synthetic or not), deterministic from `seed`: a
/// random kern; one need in 60% of cases, two in 25%, three in 10%, four in 5%, drawn from
/// the leaf needs; varied attributes; in 10% a service already tried without success (one
/// that offers the primary need and serves the kern); opened on a date in 2025–2027.
/// Returns no cases when the directory has no kernen or no needs.
pub fn cases(directory: &Directory, n: usize, seed: u64) -> Vec<Case> {
    let areas = directory.areas();
    let kernen = areas.kernen();
    let leaves: Vec<&NeedCode> = directory.taxonomy().leaves().map(|d| &d.code).collect();
    if kernen.is_empty() || leaves.is_empty() {
        return Vec::new();
    }
    // services per municipality (local areas) and services with wider areas
    let mut local: Vec<Vec<usize>> = vec![Vec::new(); areas.municipalities().len()];
    let mut wide: Vec<usize> = Vec::new();
    for (i, s) in directory.services().iter().enumerate() {
        if s.role == ServiceRole::Steunpilaar {
            continue;
        }
        let mut is_wide = false;
        for a in &s.areas {
            match a {
                AreaRef::Municipality(c) => {
                    if let Some(m) = areas.municipality_index(c.as_str()) {
                        local[m].push(i);
                    }
                }
                AreaRef::Kern(k) => {
                    if let Some(k) = areas.kern_index(k.as_str()) {
                        local[areas.municipality_of_kern(k)].push(i);
                    }
                }
                _ => is_wide = true,
            }
        }
        if is_wide {
            wide.push(i);
        }
    }
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xCA5E);
    let start = date(2025, 1, 1);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let k = rng.below(kernen.len());
        let n_needs = match rng.below(100) {
            0..=59 => 1,
            60..=84 => 2,
            85..=94 => 3,
            _ => 4,
        }
        .min(leaves.len());
        let mut needs: Vec<CaseNeed> = Vec::with_capacity(n_needs);
        while needs.len() < n_needs {
            let need = leaves[rng.below(leaves.len())];
            if !needs.iter().any(|c| &c.need == need) {
                needs.push(CaseNeed {
                    need: need.clone(),
                    primary: false,
                });
            }
        }
        let p = rng.below(n_needs);
        needs[p].primary = true;
        let attributes = CaseAttributes {
            age: (!rng.chance(5)).then(|| Age::new(rng.below(100) as i64).unwrap_or(Age::ZERO)),
            household: (!rng.chance(10)).then(|| rng.pick(&ALL_HOUSEHOLDS)),
            urgency: match rng.below(100) {
                0..=79 => Urgency::Normal,
                80..=94 => Urgency::Urgent,
                _ => Urgency::Crisis,
            },
            framework: rng.chance(50).then(|| rng.pick(&ALL_FRAMEWORKS)),
            signals: if rng.chance(12) {
                let mut s = vec![rng.pick(&ALL_SIGNALS)];
                if rng.chance(30) {
                    let t = rng.pick(&ALL_SIGNALS);
                    if !s.contains(&t) {
                        s.push(t);
                    }
                }
                s
            } else {
                Vec::new()
            },
            income_pct: rng.chance(50).then(|| 60 + rng.below(190) as u16),
            extra: Default::default(),
        };
        let mut situation = Situation::DoesNotKnowWhere;
        if rng.chance(10) {
            let primary = &needs[p].need;
            let m = areas.municipality_of_kern(k);
            let pool: Vec<usize> = local[m]
                .iter()
                .chain(&wide)
                .copied()
                .filter(|&s| directory.services()[s].offers(primary) && directory.serves_kern(s, k))
                .collect();
            if !pool.is_empty() {
                let s = pool[rng.below(pool.len())];
                situation = Situation::CannotGetThrough {
                    tried: vec![TriedService {
                        service: directory.services()[s].id.clone(),
                        outcome: rng.pick(&[
                            TryOutcome::Rejected,
                            TryOutcome::NoResponse,
                            TryOutcome::WaitedTooLong,
                        ]),
                    }],
                };
            }
        }
        let opened = start + chrono::Days::new(rng.below(3 * 365) as u64);
        let data = CaseData {
            id: id(&format!("syn-{seed}-{i}")),
            kern: kernen[k].id.clone(),
            needs,
            attributes,
            situation,
            consent: Consent {
                share_with_organisations: rng.chance(80),
            },
            opened: Some(opened),
        };
        if let Ok(c) = Case::new(data) {
            out.push(c);
        }
    }
    out
}

const ALL_HOUSEHOLDS: [HouseholdType; 5] = [
    HouseholdType::Single,
    HouseholdType::Couple,
    HouseholdType::SingleParent,
    HouseholdType::Family,
    HouseholdType::Other,
];
const ALL_FRAMEWORKS: [LegalFramework; 6] = [
    LegalFramework::Wmo,
    LegalFramework::Jeugdwet,
    LegalFramework::Participatiewet,
    LegalFramework::Wgs,
    LegalFramework::Zvw,
    LegalFramework::Wlz,
];
const ALL_SIGNALS: [Signal; 6] = [
    Signal::RentArrears,
    Signal::EnergyDebt,
    Signal::WaterDebt,
    Signal::HealthInsuranceArrears,
    Signal::ThreatenedEviction,
    Signal::CutOff,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pilot_scale_validates_without_warnings() {
        for seed in 0..5 {
            let (d, r) = data(&Scale::PILOT, seed);
            let (dir, w) = Directory::new(d).unwrap_or_else(|e| panic!("{e}"));
            assert!(w.is_empty(), "{w:?}");
            let rules = RuleSet::new(&dir, r).unwrap_or_else(|e| panic!("{e}"));
            assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
        }
    }

    #[test]
    fn same_seed_same_data() {
        assert_eq!(data(&Scale::PILOT, 3), data(&Scale::PILOT, 3));
        assert_ne!(data(&Scale::PILOT, 3), data(&Scale::PILOT, 4));
        let (dir, _) = pilot(3);
        assert_eq!(cases(&dir, 50, 9), cases(&dir, 50, 9));
    }

    #[test]
    fn cases_fit_their_directory() {
        let (dir, _) = pilot(1);
        let cs = cases(&dir, 500, 2);
        assert_eq!(cs.len(), 500);
        for c in &cs {
            c.check(&dir).unwrap();
        }
        assert!(cs.iter().any(|c| c.needs().len() >= 3));
        assert!(cs.iter().any(|c| !c.situation().tried().is_empty()));
        // works on the embedded pilot too
        let p = crate::pilot::directory();
        for c in cases(&p, 100, 1) {
            c.check(&p).unwrap();
        }
    }
}
