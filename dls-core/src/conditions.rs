//! Typed conditions on case attributes: integer ranges over the age in years and the income,
//! and sets over a few enumerations.
//!
//! Rules and service eligibility both use [`Conditions`]. They are deliberately not a
//! general-purpose language: every condition compiles to a [`ConditionMask`] of bit sets and two
//! integer intervals, so a rule set can be analysed (overlap, containment, emptiness) exactly.
//!
//! Age is written in whole years, inclusive: `age = { min = 65 }` is 65 and older,
//! `age = { min = 4, max = 11 }` is 4 to 11. Age bands (`child`, `senior`, …) are only names
//! reports group ages in ([`AgeBand`]); a file that still writes `age_band = …` in a condition
//! does not load (unknown field `age_band`), so an old file never silently means something else.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::CaseAttributes;
pub use crate::attributes::{
    Age, AgeBand, AgeError, Attribute, AttributeName, HouseholdType, LegalFramework, Signal,
    Urgency, MAX_AGE,
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

/// A condition on the age of the person concerned, in whole years, inclusive at both ends:
/// `{ min = 65 }` is 65 and older, `{ min = 4, max = 11 }` is 4 to 11. Each bound lies within 0
/// to [`MAX_AGE`]; validation reports one outside it (or `min` above `max`) with the rule or
/// service that states it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeCondition {
    /// The youngest allowed age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 130))]
    pub min: Option<i64>,
    /// The oldest allowed age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 130))]
    pub max: Option<i64>,
}

impl AgeCondition {
    /// From `min` years up.
    pub fn from(min: u8) -> AgeCondition {
        AgeCondition {
            min: Some(min.into()),
            max: None,
        }
    }

    /// Up to and including `max` years.
    pub fn up_to(max: u8) -> AgeCondition {
        AgeCondition {
            min: None,
            max: Some(max.into()),
        }
    }

    /// From `min` to `max` years, both included.
    pub fn between(min: u8, max: u8) -> AgeCondition {
        AgeCondition {
            min: Some(min.into()),
            max: Some(max.into()),
        }
    }

    /// The interval of ages, checked: bounds within 0 to [`MAX_AGE`], `min` not above `max`.
    pub fn interval(&self) -> Result<(Age, Age), ConditionError> {
        let bound = |v: Option<i64>, default: Age| match v {
            None => Ok(default),
            Some(y) => Age::new(y).map_err(|_| ConditionError::OutOfRange {
                field: "age",
                min: 0,
                max: MAX_AGE.into(),
            }),
        };
        let (lo, hi) = (bound(self.min, Age::ZERO)?, bound(self.max, Age::MAX)?);
        if lo > hi {
            return Err(ConditionError::Inverted { field: "age" });
        }
        Ok((lo, hi))
    }
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
    /// Age of the person concerned, in whole years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeCondition>,
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
    /// A bound lies outside the values the attribute can take.
    #[error("`{field}`: a bound lies outside {min} to {max}")]
    OutOfRange {
        /// The attribute.
        field: &'static str,
        /// The least value the attribute takes.
        min: i64,
        /// The greatest value the attribute takes.
        max: i64,
    },
}

impl ConditionError {
    /// The validation problem kind this error reports as.
    pub fn problem_kind(&self) -> crate::validation::ProblemKind {
        match self {
            ConditionError::Inverted { .. } => crate::validation::ProblemKind::InvertedRange,
            ConditionError::Empty { .. } => crate::validation::ProblemKind::EmptyRange,
            ConditionError::OutOfRange { .. } => crate::validation::ProblemKind::OutOfRange,
        }
    }
}

/// Bit that stands for "the case does not state this attribute".
const UNKNOWN_BIT: u16 = 1 << 15;
/// Mask of an attribute without a condition: every value, and unknown too.
const ANY: u16 = u16::MAX;

/// Compiled conditions: a bit set per enumerated attribute and an interval each for age and
/// income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionMask {
    /// `None` when unconstrained, else the inclusive interval of ages in years.
    age: Option<(Age, Age)>,
    household: u16,
    urgency: u16,
    framework: u16,
    /// `ANY` when unconstrained, else the signals of which one must be present.
    signals: u16,
    /// `None` when unconstrained.
    income: Option<(u16, u16)>,
}

/// An interval condition `a` is within `b`: `None` is unconstrained (every value, and unknown).
fn within<T: Ord>(a: Option<(T, T)>, b: Option<(T, T)>) -> bool {
    match (a, b) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((a, b)), Some((c, d))) => a >= c && b <= d,
    }
}

/// Some value meets both interval conditions.
fn intersect<T: Ord>(a: Option<(T, T)>, b: Option<(T, T)>) -> bool {
    match (a, b) {
        (Some((a, b)), Some((c, d))) => a.max(c) <= b.min(d),
        _ => true,
    }
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
        age: None,
        household: ANY,
        urgency: ANY,
        framework: ANY,
        signals: ANY,
        income: None,
    };

    /// Compiles conditions, reporting every problem.
    pub fn compile(c: &Conditions) -> Result<ConditionMask, Vec<ConditionError>> {
        let mut errors = Vec::new();
        let age = c.age.and_then(|a| match a.interval() {
            Ok(interval) => Some(interval),
            Err(e) => {
                errors.push(e);
                None
            }
        });
        let mut take = |r: Result<u16, ConditionError>| {
            r.unwrap_or_else(|e| {
                errors.push(e);
                ANY
            })
        };
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
                age,
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
        if let Some((lo, hi)) = self.age {
            match a.age {
                Some(v) if lo <= v && v <= hi => {}
                _ => return Err(AttributeName::Age),
            }
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
        within(self.age, other.age)
            && sub(self.household, other.household)
            && sub(self.urgency, other.urgency)
            && sub(self.framework, other.framework)
            && (other.signals == ANY || (self.signals != ANY && sub(self.signals, other.signals)))
            && within(self.income, other.income)
    }

    /// True when some case is admitted by both masks.
    pub fn overlaps(&self, other: &ConditionMask) -> bool {
        intersect(self.age, other.age)
            && self.household & other.household != 0
            && self.urgency & other.urgency != 0
            && self.framework & other.framework != 0
            // two "any of" signal conditions always overlap: one case may carry both signals
            && intersect(self.income, other.income)
    }

    /// True when the mask could admit a case of this age (other attributes free).
    pub fn admits_age(&self, age: Age) -> bool {
        self.age.is_none_or(|(lo, hi)| lo <= age && age <= hi)
    }

    /// The interval of ages the mask admits, `None` when it does not test age (a case that
    /// states no age is admitted then too).
    pub fn age_interval(&self) -> Option<(Age, Age)> {
        self.age
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

    fn aged(years: i64) -> CaseAttributes {
        CaseAttributes {
            age: Some(Age::new(years).unwrap()),
            ..Default::default()
        }
    }

    #[test]
    fn ranges_and_sets() {
        let m = ConditionMask::compile(&cond(
            "age = { min = 18, max = 66 }\nhousehold = { in = [\"single_parent\"] }",
        ))
        .unwrap();
        let mut a = CaseAttributes {
            household: Some(HouseholdType::SingleParent),
            ..aged(40)
        };
        assert_eq!(m.check(&a), Ok(()));
        a.age = Some(Age::new(67).unwrap());
        assert_eq!(m.check(&a), Err(AttributeName::Age));
        a.age = None;
        assert_eq!(
            m.check(&a),
            Err(AttributeName::Age),
            "unknown attribute fails a condition"
        );
        a.age = Some(Age::new(18).unwrap());
        a.household = Some(HouseholdType::Single);
        assert_eq!(m.check(&a), Err(AttributeName::Household));
    }

    #[test]
    fn sixty_five_and_older_is_inclusive_at_65() {
        let m = ConditionMask::compile(&cond("age = { min = 65 }")).unwrap();
        let got: Vec<bool> = [64, 65, 66, 67]
            .iter()
            .map(|&y| m.check(&aged(y)).is_ok())
            .collect();
        assert_eq!(got, [false, true, true, true]);
        let adult = ConditionMask::compile(&cond("age = { min = 18 }")).unwrap();
        assert_eq!(adult.check(&aged(17)), Err(AttributeName::Age));
        assert_eq!(adult.check(&aged(18)), Ok(()));
        let primary = ConditionMask::compile(&cond("age = { min = 4, max = 11 }")).unwrap();
        let admitted: Vec<i64> = (0..=130)
            .filter(|&y| primary.check(&aged(y)).is_ok())
            .collect();
        assert_eq!(admitted, (4..=11).collect::<Vec<_>>());
    }

    #[test]
    fn empty_inverted_and_out_of_range() {
        let e = ConditionMask::compile(&cond("age = { min = 66, max = 4 }\nurgency = { in = [\"crisis\"], not_in = [\"crisis\"] }\nincome_pct = { min = 130, max = 110 }")).unwrap_err();
        assert_eq!(
            e,
            vec![
                ConditionError::Inverted { field: "age" },
                ConditionError::Empty { field: "urgency" },
                ConditionError::Inverted {
                    field: "income_pct"
                }
            ]
        );
        for text in [
            "age = { min = -1 }",
            "age = { max = 131 }",
            "age = { min = 0, max = 400 }",
        ] {
            let e = ConditionMask::compile(&cond(text)).unwrap_err();
            assert_eq!(
                e,
                vec![ConditionError::OutOfRange {
                    field: "age",
                    min: 0,
                    max: 130
                }],
                "{text}"
            );
            assert_eq!(e[0].to_string(), "`age`: a bound lies outside 0 to 130");
        }
        assert!(ConditionMask::compile(&cond("age = { min = 0, max = 130 }")).is_ok());
        let e = toml::from_str::<Conditions>("age = { min = 4.5 }").unwrap_err();
        assert!(e.to_string().contains("min"), "{e}");
    }

    #[test]
    fn age_band_is_not_a_condition_any_more() {
        let e = toml::from_str::<Conditions>("age_band = { min = \"senior\" }").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("unknown field `age_band`"), "{msg}");
        assert!(msg.contains("`age`"), "the message points to `age`: {msg}");
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
        let seniors = ConditionMask::compile(&cond("age = { min = 65 }")).unwrap();
        let working = ConditionMask::compile(&cond("age = { min = 18, max = 64 }")).unwrap();
        let adults = ConditionMask::compile(&cond("age = { min = 18 }")).unwrap();
        assert!(!seniors.overlaps(&working));
        assert!(seniors.within(&adults) && working.within(&adults));
        assert!(!adults.within(&seniors));
        assert!(!ConditionMask::ALL.within(&adults), "a case without an age");
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

    /// An age bound: mostly inside 0..=130, sometimes absent.
    fn bound() -> impl Strategy<Value = Option<i64>> {
        proptest::option::of(0i64..=130)
    }

    fn conditions() -> impl Strategy<Value = Conditions> {
        (
            proptest::option::of((bound(), bound())),
            proptest::option::of(1u8..32),
            proptest::option::of(0usize..3),
            proptest::option::of(1u8..64),
            proptest::option::of(1u8..64),
            proptest::option::of((0u16..200, 0u16..200)),
        )
            .prop_map(|(age, hh, urg, fw, sig, inc)| Conditions {
                age: age.map(|(min, max)| AgeCondition { min, max }),
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
            proptest::option::of(0i64..=130),
            proptest::option::of(0usize..5),
            0usize..3,
            proptest::option::of(0usize..6),
            0u8..64,
            proptest::option::of(0u16..220),
        )
            .prop_map(|(a, h, u, f, s, i)| CaseAttributes {
                age: a.map(|y| Age::new(y).unwrap()),
                household: h.map(|i| HouseholdType::ALL[i]),
                urgency: Urgency::ALL[u],
                framework: f.map(|i| LegalFramework::ALL[i]),
                signals: pick(s).unwrap_or_default(),
                income_pct: i,
            })
    }

    /// The conditions read literally, one field at a time, without masks.
    fn naive(c: &Conditions, a: &CaseAttributes) -> bool {
        fn range(min: Option<i64>, max: Option<i64>, v: Option<i64>) -> bool {
            v.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m))
        }
        fn word<T: Attribute>(c: &Option<EnumCondition<T>>, v: Option<T>) -> bool {
            let Some(c) = c else { return true };
            let Some(v) = v else { return false };
            c.one_of.as_ref().is_none_or(|s| s.contains(&v))
                && c.min.is_none_or(|m| v >= m)
                && c.max.is_none_or(|m| v <= m)
                && !c.not_in.as_ref().is_some_and(|s| s.contains(&v))
        }
        c.age
            .is_none_or(|r| range(r.min, r.max, a.age.map(|y| y.years().into())))
            && word(&c.household, a.household)
            && word(&c.urgency, Some(a.urgency))
            && word(&c.framework, a.framework)
            && c.signals
                .as_ref()
                .is_none_or(|s| a.signals.iter().any(|x| s.any.contains(x)))
            && c.income_pct.as_ref().is_none_or(|r| {
                range(
                    r.min.map(i64::from),
                    r.max.map(i64::from),
                    a.income_pct.map(i64::from),
                )
            })
    }

    /// An age-only condition as the set of case ages it admits (`None`: no age stated).
    fn admitted_ages(m: &ConditionMask) -> Vec<Option<u8>> {
        std::iter::once(None)
            .chain((0..=MAX_AGE).map(Some))
            .filter(|y| {
                let a = CaseAttributes {
                    age: y.map(|y| Age::new(y.into()).unwrap()),
                    ..Default::default()
                };
                m.check(&a).is_ok()
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_mask_answers_as_the_conditions_read(c in conditions(), xs in proptest::collection::vec(attributes(), 64)) {
            let Ok(m) = ConditionMask::compile(&c) else {
                // only an inverted age or income range, or an empty signal list, is refused
                let inverted_age = c.age.is_some_and(|r| matches!((r.min, r.max), (Some(a), Some(b)) if a > b));
                let inverted_income = c.income_pct.as_ref().is_some_and(|r| r.min > r.max);
                let empty_signals = c.signals.as_ref().is_some_and(|s| s.any.is_empty());
                prop_assert!(inverted_age || inverted_income || empty_signals);
                return Ok(());
            };
            for x in &xs {
                prop_assert_eq!(m.check(x).is_ok(), naive(&c, x));
            }
        }

        #[test]
        fn age_analysis_is_exact_over_every_age(a in (bound(), bound()), b in (bound(), bound()), open_a: bool, open_b: bool) {
            let mask = |(min, max): (Option<i64>, Option<i64>), open: bool| {
                ConditionMask::compile(&Conditions {
                    age: (!open).then_some(AgeCondition { min, max }),
                    ..Default::default()
                })
            };
            let (Ok(ma), Ok(mb)) = (mask(a, open_a), mask(b, open_b)) else { return Ok(()) };
            let (sa, sb) = (admitted_ages(&ma), admitted_ages(&mb));
            prop_assert_eq!(ma.within(&mb), sa.iter().all(|y| sb.contains(y)));
            prop_assert_eq!(ma.overlaps(&mb), sa.iter().any(|y| sb.contains(y)));
            for y in 0..=MAX_AGE {
                prop_assert_eq!(ma.admits_age(Age::new(y.into()).unwrap()), sa.contains(&Some(y)));
            }
        }

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
