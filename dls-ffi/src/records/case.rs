//! A household's case: [`CaseRecord`] and its needs and tried services.

use dls_core::cases::{CaseAttributes, CaseData, CaseNeed, Consent, Situation, TriedService};

use super::{parse_date, snake};
use crate::error::{invalid, DlsError};

/// One need of a case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseNeedRecord {
    /// The need code, e.g. `zorg.wmo.huishouden`.
    pub need: String,
    /// True for the household's central question (exactly one per case).
    pub primary: bool,
}

/// A service the citizen already tried without success.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TriedServiceRecord {
    /// The service id.
    pub service: String,
    /// `rejected`, `no_response` or `waited_too_long`.
    pub outcome: String,
}

/// A household's case. No names or BSN: a pseudonymous id and coarse attributes only.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseRecord {
    /// Pseudonymous case id.
    pub id: String,
    /// The kern the household lives in.
    pub kern: String,
    /// The needs, exactly one primary.
    pub needs: Vec<CaseNeedRecord>,
    /// `child`, `youth`, `young_adult`, `adult` or `senior`.
    pub age_band: Option<String>,
    /// `single`, `couple`, `single_parent`, `family` or `other`.
    pub household: Option<String>,
    /// `normal` (when absent), `urgent` or `crisis`.
    pub urgency: Option<String>,
    /// `wmo`, `jeugdwet`, `participatiewet`, `wgs`, `zvw` or `wlz`.
    pub framework: Option<String>,
    /// Early signals, e.g. `rent_arrears`, `threatened_eviction`.
    pub signals: Vec<String>,
    /// Household income as a percentage of the social minimum.
    pub income_pct: Option<u16>,
    /// Services tried without success (the citizen "cannot get through").
    pub tried: Vec<TriedServiceRecord>,
    /// The citizen agreed to share the case with the organisations it is routed to.
    pub share_with_organisations: bool,
    /// The date opened, YYYY-MM-DD.
    pub opened: Option<String>,
}

impl TryFrom<CaseRecord> for dls_core::Case {
    type Error = DlsError;

    /// Field by field into the core's case data, then through the core's own checks (one
    /// primary need, …). Words (age band, urgency, …) are read as the case file format reads
    /// them; an error names the field.
    fn try_from(c: CaseRecord) -> Result<Self, DlsError> {
        fn id<T: std::str::FromStr<Err = dls_core::ids::IdError>>(
            field: &str,
            text: &str,
        ) -> Result<T, DlsError> {
            text.parse()
                .map_err(|e: dls_core::ids::IdError| invalid(format!("field `{field}`: {e}")))
        }
        fn word<T: serde::de::DeserializeOwned>(field: &str, text: &str) -> Result<T, DlsError> {
            use serde::de::IntoDeserializer;
            T::deserialize(text.into_deserializer())
                .map_err(|e: serde::de::value::Error| invalid(format!("field `{field}`: {e}")))
        }
        fn opt<T: serde::de::DeserializeOwned>(
            field: &str,
            text: Option<&str>,
        ) -> Result<Option<T>, DlsError> {
            text.map(|t| word(field, t)).transpose()
        }
        let needs = c
            .needs
            .iter()
            .map(|n| {
                Ok(CaseNeed {
                    need: id("needs.need", &n.need)?,
                    primary: n.primary,
                })
            })
            .collect::<Result<Vec<_>, DlsError>>()?;
        let attributes = CaseAttributes {
            age_band: opt("age_band", c.age_band.as_deref())?,
            household: opt("household", c.household.as_deref())?,
            urgency: opt("urgency", c.urgency.as_deref())?.unwrap_or_default(),
            framework: opt("framework", c.framework.as_deref())?,
            signals: c
                .signals
                .iter()
                .map(|s| word("signals", s))
                .collect::<Result<_, _>>()?,
            income_pct: c.income_pct,
        };
        let situation = if c.tried.is_empty() {
            Situation::DoesNotKnowWhere
        } else {
            Situation::CannotGetThrough {
                tried: c
                    .tried
                    .iter()
                    .map(|t| {
                        Ok(TriedService {
                            service: id("tried.service", &t.service)?,
                            outcome: word("tried.outcome", &t.outcome)?,
                        })
                    })
                    .collect::<Result<_, DlsError>>()?,
            }
        };
        let data = CaseData {
            id: id("id", &c.id)?,
            kern: id("kern", &c.kern)?,
            needs,
            attributes,
            situation,
            consent: Consent {
                share_with_organisations: c.share_with_organisations,
            },
            opened: c.opened.as_deref().map(parse_date).transpose()?,
        };
        dls_core::Case::try_from(data).map_err(|e| invalid(e.to_string()))
    }
}

impl From<&dls_core::Case> for CaseRecord {
    fn from(c: &dls_core::Case) -> Self {
        let a = c.attributes();
        CaseRecord {
            id: c.id().to_string(),
            kern: c.kern().to_string(),
            needs: c
                .needs()
                .iter()
                .map(|n| CaseNeedRecord {
                    need: n.need.to_string(),
                    primary: n.primary,
                })
                .collect(),
            age_band: a.age_band.map(|x| x.to_string()),
            household: a.household.map(|x| x.to_string()),
            urgency: Some(a.urgency.to_string()),
            framework: a.framework.map(|x| x.to_string()),
            signals: a.signals.iter().map(|s| s.to_string()).collect(),
            income_pct: a.income_pct,
            tried: c
                .situation()
                .tried()
                .iter()
                .map(|t| TriedServiceRecord {
                    service: t.service.to_string(),
                    outcome: snake(t.outcome),
                })
                .collect(),
            share_with_organisations: c.consent().share_with_organisations,
            opened: c.opened().map(|d| d.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dls_core::pilot;

    #[test]
    fn every_pilot_case_survives_the_trip_through_its_record() {
        for case in pilot::cases() {
            let back = dls_core::Case::try_from(CaseRecord::from(&case)).expect("converts");
            assert_eq!(back, case);
        }
    }

    fn reason(e: DlsError) -> String {
        match e {
            DlsError::InvalidInput { reason } => reason,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_field_of_a_case_record_is_named() {
        let good = CaseRecord::from(&pilot::cases()[0]);
        let mut c = good.clone();
        c.age_band = Some("elderly".into());
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `age_band`"));
        let mut c = good.clone();
        c.kern = "Hoofddorp centrum!".into();
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `kern`"));
        let mut c = good.clone();
        c.signals = vec!["loud".into()];
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `signals`"));
        let mut c = good.clone();
        c.opened = Some("1 March".into());
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("YYYY-MM-DD"));
        let mut c = good;
        for n in &mut c.needs {
            n.primary = false;
        }
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("primary"));
    }
}
