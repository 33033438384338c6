//! The attribute vocabulary of a case: the age in whole years ([`Age`]), the enumerations
//! conditions and eligibility test (household type, urgency, legal framework, early signals),
//! the names of the attributes, the age bands reports group ages in ([`AgeBand`]), and
//! [`CaseAttributes`], the values one case states.
//!
//! A leaf module: [`cases`](crate::cases) and [`conditions`](crate::conditions) both build on it,
//! so neither needs the other.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::wire_names;

/// An enumerated case attribute that conditions can test.
pub trait Attribute: Copy + Ord + fmt::Debug + Serialize + 'static {
    /// Every value, in order.
    const ALL: &'static [Self];
    /// The attribute's field name in files and traces.
    const FIELD: &'static str;
    /// Position of the value in [`Attribute::ALL`].
    fn index(self) -> u32;
    /// The value's name as written in files.
    fn name(self) -> &'static str;
}

macro_rules! attribute_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, [$($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl Attribute for $name {
            // The inherent list that `wire_names!` writes below: one list per enum.
            const ALL: &'static [Self] = $name::ALL;
            const FIELD: &'static str = $field;
            fn index(self) -> u32 {
                self as u32
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        wire_names!($name, $field, display, [$($variant = $text),+]);
    };
}

attribute_enum!(
    /// Composition of the household.
    HouseholdType, "household", [
        /// One adult.
        Single = "single",
        /// Two adults, no children at home.
        Couple = "couple",
        /// One adult with children at home.
        SingleParent = "single_parent",
        /// Two adults with children at home.
        Family = "family",
        /// Several generations or another composition.
        Other = "other",
    ]
);

attribute_enum!(
    /// How urgent the case is (ordered).
    Urgency, "urgency", [
        /// No particular hurry.
        Normal = "normal",
        /// Needs attention within days.
        Urgent = "urgent",
        /// Crisis: threatened eviction, energy or water cut-off, safety.
        Crisis = "crisis",
    ]
);

attribute_enum!(
    /// The law under which the need falls, where known.
    LegalFramework, "framework", [
        /// Wet maatschappelijke ondersteuning 2015 (municipal social support).
        Wmo = "wmo",
        /// Jeugdwet (youth care).
        Jeugdwet = "jeugdwet",
        /// Participatiewet (social assistance, work).
        Participatiewet = "participatiewet",
        /// Wet gemeentelijke schuldhulpverlening (debt assistance).
        Wgs = "wgs",
        /// Zorgverzekeringswet (health insurance care).
        Zvw = "zvw",
        /// Wet langdurige zorg (long-term care).
        Wlz = "wlz",
    ]
);

attribute_enum!(
    /// Early signals (vroegsignalering) of payment arrears and threats.
    Signal, "signals", [
        /// Rent arrears.
        RentArrears = "rent_arrears",
        /// Energy bill arrears.
        EnergyDebt = "energy_debt",
        /// Water bill arrears.
        WaterDebt = "water_debt",
        /// Unpaid health insurance premium.
        HealthInsuranceArrears = "health_insurance_arrears",
        /// An eviction is threatened.
        ThreatenedEviction = "threatened_eviction",
        /// Energy or water will be cut off.
        CutOff = "cut_off",
    ]
);

/// The oldest age accepted, in years.
pub const MAX_AGE: u8 = 130;

/// An age in whole years, 0 to [`MAX_AGE`]: what a case states about the person its needs
/// concern (never a birth date), and what age conditions and age bands are written in.
///
/// Reading one from a file or a host checks the range; the error says what is wrong without
/// repeating the value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Age(u8);

/// An age that is not a whole number of years from 0 to [`MAX_AGE`]. The messages name the
/// problem, never the value (an age is personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AgeError {
    /// Below 0.
    #[error("age below 0")]
    Negative,
    /// Above [`MAX_AGE`].
    #[error("age above 130 years")]
    TooOld,
    /// A fraction, or not a number at all.
    #[error("age is not a whole number of years")]
    NotWhole,
}

impl Age {
    /// The least age, 0.
    pub const ZERO: Age = Age(0);
    /// The greatest age, [`MAX_AGE`].
    pub const MAX: Age = Age(MAX_AGE);

    /// An age of `years`, checked to lie within 0 to [`MAX_AGE`].
    pub fn new(years: i64) -> Result<Age, AgeError> {
        match years {
            ..0 => Err(AgeError::Negative),
            0..=130 => Ok(Age(years as u8)),
            _ => Err(AgeError::TooOld),
        }
    }

    /// The age in years.
    pub fn years(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Age {
    type Error = AgeError;
    fn try_from(years: i64) -> Result<Age, AgeError> {
        Age::new(years)
    }
}

impl From<Age> for u8 {
    fn from(a: Age) -> u8 {
        a.0
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Age {
    /// `Age(..)`: debug output of a case never shows the age itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Age(..)")
    }
}

impl<'de> Deserialize<'de> for Age {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Age, D::Error> {
        struct Years;
        impl serde::de::Visitor<'_> for Years {
            type Value = Age;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an age in whole years from 0 to 130")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Age, E> {
                Age::new(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Age, E> {
                Age::new(i64::try_from(v).unwrap_or(i64::MAX)).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Age, E> {
                Err(E::custom(AgeError::NotWhole))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Age, E> {
                Err(E::custom(AgeError::NotWhole))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Age, E> {
                Err(E::custom(AgeError::NotWhole))
            }
        }
        d.deserialize_any(Years)
    }
}

impl JsonSchema for Age {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Age".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Age in whole years.",
            "type": "integer",
            "minimum": 0,
            "maximum": 130
        })
    }
}

/// A named group of ages for reports (coverage per age band, aggregates): `name` covers `min`
/// to `max` years inclusive (`max` absent: every age from `min` up). Rules and eligibility are
/// written in years ([`Age`]), never in bands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// The band's name, e.g. `senior`.
    pub name: String,
    /// The youngest age in the band.
    pub min: Age,
    /// The oldest age in the band (absent: no upper limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Age>,
}

impl AgeBand {
    /// The youngest and oldest age in the band.
    pub fn bounds(&self) -> (Age, Age) {
        (self.min, self.max.unwrap_or(Age::MAX))
    }

    /// True when `age` lies in the band.
    pub fn contains(&self, age: Age) -> bool {
        let (lo, hi) = self.bounds();
        lo <= age && age <= hi
    }

    /// The five bands used when a directory declares none: `child` 0–11, `youth` 12–17,
    /// `young_adult` 18–22 (the Jeugdwet can extend to 23), `adult` 23–66 and `senior` 67 and
    /// older (state pension age).
    pub fn defaults() -> Vec<AgeBand> {
        let band = |name: &str, min: u8, max: Option<u8>| AgeBand {
            name: name.into(),
            min: Age(min),
            max: max.map(Age),
        };
        vec![
            band("child", 0, Some(11)),
            band("youth", 12, Some(17)),
            band("young_adult", 18, Some(22)),
            band("adult", 23, Some(66)),
            band("senior", 67, None),
        ]
    }
}

/// The name of a case attribute, as files and traces write it: one of the national six
/// (`age`, `household`, `urgency`, `framework`, `signals`, `income_pct`, each an associated
/// constant) or one a directory declares ([`Vocabulary`](crate::vocabulary::Vocabulary)).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct AttributeName(Cow<'static, str>);

#[allow(non_upper_case_globals)] // read like the variants they were
impl AttributeName {
    /// Age in whole years.
    pub const Age: AttributeName = AttributeName(Cow::Borrowed("age"));
    /// Household type.
    pub const Household: AttributeName = AttributeName(Cow::Borrowed("household"));
    /// Urgency.
    pub const Urgency: AttributeName = AttributeName(Cow::Borrowed("urgency"));
    /// Legal framework.
    pub const Framework: AttributeName = AttributeName(Cow::Borrowed("framework"));
    /// Early signals.
    pub const Signals: AttributeName = AttributeName(Cow::Borrowed("signals"));
    /// Income as a percentage of the social minimum.
    pub const IncomePct: AttributeName = AttributeName(Cow::Borrowed("income_pct"));

    /// The name of a declared attribute.
    pub fn new(name: impl Into<String>) -> AttributeName {
        AttributeName(Cow::Owned(name.into()))
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AttributeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AttributeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AttributeName({})", self.0)
    }
}

/// The value of an attribute beyond the national typed fields of [`CaseAttributes`]: a word
/// of an enumeration, a boolean, an integer or a set of flags. Which one an attribute takes is
/// declared ([`Vocabulary`](crate::vocabulary::Vocabulary)); routing checks it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AttributeValue {
    /// A boolean (`has_wlz_indication = true`).
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A word of an enumeration.
    Word(String),
    /// Words of a set of flags.
    Words(Vec<String>),
}

impl fmt::Debug for AttributeValue {
    /// The kind only: a value that failed validation may be anything typed into a field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AttributeValue::Bool(_) => "Bool(..)",
            AttributeValue::Int(_) => "Int(..)",
            AttributeValue::Word(_) => "Word(..)",
            AttributeValue::Words(_) => "Words(..)",
        })
    }
}

/// Attributes of a case that conditions and eligibility may test: the national ones as typed
/// fields, and in [`extra`](CaseAttributes::extra) every other one a directory declares, by
/// name. A word of a national attribute that is not a national value (a fourth urgency level
/// a municipality declares, say) is kept in `extra` under the attribute's name too; files
/// write it in the attribute's own field (`urgency = "acute"`). Routing checks every value
/// against the router's vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "RawAttributes", into = "RawAttributes")]
pub struct CaseAttributes {
    /// Age of the person the needs concern, in whole years (never a birth date).
    pub age: Option<Age>,
    /// Household composition.
    pub household: Option<HouseholdType>,
    /// Urgency; `normal` when not stated.
    pub urgency: Urgency,
    /// The legal framework, where known.
    pub framework: Option<LegalFramework>,
    /// Early signals present.
    pub signals: Vec<Signal>,
    /// Household income as a percentage of the social minimum, where known.
    pub income_pct: Option<u16>,
    /// Declared attributes beyond the national ones, and declared words of national
    /// attributes, by attribute name.
    pub extra: BTreeMap<String, AttributeValue>,
}

/// A word of a national attribute: a national value, or one a directory may declare.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
enum Word<T> {
    Known(T),
    Declared(String),
}

/// [`CaseAttributes`] as files write them: one field per attribute.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename = "CaseAttributes")]
struct RawAttributes {
    /// Age of the person the needs concern, in whole years (never a birth date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    age: Option<Age>,
    /// Household composition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    household: Option<Word<HouseholdType>>,
    /// Urgency; `normal` when not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    urgency: Option<Word<Urgency>>,
    /// The legal framework, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    framework: Option<Word<LegalFramework>>,
    /// Early signals present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    signals: Vec<Word<Signal>>,
    /// Household income as a percentage of the social minimum, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    income_pct: Option<u16>,
    /// Attributes a directory declares.
    #[serde(flatten)]
    extra: BTreeMap<String, AttributeValue>,
}

impl From<RawAttributes> for CaseAttributes {
    fn from(r: RawAttributes) -> CaseAttributes {
        let mut extra = r.extra;
        fn one<T>(
            w: Option<Word<T>>,
            field: &str,
            extra: &mut BTreeMap<String, AttributeValue>,
        ) -> Option<T> {
            match w? {
                Word::Known(v) => Some(v),
                Word::Declared(s) => {
                    extra.insert(field.into(), AttributeValue::Word(s));
                    None
                }
            }
        }
        let household = one(r.household, "household", &mut extra);
        let urgency = one(r.urgency, "urgency", &mut extra).unwrap_or_default();
        let framework = one(r.framework, "framework", &mut extra);
        let mut signals = Vec::new();
        let mut declared = Vec::new();
        for s in r.signals {
            match s {
                Word::Known(v) => signals.push(v),
                Word::Declared(w) => declared.push(w),
            }
        }
        if !declared.is_empty() {
            extra.insert("signals".into(), AttributeValue::Words(declared));
        }
        CaseAttributes {
            age: r.age,
            household,
            urgency,
            framework,
            signals,
            income_pct: r.income_pct,
            extra,
        }
    }
}

impl From<CaseAttributes> for RawAttributes {
    fn from(a: CaseAttributes) -> RawAttributes {
        let mut extra = a.extra;
        fn take<T>(
            v: Option<T>,
            field: &str,
            extra: &mut BTreeMap<String, AttributeValue>,
        ) -> Option<Word<T>> {
            match extra.remove(field) {
                Some(AttributeValue::Word(w)) => Some(Word::Declared(w)),
                Some(other) => {
                    extra.insert(field.into(), other);
                    v.map(Word::Known)
                }
                None => v.map(Word::Known),
            }
        }
        let urgency = (a.urgency != Urgency::Normal).then_some(a.urgency);
        let mut signals: Vec<Word<Signal>> = a.signals.into_iter().map(Word::Known).collect();
        match extra.remove("signals") {
            Some(AttributeValue::Words(ws)) => signals.extend(ws.into_iter().map(Word::Declared)),
            Some(AttributeValue::Word(w)) => signals.push(Word::Declared(w)),
            Some(other) => {
                extra.insert("signals".into(), other);
            }
            None => {}
        }
        RawAttributes {
            age: a.age,
            household: take(a.household, "household", &mut extra),
            urgency: take(urgency, "urgency", &mut extra),
            framework: take(a.framework, "framework", &mut extra),
            signals,
            income_pct: a.income_pct,
            extra,
        }
    }
}

impl JsonSchema for CaseAttributes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CaseAttributes".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawAttributes::json_schema(g)
    }
}

#[allow(clippy::derivable_impls)] // the variants come from a macro
impl Default for Urgency {
    fn default() -> Self {
        Urgency::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::assert_wire_names;

    #[test]
    fn ages_are_whole_years_from_0_to_130() {
        assert_eq!(Age::new(0).map(Age::years), Ok(0));
        assert_eq!(Age::new(130).map(Age::years), Ok(130));
        assert_eq!(Age::new(-1), Err(AgeError::Negative));
        assert_eq!(Age::new(131), Err(AgeError::TooOld));
        let json = |t: &str| serde_json::from_str::<CaseAttributes>(t).map_err(|e| e.to_string());
        assert_eq!(json(r#"{"age": 65}"#).unwrap().age, Some(Age(65)));
        for (text, why) in [
            (r#"{"age": -3}"#, "age below 0"),
            (r#"{"age": 131}"#, "age above 130 years"),
            (r#"{"age": 184467440737095516}"#, "age above 130 years"),
            (r#"{"age": 47.5}"#, "age is not a whole number of years"),
            (r#"{"age": "47"}"#, "age is not a whole number of years"),
        ] {
            let e = json(text).unwrap_err();
            assert!(e.starts_with(why), "{text}: {e}");
            // the value itself never appears in the message
            assert!(
                !e.contains("47") && !e.contains("131") && !e.contains("-3"),
                "{e}"
            );
        }
        let a = CaseAttributes {
            age: Some(Age(47)),
            ..Default::default()
        };
        assert!(!format!("{a:?}").contains("47"), "Debug hides the age");
        let bands = AgeBand::defaults();
        let names: Vec<&str> = (0..=130u8)
            .map(|y| {
                bands
                    .iter()
                    .find(|b| b.contains(Age(y)))
                    .unwrap()
                    .name
                    .as_str()
            })
            .collect();
        assert_eq!(
            (names[11], names[12], names[66], names[67], names[130]),
            ("child", "youth", "adult", "senior", "senior")
        );
    }

    #[test]
    fn wire_names_agree_with_serde() {
        assert_wire_names!(HouseholdType, Urgency, LegalFramework, Signal);
        let e = "crisis!".parse::<Urgency>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid urgency: must be one of `normal`, `urgent`, `crisis`"
        );
    }
}
