//! Organisation kinds as data: what kind of organisation offers a service (the municipality, a
//! welfare organisation, a church, a library, …).
//!
//! The nine national kinds ([`OrganisationKind::NATIONAL`]) are the embedded default; a
//! directory declares more with a top-level list, and every organisation's `kind` must be one
//! of the national or declared kinds:
//!
//! ```toml
//! organisation_kinds = ["church", "library"]
//!
//! [[organisation]]
//! id = "pknhoofddorp"
//! name = "Diaconie Hoofddorp"
//! kind = "church"
//! ```
//!
//! A kind is written in lowercase letters, digits and `_` (at most 32 characters); a kind that
//! is neither national nor declared is a validation error that names the file, the organisation
//! and the field, with a "did you mean" when a known kind is close.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::vocabulary::{suggest, Suggestion};

/// The longest organisation kind.
pub const MAX_KIND_LEN: usize = 32;

/// What kind of organisation this is: one of [`OrganisationKind::NATIONAL`] or a kind the
/// directory declares (`organisation_kinds`). Written as its name (`"welfare"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrganisationKind(Cow<'static, str>);

impl OrganisationKind {
    /// The municipality itself (e.g. its Wmo-loket).
    pub const MUNICIPALITY: OrganisationKind = OrganisationKind(Cow::Borrowed("municipality"));
    /// A welfare organisation (welzijn), including the sociaal wijkteam.
    pub const WELFARE: OrganisationKind = OrganisationKind(Cow::Borrowed("welfare"));
    /// Health care: GGD, general practitioners, home care, mental health.
    pub const HEALTH: OrganisationKind = OrganisationKind(Cow::Borrowed("health"));
    /// Youth and family support.
    pub const YOUTH: OrganisationKind = OrganisationKind(Cow::Borrowed("youth"));
    /// Debt assistance and income support.
    pub const DEBT: OrganisationKind = OrganisationKind(Cow::Borrowed("debt"));
    /// Housing corporation.
    pub const HOUSING: OrganisationKind = OrganisationKind(Cow::Borrowed("housing"));
    /// Volunteer-run support point (Uw Lokale Steunpilaar).
    pub const VOLUNTEER: OrganisationKind = OrganisationKind(Cow::Borrowed("volunteer"));
    /// Complaints officer or ombudsman.
    pub const COMPLAINTS: OrganisationKind = OrganisationKind(Cow::Borrowed("complaints"));
    /// Anything else.
    pub const OTHER: OrganisationKind = OrganisationKind(Cow::Borrowed("other"));

    /// The national kinds, the embedded default every directory knows.
    pub const NATIONAL: &'static [OrganisationKind] = &[
        Self::MUNICIPALITY,
        Self::WELFARE,
        Self::HEALTH,
        Self::YOUTH,
        Self::DEBT,
        Self::HOUSING,
        Self::VOLUNTEER,
        Self::COMPLAINTS,
        Self::OTHER,
    ];

    /// A kind from its name: lowercase letters, digits and `_`, starting with a letter, at
    /// most [`MAX_KIND_LEN`] characters. Whether the kind is known is the directory's check.
    pub fn new(name: &str) -> Result<OrganisationKind, KindError> {
        if let Some(k) = Self::NATIONAL.iter().find(|k| k.as_str() == name) {
            return Ok(k.clone());
        }
        let mut chars = name.chars();
        let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && name.len() <= MAX_KIND_LEN;
        if well_formed {
            Ok(OrganisationKind(Cow::Owned(name.to_string())))
        } else {
            Err(KindError::Malformed)
        }
    }

    /// The name as written in files.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for one of [`OrganisationKind::NATIONAL`].
    pub fn is_national(&self) -> bool {
        Self::NATIONAL.contains(self)
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrganisationKind {
    type Err = KindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrganisationKind::new(s)
    }
}

impl<'de> Deserialize<'de> for OrganisationKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        OrganisationKind::new(&s).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for OrganisationKind {
    fn schema_name() -> Cow<'static, str> {
        "OrganisationKind".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]{0,31}$",
            "description": "Kind of organisation: `municipality`, `welfare`, `health`, `youth`, `debt`, `housing`, `volunteer`, `complaints`, `other`, or one the directory declares in `organisation_kinds`."
        })
    }
}

/// An organisation kind that is malformed or not known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum KindError {
    /// Not lowercase letters, digits and `_`, or too long. The text given is not repeated: a
    /// field filled in wrongly may hold anything, a person's name too.
    #[error("invalid organisation kind: lowercase letters, digits and `_`, starting with a letter, at most 32 characters")]
    Malformed,
    /// Neither a national kind nor one the directory declares (in `organisation_kinds`).
    #[error("unknown organisation kind `{kind}`{suggestion}")]
    Unknown {
        /// The name given.
        kind: String,
        /// A close known kind, if any.
        suggestion: Suggestion,
    },
}

/// The kinds a directory knows: the national ones, then the declared ones in the order first
/// declared (a kind declared twice, or a national one declared, counts once).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrganisationKinds {
    declared: Vec<OrganisationKind>,
}

impl OrganisationKinds {
    /// The national kinds and `declared`.
    pub fn new(declared: &[OrganisationKind]) -> OrganisationKinds {
        let mut out: Vec<OrganisationKind> = Vec::new();
        for k in declared {
            if !k.is_national() && !out.contains(k) {
                out.push(k.clone());
            }
        }
        OrganisationKinds { declared: out }
    }

    /// Every known kind: national first, then declared.
    pub fn all(&self) -> impl Iterator<Item = &OrganisationKind> + '_ {
        OrganisationKind::NATIONAL.iter().chain(&self.declared)
    }

    /// The kinds the directory declared beyond the national ones.
    pub fn declared(&self) -> &[OrganisationKind] {
        &self.declared
    }

    /// `Ok` when `kind` is known; else [`KindError::Unknown`] with the closest known kind.
    pub fn check(&self, kind: &OrganisationKind) -> Result<(), KindError> {
        if self.all().any(|k| k == kind) {
            return Ok(());
        }
        Err(KindError::Unknown {
            kind: kind.as_str().to_string(),
            suggestion: Suggestion(suggest(kind.as_str(), self.all().map(|k| k.as_str()))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_kinds_read_and_write_as_before() {
        for k in OrganisationKind::NATIONAL {
            let json = serde_json::to_value(k).unwrap();
            assert_eq!(json, serde_json::Value::from(k.as_str()));
            let back: OrganisationKind = serde_json::from_value(json).unwrap();
            assert_eq!(&back, k);
            assert!(back.is_national());
        }
        assert_eq!(OrganisationKind::NATIONAL.len(), 9);
    }

    #[test]
    fn malformed_kinds_are_refused_when_read() {
        for bad in [
            "",
            "Church",
            "9lives",
            "with space",
            "kerk-en-moskee",
            &"a".repeat(33),
        ] {
            let e = OrganisationKind::new(bad).unwrap_err();
            assert_eq!(e, KindError::Malformed, "{bad}");
            assert!(serde_json::from_value::<OrganisationKind>(bad.into()).is_err());
        }
        assert!(OrganisationKind::new(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn unknown_kind_suggests_a_close_declared_or_national_one() {
        let kinds = OrganisationKinds::new(&[OrganisationKind::new("church").unwrap()]);
        assert!(kinds.check(&"church".parse().unwrap()).is_ok());
        assert!(kinds.check(&OrganisationKind::HEALTH).is_ok());
        let e = kinds.check(&"churh".parse().unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown organisation kind `churh`; did you mean `church`"
        );
        let e = kinds.check(&"welfair".parse().unwrap()).unwrap_err();
        assert!(e.to_string().contains("did you mean `welfare`"), "{e}");
        let e = kinds.check(&"zzz".parse().unwrap()).unwrap_err();
        assert!(!e.to_string().contains("did you mean"), "{e}");
    }

    #[test]
    fn a_kind_declared_twice_or_a_national_one_declared_counts_once() {
        let c = OrganisationKind::new("church").unwrap();
        let kinds = OrganisationKinds::new(&[c.clone(), OrganisationKind::HEALTH, c.clone()]);
        assert_eq!(kinds.declared(), &[c]);
        assert_eq!(kinds.all().count(), 10);
    }
}
