//! The declared vocabulary of case attributes: which attributes a rule, a service's
//! eligibility or a case may state, and the values each takes.
//!
//! The national six (`age`, `household`, `urgency`, `framework`, `signals`, `income_pct`) are
//! the embedded default ([`Vocabulary::national`]). A directory (or a `vocabulary` file beside
//! it) extends them with [`AttributeDeclaration`]s, keyed by attribute name:
//!
//! ```toml
//! [attribute.urgency]            # a national enumeration: more values, after the national ones
//! values = ["acute"]
//! [attribute.has_wlz_indication]
//! kind = "boolean"
//! [attribute.language]
//! kind = "enum"                  # unordered; `ordered` allows `min`/`max` in conditions
//! values = ["nl", "en", "ar", "tr", "pl"]
//! [attribute.debts]
//! kind = "integer"
//! min = 0
//! max = 50
//! [attribute.needs_help_with]
//! kind = "flags"
//! values = ["forms", "phone", "transport"]
//! ```
//!
//! Each attribute gets a fixed position: an enumeration value is a bit, an integer an interval,
//! so conditions still compile to bit sets and intervals ([`ConditionMask`](crate::conditions::ConditionMask)),
//! and a case is resolved once per routing into [`CaseBits`]. An unknown attribute or value is an
//! error that says which and, when one is close, which was probably meant.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::{
    Age, Attribute, AttributeName, AttributeValue, CaseAttributes, HouseholdType, LegalFramework,
    Signal, Urgency, MAX_AGE,
};

/// What values an attribute takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeKind {
    /// One of `values`, unordered (`in`, `not_in`).
    Enum,
    /// One of `values`, in that order (`in`, `not_in`, `min`, `max`).
    Ordered,
    /// `true` or `false`.
    Boolean,
    /// A whole number from `min` to `max`.
    Integer,
    /// Any subset of `values` (`any`: at least one present).
    Flags,
}

impl AttributeKind {
    /// The kind as files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Enum => "enum",
            AttributeKind::Ordered => "ordered",
            AttributeKind::Boolean => "boolean",
            AttributeKind::Integer => "integer",
            AttributeKind::Flags => "flags",
        }
    }
}

/// One attribute as a directory declares it. For a national attribute, `kind` may be left
/// out and `values` are added after the national ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeDeclaration {
    /// What values the attribute takes (required for a new attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AttributeKind>,
    /// The values of an enumeration or a set of flags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The least value of an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The greatest value of an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

/// The most values a national enumeration may have (including its declared ones).
pub const MAX_NATIONAL_VALUES: usize = 15;
/// The most values a declared enumeration or set of flags may have.
pub const MAX_DECLARED_VALUES: usize = 63;

/// The bit of a national enumeration that stands for "not stated".
pub(crate) const UNKNOWN16: u16 = 1 << 15;
/// The bit of a declared enumeration or boolean that stands for "not stated".
pub(crate) const UNKNOWN64: u64 = 1 << 63;

/// Where an attribute's value lives in [`CaseBits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    Age,
    Household,
    Urgency,
    Framework,
    Signals,
    Income,
    Declared(u16),
}

/// One attribute of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    name: AttributeName,
    kind: AttributeKind,
    values: Vec<String>,
    bounds: (i64, i64),
    slot: Slot,
}

impl Declared {
    /// The attribute's name.
    pub fn name(&self) -> &AttributeName {
        &self.name
    }
    /// What values it takes.
    pub fn kind(&self) -> AttributeKind {
        self.kind
    }
    /// Its values, in order (enumerations and flags).
    pub fn values(&self) -> &[String] {
        &self.values
    }
    /// Its least and greatest value (integers).
    pub fn bounds(&self) -> (i64, i64) {
        self.bounds
    }
    pub(crate) fn slot(&self) -> Slot {
        self.slot
    }
    /// The position of `word` among the values, or an error naming the attribute, with the
    /// closest value when one is close; `echo` repeats the word in the message (never for a
    /// case's value).
    pub fn value_index(&self, word: &str, echo: bool) -> Result<u32, VocabularyError> {
        self.values
            .iter()
            .position(|v| v == word)
            .map(|i| i as u32)
            .ok_or_else(|| VocabularyError::UnknownValue {
                attribute: self.name.to_string(),
                value: echo.then(|| word.to_string()),
                suggestion: Suggestion(suggest(word, self.values.iter().map(String::as_str))),
            })
    }
}

/// The attributes rules, eligibility and cases may state. Cheap to clone (`Arc` inside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary(Arc<Inner>);

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    attributes: Vec<Declared>,
    index: HashMap<String, usize>,
    declared: usize,
}

/// Position of the first declared (non-national) attribute in [`Vocabulary::attributes`].
const NATIONAL: usize = 6;

/// A close match for `word` among `candidates`, if any is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|&(score, c)| score >= 0.8 && c != word)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.to_string())
}

/// "; did you mean `x`" or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Suggestion(pub Option<String>);

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(s) => write!(f, "; did you mean `{s}`"),
            None => Ok(()),
        }
    }
}

/// An attribute, a value or a declaration that does not fit the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum VocabularyError {
    /// An attribute no one declared.
    #[error("unknown attribute `{attribute}`{suggestion}")]
    UnknownAttribute {
        /// The name as written.
        attribute: String,
        /// The closest declared name, if close.
        suggestion: Suggestion,
    },
    /// A value the attribute does not declare (the value is named only when it comes from a
    /// rule or a directory, never from a case).
    #[error("`{attribute}`: unknown value{}{suggestion}", value.as_ref().map(|v| format!(" `{v}`")).unwrap_or_default())]
    UnknownValue {
        /// The attribute.
        attribute: String,
        /// The value, from a rule or a directory.
        value: Option<String>,
        /// The closest declared value, if close.
        suggestion: Suggestion,
    },
    /// A value or a condition of the wrong kind.
    #[error("`{attribute}` takes {expected}")]
    WrongKind {
        /// The attribute.
        attribute: String,
        /// What it takes, in words.
        expected: String,
    },
    /// An integer outside the declared bounds.
    #[error("`{attribute}`: a value lies outside {min} to {max}")]
    OutOfBounds {
        /// The attribute.
        attribute: String,
        /// The least value.
        min: i64,
        /// The greatest value.
        max: i64,
    },
    /// A declaration that cannot be used.
    #[error("attribute `{attribute}`: {reason}")]
    Declaration {
        /// The attribute.
        attribute: String,
        /// What is wrong.
        reason: String,
    },
}

impl VocabularyError {
    /// The validation problem kind this error reports as.
    pub fn problem_kind(&self) -> crate::validation::ProblemKind {
        use crate::validation::ProblemKind;
        match self {
            VocabularyError::UnknownAttribute { .. } => ProblemKind::UnknownAttribute,
            VocabularyError::UnknownValue { .. } => ProblemKind::UnknownValue,
            VocabularyError::OutOfBounds { .. } => ProblemKind::OutOfRange,
            VocabularyError::WrongKind { .. } | VocabularyError::Declaration { .. } => {
                ProblemKind::AttributeKind
            }
        }
    }
}

fn names<T: Attribute>() -> Vec<String> {
    T::ALL.iter().map(|v| v.name().to_string()).collect()
}

/// A declared attribute's value in [`CaseBits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DeclaredValue {
    /// The value's bit (enumeration, boolean: `UNKNOWN64` when not stated) or bits (flags).
    Bits(u64),
    /// An integer, when stated.
    Int(Option<i64>),
}

/// A case's attributes resolved against a vocabulary: a bit per enumeration value, the
/// integers as they are. Built once per routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseBits {
    pub(crate) age: Option<Age>,
    pub(crate) household: u16,
    pub(crate) urgency: u16,
    pub(crate) framework: u16,
    pub(crate) signals: u16,
    pub(crate) income: Option<u16>,
    pub(crate) declared: Vec<DeclaredValue>,
}

impl Vocabulary {
    /// The national default: the six national attributes, nothing declared.
    pub fn national() -> Vocabulary {
        static NATIONAL_VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        NATIONAL_VOCABULARY
            .get_or_init(|| {
                Vocabulary::new(&BTreeMap::new()).expect("the national vocabulary is valid")
            })
            .clone()
    }

    /// The national vocabulary extended by `declarations`, or every problem found (each
    /// naming the attribute).
    pub fn new(
        declarations: &BTreeMap<String, AttributeDeclaration>,
    ) -> Result<Vocabulary, Vec<VocabularyError>> {
        let national = |name: &'static str, kind, values: Vec<String>, bounds, slot| Declared {
            name: AttributeName::new(name),
            kind,
            values,
            bounds,
            slot,
        };
        let mut attributes = vec![
            national(
                "age",
                AttributeKind::Integer,
                vec![],
                (0, MAX_AGE.into()),
                Slot::Age,
            ),
            national(
                HouseholdType::FIELD,
                AttributeKind::Enum,
                names::<HouseholdType>(),
                (0, 0),
                Slot::Household,
            ),
            national(
                Urgency::FIELD,
                AttributeKind::Ordered,
                names::<Urgency>(),
                (0, 0),
                Slot::Urgency,
            ),
            national(
                LegalFramework::FIELD,
                AttributeKind::Enum,
                names::<LegalFramework>(),
                (0, 0),
                Slot::Framework,
            ),
            national(
                Signal::FIELD,
                AttributeKind::Flags,
                names::<Signal>(),
                (0, 0),
                Slot::Signals,
            ),
            national(
                "income_pct",
                AttributeKind::Integer,
                vec![],
                (0, u16::MAX.into()),
                Slot::Income,
            ),
        ];
        debug_assert_eq!(attributes.len(), NATIONAL);
        let mut errors = Vec::new();
        let problem = |attribute: &str, reason: &str| VocabularyError::Declaration {
            attribute: attribute.to_string(),
            reason: reason.to_string(),
        };
        let mut declared = 0usize;
        for (name, d) in declarations {
            if let Some(a) = attributes[..NATIONAL]
                .iter_mut()
                .find(|a| a.name.as_str() == name)
            {
                if d.kind.is_some_and(|k| k != a.kind) {
                    errors.push(problem(
                        name,
                        &format!("a national attribute keeps its kind `{}`", a.kind.as_str()),
                    ));
                    continue;
                }
                if matches!(a.kind, AttributeKind::Integer) {
                    errors.push(problem(name, "a national number takes no declaration"));
                    continue;
                }
                a.values.extend(d.values.iter().cloned());
                if a.values.len() > MAX_NATIONAL_VALUES {
                    errors.push(problem(
                        name,
                        &format!("more than {MAX_NATIONAL_VALUES} values"),
                    ));
                }
                check_values(name, &a.values, &mut errors);
                continue;
            }
            if !valid_name(name) {
                errors.push(problem(
                    name,
                    "a name is lowercase letters, digits and `_`, starting with a letter",
                ));
                continue;
            }
            let Some(kind) = d.kind else {
                errors.push(problem(
                    name,
                    "give its `kind`: `enum`, `ordered`, `boolean`, `integer` or `flags`",
                ));
                continue;
            };
            let mut bounds = (0, 0);
            match kind {
                AttributeKind::Enum | AttributeKind::Ordered | AttributeKind::Flags => {
                    if d.values.is_empty() {
                        errors.push(problem(name, "declares no values"));
                    }
                    if d.values.len() > MAX_DECLARED_VALUES {
                        errors.push(problem(
                            name,
                            &format!("more than {MAX_DECLARED_VALUES} values"),
                        ));
                    }
                    if d.min.is_some() || d.max.is_some() {
                        errors.push(problem(name, "only an integer takes `min` and `max`"));
                    }
                    check_values(name, &d.values, &mut errors);
                }
                AttributeKind::Boolean | AttributeKind::Integer => {
                    if !d.values.is_empty() {
                        errors.push(problem(
                            name,
                            &format!("a {} takes no `values`", kind.as_str()),
                        ));
                    }
                    if kind == AttributeKind::Integer {
                        bounds = (d.min.unwrap_or(i64::MIN), d.max.unwrap_or(i64::MAX));
                        if bounds.0 > bounds.1 {
                            errors.push(problem(name, "minimum lies above maximum"));
                        }
                    } else if d.min.is_some() || d.max.is_some() {
                        errors.push(problem(name, "only an integer takes `min` and `max`"));
                    }
                }
            }
            let values = if kind == AttributeKind::Boolean {
                vec!["false".to_string(), "true".to_string()]
            } else {
                d.values.clone()
            };
            attributes.push(Declared {
                name: AttributeName::new(name.clone()),
                kind,
                values,
                bounds,
                slot: Slot::Declared(declared as u16),
            });
            declared += 1;
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let index = attributes
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.to_string(), i))
            .collect();
        Ok(Vocabulary(Arc::new(Inner {
            attributes,
            index,
            declared,
        })))
    }

    /// Every attribute: the national six, then the declared ones (by name).
    pub fn attributes(&self) -> &[Declared] {
        &self.0.attributes
    }

    /// True when the vocabulary is the national one, nothing declared or added.
    pub fn is_national(&self) -> bool {
        *self == Vocabulary::national()
    }

    /// The attribute named `name`, or an error with the closest name when one is close.
    pub fn attribute(&self, name: &str) -> Result<&Declared, VocabularyError> {
        match self.0.index.get(name) {
            Some(&i) => Ok(&self.0.attributes[i]),
            None => Err(VocabularyError::UnknownAttribute {
                attribute: name.to_string(),
                suggestion: Suggestion(suggest(
                    name,
                    self.0.attributes.iter().map(|a| a.name.as_str()),
                )),
            }),
        }
    }

    /// A case's attributes resolved into bits; an error names the first attribute or value
    /// the vocabulary does not declare (never repeating the case's value).
    pub fn resolve(&self, a: &CaseAttributes) -> Result<CaseBits, VocabularyError> {
        fn bit<T: Attribute>(v: T) -> u16 {
            1 << v.index()
        }
        let mut bits = CaseBits {
            age: a.age,
            household: a.household.map_or(UNKNOWN16, bit),
            urgency: bit(a.urgency),
            framework: a.framework.map_or(UNKNOWN16, bit),
            signals: a.signals.iter().fold(0, |m, &s| m | bit(s)),
            income: a.income_pct,
            declared: Vec::new(),
        };
        if self.0.declared > 0 {
            bits.declared = self.0.attributes[NATIONAL..]
                .iter()
                .map(|d| match d.kind {
                    AttributeKind::Integer => DeclaredValue::Int(None),
                    AttributeKind::Flags => DeclaredValue::Bits(0),
                    _ => DeclaredValue::Bits(UNKNOWN64),
                })
                .collect();
        }
        for (name, value) in &a.extra {
            let d = self.attribute(name)?;
            let wrong = || VocabularyError::WrongKind {
                attribute: name.clone(),
                expected: expected(d.kind).into(),
            };
            let word = |w: &str| d.value_index(w, false);
            let words = |ws: &[String]| {
                ws.iter()
                    .try_fold(0u64, |m, w| Ok::<_, VocabularyError>(m | 1 << word(w)?))
            };
            match (d.slot, value) {
                (Slot::Household, AttributeValue::Word(w)) => bits.household = 1 << word(w)?,
                (Slot::Urgency, AttributeValue::Word(w)) => bits.urgency = 1 << word(w)?,
                (Slot::Framework, AttributeValue::Word(w)) => bits.framework = 1 << word(w)?,
                (Slot::Signals, AttributeValue::Word(w)) => bits.signals |= 1 << word(w)?,
                (Slot::Signals, AttributeValue::Words(ws)) => bits.signals |= words(ws)? as u16,
                (Slot::Declared(s), v) => {
                    let slot = &mut bits.declared[s as usize];
                    *slot = match (d.kind, v) {
                        (AttributeKind::Enum | AttributeKind::Ordered, AttributeValue::Word(w)) => {
                            DeclaredValue::Bits(1 << word(w)?)
                        }
                        (AttributeKind::Boolean, AttributeValue::Bool(b)) => {
                            DeclaredValue::Bits(1 << u32::from(*b))
                        }
                        (AttributeKind::Integer, AttributeValue::Int(i)) => {
                            if *i < d.bounds.0 || *i > d.bounds.1 {
                                return Err(VocabularyError::OutOfBounds {
                                    attribute: name.clone(),
                                    min: d.bounds.0,
                                    max: d.bounds.1,
                                });
                            }
                            DeclaredValue::Int(Some(*i))
                        }
                        (AttributeKind::Flags, AttributeValue::Words(ws)) => {
                            DeclaredValue::Bits(words(ws)?)
                        }
                        (AttributeKind::Flags, AttributeValue::Word(w)) => {
                            DeclaredValue::Bits(1 << word(w)?)
                        }
                        _ => return Err(wrong()),
                    };
                }
                _ => return Err(wrong()),
            }
        }
        Ok(bits)
    }
}

/// What an attribute of `kind` takes, in words.
pub(crate) fn expected(kind: AttributeKind) -> &'static str {
    match kind {
        AttributeKind::Enum | AttributeKind::Ordered => "one of its declared words",
        AttributeKind::Boolean => "`true` or `false`",
        AttributeKind::Integer => "a whole number",
        AttributeKind::Flags => "a list of its declared words",
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_values(attribute: &str, values: &[String], errors: &mut Vec<VocabularyError>) {
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            errors.push(VocabularyError::Declaration {
                attribute: attribute.to_string(),
                reason: format!("value `{v}` declared twice"),
            });
        }
        if v.is_empty() {
            errors.push(VocabularyError::Declaration {
                attribute: attribute.to_string(),
                reason: "an empty value".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extension() -> Vocabulary {
        let d: BTreeMap<String, AttributeDeclaration> = toml::from_str(
            r#"
            urgency = { values = ["acute"] }
            has_wlz_indication = { kind = "boolean" }
            language = { kind = "enum", values = ["nl", "en", "ar"] }
            "#,
        )
        .unwrap();
        Vocabulary::new(&d).unwrap()
    }

    #[test]
    fn national_and_extended() {
        let n = Vocabulary::national();
        assert!(n.is_national());
        assert_eq!(n.attributes().len(), 6);
        let v = extension();
        assert!(!v.is_national());
        assert_eq!(
            v.attribute("urgency").unwrap().values(),
            ["normal", "urgent", "crisis", "acute"]
        );
        assert_eq!(
            v.attribute("langauge").unwrap_err().to_string(),
            "unknown attribute `langauge`; did you mean `language`"
        );
        assert_eq!(
            v.attribute("colour").unwrap_err().to_string(),
            "unknown attribute `colour`"
        );
    }

    #[test]
    fn a_case_resolves_and_its_errors_never_echo_the_value() {
        let v = extension();
        let mut a = CaseAttributes::default();
        a.extra
            .insert("urgency".into(), AttributeValue::Word("acute".into()));
        a.extra
            .insert("language".into(), AttributeValue::Word("ar".into()));
        a.extra
            .insert("has_wlz_indication".into(), AttributeValue::Bool(true));
        let b = v.resolve(&a).unwrap();
        assert_eq!(b.urgency, 1 << 3);
        assert_eq!(
            b.declared,
            [DeclaredValue::Bits(1 << 1), DeclaredValue::Bits(1 << 2)],
            "by name: has_wlz_indication, then language"
        );
        a.extra
            .insert("language".into(), AttributeValue::Word("arr".into()));
        let e = v.resolve(&a).unwrap_err().to_string();
        assert_eq!(e, "`language`: unknown value; did you mean `ar`");
        let e = Vocabulary::national().resolve(&a).unwrap_err().to_string();
        assert_eq!(e, "unknown attribute `has_wlz_indication`");
        a.extra.clear();
        a.extra
            .insert("language".into(), AttributeValue::Bool(true));
        assert_eq!(
            v.resolve(&a).unwrap_err().to_string(),
            "`language` takes one of its declared words"
        );
    }

    #[test]
    fn bad_declarations() {
        let d: BTreeMap<String, AttributeDeclaration> = toml::from_str(
            r#"
            urgency = { kind = "enum", values = ["acute"] }
            household = { values = ["single"] }
            Language = { kind = "enum", values = ["nl"] }
            colour = { values = ["red"] }
            empty = { kind = "enum" }
            debts = { kind = "integer", min = 5, max = 1 }
            "#,
        )
        .unwrap();
        let e: Vec<String> = Vocabulary::new(&d)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            e,
            [
                "attribute `Language`: a name is lowercase letters, digits and `_`, starting with a letter",
                "attribute `colour`: give its `kind`: `enum`, `ordered`, `boolean`, `integer` or `flags`",
                "attribute `debts`: minimum lies above maximum",
                "attribute `empty`: declares no values",
                "attribute `household`: value `single` declared twice",
                "attribute `urgency`: a national attribute keeps its kind `ordered`",
            ]
        );
    }
}
