//! The attribute vocabulary of a case: the enumerations conditions and eligibility test (age
//! band, household type, urgency, legal framework, early signals), the names of the attributes,
//! and [`CaseAttributes`], the values one case states.
//!
//! A leaf module: [`cases`](crate::cases) and [`conditions`](crate::conditions) both build on it,
//! so neither needs the other.

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
    /// Age band of the person the need concerns (ordered from young to old).
    AgeBand, "age_band", [
        /// 0 to 11 years.
        Child = "child",
        /// 12 to 17 years.
        Youth = "youth",
        /// 18 to 22 years (the Jeugdwet can extend up to 23).
        YoungAdult = "young_adult",
        /// 23 to 66 years.
        Adult = "adult",
        /// 67 years and older (state pension age).
        Senior = "senior",
    ]
);

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

/// The attribute that made a condition fail, for traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeName {
    /// Age band.
    AgeBand,
    /// Household type.
    Household,
    /// Urgency.
    Urgency,
    /// Legal framework.
    Framework,
    /// Early signals.
    Signals,
    /// Income as a percentage of the social minimum.
    IncomePct,
}

wire_names!(
    AttributeName,
    "attribute",
    display,
    [
        AgeBand = "age_band",
        Household = "household",
        Urgency = "urgency",
        Framework = "framework",
        Signals = "signals",
        IncomePct = "income_pct",
    ]
);

/// Attributes of a case that conditions and eligibility may test.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseAttributes {
    /// Age band of the person the needs concern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    /// Household composition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<HouseholdType>,
    /// Urgency; `normal` when not stated.
    #[serde(default = "normal", skip_serializing_if = "is_normal")]
    pub urgency: Urgency,
    /// The legal framework, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<LegalFramework>,
    /// Early signals present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<Signal>,
    /// Household income as a percentage of the social minimum, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_pct: Option<u16>,
}

#[allow(clippy::derivable_impls)] // the variants come from a macro
impl Default for Urgency {
    fn default() -> Self {
        Urgency::Normal
    }
}

fn normal() -> Urgency {
    Urgency::Normal
}

fn is_normal(u: &Urgency) -> bool {
    *u == Urgency::Normal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::assert_wire_names;

    #[test]
    fn wire_names_agree_with_serde() {
        assert_wire_names!(
            AgeBand,
            HouseholdType,
            Urgency,
            LegalFramework,
            Signal,
            AttributeName
        );
        let e = "elderly".parse::<AgeBand>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid age_band: must be one of `child`, `youth`, `young_adult`, `adult`, `senior`"
        );
    }
}
