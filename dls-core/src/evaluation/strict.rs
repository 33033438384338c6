//! Strict ingest: events that break the referral life cycle ([`crate::lifecycle`]) rejected
//! instead of used.

use super::ingest::{Ingested, RejectReason, RejectedRow};

impl Ingested {
    /// The same log with every event that breaks the referral life cycle removed and counted as
    /// a rejected row ([`RejectReason::BreaksLifecycle`], field `activity`). The anomalies stay
    /// listed (they say why). A breach never changes how the events after it are judged, so
    /// the anomalies are the same in both modes; only what is used differs. The case's
    /// attributes stated on a removed row stay (they are read from the first row that states
    /// them). `rows_read == rows_used + rejected.len()` still holds.
    ///
    /// ```
    /// use dls_core::evaluation::{ingest_csv_str, RejectReason};
    ///
    /// let csv = "case_id,timestamp,activity,organisation\n\
    ///            c1,2026-03-02T09:00:00Z,opened,\n\
    ///            c1,2026-03-03T09:00:00Z,accepted,gem\n";
    /// let lenient = ingest_csv_str(csv).unwrap();
    /// assert_eq!((lenient.rows_used, lenient.anomalies.len()), (2, 1));
    /// assert_eq!(lenient.anomalies[0].row, 3);
    /// let strict = lenient.strict();
    /// assert_eq!(strict.rows_used, 1);
    /// assert_eq!(strict.rejected[0].reason, RejectReason::BreaksLifecycle);
    /// ```
    pub fn strict(mut self) -> Ingested {
        if self.anomaly_events.is_empty() {
            return self;
        }
        let mut drop = vec![false; self.log.len()];
        for &e in &self.anomaly_events {
            drop[e as usize] = true;
        }
        self.log.remove_events(&drop);
        self.rejected
            .extend(self.anomalies.iter().map(|a| RejectedRow {
                row: a.row,
                reason: RejectReason::BreaksLifecycle,
                field: Some("activity".to_owned()),
            }));
        self.rejected.sort_by_key(|r| r.row);
        self.rows_used = self.log.len() as u64;
        self.anomaly_events.clear();
        self
    }
}
