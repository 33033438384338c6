//! The live capacity ledger: open places and waiting time per service, shared between threads,
//! that routing consults and updates instead of the directory's snapshot.
//!
//! A [`CapacityLedger`] starts from the directory's [`Capacity`](crate::directory::Capacity)
//! of each service. [`Router::route_reserving`] routes against it: while the rule set says
//! capacity counts ([`CapacityPolicy`](crate::rules::CapacityPolicy) other than `ignore`), a
//! service with no open places is skipped as full (the trace names its waiting time), and each
//! need sent to a service with a known number of places takes one, atomically, so two threads
//! routing at once never send more needs to a service than it has places. The host gives
//! places back with [`CapacityLedger::release`] (the referral was turned down, or the care
//! ended) and replaces a service's figures with the provider's own count with
//! [`CapacityLedger::set`]. [`CapacityLedger::snapshot`] and [`CapacityLedger::restore`] keep
//! the ledger as data between runs.
//!
//! ```
//! use dls_core::{pilot, routing::{CapacityLedger, RouteOptions, Router}};
//! let router = Router::new(&pilot::rules());
//! let ledger = CapacityLedger::new(&router);
//! let case = &pilot::cases()[0];
//! let date = case.opened().unwrap();
//! let d = router.route_reserving(case, date, RouteOptions::FAST, &ledger).unwrap();
//! assert_eq!(d.needs.len(), case.needs().len());
//! ```

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Router;
use crate::ids::ServiceId;

/// "Not known" in a slot.
const UNKNOWN: u32 = u32::MAX;

/// A capacity figure that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CapacityError {
    /// The service is not in the router's directory.
    #[error("unknown service `{service}`")]
    UnknownService {
        /// The service.
        service: ServiceId,
    },
    /// A figure the ledger cannot keep (`u32::MAX`, which it uses for "not known").
    #[error("service `{service}`: {field} must be below {max}", max = UNKNOWN)]
    TooLarge {
        /// The service.
        service: ServiceId,
        /// `open_places` or `waiting_weeks`.
        field: &'static str,
    },
    /// The ledger was made for another router.
    #[error("the capacity ledger was made for another router")]
    OtherRouter,
}

/// The capacity of one service, as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CapacityEntry {
    /// The service.
    pub service: ServiceId,
    /// Open places now (`0`: full); `None` when not known (never full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_places: Option<u32>,
    /// Current waiting time in weeks, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_weeks: Option<u32>,
}

#[derive(Debug)]
struct Slot {
    open: AtomicU32,
    waiting_weeks: AtomicU32,
}

/// Open places and waiting time per service of one router's directory, updated by routing
/// ([`Router::route_reserving`]) and by the host. `Send + Sync`: share it (e.g. in an `Arc`)
/// between the threads that route.
pub struct CapacityLedger {
    /// The router whose service indices the slots follow.
    owner: Arc<super::index::Inner>,
    slots: Box<[Slot]>,
}

impl std::fmt::Debug for CapacityLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CapacityLedger({} services)", self.slots.len())
    }
}

fn known(v: u32) -> Option<u32> {
    (v != UNKNOWN).then_some(v)
}

impl CapacityLedger {
    /// A ledger for `router`'s services, starting from the directory's capacity figures.
    pub fn new(router: &Router) -> CapacityLedger {
        let slots = router
            .directory()
            .services()
            .iter()
            .map(|s| {
                let c = s.capacity.unwrap_or_default();
                Slot {
                    open: AtomicU32::new(c.open_places.map_or(UNKNOWN, |v| v.min(UNKNOWN - 1))),
                    waiting_weeks: AtomicU32::new(
                        c.waiting_weeks.map_or(UNKNOWN, |v| v.min(UNKNOWN - 1)),
                    ),
                }
            })
            .collect();
        CapacityLedger {
            owner: router.0.clone(),
            slots,
        }
    }

    /// Fails unless the ledger was made for `router` (or a clone of it).
    pub(super) fn check_owner(&self, router: &Router) -> Result<(), CapacityError> {
        if Arc::ptr_eq(&self.owner, &router.0) {
            Ok(())
        } else {
            Err(CapacityError::OtherRouter)
        }
    }

    fn index(&self, service: &ServiceId) -> Result<usize, CapacityError> {
        self.owner
            .rules
            .directory()
            .service_index(service.as_str())
            .ok_or_else(|| CapacityError::UnknownService {
                service: service.clone(),
            })
    }

    /// The service's capacity now.
    pub fn get(&self, service: &ServiceId) -> Result<CapacityEntry, CapacityError> {
        let slot = &self.slots[self.index(service)?];
        Ok(CapacityEntry {
            service: service.clone(),
            open_places: known(slot.open.load(Ordering::Acquire)),
            waiting_weeks: known(slot.waiting_weeks.load(Ordering::Acquire)),
        })
    }

    /// Replaces a service's figures with the provider's own count (`None`: not known).
    pub fn set(
        &self,
        service: &ServiceId,
        open_places: Option<u32>,
        waiting_weeks: Option<u32>,
    ) -> Result<(), CapacityError> {
        let slot = &self.slots[self.index(service)?];
        let check = |v: Option<u32>, field: &'static str| match v {
            Some(UNKNOWN) => Err(CapacityError::TooLarge {
                service: service.clone(),
                field,
            }),
            v => Ok(v.unwrap_or(UNKNOWN)),
        };
        let (open, weeks) = (
            check(open_places, "open_places")?,
            check(waiting_weeks, "waiting_weeks")?,
        );
        slot.open.store(open, Ordering::Release);
        slot.waiting_weeks.store(weeks, Ordering::Release);
        Ok(())
    }

    /// Gives a place back: a referral to the service was turned down or bounced, or the care
    /// it gave ended. Nothing changes for a service whose places are not known.
    pub fn release(&self, service: &ServiceId) -> Result<(), CapacityError> {
        let slot = &self.slots[self.index(service)?];
        let _ = slot
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                (v < UNKNOWN - 1).then(|| v + 1)
            });
        Ok(())
    }

    /// Every service with a known figure, by service id: the ledger as data.
    pub fn snapshot(&self) -> Vec<CapacityEntry> {
        let dir = self.owner.rules.directory();
        let mut out: Vec<CapacityEntry> = dir
            .services()
            .iter()
            .zip(self.slots.iter())
            .filter_map(|(s, slot)| {
                let open_places = known(slot.open.load(Ordering::Acquire));
                let waiting_weeks = known(slot.waiting_weeks.load(Ordering::Acquire));
                (open_places.is_some() || waiting_weeks.is_some()).then(|| CapacityEntry {
                    service: s.id.clone(),
                    open_places,
                    waiting_weeks,
                })
            })
            .collect();
        out.sort_by(|a, b| a.service.cmp(&b.service));
        out
    }

    /// Sets every entry of a snapshot (services not in it keep their figures). Checks every
    /// entry before changing any: on an error the ledger is unchanged.
    pub fn restore(&self, entries: &[CapacityEntry]) -> Result<(), CapacityError> {
        for e in entries {
            self.index(&e.service)?;
            for (v, field) in [
                (e.open_places, "open_places"),
                (e.waiting_weeks, "waiting_weeks"),
            ] {
                if v == Some(UNKNOWN) {
                    return Err(CapacityError::TooLarge {
                        service: e.service.clone(),
                        field,
                    });
                }
            }
        }
        for e in entries {
            self.set(&e.service, e.open_places, e.waiting_weeks)?;
        }
        Ok(())
    }

    /// True when the service (by index) has no open place.
    #[inline]
    pub(super) fn is_full(&self, s: u32) -> bool {
        self.slots[s as usize].open.load(Ordering::Acquire) == 0
    }

    /// The service's waiting weeks (by index), `u32::MAX` when not known.
    #[inline]
    pub(super) fn waiting_weeks(&self, s: u32) -> u32 {
        self.slots[s as usize].waiting_weeks.load(Ordering::Acquire)
    }

    /// Takes a place at the service (by index): false when it has none left. A service whose
    /// places are not known always has room.
    #[inline]
    pub(super) fn take(&self, s: u32) -> bool {
        self.slots[s as usize]
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| match v {
                UNKNOWN => Some(UNKNOWN),
                0 => None,
                v => Some(v - 1),
            })
            .is_ok()
    }

    /// Gives back a place taken by [`CapacityLedger::take`] (by index).
    pub(super) fn give_back(&self, s: u32) {
        let _ =
            self.slots[s as usize]
                .open
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                    (v < UNKNOWN - 1).then(|| v + 1)
                });
    }
}
