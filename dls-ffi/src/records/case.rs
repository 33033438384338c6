//! A household's case: [`CaseRecord`], the FFI mirror of the core's
//! [`CaseRow`](dls_core::rows::CaseRow). The core decides what a row means (the first need is
//! the primary need, urgency `normal` and a tried outcome `rejected` when not given); this file
//! only moves fields.

use crate::error::DlsError;
use dls_core::conditions::AttributeValue;
use dls_core::rows::{parse_date, CaseRow, RowError, TriedRow};

/// A service the citizen already tried without success.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TriedServiceRecord {
    /// The service id.
    pub service: String,
    /// `rejected` (when absent), `no_response` or `waited_too_long`.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
}

/// The value of a declared attribute, as the directory's vocabulary declares it: a word of an
/// enumeration, the words of a set of flags, a boolean or an integer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AttributeValueRecord {
    /// A word of an enumeration (`enum`, `ordered`).
    Word {
        /// The word.
        value: String,
    },
    /// The words of a set of flags.
    Words {
        /// The words.
        values: Vec<String>,
    },
    /// A boolean.
    Bool {
        /// The value.
        value: bool,
    },
    /// An integer.
    Integer {
        /// The value.
        value: i64,
    },
}

/// One declared attribute a case states (beyond the national fields of [`CaseRecord`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AttributeRecord {
    /// The attribute's name, as the directory declares it (e.g. `has_wlz_indication`).
    pub name: String,
    /// Its value.
    pub value: AttributeValueRecord,
}

impl From<&AttributeValueRecord> for AttributeValue {
    fn from(v: &AttributeValueRecord) -> AttributeValue {
        match v {
            AttributeValueRecord::Word { value } => AttributeValue::Word(value.clone()),
            AttributeValueRecord::Words { values } => AttributeValue::Words(values.clone()),
            AttributeValueRecord::Bool { value } => AttributeValue::Bool(*value),
            AttributeValueRecord::Integer { value } => AttributeValue::Int(*value),
        }
    }
}

impl From<&AttributeValue> for AttributeValueRecord {
    fn from(v: &AttributeValue) -> AttributeValueRecord {
        match v {
            AttributeValue::Word(value) => AttributeValueRecord::Word {
                value: value.clone(),
            },
            AttributeValue::Words(values) => AttributeValueRecord::Words {
                values: values.clone(),
            },
            AttributeValue::Bool(value) => AttributeValueRecord::Bool { value: *value },
            AttributeValue::Int(value) => AttributeValueRecord::Integer { value: *value },
        }
    }
}

/// A household's case, with the fields of a case row. No names or BSN: a pseudonymous id and
/// coarse attributes only.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseRecord {
    /// Pseudonymous case id.
    pub id: String,
    /// The kern the household lives in.
    pub kern: String,
    /// The need codes, at least one; the first is the household's central question (primary).
    pub needs: Vec<String>,
    /// Age of the person the needs concern, in whole years (0 to 130; never a birth date).
    #[uniffi(default = None)]
    pub age: Option<i64>,
    /// `single`, `couple`, `single_parent`, `family` or `other`.
    #[uniffi(default = None)]
    pub household: Option<String>,
    /// `normal` (when absent), `urgent` or `crisis`.
    #[uniffi(default = None)]
    pub urgency: Option<String>,
    /// `wmo`, `jeugdwet`, `participatiewet`, `wgs`, `zvw` or `wlz`.
    #[uniffi(default = None)]
    pub framework: Option<String>,
    /// Early signals, e.g. `rent_arrears`, `threatened_eviction`.
    #[uniffi(default = [])]
    pub signals: Vec<String>,
    /// Household income as a percentage of the social minimum (0 to 65535).
    #[uniffi(default = None)]
    pub income_pct: Option<i64>,
    /// The declared attributes the case states, by name (checked against the router's
    /// directory: an unknown name or value is refused with the closest declared one).
    #[uniffi(default = [])]
    pub attributes: Vec<AttributeRecord>,
    /// The date opened, YYYY-MM-DD; routing uses it when no date is given.
    #[uniffi(default = None)]
    pub opened: Option<String>,
    /// Services tried without success (the citizen "cannot get through").
    #[uniffi(default = [])]
    pub tried: Vec<TriedServiceRecord>,
    /// The citizen agreed to share the case with the organisations it is routed to.
    #[uniffi(default = false)]
    pub share_with_organisations: bool,
}

impl CaseRecord {
    /// The core's row of this record, borrowing its fields.
    pub fn row(&self) -> Result<CaseRow<'_>, RowError> {
        Ok(CaseRow {
            id: &self.id,
            kern: &self.kern,
            needs: self.needs.iter().map(String::as_str).collect(),
            age: self.age,
            household: self.household.as_deref(),
            urgency: self.urgency.as_deref(),
            framework: self.framework.as_deref(),
            signals: self.signals.iter().map(String::as_str).collect(),
            income_pct: self.income_pct,
            extra: self
                .attributes
                .iter()
                .map(|a| (a.name.as_str(), AttributeValue::from(&a.value)))
                .collect(),
            opened: self
                .opened
                .as_deref()
                .map(|d| parse_date("opened", d))
                .transpose()?,
            tried: self
                .tried
                .iter()
                .map(|t| TriedRow {
                    service: &t.service,
                    outcome: t.outcome.as_deref(),
                })
                .collect(),
            share_with_organisations: self.share_with_organisations,
        })
    }
}

impl From<&dls_core::Case> for CaseRecord {
    fn from(c: &dls_core::Case) -> Self {
        let r = CaseRow::from(c);
        let text = |s: Option<&str>| s.map(str::to_string);
        let texts = |v: Vec<&str>| v.into_iter().map(str::to_string).collect();
        CaseRecord {
            id: r.id.to_string(),
            kern: r.kern.to_string(),
            needs: texts(r.needs),
            age: r.age,
            household: text(r.household),
            urgency: text(r.urgency),
            framework: text(r.framework),
            signals: texts(r.signals),
            income_pct: r.income_pct,
            attributes: r
                .extra
                .iter()
                .map(|(name, value)| AttributeRecord {
                    name: name.to_string(),
                    value: value.into(),
                })
                .collect(),
            opened: r.opened.map(|d| d.to_string()),
            tried: r
                .tried
                .iter()
                .map(|t| TriedServiceRecord {
                    service: t.service.to_string(),
                    outcome: text(t.outcome),
                })
                .collect(),
            share_with_organisations: r.share_with_organisations,
        }
    }
}

/// A case from its JSON form (the case file format).
pub(crate) fn case_of_json(json: &str) -> Result<dls_core::Case, DlsError> {
    // the core's reader: size and depth limits, messages without the input's values or keys
    dls_core::source::parse(json, dls_core::Format::Json, "case JSON").map_err(|e| {
        let e = dls_core::source::redact_keys(&e.to_string());
        crate::error::invalid(format!("invalid case JSON: {e}"))
    })
}
