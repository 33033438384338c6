//! Typed conditions on case attributes: ranges and sets over a few enumerations and one number.
//!
//! Rules and service eligibility both use [`Conditions`]. They are deliberately not a
//! general-purpose language: every condition compiles to a [`ConditionMask`] of bit sets and one
//! interval, so a rule set can be analysed (overlap, containment, emptiness) exactly.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::CaseAttributes;
pub use crate::attributes::{
    AgeBand, Attribute, AttributeName, HouseholdType, LegalFramework, Signal, Urgency,
};

/// A condition on an enumerated attribute: values allowed by `in`, within `min`..=`max`, and
/// not in `not_in`. All parts are optional; present parts must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
#[schemars(bound = "T: JsonSchema")]
pub struct EnumCondition<T> {
    /// The allowed values.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<T>>,
    /// The lowest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<T>,
    /// The highest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<T>,
    /// Values excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<T>>,
}

/// A condition on the household's income as a percentage of the social minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeCondition {
    /// The lowest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u16>,
    /// The highest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u16>,
}

/// A condition on early signals: at least one of `any` must be present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignalCondition {
    /// Signals of which at least one must be present.
    pub any: Vec<Signal>,
}

/// Conditions on case attributes. An absent field is no condition; every present field must
/// hold. A condition on an attribute the case does not state does not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Age band of the person concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<EnumCondition<AgeBand>>,
    /// Household type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<EnumCondition<HouseholdType>>,
    /// Urgency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<EnumCondition<Urgency>>,
    /// Legal framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<EnumCondition<LegalFramework>>,
    /// Early signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<SignalCondition>,
    /// Income as a percentage of the social minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_pct: Option<RangeCondition>,
}

impl Conditions {
    /// True when no condition is set.
    pub fn is_empty(&self) -> bool {
        *self == Conditions::default()
    }
}

/// What is wrong with a condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    /// `min` lies above `max`.
    #[error("`{field}`: minimum lies above maximum")]
    Inverted {
        /// The attribute.
        field: &'static str,
    },
    /// No value satisfies the condition.
    #[error("`{field}`: no value satisfies the condition")]
    Empty {
        /// The attribute.
        field: &'static str,
    },
}

impl ConditionError {
    /// The validation problem kind this error reports as.
    pub fn problem_kind(&self) -> crate::validation::ProblemKind {
        match self {
            ConditionError::Inverted { .. } => crate::validation::ProblemKind::InvertedRange,
            ConditionError::Empty { .. } => crate::validation::ProblemKind::EmptyRange,
        }
    }
}

/// Bit that stands for "the case does not state this attribute".
const UNKNOWN_BIT: u16 = 1 << 15;
/// Mask of an attribute without a condition: every value, and unknown too.
const ANY: u16 = u16::MAX;

/// Compiled conditions: a bit set per enumerated attribute and an interval for income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionMask {
    age_band: u16,
    household: u16,
    urgency: u16,
    framework: u16,
    /// `ANY` when unconstrained, else the signals of which one must be present.
    signals: u16,
    /// `None` when unconstrained.
    income: Option<(u16, u16)>,
}

impl Default for ConditionMask {
    fn default() -> Self {
        ConditionMask::ALL
    }
}

fn bit<T: Attribute>(v: T) -> u16 {
    1 << v.index()
}

fn enum_mask<T: Attribute>(c: &Option<EnumCondition<T>>) -> Result<u16, ConditionError> {
    let Some(c) = c else { return Ok(ANY) };
    if let (Some(lo), Some(hi)) = (c.min, c.max) {
        if lo > hi {
            return Err(ConditionError::Inverted { field: T::FIELD });
        }
    }
    let mut mask = 0u16;
    for &v in T::ALL {
        let ok = c.one_of.as_ref().is_none_or(|s| s.contains(&v))
            && c.min.is_none_or(|m| v >= m)
            && c.max.is_none_or(|m| v <= m)
            && !c.not_in.as_ref().is_some_and(|s| s.contains(&v));
        if ok {
            mask |= bit(v);
        }
    }
    if mask == 0 {
        return Err(ConditionError::Empty { field: T::FIELD });
    }
    Ok(mask)
}

impl ConditionMask {
    /// The mask that admits every case.
    pub const ALL: ConditionMask = ConditionMask {
        age_band: ANY,
        household: ANY,
        urgency: ANY,
        framework: ANY,
        signals: ANY,
        income: None,
    };

    /// Compiles conditions, reporting every problem.
    pub fn compile(c: &Conditions) -> Result<ConditionMask, Vec<ConditionError>> {
        let mut errors = Vec::new();
        let mut take = |r: Result<u16, ConditionError>| {
            r.unwrap_or_else(|e| {
                errors.push(e);
                ANY
            })
        };
        let age_band = take(enum_mask(&c.age_band));
        let household = take(enum_mask(&c.household));
        let urgency = take(enum_mask(&c.urgency));
        let framework = take(enum_mask(&c.framework));
        let signals = match &c.signals {
            None => ANY,
            Some(s) if s.any.is_empty() => {
                errors.push(ConditionError::Empty { field: "signals" });
                ANY
            }
            Some(s) => s.any.iter().fold(0, |m, &v| m | bit(v)),
        };
        let income = match &c.income_pct {
            None => None,
            Some(r) => {
                let (lo, hi) = (r.min.unwrap_or(0), r.max.unwrap_or(u16::MAX));
                if lo > hi {
                    errors.push(ConditionError::Inverted {
                        field: "income_pct",
                    });
                }
                Some((lo, hi))
            }
        };
        if errors.is_empty() {
            Ok(ConditionMask {
                age_band,
                household,
                urgency,
                framework,
                signals,
                income,
            })
        } else {
            Err(errors)
        }
    }

    /// Checks a case; on failure, the first attribute (in declaration order) that fails.
    #[inline]
    pub fn check(&self, a: &CaseAttributes) -> Result<(), AttributeName> {
        fn opt<T: Attribute>(v: Option<T>) -> u16 {
            v.map_or(UNKNOWN_BIT, bit)
        }
        if self.age_band & opt(a.age_band) == 0 {
            return Err(AttributeName::AgeBand);
        }
        if self.household & opt(a.household) == 0 {
            return Err(AttributeName::Household);
        }
        if self.urgency & bit(a.urgency) == 0 {
            return Err(AttributeName::Urgency);
        }
        if self.framework & opt(a.framework) == 0 {
            return Err(AttributeName::Framework);
        }
        if self.signals != ANY && a.signals.iter().all(|&s| self.signals & bit(s) == 0) {
            return Err(AttributeName::Signals);
        }
        if let Some((lo, hi)) = self.income {
            match a.income_pct {
                Some(v) if v >= lo && v <= hi => {}
                _ => return Err(AttributeName::IncomePct),
            }
        }
        Ok(())
    }

    /// True when every case this mask admits is admitted by `other`.
    pub fn within(&self, other: &ConditionMask) -> bool {
        let sub = |a: u16, b: u16| a & !b == 0;
        sub(self.age_band, other.age_band)
            && sub(self.household, other.household)
            && sub(self.urgency, other.urgency)
            && sub(self.framework, other.framework)
            && (other.signals == ANY || (self.signals != ANY && sub(self.signals, other.signals)))
            && match (self.income, other.income) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some((a, b)), Some((c, d))) => a >= c && b <= d,
            }
    }

    /// True when some case is admitted by both masks.
    pub fn overlaps(&self, other: &ConditionMask) -> bool {
        self.age_band & other.age_band != 0
            && self.household & other.household != 0
            && self.urgency & other.urgency != 0
            && self.framework & other.framework != 0
            // two "any of" signal conditions always overlap: one case may carry both signals
            && match (self.income, other.income) {
                (Some((a, b)), Some((c, d))) => a.max(c) <= b.min(d),
                _ => true,
            }
    }

    /// True when the mask could admit a case of this age band (other attributes free).
    pub fn admits_age_band(&self, band: AgeBand) -> bool {
        self.age_band & bit(band) != 0
    }

    /// True when the mask admits every case regardless of attributes.
    pub fn is_all(&self) -> bool {
        *self == ConditionMask::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(toml_text: &str) -> Conditions {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn ranges_and_sets() {
        let m = ConditionMask::compile(&cond("age_band = { min = \"young_adult\", max = \"adult\" }\nhousehold = { in = [\"single_parent\"] }")).unwrap();
        let mut a = CaseAttributes {
            age_band: Some(AgeBand::Adult),
            household: Some(HouseholdType::SingleParent),
            ..Default::default()
        };
        assert_eq!(m.check(&a), Ok(()));
        a.age_band = Some(AgeBand::Senior);
        assert_eq!(m.check(&a), Err(AttributeName::AgeBand));
        a.age_band = None;
        assert_eq!(
            m.check(&a),
            Err(AttributeName::AgeBand),
            "unknown attribute fails a condition"
        );
        a.age_band = Some(AgeBand::Adult);
        a.household = Some(HouseholdType::Single);
        assert_eq!(m.check(&a), Err(AttributeName::Household));
    }

    #[test]
    fn empty_and_inverted() {
        let e = ConditionMask::compile(&cond("age_band = { min = \"senior\", max = \"child\" }\nurgency = { in = [\"crisis\"], not_in = [\"crisis\"] }\nincome_pct = { min = 130, max = 110 }")).unwrap_err();
        assert_eq!(
            e,
            vec![
                ConditionError::Inverted { field: "age_band" },
                ConditionError::Empty { field: "urgency" },
                ConditionError::Inverted {
                    field: "income_pct"
                }
            ]
        );
    }

    #[test]
    fn containment_and_overlap() {
        let wide = ConditionMask::compile(&cond("income_pct = { max = 150 }")).unwrap();
        let narrow = ConditionMask::compile(&cond(
            "income_pct = { max = 120 }\nurgency = { min = \"urgent\" }",
        ))
        .unwrap();
        assert!(narrow.within(&wide));
        assert!(!wide.within(&narrow));
        assert!(narrow.within(&ConditionMask::ALL));
        assert!(wide.overlaps(&narrow));
        let high = ConditionMask::compile(&cond("income_pct = { min = 151 }")).unwrap();
        assert!(!high.overlaps(&wide));
    }

    #[test]
    fn signals_any() {
        let m =
            ConditionMask::compile(&cond("signals = { any = [\"rent_arrears\", \"cut_off\"] }"))
                .unwrap();
        let mut a = CaseAttributes::default();
        assert_eq!(m.check(&a), Err(AttributeName::Signals));
        a.signals = vec![Signal::EnergyDebt, Signal::CutOff];
        assert_eq!(m.check(&a), Ok(()));
        // regression: disjoint "any of" sets still overlap (a case may carry both signals)
        let other = ConditionMask::compile(&cond("signals = { any = [\"water_debt\"] }")).unwrap();
        assert!(m.overlaps(&other));
        assert!(!m.within(&other));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn pick<T: Attribute>(bits: u8) -> Option<Vec<T>> {
        let v: Vec<T> = T::ALL
            .iter()
            .copied()
            .filter(|a| bits & (1 << a.index()) != 0)
            .collect();
        Some(v)
    }

    fn conditions() -> impl Strategy<Value = Conditions> {
        (
            proptest::option::of((0u8..32, 0usize..5, 0usize..5)),
            proptest::option::of(1u8..32),
            proptest::option::of(0usize..3),
            proptest::option::of(1u8..64),
            proptest::option::of(1u8..64),
            proptest::option::of((0u16..200, 0u16..200)),
        )
            .prop_map(|(age, hh, urg, fw, sig, inc)| Conditions {
                age_band: age.map(|(bits, lo, hi)| EnumCondition {
                    one_of: if bits == 0 { None } else { pick(bits) },
                    min: Some(AgeBand::ALL[lo.min(hi)]),
                    max: Some(AgeBand::ALL[lo.max(hi)]),
                    not_in: None,
                }),
                household: hh.map(|bits| EnumCondition {
                    one_of: pick(bits),
                    min: None,
                    max: None,
                    not_in: None,
                }),
                urgency: urg.map(|i| EnumCondition {
                    one_of: None,
                    min: Some(Urgency::ALL[i]),
                    max: None,
                    not_in: None,
                }),
                framework: fw.map(|bits| EnumCondition {
                    one_of: None,
                    min: None,
                    max: None,
                    not_in: pick::<LegalFramework>(!bits & 63),
                }),
                signals: sig.map(|bits| SignalCondition {
                    any: pick(bits).unwrap_or_default(),
                }),
                income_pct: inc.map(|(a, b)| RangeCondition {
                    min: Some(a.min(b)),
                    max: Some(a.max(b)),
                }),
            })
    }

    fn attributes() -> impl Strategy<Value = CaseAttributes> {
        (
            proptest::option::of(0usize..5),
            proptest::option::of(0usize..5),
            0usize..3,
            proptest::option::of(0usize..6),
            0u8..64,
            proptest::option::of(0u16..220),
        )
            .prop_map(|(a, h, u, f, s, i)| CaseAttributes {
                age_band: a.map(|i| AgeBand::ALL[i]),
                household: h.map(|i| HouseholdType::ALL[i]),
                urgency: Urgency::ALL[u],
                framework: f.map(|i| LegalFramework::ALL[i]),
                signals: pick(s).unwrap_or_default(),
                income_pct: i,
            })
    }

    proptest! {
        #[test]
        fn analysis_agrees_with_checking_cases(a in conditions(), b in conditions(), xs in proptest::collection::vec(attributes(), 64)) {
            let (Ok(ma), Ok(mb)) = (ConditionMask::compile(&a), ConditionMask::compile(&b)) else { return Ok(()) };
            for x in &xs {
                let (in_a, in_b) = (ma.check(x).is_ok(), mb.check(x).is_ok());
                if ma.within(&mb) && in_a {
                    prop_assert!(in_b, "within() promised b admits what a admits");
                }
                if in_a && in_b {
                    prop_assert!(ma.overlaps(&mb), "overlaps() denied a case admitted by both");
                }
            }
            prop_assert!(ma.within(&ConditionMask::ALL));
            prop_assert!(ma.within(&ma));
        }
    }
}
