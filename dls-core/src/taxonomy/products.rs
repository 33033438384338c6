//! The product codes of the Dutch message standards for the social domain (iStandaarden): the
//! iJw product category (Jeugdwet), and the iWmo and iJw product code (a product within its
//! category: two digits of the category, then three letters or digits, e.g. `02A03`).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::IdError;

/// An iJw product category: two digits (e.g. `45`, ambulante jeugdhulp).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IjwCategory(u8);

impl FromStr for IjwCategory {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s.parse::<u8>() {
            Ok(n) if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(IjwCategory(n)),
            _ => Err(IdError {
                kind: "iJw product category",
                reason: "must be two digits",
            }),
        }
    }
}

impl TryFrom<String> for IjwCategory {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<IjwCategory> for String {
    fn from(c: IjwCategory) -> String {
        c.to_string()
    }
}

impl fmt::Display for IjwCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for IjwCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IjwCategory({:02})", self.0)
    }
}

impl JsonSchema for IjwCategory {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IjwCategory".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[0-9]{2}$"})
    }
}

/// An iWmo or iJw product code: five characters, two digits (the product category) then three
/// capital letters or digits, e.g. `02A03`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProductCode([u8; 5]);

impl ProductCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Its first two digits: the product category it belongs to.
    pub fn category(&self) -> &str {
        &self.as_str()[..2]
    }
}

impl FromStr for ProductCode {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let b = s.as_bytes();
        let ok = b.len() == 5
            && b[..2].iter().all(u8::is_ascii_digit)
            && b[2..]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if !ok {
            return Err(IdError {
                kind: "product code",
                reason: "must be two digits and three capital letters or digits, e.g. `02A03`",
            });
        }
        let mut code = [0u8; 5];
        code.copy_from_slice(b);
        Ok(ProductCode(code))
    }
}

impl TryFrom<String> for ProductCode {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<ProductCode> for String {
    fn from(c: ProductCode) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProductCode({})", self.as_str())
    }
}

impl JsonSchema for ProductCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProductCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[0-9]{2}[0-9A-Z]{3}$"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shapes() {
        let c: ProductCode = "02A03".parse().unwrap();
        assert_eq!((c.as_str(), c.category()), ("02A03", "02"));
        for bad in ["2A03", "02a03", "02A031", "AA003", "", "02 03"] {
            // The message names the rule, never the value given.
            let e = bad.parse::<ProductCode>().unwrap_err();
            assert_eq!(
                e.to_string(),
                "invalid product code: must be two digits and three capital letters or digits, e.g. `02A03`"
            );
        }
        assert_eq!("45".parse::<IjwCategory>().unwrap().to_string(), "45");
        assert!("4".parse::<IjwCategory>().is_err());
        assert!("4a".parse::<IjwCategory>().is_err());
        assert!("+4".parse::<IjwCategory>().is_err());
        assert_eq!(
            serde_json::from_str::<ProductCode>("\"02A03\"")
                .unwrap()
                .as_str(),
            "02A03"
        );
    }
}
