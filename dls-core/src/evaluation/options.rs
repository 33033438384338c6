//! How to evaluate: the options every entry point of evaluation takes.

use chrono::{DateTime, Utc};

use super::clocks::LegalConfig;
use super::disclosure::Disclosure;
use super::table::Dim;
use crate::directory::Directory;

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The directory that decides which services cover which needs (see [`metrics`](super::metrics)); without
    /// one, any acceptance for the case's need counts. It also places a case's kern in its
    /// municipality and region when the log states neither.
    pub directory: Option<Directory>,
    /// Legal clock terms and calendar.
    pub legal: LegalConfig,
    /// The evaluation instant: running clocks past their deadline on this day are overdue.
    /// `None`: running clocks are reported as running.
    pub as_of: Option<DateTime<Utc>>,
    /// Dimensions of the aggregate table.
    pub group_by: Vec<Dim>,
    /// Disclosure control for the summary (on by default).
    pub disclosure: Disclosure,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            directory: None,
            legal: LegalConfig::default(),
            as_of: None,
            group_by: vec![Dim::Kern, Dim::Month],
            disclosure: Disclosure::default(),
        }
    }
}
