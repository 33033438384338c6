//! Cases: a household with one or more needs, exactly one of them primary (the prio-vraag), the
//! attributes eligibility may test, the citizen's situation, and consent.
//!
//! The model holds no names, BSNs, dates of birth or free text: a case carries a pseudonymous
//! [`CaseId`] and coarse attributes only, so it is safe to log and to show in errors.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::attributes::CaseAttributes;
use crate::directory::Directory;
use crate::ids::{wire_names, CaseId, KernId, NeedCode, ServiceId};

/// One need of a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNeed {
    /// The need code.
    pub need: NeedCode,
    /// True for the central question (prio-vraag); exactly one need of a case is primary.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

/// What happened when the citizen tried a service before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TryOutcome {
    /// The service turned the citizen away.
    Rejected,
    /// The service never answered.
    NoResponse,
    /// The service put the citizen on a waiting list too long to bear.
    WaitedTooLong,
}

wire_names!(
    TryOutcome,
    "try outcome",
    [
        Rejected = "rejected",
        NoResponse = "no_response",
        WaitedTooLong = "waited_too_long",
    ]
);

/// A service the citizen already tried without success.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriedService {
    /// The service.
    pub service: ServiceId,
    /// What happened.
    pub outcome: TryOutcome,
}

/// The citizen's situation at the front door.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Situation {
    /// Does not know where to go.
    #[default]
    DoesNotKnowWhere,
    /// Knows where to go but cannot get through.
    CannotGetThrough {
        /// The services already tried, and what happened.
        tried: Vec<TriedService>,
    },
}

impl Situation {
    /// The services tried without success.
    pub fn tried(&self) -> &[TriedService] {
        match self {
            Situation::DoesNotKnowWhere => &[],
            Situation::CannotGetThrough { tried } => tried,
        }
    }
}

/// What the citizen agreed to share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The case may be shared with the organisations it is routed to.
    #[serde(default)]
    pub share_with_organisations: bool,
}

/// A household's case as files and callers write it, before its invariants are checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseData {
    /// Pseudonymous id.
    pub id: CaseId,
    /// The kern the household lives in.
    pub kern: KernId,
    /// The needs, one of them primary.
    pub needs: Vec<CaseNeed>,
    /// Attributes for conditions and eligibility.
    #[serde(default)]
    pub attributes: CaseAttributes,
    /// The situation at the front door.
    #[serde(default)]
    pub situation: Situation,
    /// Consent.
    #[serde(default)]
    pub consent: Consent,
    /// The date the case was opened; routing uses it when no date is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<NaiveDate>,
}

/// A case whose needs are well-formed: at least one, exactly one primary, none twice.
/// Constructed only through [`Case::new`] (or deserialisation, which calls it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "CaseData", into = "CaseData")]
pub struct Case(CaseData);

/// A case that breaks the case invariants or does not fit the directory. Messages and `Debug`
/// name the case and the field, not the kern, need or service given (a value that matched
/// nothing may be anything typed into the wrong field); the variants keep it for programs.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// The case lists no needs.
    #[error("case `{case}` has no needs")]
    NoNeeds {
        /// The case.
        case: CaseId,
    },
    /// No need is marked primary.
    #[error("case `{case}` has no primary need: mark exactly one need `primary`")]
    NoPrimary {
        /// The case.
        case: CaseId,
    },
    /// More than one need is marked primary.
    #[error("case `{case}` has {count} primary needs: mark exactly one")]
    SeveralPrimary {
        /// The case.
        case: CaseId,
        /// How many.
        count: usize,
    },
    /// The same need is listed twice.
    #[error("case `{case}` lists a need twice")]
    DuplicateNeed {
        /// The case.
        case: CaseId,
        /// The need.
        need: NeedCode,
    },
    /// The kern is not in the directory.
    #[error("case `{case}`: unknown kern (not in the directory)")]
    UnknownKern {
        /// The case.
        case: CaseId,
        /// The kern.
        kern: KernId,
    },
    /// A need is not in the taxonomy.
    #[error("case `{case}`: unknown need (not in the taxonomy)")]
    UnknownNeed {
        /// The case.
        case: CaseId,
        /// The need.
        need: NeedCode,
    },
    /// A tried service is not in the directory.
    #[error("case `{case}`: unknown tried service (not in the directory)")]
    UnknownService {
        /// The case.
        case: CaseId,
        /// The service.
        service: ServiceId,
    },
}

impl std::fmt::Debug for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaseError({self})")
    }
}

impl TryFrom<CaseData> for Case {
    type Error = CaseError;
    fn try_from(d: CaseData) -> Result<Self, CaseError> {
        Case::new(d)
    }
}

impl From<Case> for CaseData {
    fn from(c: Case) -> CaseData {
        c.0
    }
}

impl Case {
    /// Checks the invariants: at least one need, exactly one primary, no need twice. The
    /// primary need is moved to the front, so routing handles it first.
    pub fn new(mut d: CaseData) -> Result<Case, CaseError> {
        if d.needs.is_empty() {
            return Err(CaseError::NoNeeds { case: d.id });
        }
        let count = d.needs.iter().filter(|n| n.primary).count();
        match count {
            0 => return Err(CaseError::NoPrimary { case: d.id }),
            1 => {}
            _ => return Err(CaseError::SeveralPrimary { case: d.id, count }),
        }
        for (i, n) in d.needs.iter().enumerate() {
            if d.needs[..i].iter().any(|m| m.need == n.need) {
                return Err(CaseError::DuplicateNeed {
                    case: d.id.clone(),
                    need: n.need.clone(),
                });
            }
        }
        let p = d.needs.iter().position(|n| n.primary).unwrap_or(0);
        d.needs[..=p].rotate_right(1);
        Ok(Case(d))
    }

    /// Checks that kern, needs and tried services exist in the directory.
    pub fn check(&self, directory: &Directory) -> Result<(), CaseError> {
        if directory.areas().kern(self.0.kern.as_str()).is_none() {
            return Err(CaseError::UnknownKern {
                case: self.0.id.clone(),
                kern: self.0.kern.clone(),
            });
        }
        for n in &self.0.needs {
            if directory.taxonomy().need(n.need.as_str()).is_none() {
                return Err(CaseError::UnknownNeed {
                    case: self.0.id.clone(),
                    need: n.need.clone(),
                });
            }
        }
        for t in self.0.situation.tried() {
            if directory.service(t.service.as_str()).is_none() {
                return Err(CaseError::UnknownService {
                    case: self.0.id.clone(),
                    service: t.service.clone(),
                });
            }
        }
        Ok(())
    }

    /// The case's data.
    pub fn data(&self) -> &CaseData {
        &self.0
    }

    /// The id.
    pub fn id(&self) -> &CaseId {
        &self.0.id
    }

    /// The kern.
    pub fn kern(&self) -> &KernId {
        &self.0.kern
    }

    /// The needs, primary first, then in the order given.
    pub fn needs(&self) -> &[CaseNeed] {
        &self.0.needs
    }

    /// The primary need.
    pub fn primary(&self) -> &NeedCode {
        &self.0.needs[0].need
    }

    /// The attributes.
    pub fn attributes(&self) -> &CaseAttributes {
        &self.0.attributes
    }

    /// The situation.
    pub fn situation(&self) -> &Situation {
        &self.0.situation
    }

    /// Consent.
    pub fn consent(&self) -> Consent {
        self.0.consent
    }

    /// The date opened, if given.
    pub fn opened(&self) -> Option<NaiveDate> {
        self.0.opened
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_outcome_wire_names() {
        crate::ids::assert_wire_names!(TryOutcome);
    }

    fn data(needs: &[(&str, bool)]) -> CaseData {
        CaseData {
            id: "c1".parse().unwrap(),
            kern: "hoofddorp".parse().unwrap(),
            needs: needs
                .iter()
                .map(|(n, p)| CaseNeed {
                    need: n.parse().unwrap(),
                    primary: *p,
                })
                .collect(),
            attributes: Default::default(),
            situation: Default::default(),
            consent: Default::default(),
            opened: None,
        }
    }

    #[test]
    fn primary_rules() {
        assert!(matches!(
            Case::new(data(&[])),
            Err(CaseError::NoNeeds { .. })
        ));
        assert!(matches!(
            Case::new(data(&[("zorg.a", false)])),
            Err(CaseError::NoPrimary { .. })
        ));
        assert!(matches!(
            Case::new(data(&[("zorg.a", true), ("zorg.b", true)])),
            Err(CaseError::SeveralPrimary { count: 2, .. })
        ));
        assert!(matches!(
            Case::new(data(&[("zorg.a", true), ("zorg.a", false)])),
            Err(CaseError::DuplicateNeed { .. })
        ));
        let c = Case::new(data(&[
            ("zorg.a", false),
            ("zorg.b", false),
            ("zorg.c", true),
        ]))
        .unwrap();
        let order: Vec<_> = c.needs().iter().map(|n| n.need.as_str()).collect();
        assert_eq!(order, ["zorg.c", "zorg.a", "zorg.b"]);
        assert_eq!(c.primary().as_str(), "zorg.c");
    }

    #[test]
    fn deserialising_checks_invariants() {
        let bad = r#"{"id":"c1","kern":"hoofddorp","needs":[{"need":"zorg.a"}]}"#;
        let e = serde_json::from_str::<Case>(bad).unwrap_err().to_string();
        assert!(e.contains("no primary need"), "{e}");
    }
}
