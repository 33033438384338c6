//! The need taxonomy: hierarchical dotted need codes within domains, matchers over one code or
//! a subtree, and the mapping of care needs to iWmo and iJw product categories and codes
//! ([`ProductCode`]).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod products;

pub use products::{IjwCategory, ProductCode};

use crate::conditions::{Age, AgeBand, AgeCondition};
use crate::ids::{IdError, NeedCode};
use crate::validation::{Location, ProblemKind, ValidationReport};

/// A domain of the social sphere (zorg, jeugd, sociale_zaken, wonen, openbare_ruimte, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// One-segment code, e.g. `zorg`.
    pub code: NeedCode,
    /// Human label.
    pub label: String,
}

/// An iWmo product category (`01` to `18`), the code list municipalities use to exchange Wmo
/// messages (01 hulp bij het huishouden, 02 begeleiding, 03 persoonlijke verzorging, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IwmoCategory(u8);

impl IwmoCategory {
    /// The category number, 1 to 18.
    pub fn number(self) -> u8 {
        self.0
    }
}

impl FromStr for IwmoCategory {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s.parse::<u8>() {
            Ok(n @ 1..=18) if s.len() == 2 => Ok(IwmoCategory(n)),
            _ => Err(IdError {
                kind: "iWmo product category",
                reason: "must be two digits from `01` to `18`",
            }),
        }
    }
}

impl TryFrom<String> for IwmoCategory {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<IwmoCategory> for String {
    fn from(c: IwmoCategory) -> String {
        c.to_string()
    }
}

impl fmt::Display for IwmoCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for IwmoCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IwmoCategory({:02})", self.0)
    }
}

impl JsonSchema for IwmoCategory {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IwmoCategory".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^(0[1-9]|1[0-8])$"})
    }
}

/// One need in the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedDef {
    /// Dotted code; its first segment is a declared domain and its parent, if any, a declared need.
    pub code: NeedCode,
    /// Human label.
    pub label: String,
    /// The iWmo product category, for Wmo needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iwmo: Option<IwmoCategory>,
    /// The iWmo product code (e.g. `02A03`), where the municipality uses one for this need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iwmo_product: Option<ProductCode>,
    /// The iJw product category, for Jeugdwet needs (e.g. `45`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ijw: Option<IjwCategory>,
    /// The iJw product code (e.g. `45A48`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ijw_product: Option<ProductCode>,
    /// The ages, in whole years, the need applies to (all when absent); coverage analysis
    /// looks for gaps only there. Children have no Wmo needs, for instance: their help runs
    /// under the Jeugdwet, so Wmo needs say `ages = { min = 18 }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeCondition>,
}

/// Matches one need code (`zorg.wmo.huishouden`) or a whole subtree (`zorg.wmo.*`, or `zorg.*`
/// for a domain).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum NeedMatcher {
    /// Exactly this code.
    Exact(NeedCode),
    /// This code and everything below it.
    Subtree(NeedCode),
}

impl NeedMatcher {
    /// True when the matcher covers `need`.
    pub fn matches(&self, need: &NeedCode) -> bool {
        match self {
            NeedMatcher::Exact(c) => c == need,
            NeedMatcher::Subtree(c) => need.is_within(c),
        }
    }

    /// The code at the root of the matcher.
    pub fn code(&self) -> &NeedCode {
        match self {
            NeedMatcher::Exact(c) | NeedMatcher::Subtree(c) => c,
        }
    }

    /// True when every need this matcher covers is covered by `other`.
    pub fn within(&self, other: &NeedMatcher) -> bool {
        match (self, other) {
            (NeedMatcher::Exact(a), o) => o.matches(a),
            (NeedMatcher::Subtree(a), NeedMatcher::Subtree(b)) => a.is_within(b),
            (NeedMatcher::Subtree(_), NeedMatcher::Exact(_)) => false,
        }
    }

    /// True when some need is covered by both.
    pub fn overlaps(&self, other: &NeedMatcher) -> bool {
        self.within(other) || other.within(self) || {
            match (self, other) {
                (NeedMatcher::Subtree(a), NeedMatcher::Exact(b))
                | (NeedMatcher::Exact(b), NeedMatcher::Subtree(a)) => b.is_within(a),
                _ => false,
            }
        }
    }
}

impl FromStr for NeedMatcher {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s.strip_suffix(".*") {
            Some(root) => Ok(NeedMatcher::Subtree(root.parse()?)),
            None => Ok(NeedMatcher::Exact(s.parse()?)),
        }
    }
}

impl TryFrom<String> for NeedMatcher {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<NeedMatcher> for String {
    fn from(m: NeedMatcher) -> String {
        m.to_string()
    }
}

impl fmt::Display for NeedMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NeedMatcher::Exact(c) => write!(f, "{c}"),
            NeedMatcher::Subtree(c) => write!(f, "{c}.*"),
        }
    }
}

impl fmt::Debug for NeedMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NeedMatcher({self})")
    }
}

impl JsonSchema for NeedMatcher {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NeedMatcher".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9_]+(\\.[a-z0-9_]+)*(\\.\\*)?$",
            "description": "A need code, or a code followed by `.*` for its whole subtree."
        })
    }
}

/// The taxonomy as written in files, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyData {
    /// Domains.
    #[serde(default, rename = "domain")]
    pub domains: Vec<Domain>,
    /// Needs.
    #[serde(default, rename = "need")]
    pub needs: Vec<NeedDef>,
    /// The age bands reports group ages in (coverage per band, aggregates); none declared:
    /// [`AgeBand::defaults`].
    #[serde(default, rename = "age_band", skip_serializing_if = "Vec::is_empty")]
    pub age_bands: Vec<AgeBand>,
}

/// The validated taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    data: TaxonomyData,
    index: HashMap<NeedCode, usize>,
    leaves: Vec<usize>,
    /// The declared age bands, or the defaults.
    age_bands: Vec<AgeBand>,
    /// Each need's ages, checked (`None`: every age).
    ages: Vec<Option<(Age, Age)>>,
}

impl Serialize for Taxonomy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(s)
    }
}

impl Taxonomy {
    pub(crate) fn build(
        data: TaxonomyData,
        file_of: &dyn Fn(&str, &str) -> Option<String>,
        report: &mut ValidationReport,
    ) -> Taxonomy {
        let mut domains = HashMap::new();
        for d in &data.domains {
            let loc = Location::item(
                file_of("domain", d.code.as_str()).as_deref(),
                "domain",
                d.code.as_str(),
            );
            if d.code.parent().is_some() {
                report.error(
                    ProblemKind::UnknownDomain,
                    loc.clone().field("code"),
                    format!("domain code `{}` must be one segment", d.code),
                );
            }
            if domains.insert(d.code.clone(), ()).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.field("code"),
                    format!("domain `{}` is declared twice", d.code),
                );
            }
        }
        let mut index = HashMap::new();
        for (i, n) in data.needs.iter().enumerate() {
            if index.insert(n.code.clone(), i).is_some() {
                report.duplicate(
                    file_of("need", n.code.as_str()),
                    "need",
                    n.code.as_str(),
                    "code",
                );
            }
        }
        for n in &data.needs {
            let loc = Location::item(
                file_of("need", n.code.as_str()).as_deref(),
                "need",
                n.code.as_str(),
            )
            .field("code");
            if !domains.contains_key(n.code.domain()) {
                report.error(
                    ProblemKind::UnknownDomain,
                    loc,
                    format!("unknown domain `{}`", n.code.domain()),
                );
            } else if let Some(p) = n.code.parent() {
                if p.parent().is_some() && !index.contains_key(&p) {
                    report.error(
                        ProblemKind::UnknownNeed,
                        loc,
                        format!("parent need `{p}` is not declared"),
                    );
                }
            }
            // A product code lies in its need's product category.
            let products = [
                (
                    "iwmo_product",
                    n.iwmo_product,
                    n.iwmo.map(|c| c.to_string()),
                ),
                ("ijw_product", n.ijw_product, n.ijw.map(|c| c.to_string())),
            ];
            for (field, code, category) in products {
                if let (Some(code), Some(category)) = (code, category) {
                    if code.category() != category {
                        report.error(
                            ProblemKind::ConflictingSetting,
                            Location::item(
                                file_of("need", n.code.as_str()).as_deref(),
                                "need",
                                n.code.as_str(),
                            )
                            .field(field),
                            format!(
                                "product code `{code}` is not in product category `{category}`"
                            ),
                        );
                    }
                }
            }
        }
        let ages = data
            .needs
            .iter()
            .map(|n| {
                n.ages.and_then(|a| {
                    a.interval()
                        .map_err(|e| {
                            report.error(
                                e.problem_kind(),
                                Location::item(
                                    file_of("need", n.code.as_str()).as_deref(),
                                    "need",
                                    n.code.as_str(),
                                )
                                .field("ages"),
                                e.to_string(),
                            )
                        })
                        .ok()
                })
            })
            .collect();
        let mut band_names = HashMap::new();
        for b in &data.age_bands {
            let loc = Location::item(file_of("age_band", &b.name).as_deref(), "age_band", &b.name);
            if b.name.trim().is_empty() {
                report.error(
                    ProblemKind::EmptyList,
                    loc.clone().field("name"),
                    "an age band needs a name",
                );
            }
            if band_names.insert(b.name.as_str(), ()).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.clone().field("name"),
                    format!("age band `{}` is declared twice", b.name),
                );
            }
            if b.max.is_some_and(|m| m < b.min) {
                report.error(
                    ProblemKind::InvertedRange,
                    loc.field("max"),
                    "`max` lies below `min`",
                );
            }
        }
        let age_bands = if data.age_bands.is_empty() {
            AgeBand::defaults()
        } else {
            data.age_bands.clone()
        };
        let leaves = (0..data.needs.len())
            .filter(|&i| {
                let c = &data.needs[i].code;
                !data
                    .needs
                    .iter()
                    .any(|o| o.code != *c && o.code.is_within(c))
            })
            .collect();
        Taxonomy {
            data,
            index,
            leaves,
            age_bands,
            ages,
        }
    }

    /// The taxonomy as data.
    pub fn data(&self) -> &TaxonomyData {
        &self.data
    }

    /// All needs, in file order.
    pub fn needs(&self) -> &[NeedDef] {
        &self.data.needs
    }

    /// All domains.
    pub fn domains(&self) -> &[Domain] {
        &self.data.domains
    }

    /// A need by code.
    pub fn need(&self, code: &str) -> Option<&NeedDef> {
        self.index.get(code).map(|&i| &self.data.needs[i])
    }

    /// True when the code is a declared need or domain.
    pub fn knows(&self, code: &NeedCode) -> bool {
        self.index.contains_key(code)
            || (code.parent().is_none() && self.data.domains.iter().any(|d| d.code == *code))
    }

    /// The leaf needs (those with no declared need below them), in file order.
    pub fn leaves(&self) -> impl Iterator<Item = &NeedDef> {
        self.leaves.iter().map(|&i| &self.data.needs[i])
    }

    /// The ages a declared need applies to, inclusive (see [`NeedDef::ages`]); `None` for
    /// every age, or a need not declared.
    pub fn ages_of(&self, need: &NeedCode) -> Option<(Age, Age)> {
        self.index.get(need).and_then(|&i| self.ages[i])
    }

    /// True when the need applies to people of this age (see [`NeedDef::ages`]).
    pub fn applies_to(&self, need: &NeedCode, age: Age) -> bool {
        self.ages_of(need)
            .is_none_or(|(lo, hi)| lo <= age && age <= hi)
    }

    /// The age bands reports group ages in: the declared ones, in file order, or
    /// [`AgeBand::defaults`] when none is declared.
    pub fn age_bands(&self) -> &[AgeBand] {
        &self.age_bands
    }

    /// The needs a matcher covers, in file order.
    pub fn matching<'a>(&'a self, m: &'a NeedMatcher) -> impl Iterator<Item = &'a NeedDef> {
        self.data.needs.iter().filter(move |n| m.matches(&n.code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers() {
        let sub: NeedMatcher = "zorg.wmo.*".parse().unwrap();
        let ex: NeedMatcher = "zorg.wmo.huishouden".parse().unwrap();
        let other: NeedMatcher = "zorg.ggz".parse().unwrap();
        assert!(sub.matches(&"zorg.wmo.huishouden".parse().unwrap()));
        assert!(sub.matches(&"zorg.wmo".parse().unwrap()));
        assert!(!sub.matches(&"zorg.wmox".parse().unwrap()));
        assert!(ex.within(&sub));
        assert!(!sub.within(&ex));
        assert!(sub.overlaps(&ex) && ex.overlaps(&sub));
        assert!(!other.overlaps(&sub));
        assert_eq!(sub.to_string(), "zorg.wmo.*");
    }

    #[test]
    fn a_product_code_lies_in_its_category() {
        let text = r#"
[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.wmo"
label = "Wmo"
iwmo = "01"
iwmo_product = "02A03"

[[need]]
code = "zorg.jeugd"
label = "Jeugd"
ijw = "45"
ijw_product = "45A48"
"#;
        let data: TaxonomyData = toml::from_str(text).unwrap();
        let mut report = ValidationReport::default();
        Taxonomy::build(data, &|_, _| None, &mut report);
        let p = &report.problems[0];
        assert_eq!(report.problems.len(), 1);
        assert_eq!(p.kind, ProblemKind::ConflictingSetting);
        assert_eq!(p.location.field.as_deref(), Some("iwmo_product"));
        assert_eq!(
            p.message,
            "product code `02A03` is not in product category `01`"
        );
        let bad: Result<TaxonomyData, _> =
            toml::from_str("[[need]]\ncode = \"zorg.x\"\nlabel = \"x\"\nijw_product = \"45a48\"\n");
        assert!(bad.is_err());
    }

    #[test]
    fn iwmo_codes() {
        assert_eq!("01".parse::<IwmoCategory>().unwrap().number(), 1);
        assert!("19".parse::<IwmoCategory>().is_err());
        assert!("1".parse::<IwmoCategory>().is_err());
    }
}
