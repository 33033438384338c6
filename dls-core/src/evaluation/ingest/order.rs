//! Putting the rows read in order: grouped by case, each case in time order (see "Order" in the
//! [module docs](super)), the order checks applied (not opened, already opened, duplicate, too
//! many events), then the cases in their canonical order and the columns gathered in it.
//!
//! Cases are independent, so they are sorted and checked in ranges on rayon's threads, and the
//! columns are gathered on them too; every range is checked exactly as one pass over all cases
//! would (the rows rejected and the warnings are put in row order afterwards), so the result
//! does not depend on the number of threads.

use std::ops::Range;
use std::time::Instant;

use rayon::prelude::*;

use super::timing::{self, Step};
use super::{
    CaseInfo, EventLog, Interner, RejectReason, RejectedRow, RowNumbers, RowWarning, WarningKind,
    WithoutOpened, FW_NONE, NONE,
};
use crate::events::Activity;
use crate::lifecycle::LifecycleAnomaly;

/// Cases sorted and checked by one task.
pub(super) const CASES_PER_TASK: usize = 16 * 1024;

/// What checking one range of cases found.
struct Checked {
    /// Where the range's events start in the grouped events.
    from: usize,
    /// How many of them were kept (moved to the front of the range).
    kept: usize,
    /// Events kept per case of the range.
    counts: Vec<u32>,
    /// Each case's facts, or `None` when no row of it was used.
    infos: Vec<Option<CaseInfo>>,
    /// Events kept that break the life cycle: the case, the event's place among the case's
    /// events kept, and the anomaly.
    anomalies: Vec<(u32, u32, LifecycleAnomaly)>,
    rejected: Vec<RejectedRow>,
    warnings: Vec<RowWarning>,
}

impl EventLog {
    /// Orders the rows read into cases and time, applies the order checks, and drops the
    /// staging columns, sorting and checking `per_task` cases at a time. Returns the rows
    /// rejected here (not opened, already opened, duplicate), the rows used with a warning,
    /// and the events that break the life cycle (by log index).
    pub(super) fn finish(
        &mut self,
        without_opened: WithoutOpened,
        per_task: usize,
    ) -> (
        Vec<RejectedRow>,
        Vec<RowWarning>,
        Vec<(u32, LifecycleAnomaly)>,
    ) {
        let t = Instant::now();
        let n_ev = self.ev_case.len();
        let n_cases = self.case_ids.len();
        // Group the rows by case (a counting sort, stable: input order within a case) ...
        let mut start = vec![0u32; n_cases + 1];
        for &c in &self.ev_case {
            start[c as usize + 1] += 1;
        }
        for i in 0..n_cases {
            start[i + 1] += start[i];
        }
        let mut grouped = vec![0u32; n_ev];
        {
            let mut pos = start.clone();
            for (e, &c) in self.ev_case.iter().enumerate() {
                grouped[pos[c as usize] as usize] = e as u32;
                pos[c as usize] += 1;
            }
        }
        // Nothing looks a case up by its id from here on, nor needs its rows' case ids.
        self.ev_case = Vec::new();
        self.case_ids.map = Default::default();
        // ... then each case by (timestamp, activity rank, input position), and check it: in
        // ranges of cases, each over its own part of `grouped`.
        let mut tasks: Vec<(Range<usize>, &mut [u32])> = Vec::new();
        {
            let mut rest: &mut [u32] = &mut grouped;
            let mut lo = 0;
            while lo < n_cases {
                let hi = lo.saturating_add(per_task).min(n_cases);
                let len = (start[hi] - start[lo]) as usize;
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
                tasks.push((lo..hi, head));
                rest = tail;
                lo = hi;
            }
        }
        let this = &*self;
        let checked: Vec<Checked> = tasks
            .into_par_iter()
            .map(|(cases, evs)| this.check_cases(cases, &start, evs, without_opened))
            .collect();
        // The kept events of every range together, in case order.
        let mut rejected = Vec::new();
        let mut warnings = Vec::new();
        let mut anomalies = Vec::new();
        let mut infos: Vec<Option<CaseInfo>> = Vec::with_capacity(n_cases);
        let mut kept_start: Vec<u32> = Vec::with_capacity(n_cases + 1);
        kept_start.push(0);
        let mut n_kept = 0usize;
        for part in checked {
            grouped.copy_within(part.from..part.from + part.kept, n_kept);
            for n in part.counts {
                n_kept += n as usize;
                kept_start.push(n_kept as u32);
            }
            infos.extend(part.infos);
            rejected.extend(part.rejected);
            warnings.extend(part.warnings);
            anomalies.extend(part.anomalies);
        }
        // Every row number needed is taken: the staging columns go.
        self.ev_row = RowNumbers::default();
        self.ev_attr = Vec::new();
        self.attrs = Vec::new();
        grouped.truncate(n_kept);
        let kept = grouped;
        drop(start);
        // Cases in a canonical order: by opening instant, then case id. Cases with no row used
        // have no events and are left out.
        let mut case_order: Vec<(i64, u32)> = infos
            .iter()
            .enumerate()
            .filter_map(|(c, i)| i.map(|i| (i.opened_at, c as u32)))
            .collect();
        {
            let ids = &self.case_ids.values;
            let cmp = |a: &(i64, u32), b: &(i64, u32)| {
                a.0.cmp(&b.0)
                    .then_with(|| ids[a.1 as usize].cmp(&ids[b.1 as usize]))
            };
            if !case_order.is_sorted_by(|a, b| cmp(a, b).is_le()) {
                case_order.par_sort_unstable_by(cmp);
            }
        }
        timing::add(Step::Order, t);
        let t = Instant::now();
        // Gather the columns in (case, time) order.
        let mut new_case_ids = Interner::default();
        let mut cases = Vec::with_capacity(case_order.len());
        let mut case_start = Vec::with_capacity(case_order.len() + 1);
        let mut perm: Vec<u32> = Vec::with_capacity(kept.len());
        case_start.push(0u32);
        // Only the values: nothing looks a case up by its id once the log is built.
        new_case_ids.values.reserve(case_order.len());
        for &(_, old) in &case_order {
            let old = old as usize;
            new_case_ids.values.push(self.case_ids.values[old].clone());
            cases.push(infos[old].expect("only used cases are ordered"));
            let evs = &kept[kept_start[old] as usize..kept_start[old + 1] as usize];
            perm.extend_from_slice(evs);
            case_start.push(perm.len() as u32);
        }
        drop((kept, kept_start, infos));
        // The anomalies' events by log index.
        let mut new_index = vec![0u32; n_cases];
        for (new, &(_, old)) in case_order.iter().enumerate() {
            new_index[old as usize] = new as u32;
        }
        drop(case_order);
        let anomalies: Vec<(u32, LifecycleAnomaly)> = anomalies
            .into_iter()
            .map(|(c, k, a)| (case_start[new_index[c as usize] as usize] + k, a))
            .collect();
        drop(new_index);
        // Each column gathered into the memory of the one of its type gathered before (fresh
        // memory costs a page fault a page, and freed memory is not at once given back).
        let mut spare: Vec<u32> = Vec::new();
        gather(&mut self.ev_at, &perm, &mut Vec::new());
        gather(&mut self.ev_us, &perm, &mut spare);
        gather(&mut self.ev_org, &perm, &mut spare);
        gather(&mut self.ev_service, &perm, &mut spare);
        gather(&mut self.ev_need, &perm, &mut spare);
        gather(&mut self.ev_act, &perm, &mut Vec::new());
        gather(&mut self.ev_reason, &perm, &mut Vec::new());
        self.extras
            .finish(&perm, &case_start, &self.ev_at, &self.ev_us);
        drop(perm);
        // Each event's case (in the memory of the last column gathered).
        spare.clear();
        for (c, w) in case_start.windows(2).enumerate() {
            spare.extend(std::iter::repeat_n(c as u32, (w[1] - w[0]) as usize));
        }
        self.ev_case = spare;
        self.case_start = case_start;
        self.cases = cases;
        self.case_ids = new_case_ids;
        timing::add(Step::Gather, t);
        (rejected, warnings, anomalies)
    }

    /// Sorts and checks the cases `cases`, whose events (grouped, in input order within a
    /// case) are `evs`, starting at `start[cases.start]`; moves the events kept to the front
    /// of `evs`, in order, and runs the life-cycle check over them.
    fn check_cases(
        &self,
        cases: Range<usize>,
        start: &[u32],
        evs: &mut [u32],
        without_opened: WithoutOpened,
    ) -> Checked {
        let from = start[cases.start] as usize;
        let first_case = cases.start;
        let cmp = |a: &u32, b: &u32| self.event_cmp(*a as usize, *b as usize);
        let mut rejected = Vec::new();
        let mut warnings = Vec::new();
        let mut counts = Vec::with_capacity(cases.len());
        let mut infos = Vec::with_capacity(cases.len());
        // Events kept so far: `evs[..w]` (never past the event being read).
        let mut w = 0usize;
        for c in cases {
            let (lo, hi) = (start[c] as usize - from, start[c + 1] as usize - from);
            let case = &mut evs[lo..hi];
            if !case.is_sorted_by(|a, b| cmp(a, b).is_le()) {
                case.sort_unstable_by(cmp);
            }
            let first = w;
            let mut info: Option<CaseInfo> = None;
            for r in lo..hi {
                let e = evs[r];
                let i = e as usize;
                let reject = |reason, field: Option<&str>| RejectedRow {
                    row: self.ev_row.get(i),
                    reason,
                    field: field.map(str::to_string),
                };
                let Some(inf) = info.as_mut() else {
                    if self.ev_act[i] != Activity::Opened {
                        if without_opened == WithoutOpened::Reject {
                            rejected.push(reject(RejectReason::NotOpened, None));
                            continue;
                        }
                        warnings.push(RowWarning {
                            row: self.ev_row.get(i),
                            kind: WarningKind::StartedWithoutOpened,
                            reason: None,
                            field: None,
                        });
                    }
                    let mut new = CaseInfo {
                        opened_at: self.ev_at[i],
                        opened_us: self.ev_us[i],
                        kern: NONE,
                        municipality: NONE,
                        region: NONE,
                        domain: NONE,
                        phase: NONE,
                        need: NONE,
                        framework: FW_NONE,
                        urgent: 0,
                    };
                    self.apply_attrs(&mut new, i);
                    info = Some(new);
                    evs[w] = e;
                    w += 1;
                    continue;
                };
                let duplicate = evs[first..w]
                    .iter()
                    .rev()
                    .take_while(|&&k| {
                        let k = k as usize;
                        (self.ev_at[k], self.ev_us[k]) == (self.ev_at[i], self.ev_us[i])
                    })
                    .any(|&k| {
                        let k = k as usize;
                        self.ev_act[k] == self.ev_act[i]
                            && self.ev_org[k] == self.ev_org[i]
                            && self.ev_service[k] == self.ev_service[i]
                            && self.ev_need[k] == self.ev_need[i]
                            && self.ev_reason[k] == self.ev_reason[i]
                    });
                if w - first >= crate::limits::MAX_EVENTS_PER_CASE {
                    rejected.push(reject(RejectReason::TooManyEvents, None));
                } else if duplicate {
                    rejected.push(reject(RejectReason::DuplicateEvent, None));
                } else if self.ev_act[i] == Activity::Opened {
                    rejected.push(reject(RejectReason::AlreadyOpened, Some("activity")));
                } else {
                    self.apply_attrs(inf, i);
                    evs[w] = e;
                    w += 1;
                }
            }
            infos.push(info);
            counts.push((w - first) as u32);
        }
        // The life cycle of each case, over its events kept (in time order).
        let mut ends = Vec::with_capacity(counts.len());
        let mut at = 0usize;
        for &n in &counts {
            at += n as usize;
            ends.push(at);
        }
        let kept = &evs[..w];
        let found = crate::lifecycle::check_columns(
            (0..counts.len()).map(|k| {
                let lo = if k == 0 { 0 } else { ends[k - 1] };
                &kept[lo..ends[k]]
            }),
            &self.ev_act,
            &self.ev_org,
            &self.ev_service,
            |i| self.ev_row.get(i),
        );
        // Found in event order: each one's place and case by walking forward.
        let mut anomalies = Vec::with_capacity(found.len());
        let (mut p, mut k) = (0usize, 0usize);
        for (e, a) in found {
            while kept[p] != e {
                p += 1;
            }
            while ends[k] <= p {
                k += 1;
            }
            let case_from = if k == 0 { 0 } else { ends[k - 1] };
            anomalies.push(((first_case + k) as u32, (p - case_from) as u32, a));
        }
        Checked {
            from,
            kept: w,
            counts,
            infos,
            anomalies,
            rejected,
            warnings,
        }
    }
}

/// Replaces `v` by its values at the indexes `perm` (on rayon's threads), written in the memory
/// of `spare`; `spare` is left with the memory of `v`.
fn gather<T: Copy + Send + Sync>(v: &mut Vec<T>, perm: &[u32], spare: &mut Vec<T>) {
    spare.clear();
    spare.par_extend(perm.par_iter().map(|&e| v[e as usize]));
    std::mem::swap(v, spare);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{EventFields, EventLogBuilder, LogMapping, Timestamp, WithoutOpened};

    /// One row: case, second, activity, organisation (from small sets, so that cases share
    /// instants, repeat events, open twice or not at all).
    fn row() -> impl Strategy<Value = (u8, u8, usize, u8)> {
        (0u8..40, 0u8..6, 0usize..6, 0u8..3)
    }

    proptest! {
        /// Sorting and checking the cases in ranges on several threads gives exactly what one
        /// pass over all cases gives, wherever the ranges are cut.
        #[test]
        fn checking_cases_in_ranges_equals_one_pass(
            rows in proptest::collection::vec(row(), 0..300),
            per_task in 1usize..50,
            start_without_opened: bool,
        ) {
            let acts = ["opened", "referred", "accepted", "bounced", "closed", "nonsense"];
            let mapping = LogMapping {
                without_opened: if start_without_opened {
                    WithoutOpened::StartAtFirstEvent
                } else {
                    WithoutOpened::Reject
                },
                unmapped_activities: super::super::Unmapped::Other,
                ..LogMapping::dls()
            };
            let read = |per_task: usize| {
                let mut b = EventLogBuilder::with_mapping(&mapping);
                for (i, &(case, sec, act, org)) in rows.iter().enumerate() {
                    let case = format!("c{case}");
                    let at = format!("2026-01-05T09:00:0{sec}Z");
                    let org = format!("org{org}");
                    b.push(
                        i as u64 + 1,
                        EventFields {
                            case_id: Some(&case),
                            timestamp: Some(Timestamp::Text(&at)),
                            activity: Some(acts[act]),
                            organisation: (org != "org0").then_some(org.as_str()),
                            kern: (sec % 2 == 0).then_some("k1"),
                            ..EventFields::default()
                        },
                    );
                }
                pool().install(|| format!("{:?}", b.finish_in(per_task)))
            };
            prop_assert_eq!(read(usize::MAX), read(per_task));
        }
    }

    /// Removing the events that break the life cycle (strict mode) keeps every other event's
    /// fraction of a second with it (it kept the removed event's in its place).
    #[test]
    fn strict_removal_keeps_the_microseconds_of_the_events_left() {
        let csv = "case_id,timestamp,activity,organisation\n\
                   c1,2026-03-02T09:00:00Z,opened,\n\
                   c1,2026-03-02T09:30:00.5Z,accepted,gem\n\
                   c1,2026-03-02T10:00:00.25Z,referred,gem\n";
        let strict = crate::evaluation::ingest_csv_str(csv).unwrap().strict();
        let micros: Vec<u32> = strict
            .log
            .events()
            .iter()
            .map(|e| e.at.timestamp_subsec_micros())
            .collect();
        assert_eq!(micros, vec![0, 250_000]);
    }

    fn pool() -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
    }
}
