//! A household's case: [`CaseRecord`], the FFI mirror of the core's
//! [`CaseRow`](dls_core::rows::CaseRow). The core decides what a row means (the first need is
//! the primary need, urgency `normal` and a tried outcome `rejected` when not given); this file
//! only moves fields.

use crate::error::DlsError;
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
            // declared attributes are not converted by this binding yet
            extra: Vec::new(),
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
