//! Validated identifiers: every id in dls is a newtype that can only hold a well-formed value.
//!
//! Ids are constructed through [`FromStr`] or [`TryFrom<String>`] and (de)serialise as plain
//! strings, so a file with a malformed id fails to load with an [`IdError`] naming the field.
//! A string id shares its text (`Arc<str>`): cloning one (into every decision that names a
//! service, a need or a rule) copies no text and allocates nothing.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A malformed identifier. The rejected text is not kept: a value that failed validation may
/// be anything (a name, a BSN, a date of birth typed into the wrong field), so errors name the
/// kind of id and the rule it broke, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {reason}")]
pub struct IdError {
    /// What kind of id was expected (e.g. `service id`).
    pub kind: &'static str,
    /// Why it was rejected.
    pub reason: &'static str,
}

pub use crate::limits::MAX_ID_LEN;

fn plain_id(kind: &'static str, s: &str) -> Result<(), IdError> {
    let err = |reason| Err(IdError { kind, reason });
    if s.is_empty() {
        return err("must not be empty");
    }
    if s.len() > MAX_ID_LEN {
        return err("must be at most 64 characters");
    }
    if !s.as_bytes()[0].is_ascii_alphanumeric() {
        return err("must start with a letter or digit");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return err("may only contain letters, digits and `-_.:`");
    }
    Ok(())
}

/// True for nine digits that pass the eleven test (elfproef) of a Dutch citizen service number
/// (BSN): 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11.
pub fn is_bsn_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: i32 = b[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(d, w)| i32::from(d - b'0') * w)
        .sum::<i32>()
        - i32::from(b[8] - b'0');
    sum % 11 == 0
}

/// True for a calendar date written as an id would hold it: three groups of digits joined by
/// `-` or `.`, day-month-year or year-month-day (`1987-03-14`, `14-03-1987`, `14.3.1987`).
pub fn is_date_shaped(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '.']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    matches!(lens.as_slice(), [4, 1..=2, 1..=2] | [1..=2, 1..=2, 4])
}

/// A case id: a plain id that is not shaped like a BSN or a date (a case holds no direct
/// identifiers, and every error about a case names its id).
fn case_id(kind: &'static str, s: &str) -> Result<(), IdError> {
    plain_id(kind, s)?;
    if is_bsn_shaped(s) {
        return Err(IdError {
            kind,
            reason: "looks like a BSN (nine digits passing the eleven test): use a pseudonymous id",
        });
    }
    if is_date_shaped(s) {
        return Err(IdError {
            kind,
            reason: "looks like a date (of birth?): use a pseudonymous id",
        });
    }
    Ok(())
}

fn need_code(kind: &'static str, s: &str) -> Result<(), IdError> {
    let err = |reason| Err(IdError { kind, reason });
    if s.is_empty() || s.len() > MAX_ID_LEN {
        return err("must be 1 to 64 characters");
    }
    for seg in s.split('.') {
        if seg.is_empty() {
            return err("segments separated by `.` must not be empty");
        }
        if !seg
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return err("segments may only contain lowercase letters, digits and `_`");
        }
    }
    Ok(())
}

fn municipality_code(kind: &'static str, s: &str) -> Result<(), IdError> {
    let b = s.as_bytes();
    if b.len() == 6 && &b[..2] == b"GM" && b[2..].iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(IdError {
            kind,
            reason: "must be `GM` followed by four digits (CBS code)",
        })
    }
}

impl IdError {
    /// The error for a text that is none of the names of an enumeration (the text is not
    /// kept, see [`IdError`]).
    pub(crate) fn unknown_name(kind: &'static str, _text: &str, allowed: &'static str) -> IdError {
        IdError {
            kind,
            reason: allowed,
        }
    }
}

/// Gives a public unit enum its wire names (the names serde reads and writes) from one table:
/// `ALL` (declaration order), `as_str()` and a `FromStr` that accepts exactly those names.
/// Bindings convert through these, never through serde. The names must equal the serde names;
/// each module's tests check that with `assert_wire_names`.
///
/// Two forms, one implementation:
/// - `wire_names!(Ty, "kind", [A = "a", B = "b"])`: the error is an [`IdError`] that names
///   `kind` and lists the names; with `display` after the kind, `Display` writes the wire name.
/// - `wire_names!(Ty, ErrorType, |text| error; A => "a", B => "b")`: the error is built from the
///   text by the closure; `Display` writes the wire name.
macro_rules! wire_names {
    (@impl $ty:ident, $err:ty, $unknown:expr; $($variant:ident => $text:literal),+) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The name as written in files and on the wire (the serde name).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text,)+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $err;
            /// Accepts exactly the names of [`Self::as_str`].
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(($unknown)(s)),
                }
            }
        }
    };
    (@display $ty:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    ($name:ident, $kind:literal, display, [$($variant:ident = $text:literal),+ $(,)?]) => {
        $crate::ids::wire_names!($name, $kind, [$($variant = $text),+]);
        $crate::ids::wire_names!(@display $name);
    };
    ($name:ident, $kind:literal, [$first:ident = $ftext:literal $(, $variant:ident = $text:literal)* $(,)?]) => {
        $crate::ids::wire_names!(@impl $name, $crate::ids::IdError, |s: &str| {
            $crate::ids::IdError::unknown_name(
                $kind,
                s,
                concat!("must be one of `", $ftext, "`" $(, ", `", $text, "`")*),
            )
        }; $first => $ftext $(, $variant => $text)*);
    };
    ($ty:ident, $err:ty, $unknown:expr; $($variant:ident => $text:literal),+ $(,)?) => {
        $crate::ids::wire_names!(@impl $ty, $err, $unknown; $($variant => $text),+);
        $crate::ids::wire_names!(@display $ty);
    };
}
pub(crate) use wire_names;

/// Checks in tests that `as_str`, `FromStr` and serde agree on every value of an enum.
#[cfg(test)]
macro_rules! assert_wire_names {
    ($($name:ty),+ $(,)?) => {$(
        for &v in <$name>::ALL {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, serde_json::Value::from(v.as_str()), "{v:?}");
            assert_eq!(v.as_str().parse::<$name>().unwrap(), v);
        }
        let e = "Jan de Vries".parse::<$name>().unwrap_err();
        assert!(!format!("{e} {e:?}").contains("Vries"), "{e}");
        assert!(e.reason.contains(<$name>::ALL[0].as_str()), "{e}");
    )+};
}
#[cfg(test)]
pub(crate) use assert_wire_names;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $check:ident, $pattern:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                $check($kind, s)?;
                Ok(Self(s.into()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                $check($kind, &s)?;
                Ok(Self(Arc::from(s)))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(s: &str) -> Result<Self, IdError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                String::from(&*id.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": concat!("A ", $kind, ".")
                })
            }
        }
    };
}

string_id!(
    /// Pseudonymous case id. Never a BSN or a name: the case model holds no direct identifiers.
    CaseId, "case id", case_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// Id of an organisation in the directory.
    OrganisationId, "organisation id", plain_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// Id of a service offered by an organisation.
    ServiceId, "service id", plain_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// Id of a routing rule; unique across all layers of a rule set.
    RuleId, "rule id", plain_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// Stable id of a kern (village or town) inside one municipality, e.g. `hoofddorp`.
    KernId, "kern id", plain_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// Id of a region: a named set of municipalities.
    RegionId, "region id", plain_id, "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
);
string_id!(
    /// A need code: dotted lowercase segments whose first segment is the domain,
    /// e.g. `zorg.wmo.huishouden`.
    NeedCode, "need code", need_code, "^[a-z0-9_]+(\\.[a-z0-9_]+)*$"
);
string_id!(
    /// A CBS municipality code: `GM` followed by four digits (GM0394 is Haarlemmermeer).
    MunicipalityCode, "municipality code", municipality_code, "^GM[0-9]{4}$"
);

impl NeedCode {
    /// The domain: the first segment of the code.
    pub fn domain(&self) -> &str {
        self.0.split('.').next().unwrap_or(&self.0)
    }

    /// The parent code, or `None` for a one-segment code.
    pub fn parent(&self) -> Option<NeedCode> {
        self.0.rfind('.').map(|i| NeedCode(self.0[..i].into()))
    }

    /// True when `self` equals `other` or lies below it in the hierarchy.
    pub fn is_within(&self, other: &NeedCode) -> bool {
        self.0.len() >= other.0.len()
            && self.0.starts_with(&*other.0)
            && (self.0.len() == other.0.len() || self.0.as_bytes()[other.0.len()] == b'.')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_codes_are_checked() {
        assert!("GM0394".parse::<MunicipalityCode>().is_ok());
        for bad in ["gm0394", "GM394", "GM03945", "0394", ""] {
            let e = bad.parse::<MunicipalityCode>().unwrap_err();
            assert_eq!(e.kind, "municipality code");
        }
    }

    #[test]
    fn need_codes_nest() {
        let a: NeedCode = "zorg.wmo.huishouden".parse().unwrap();
        let b: NeedCode = "zorg.wmo".parse().unwrap();
        let c: NeedCode = "zorg.wm".parse().unwrap();
        assert!(a.is_within(&b));
        assert!(!a.is_within(&c));
        assert_eq!(a.domain(), "zorg");
        assert_eq!(a.parent(), Some(b));
        assert!("Zorg.x".parse::<NeedCode>().is_err());
        assert!("zorg..x".parse::<NeedCode>().is_err());
    }

    #[test]
    fn ids_reject_odd_text() {
        assert!("".parse::<ServiceId>().is_err());
        assert!("a b".parse::<ServiceId>().is_err());
        assert!("-a".parse::<ServiceId>().is_err());
        assert!("x".repeat(65).parse::<ServiceId>().is_err());
        let id: ServiceId = serde_json::from_str("\"wmo-loket\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"wmo-loket\"");
        assert!(serde_json::from_str::<ServiceId>("\"a b\"").is_err());
    }
}
