//! The live capacity ledger ([`dls_core::routing::CapacityLedger`]) as an object a host shares
//! between the threads that route with it (`Router.route(case, ledger = …)`).

use std::sync::Arc;

use dls_core::ids::ServiceId;
use dls_core::routing::{self, CapacityEntry};

use crate::error::{guard, DlsError};
use crate::objects::Router;

/// One service's capacity: open places (0: full) and waiting weeks, null where not known.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CapacityRecord {
    /// The service.
    pub service: String,
    /// Open places now; null when not known (never full).
    pub open_places: Option<u32>,
    /// Waiting time in weeks, where known.
    pub waiting_weeks: Option<u32>,
}

impl From<CapacityEntry> for CapacityRecord {
    fn from(e: CapacityEntry) -> Self {
        CapacityRecord {
            service: e.service.to_string(),
            open_places: e.open_places,
            waiting_weeks: e.waiting_weeks,
        }
    }
}

/// Open places and waiting weeks per service of one router's directory, updated by routing
/// with it and by the host. Safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct CapacityLedger {
    inner: routing::CapacityLedger,
}

impl CapacityLedger {
    /// The core ledger.
    pub(crate) fn core(&self) -> &routing::CapacityLedger {
        &self.inner
    }
}

fn service(id: &str) -> Result<ServiceId, DlsError> {
    Ok(id.parse()?)
}

#[uniffi::export]
impl CapacityLedger {
    /// A ledger for `router`'s services, starting from the directory's capacity figures.
    #[uniffi::constructor]
    pub fn new(router: Arc<Router>) -> Arc<Self> {
        Arc::new(CapacityLedger {
            inner: routing::CapacityLedger::new(router.core()),
        })
    }

    /// The service's figures now.
    pub fn get(&self, service_id: String) -> Result<CapacityRecord, DlsError> {
        guard(|| Ok(self.inner.get(&service(&service_id)?)?.into()))
    }

    /// Replaces the service's figures with the provider's own count (null: not known).
    #[uniffi::method(default(open_places = None, waiting_weeks = None))]
    pub fn set(
        &self,
        service_id: String,
        open_places: Option<u32>,
        waiting_weeks: Option<u32>,
    ) -> Result<(), DlsError> {
        guard(|| {
            let s = service(&service_id)?;
            Ok(self.inner.set(&s, open_places, waiting_weeks)?)
        })
    }

    /// Gives a place back: a referral was turned down, or the care ended.
    pub fn release(&self, service_id: String) -> Result<(), DlsError> {
        guard(|| Ok(self.inner.release(&service(&service_id)?)?))
    }

    /// Every service with a known figure, by service id.
    pub fn snapshot(&self) -> Vec<CapacityRecord> {
        self.inner.snapshot().into_iter().map(Into::into).collect()
    }

    /// Sets every entry of a snapshot; checks them all first, so on an error nothing changes.
    pub fn restore(&self, entries: Vec<CapacityRecord>) -> Result<(), DlsError> {
        guard(|| {
            let parsed = entries
                .iter()
                .map(|e| {
                    Ok(CapacityEntry {
                        service: service(&e.service)?,
                        open_places: e.open_places,
                        waiting_weeks: e.waiting_weeks,
                    })
                })
                .collect::<Result<Vec<_>, DlsError>>()?;
            Ok(self.inner.restore(&parsed)?)
        })
    }
}
