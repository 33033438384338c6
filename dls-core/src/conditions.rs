//! Typed conditions on case attributes: integer ranges over the age in years, the income and
//! declared integers, and sets over enumerations, booleans and flags.
//!
//! Rules and service eligibility both use [`Conditions`]. They are deliberately not a
//! general-purpose language: every condition compiles, against the directory's
//! [`Vocabulary`], to a [`ConditionMask`] of bit sets and integer intervals, so a rule set can
//! be analysed (overlap, containment, emptiness) exactly.
//!
//! Age is written in whole years, inclusive: `age = { min = 65 }` is 65 and older,
//! `age = { min = 4, max = 11 }` is 4 to 11. Age bands (`child`, `senior`, …) are only names
//! reports group ages in ([`AgeBand`]); a file that still writes `age_band = …` in a condition
//! does not validate (unknown attribute `age_band`; did you mean `age`), so an old file never
//! silently means something else.
//!
//! A declared attribute is written under its own name: `has_wlz_indication = true`,
//! `language = { in = ["ar", "tr"] }`, `debts = { min = 3 }`,
//! `needs_help_with = { any = ["forms"] }`; a declared word of a national attribute like the
//! national ones (`urgency = { min = "acute" }`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::CaseAttributes;
pub use crate::attributes::{
    Age, AgeBand, AgeError, Attribute, AttributeName, AttributeValue, HouseholdType,
    LegalFramework, Signal, Urgency, MAX_AGE,
};
use crate::vocabulary::{
    AttributeKind, CaseBits, Declared, DeclaredValue, Slot, Vocabulary, VocabularyError,
};

/// A condition on an enumerated attribute: values allowed by `in`, within `min`..=`max`, and
/// not in `not_in`. All parts are optional; present parts must all hold. Words are checked
/// against the vocabulary when the condition is compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumCondition {
    /// The allowed values.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
    /// The lowest allowed value (an ordered enumeration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    /// The highest allowed value (an ordered enumeration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// Values excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<String>>,
}

impl EnumCondition {
    /// Values from `min` up.
    pub fn at_least(min: impl Attribute) -> EnumCondition {
        EnumCondition {
            min: Some(min.name().into()),
            ..EnumCondition::default()
        }
    }

    /// One of `values`.
    pub fn one_of<T: Attribute>(values: &[T]) -> EnumCondition {
        EnumCondition {
            one_of: Some(values.iter().map(|v| v.name().into()).collect()),
            ..EnumCondition::default()
        }
    }
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
                field: "age".into(),
                min: 0,
                max: MAX_AGE.into(),
            }),
        };
        let (lo, hi) = (bound(self.min, Age::ZERO)?, bound(self.max, Age::MAX)?);
        if lo > hi {
            return Err(ConditionError::Inverted {
                field: "age".into(),
            });
        }
        Ok((lo, hi))
    }
}

/// A condition on early signals: at least one of `any` must be present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignalCondition {
    /// Signals of which at least one must be present.
    pub any: Vec<String>,
}

/// A value in a condition on a declared attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A word.
    Word(String),
}

/// The parts of a condition on a declared attribute; which apply depends on its kind:
/// `in`/`not_in` (enumerations, booleans), `min`/`max` (ordered enumerations, integers),
/// `any` (flags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredTest {
    /// The allowed values.
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Scalar>>,
    /// Values excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<Scalar>>,
    /// The lowest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Scalar>,
    /// The highest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Scalar>,
    /// Flags of which at least one must be present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<String>>,
}

/// A condition on a declared attribute: a boolean written as itself
/// (`has_wlz_indication = true`), or the parts of [`DeclaredTest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DeclaredCondition {
    /// The boolean must have this value.
    Is(bool),
    /// The parts that must hold.
    Test(DeclaredTest),
}

/// Conditions on case attributes. An absent field is no condition; every present field must
/// hold. A condition on an attribute the case does not state does not hold. Any other key is a
/// condition on a declared attribute of that name, checked against the vocabulary when
/// compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Conditions {
    /// Age of the person concerned, in whole years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeCondition>,
    /// Household type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<EnumCondition>,
    /// Urgency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<EnumCondition>,
    /// Legal framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<EnumCondition>,
    /// Early signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<SignalCondition>,
    /// Income as a percentage of the social minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_pct: Option<RangeCondition>,
    /// Conditions on declared attributes, by name.
    #[serde(flatten)]
    pub declared: BTreeMap<String, DeclaredCondition>,
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
        field: String,
    },
    /// No value satisfies the condition.
    #[error("`{field}`: no value satisfies the condition")]
    Empty {
        /// The attribute.
        field: String,
    },
    /// A bound lies outside the values the attribute can take.
    #[error("`{field}`: a bound lies outside {min} to {max}")]
    OutOfRange {
        /// The attribute.
        field: String,
        /// The least value the attribute takes.
        min: i64,
        /// The greatest value the attribute takes.
        max: i64,
    },
    /// An attribute or a value the vocabulary does not declare, or a condition of the wrong
    /// kind.
    #[error(transparent)]
    Vocabulary(#[from] VocabularyError),
}

impl ConditionError {
    /// The validation problem kind this error reports as.
    pub fn problem_kind(&self) -> crate::validation::ProblemKind {
        match self {
            ConditionError::Inverted { .. } => crate::validation::ProblemKind::InvertedRange,
            ConditionError::Empty { .. } => crate::validation::ProblemKind::EmptyRange,
            ConditionError::OutOfRange { .. } => crate::validation::ProblemKind::OutOfRange,
            ConditionError::Vocabulary(v) => v.problem_kind(),
        }
    }
}

/// Mask of an attribute without a condition: every value, and unknown too.
const ANY: u16 = u16::MAX;

/// A compiled condition on a declared attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Test {
    /// The value's bit must be in the set (enumerations, booleans).
    OneOf(u64),
    /// At least one flag of the set must be present.
    AnyOf(u64),
    /// The integer must lie in the interval.
    Range(i64, i64),
}

impl Test {
    #[inline]
    fn admits(self, v: DeclaredValue) -> bool {
        match (self, v) {
            (Test::OneOf(m) | Test::AnyOf(m), DeclaredValue::Bits(b)) => m & b != 0,
            (Test::Range(lo, hi), DeclaredValue::Int(Some(i))) => lo <= i && i <= hi,
            _ => false,
        }
    }

    /// Every case `self` admits, `other` admits.
    fn within(self, other: Test) -> bool {
        match (self, other) {
            (Test::OneOf(a), Test::OneOf(b)) | (Test::AnyOf(a), Test::AnyOf(b)) => a & !b == 0,
            (Test::Range(a, b), Test::Range(c, d)) => a >= c && b <= d,
            _ => false,
        }
    }

    /// Some case is admitted by both.
    fn overlaps(self, other: Test) -> bool {
        match (self, other) {
            (Test::OneOf(a), Test::OneOf(b)) => a & b != 0,
            (Test::Range(a, b), Test::Range(c, d)) => a.max(c) <= b.min(d),
            // one case may carry a flag of each set
            _ => true,
        }
    }
}

/// Compiled conditions: a bit set per national enumeration, an interval each for age and
/// income, and a test per declared attribute a condition names (in slot order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionMask {
    core: Core,
    /// Tests on declared attributes, by slot, in slot order.
    declared: Vec<(u16, Test)>,
}

/// The national part of a [`ConditionMask`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Core {
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

/// A [`ConditionMask`] as the router keeps it beside every candidate: the national part
/// inline (`Copy`), the declared tests in the router's [`DeclaredTests`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct HotMask {
    core: Core,
    /// Index into the table, `u32::MAX` when the mask tests no declared attribute.
    declared: u32,
}

/// The declared tests of the router's masks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DeclaredTests(Vec<Vec<(u16, Test)>>);

impl HotMask {
    /// [`ConditionMask::check`] for the mask kept in `tests`.
    #[inline]
    pub(crate) fn check(&self, a: &CaseBits, tests: &DeclaredTests) -> Result<(), u16> {
        self.core.check(a)?;
        if self.declared != u32::MAX {
            check_declared(&tests.0[self.declared as usize], a)?;
        }
        Ok(())
    }
}

#[inline]
fn check_declared(tests: &[(u16, Test)], a: &CaseBits) -> Result<(), u16> {
    for &(slot, t) in tests {
        if !t.admits(a.declared[slot as usize]) {
            return Err(FIRST_DECLARED + slot);
        }
    }
    Ok(())
}

impl Core {
    #[inline]
    fn check(&self, a: &CaseBits) -> Result<(), u16> {
        if let Some((lo, hi)) = self.age {
            match a.age {
                Some(v) if lo <= v && v <= hi => {}
                _ => return Err(0),
            }
        }
        if self.household & a.household == 0 {
            return Err(1);
        }
        if self.urgency & a.urgency == 0 {
            return Err(2);
        }
        if self.framework & a.framework == 0 {
            return Err(3);
        }
        if self.signals != ANY && self.signals & a.signals == 0 {
            return Err(4);
        }
        if let Some((lo, hi)) = self.income {
            match a.income {
                Some(v) if v >= lo && v <= hi => {}
                _ => return Err(5),
            }
        }
        Ok(())
    }
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

/// The values of `d` an enumeration condition admits, as bits.
fn enum_bits(d: &Declared, c: &EnumCondition) -> Result<u64, ConditionError> {
    let field = d.name().as_str();
    let ix = |w: &String| d.value_index(w, true);
    let words = |v: &Option<Vec<String>>| {
        v.as_ref()
            .map(|v| v.iter().map(ix).collect::<Result<Vec<_>, _>>())
            .transpose()
    };
    let lo = c.min.as_ref().map(ix).transpose()?;
    let hi = c.max.as_ref().map(ix).transpose()?;
    let (one_of, not_in) = (words(&c.one_of)?, words(&c.not_in)?);
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            return Err(ConditionError::Inverted {
                field: field.into(),
            });
        }
    }
    let mut mask = 0u64;
    for i in 0..d.values().len() as u32 {
        let ok = one_of.as_ref().is_none_or(|s| s.contains(&i))
            && lo.is_none_or(|m| i >= m)
            && hi.is_none_or(|m| i <= m)
            && !not_in.as_ref().is_some_and(|s| s.contains(&i));
        if ok {
            mask |= 1 << i;
        }
    }
    if mask == 0 {
        return Err(ConditionError::Empty {
            field: field.into(),
        });
    }
    Ok(mask)
}

/// A declared attribute's condition, compiled.
fn declared_test(d: &Declared, c: &DeclaredCondition) -> Result<Test, ConditionError> {
    let field = d.name().as_str();
    let wrong = || -> ConditionError {
        VocabularyError::WrongKind {
            attribute: field.into(),
            expected: match d.kind() {
                AttributeKind::Enum => "`in` or `not_in` with its declared words",
                AttributeKind::Ordered => "`in`, `not_in`, `min` or `max` with its declared words",
                AttributeKind::Boolean => "`true`, `false` or `in`",
                AttributeKind::Integer => "`min` and `max` with whole numbers",
                AttributeKind::Flags => "`any` with its declared words",
            }
            .into(),
        }
        .into()
    };
    let t = match c {
        DeclaredCondition::Is(b) if d.kind() == AttributeKind::Boolean => {
            return Ok(Test::OneOf(1 << u32::from(*b)))
        }
        DeclaredCondition::Is(_) => return Err(wrong()),
        DeclaredCondition::Test(t) => t,
    };
    let word = |s: &Scalar| match (d.kind(), s) {
        (AttributeKind::Boolean, Scalar::Bool(b)) => Ok(b.to_string()),
        (AttributeKind::Enum | AttributeKind::Ordered, Scalar::Word(w)) => Ok(w.clone()),
        _ => Err(wrong()),
    };
    let words = |v: &Option<Vec<Scalar>>| {
        v.as_ref()
            .map(|v| v.iter().map(word).collect::<Result<Vec<_>, _>>())
            .transpose()
    };
    match d.kind() {
        AttributeKind::Enum | AttributeKind::Ordered | AttributeKind::Boolean => {
            if t.any.is_some()
                || (d.kind() != AttributeKind::Ordered && (t.min.is_some() || t.max.is_some()))
            {
                return Err(wrong());
            }
            let e = EnumCondition {
                one_of: words(&t.one_of)?,
                not_in: words(&t.not_in)?,
                min: t.min.as_ref().map(word).transpose()?,
                max: t.max.as_ref().map(word).transpose()?,
            };
            enum_bits(d, &e).map(Test::OneOf)
        }
        AttributeKind::Integer => {
            if t.any.is_some() || t.one_of.is_some() || t.not_in.is_some() {
                return Err(wrong());
            }
            let (min, max) = d.bounds();
            let int = |s: &Option<Scalar>, default: i64| match s {
                None => Ok(default),
                Some(Scalar::Int(i)) if (min..=max).contains(i) => Ok(*i),
                Some(Scalar::Int(_)) => Err(ConditionError::OutOfRange {
                    field: field.into(),
                    min,
                    max,
                }),
                Some(_) => Err(wrong()),
            };
            let (lo, hi) = (int(&t.min, min)?, int(&t.max, max)?);
            if lo > hi {
                return Err(ConditionError::Inverted {
                    field: field.into(),
                });
            }
            Ok(Test::Range(lo, hi))
        }
        AttributeKind::Flags => {
            let (Some(any), None, None, None, None) =
                (&t.any, &t.one_of, &t.not_in, &t.min, &t.max)
            else {
                return Err(wrong());
            };
            if any.is_empty() {
                return Err(ConditionError::Empty {
                    field: field.into(),
                });
            }
            any.iter()
                .try_fold(0u64, |m, w| Ok(m | 1 << d.value_index(w, true)?))
                .map(Test::AnyOf)
        }
    }
}

/// Position of the first declared attribute among a vocabulary's attributes.
const FIRST_DECLARED: u16 = 6;

impl ConditionMask {
    /// The mask that admits every case.
    pub const ALL: ConditionMask = ConditionMask {
        core: Core {
            age: None,
            household: ANY,
            urgency: ANY,
            framework: ANY,
            signals: ANY,
            income: None,
        },
        declared: Vec::new(),
    };

    /// The mask as the router keeps it, its declared tests added to `tests`.
    pub(crate) fn hot(&self, tests: &mut DeclaredTests) -> HotMask {
        let declared = if self.declared.is_empty() {
            u32::MAX
        } else {
            tests.0.push(self.declared.clone());
            (tests.0.len() - 1) as u32
        };
        HotMask {
            core: self.core,
            declared,
        }
    }

    /// Compiles conditions against the national vocabulary, reporting every problem.
    pub fn compile(c: &Conditions) -> Result<ConditionMask, Vec<ConditionError>> {
        ConditionMask::compile_in(c, &Vocabulary::national())
    }

    /// Compiles conditions against `vocabulary`, reporting every problem: an attribute or a
    /// word it does not declare, a condition of the wrong kind, an empty or inverted range.
    pub fn compile_in(
        c: &Conditions,
        vocabulary: &Vocabulary,
    ) -> Result<ConditionMask, Vec<ConditionError>> {
        let mut errors = Vec::new();
        let age = c.age.and_then(|a| match a.interval() {
            Ok(interval) => Some(interval),
            Err(e) => {
                errors.push(e);
                None
            }
        });
        let mut national = |name: &str, cond: &Option<EnumCondition>| -> u16 {
            let Some(cond) = cond else { return ANY };
            let d = vocabulary
                .attribute(name)
                .expect("the national attributes are always declared");
            match enum_bits(d, cond) {
                Ok(bits) => bits as u16,
                Err(e) => {
                    errors.push(e);
                    ANY
                }
            }
        };
        let household = national("household", &c.household);
        let urgency = national("urgency", &c.urgency);
        let framework = national("framework", &c.framework);
        let signals = match &c.signals {
            None => ANY,
            Some(s) if s.any.is_empty() => {
                errors.push(ConditionError::Empty {
                    field: "signals".into(),
                });
                ANY
            }
            Some(s) => {
                let d = vocabulary
                    .attribute("signals")
                    .expect("the national attributes are always declared");
                s.any.iter().fold(0, |m, w| match d.value_index(w, true) {
                    Ok(i) => m | 1 << i,
                    Err(e) => {
                        errors.push(e.into());
                        m
                    }
                })
            }
        };
        let income = match &c.income_pct {
            None => None,
            Some(r) => {
                let (lo, hi) = (r.min.unwrap_or(0), r.max.unwrap_or(u16::MAX));
                if lo > hi {
                    errors.push(ConditionError::Inverted {
                        field: "income_pct".into(),
                    });
                }
                Some((lo, hi))
            }
        };
        let mut declared = Vec::new();
        for (name, cond) in &c.declared {
            let d = match vocabulary.attribute(name) {
                Ok(d) => d,
                Err(e) => {
                    errors.push(e.into());
                    continue;
                }
            };
            let Slot::Declared(slot) = d.slot() else {
                // a national attribute's own field is read first; this cannot be reached by
                // files, only by a caller that filled the map by hand
                errors.push(
                    VocabularyError::WrongKind {
                        attribute: name.clone(),
                        expected: "its own field".into(),
                    }
                    .into(),
                );
                continue;
            };
            match declared_test(d, cond) {
                Ok(t) => declared.push((slot, t)),
                Err(e) => errors.push(e),
            }
        }
        declared.sort_by_key(|&(slot, _)| slot);
        if errors.is_empty() {
            Ok(ConditionMask {
                core: Core {
                    age,
                    household,
                    urgency,
                    framework,
                    signals,
                    income,
                },
                declared,
            })
        } else {
            Err(errors)
        }
    }

    /// Checks resolved case attributes; on failure, the position (in the vocabulary's
    /// attributes) of the first attribute that fails.
    #[inline]
    pub(crate) fn check(&self, a: &CaseBits) -> Result<(), u16> {
        self.core.check(a)?;
        check_declared(&self.declared, a)
    }

    /// Checks a case's attributes against the mask compiled with `vocabulary`: `Ok(None)` when
    /// admitted, `Ok(Some(attribute))` naming the first attribute that fails, an error when
    /// the case states an attribute or value the vocabulary does not declare.
    pub fn admits(
        &self,
        vocabulary: &Vocabulary,
        a: &CaseAttributes,
    ) -> Result<Option<AttributeName>, VocabularyError> {
        let bits = vocabulary.resolve(a)?;
        Ok(self
            .check(&bits)
            .err()
            .map(|i| vocabulary.attributes()[i as usize].name().clone()))
    }

    /// True when every case this mask admits is admitted by `other`.
    pub fn within(&self, other: &ConditionMask) -> bool {
        let sub = |a: u16, b: u16| a & !b == 0;
        within(self.core.age, other.core.age)
            && sub(self.core.household, other.core.household)
            && sub(self.core.urgency, other.core.urgency)
            && sub(self.core.framework, other.core.framework)
            && (other.core.signals == ANY
                || (self.core.signals != ANY && sub(self.core.signals, other.core.signals)))
            && within(self.core.income, other.core.income)
            && other.declared.iter().all(|&(slot, t)| {
                self.declared
                    .iter()
                    .find(|&&(s, _)| s == slot)
                    .is_some_and(|&(_, mine)| mine.within(t))
            })
    }

    /// True when some case is admitted by both masks.
    pub fn overlaps(&self, other: &ConditionMask) -> bool {
        intersect(self.core.age, other.core.age)
            && self.core.household & other.core.household != 0
            && self.core.urgency & other.core.urgency != 0
            && self.core.framework & other.core.framework != 0
            // two "any of" signal conditions always overlap: one case may carry both signals
            && intersect(self.core.income, other.core.income)
            && self.declared.iter().all(|&(slot, t)| {
                other
                    .declared
                    .iter()
                    .find(|&&(s, _)| s == slot)
                    .is_none_or(|&(_, theirs)| t.overlaps(theirs))
            })
    }

    /// True when the mask could admit a case of this age (other attributes free).
    pub fn admits_age(&self, age: Age) -> bool {
        self.core.age.is_none_or(|(lo, hi)| lo <= age && age <= hi)
    }

    /// The interval of ages the mask admits, `None` when it does not test age (a case that
    /// states no age is admitted then too).
    pub fn age_interval(&self) -> Option<(Age, Age)> {
        self.core.age
    }

    /// True when the mask admits every case regardless of attributes.
    pub fn is_all(&self) -> bool {
        *self == ConditionMask::ALL
    }
}

/// One attribute a [`ConditionMask`] tests, as the set of values it admits: what the cover
/// analysis of rules taken by more specific layers (`rules::taken`) subtracts exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttributeSet {
    /// A single-valued attribute (enumeration, boolean): the admitted values as bits; an
    /// unstated value has a bit of its own, which a test admits only when it names it.
    Bits(u64),
    /// An integer attribute (age, income, declared integers): whether an unstated value is
    /// admitted, and the inclusive interval of admitted values (empty when `lo > hi`).
    Int {
        /// An unstated value is admitted.
        unknown: bool,
        /// Lowest admitted value.
        lo: i64,
        /// Highest admitted value.
        hi: i64,
    },
    /// A set of flags of which at least one must be present.
    AnyOf(u64),
}

impl ConditionMask {
    /// The attributes this mask tests, each with the values it admits, keyed by the
    /// attribute's position in the vocabulary (ascending); an attribute not listed admits
    /// every value, unstated included.
    pub(crate) fn attribute_sets(&self) -> Vec<(u16, AttributeSet)> {
        let c = &self.core;
        let mut out = Vec::with_capacity(6 + self.declared.len());
        if let Some((lo, hi)) = c.age {
            out.push((
                0,
                AttributeSet::Int {
                    unknown: false,
                    lo: i64::from(lo.years()),
                    hi: i64::from(hi.years()),
                },
            ));
        }
        for (key, bits) in [(1, c.household), (2, c.urgency), (3, c.framework)] {
            if bits != ANY {
                out.push((key, AttributeSet::Bits(u64::from(bits))));
            }
        }
        if c.signals != ANY {
            out.push((4, AttributeSet::AnyOf(u64::from(c.signals))));
        }
        if let Some((lo, hi)) = c.income {
            out.push((
                5,
                AttributeSet::Int {
                    unknown: false,
                    lo: i64::from(lo),
                    hi: i64::from(hi),
                },
            ));
        }
        for &(slot, t) in &self.declared {
            let set = match t {
                Test::OneOf(m) => AttributeSet::Bits(m),
                Test::AnyOf(m) => AttributeSet::AnyOf(m),
                Test::Range(lo, hi) => AttributeSet::Int {
                    unknown: false,
                    lo,
                    hi,
                },
            };
            out.push((FIRST_DECLARED + slot, set));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` on a case's attributes, through the national vocabulary.
    trait CheckCase {
        fn check_case(&self, a: &CaseAttributes) -> Result<(), AttributeName>;
    }
    impl CheckCase for ConditionMask {
        fn check_case(&self, a: &CaseAttributes) -> Result<(), AttributeName> {
            match self.admits(&Vocabulary::national(), a).unwrap() {
                None => Ok(()),
                Some(n) => Err(n),
            }
        }
    }

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
        assert_eq!(m.check_case(&a), Ok(()));
        a.age = Some(Age::new(67).unwrap());
        assert_eq!(m.check_case(&a), Err(AttributeName::Age));
        a.age = None;
        assert_eq!(
            m.check_case(&a),
            Err(AttributeName::Age),
            "unknown attribute fails a condition"
        );
        a.age = Some(Age::new(18).unwrap());
        a.household = Some(HouseholdType::Single);
        assert_eq!(m.check_case(&a), Err(AttributeName::Household));
    }

    #[test]
    fn sixty_five_and_older_is_inclusive_at_65() {
        let m = ConditionMask::compile(&cond("age = { min = 65 }")).unwrap();
        let got: Vec<bool> = [64, 65, 66, 67]
            .iter()
            .map(|&y| m.check_case(&aged(y)).is_ok())
            .collect();
        assert_eq!(got, [false, true, true, true]);
        let adult = ConditionMask::compile(&cond("age = { min = 18 }")).unwrap();
        assert_eq!(adult.check_case(&aged(17)), Err(AttributeName::Age));
        assert_eq!(adult.check_case(&aged(18)), Ok(()));
        let primary = ConditionMask::compile(&cond("age = { min = 4, max = 11 }")).unwrap();
        let admitted: Vec<i64> = (0..=130)
            .filter(|&y| primary.check_case(&aged(y)).is_ok())
            .collect();
        assert_eq!(admitted, (4..=11).collect::<Vec<_>>());
    }

    #[test]
    fn empty_inverted_and_out_of_range() {
        let e = ConditionMask::compile(&cond("age = { min = 66, max = 4 }\nurgency = { in = [\"crisis\"], not_in = [\"crisis\"] }\nincome_pct = { min = 130, max = 110 }")).unwrap_err();
        assert_eq!(
            e,
            vec![
                ConditionError::Inverted {
                    field: "age".into()
                },
                ConditionError::Empty {
                    field: "urgency".into()
                },
                ConditionError::Inverted {
                    field: "income_pct".into()
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
                    field: "age".into(),
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
        let c = toml::from_str::<Conditions>("age_band = { min = \"senior\" }").unwrap();
        let e = ConditionMask::compile(&c).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "unknown attribute `age_band`; did you mean `age`"
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
        assert_eq!(m.check_case(&a), Err(AttributeName::Signals));
        a.signals = vec![Signal::EnergyDebt, Signal::CutOff];
        assert_eq!(m.check_case(&a), Ok(()));
        // regression: disjoint "any of" sets still overlap (a case may carry both signals)
        let other = ConditionMask::compile(&cond("signals = { any = [\"water_debt\"] }")).unwrap();
        assert!(m.overlaps(&other));
        assert!(!m.within(&other));
    }
}

#[cfg(test)]
mod properties {
    use super::*;

    /// `check` on a case's attributes, through the national vocabulary.
    trait CheckCase {
        fn check_case(&self, a: &CaseAttributes) -> Result<(), AttributeName>;
    }
    impl CheckCase for ConditionMask {
        fn check_case(&self, a: &CaseAttributes) -> Result<(), AttributeName> {
            match self.admits(&Vocabulary::national(), a).unwrap() {
                None => Ok(()),
                Some(n) => Err(n),
            }
        }
    }
    use proptest::prelude::*;

    fn pick<T: Attribute>(bits: u8) -> Option<Vec<T>> {
        let v: Vec<T> = T::ALL
            .iter()
            .copied()
            .filter(|a| bits & (1 << a.index()) != 0)
            .collect();
        Some(v)
    }

    fn names<T: Attribute>(v: Option<Vec<T>>) -> Option<Vec<String>> {
        v.map(|v| v.iter().map(|x| x.name().to_string()).collect())
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
                    one_of: names(pick::<HouseholdType>(bits)),
                    min: None,
                    max: None,
                    not_in: None,
                }),
                urgency: urg.map(|i| EnumCondition {
                    one_of: None,
                    min: Some(Urgency::ALL[i].name().into()),
                    max: None,
                    not_in: None,
                }),
                framework: fw.map(|bits| EnumCondition {
                    one_of: None,
                    min: None,
                    max: None,
                    not_in: names(pick::<LegalFramework>(!bits & 63)),
                }),
                signals: sig.map(|bits| SignalCondition {
                    any: names(pick::<Signal>(bits)).unwrap_or_default(),
                }),
                income_pct: inc.map(|(a, b)| RangeCondition {
                    min: Some(a.min(b)),
                    max: Some(a.max(b)),
                }),
                declared: BTreeMap::new(),
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
                extra: BTreeMap::new(),
            })
    }

    /// The conditions read literally, one field at a time, without masks.
    fn naive(c: &Conditions, a: &CaseAttributes) -> bool {
        fn range(min: Option<i64>, max: Option<i64>, v: Option<i64>) -> bool {
            v.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m))
        }
        fn word<T: Attribute + std::str::FromStr>(c: &Option<EnumCondition>, v: Option<T>) -> bool
        where
            T::Err: std::fmt::Debug,
        {
            let Some(c) = c else { return true };
            let Some(v) = v else { return false };
            let parse = |w: &String| w.parse::<T>().unwrap();
            let one_of: Option<Vec<T>> = c.one_of.as_ref().map(|s| s.iter().map(parse).collect());
            let not_in: Option<Vec<T>> = c.not_in.as_ref().map(|s| s.iter().map(parse).collect());
            one_of.as_ref().is_none_or(|s| s.contains(&v))
                && c.min.as_ref().map(parse).is_none_or(|m| v >= m)
                && c.max.as_ref().map(parse).is_none_or(|m| v <= m)
                && !not_in.as_ref().is_some_and(|s| s.contains(&v))
        }
        c.age
            .is_none_or(|r| range(r.min, r.max, a.age.map(|y| y.years().into())))
            && word(&c.household, a.household)
            && word(&c.urgency, Some(a.urgency))
            && word(&c.framework, a.framework)
            && c.signals.as_ref().is_none_or(|s| {
                a.signals
                    .iter()
                    .any(|x| s.any.iter().any(|w| w == x.name()))
            })
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
                m.check_case(&a).is_ok()
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
                prop_assert_eq!(m.check_case(x).is_ok(), naive(&c, x));
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
                let (in_a, in_b) = (ma.check_case(x).is_ok(), mb.check_case(x).is_ok());
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
