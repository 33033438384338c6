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
        let n_cases = self.case_ids.len();
        // Group the rows by case (a counting sort, stable: input order within a case) ...
        // Nothing looks a case up by its id from here on: the lookup table goes meanwhile (a
        // million ids take a while to let go of).
        let map = std::mem::take(&mut self.case_ids.map);
        let ((start, mut grouped), ()) =
            rayon::join(|| group_by_case(&self.ev_case, n_cases), || drop(map));
        // Nor are the rows' case ids needed.
        self.ev_case = Vec::new();
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
        // Each range's case facts, as the range found them (case `c` is `c % per_task` of
        // range `c / per_task`): not copied into one column.
        let mut infos: Vec<Vec<Option<CaseInfo>>> = Vec::with_capacity(checked.len());
        let mut kept_start: Vec<u32> = Vec::with_capacity(n_cases + 1);
        kept_start.push(0);
        let mut n_kept = 0usize;
        for part in checked {
            // (In place when no event before was dropped: nothing to move.)
            if part.from != n_kept {
                grouped.copy_within(part.from..part.from + part.kept, n_kept);
            }
            for n in part.counts {
                n_kept += n as usize;
                kept_start.push(n_kept as u32);
            }
            infos.push(part.infos);
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
            .flatten()
            .enumerate()
            .filter_map(|(c, i)| i.map(|i| (i.opened_at, c as u32)))
            .collect();
        let info = |c: u32| infos[c as usize / per_task][c as usize % per_task];
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
        // Gather the columns in (case, time) order: where each case's events start in it ...
        let mut case_start = Vec::with_capacity(case_order.len() + 1);
        case_start.push(0u32);
        case_start.par_extend(
            case_order
                .par_iter()
                .map(|&(_, old)| kept_start[old as usize + 1] - kept_start[old as usize]),
        );
        for i in 1..case_start.len() {
            case_start[i] += case_start[i - 1];
        }
        // ... the cases' ids and facts in their new order (only the values: nothing looks a
        // case up by its id once the log is built) ...
        let mut new_case_ids = Interner::default();
        let ids = &self.case_ids.values;
        new_case_ids.values = case_order
            .par_iter()
            .map(|&(_, old)| ids[old as usize].clone())
            .collect();
        let cases: Vec<CaseInfo> = case_order
            .par_iter()
            .map(|&(_, old)| info(old).expect("only used cases are ordered"))
            .collect();
        // ... and the order of the events, laid out by ranges of cases on rayon's threads.
        let mut perm: Vec<u32> = Vec::with_capacity(kept.len());
        for_case_ranges(
            &mut perm,
            kept.len(),
            &case_start,
            per_task,
            |cases, out| {
                let mut w = 0;
                for &(_, old) in &case_order[cases] {
                    let evs = &kept
                        [kept_start[old as usize] as usize..kept_start[old as usize + 1] as usize];
                    out[w..w + evs.len()].copy_from_slice(evs);
                    w += evs.len();
                }
            },
        );
        drop((kept, kept_start, infos));
        // The anomalies' events by log index.
        let anomalies: Vec<(u32, LifecycleAnomaly)> = if anomalies.is_empty() {
            Vec::new()
        } else {
            let mut new_index = vec![0u32; n_cases];
            for (new, &(_, old)) in case_order.iter().enumerate() {
                new_index[old as usize] = new as u32;
            }
            anomalies
                .into_iter()
                .map(|(c, k, a)| (case_start[new_index[c as usize] as usize] + k, a))
                .collect()
        };
        drop(case_order);
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
        for_case_ranges(&mut spare, n_kept, &case_start, per_task, |cases, out| {
            let first = case_start[cases.start] as usize;
            for c in cases {
                let (lo, hi) = (case_start[c] as usize, case_start[c + 1] as usize);
                out[lo - first..hi - first].fill(c as u32);
            }
        });
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

/// Groups the events by case, stably (input order within a case): returns where each case's
/// events start (and, last, the number of events) and the events in that order. Rows that
/// already come grouped by case, in the order of the cases' ids (as the readers number a log
/// whose rows come grouped), are in that order already: they are recognised and numbered on
/// rayon's threads; any other order is sorted by counting.
fn group_by_case(ev_case: &[u32], n_cases: usize) -> (Vec<u32>, Vec<u32>) {
    let n_ev = ev_case.len();
    let mut start = vec![0u32; n_cases + 1];
    let mut grouped = Vec::with_capacity(n_ev);
    if ev_case.par_windows(2).all(|w| w[0] <= w[1]) {
        // Case `c` starts at the first event of a case from `c` on.
        let mut c = 0usize;
        for (e, &k) in ev_case.iter().enumerate() {
            while c <= k as usize {
                start[c] = e as u32;
                c += 1;
            }
        }
        start[c..].fill(n_ev as u32);
        grouped.par_extend((0..n_ev as u32).into_par_iter());
        return (start, grouped);
    }
    for &c in ev_case {
        start[c as usize + 1] += 1;
    }
    for i in 0..n_cases {
        start[i + 1] += start[i];
    }
    grouped.resize(n_ev, 0);
    let mut pos = start.clone();
    for (e, &c) in ev_case.iter().enumerate() {
        grouped[pos[c as usize] as usize] = e as u32;
        pos[c as usize] += 1;
    }
    (start, grouped)
}

/// Fills `out` (emptied first) with `len` values, `per_task` cases at a time on rayon's
/// threads: `fill` gets a range of cases and the part of `out` from `case_start` of its first
/// case to that of the case after its last one.
fn for_case_ranges<F>(out: &mut Vec<u32>, len: usize, case_start: &[u32], per_task: usize, fill: F)
where
    F: Fn(Range<usize>, &mut [u32]) + Sync,
{
    out.clear();
    out.resize(len, 0);
    let n_cases = case_start.len().saturating_sub(1);
    let mut tasks: Vec<(Range<usize>, &mut [u32])> = Vec::new();
    let mut rest: &mut [u32] = out;
    let mut lo = 0;
    while lo < n_cases {
        let hi = lo.saturating_add(per_task).min(n_cases);
        let n = (case_start[hi] - case_start[lo]) as usize;
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
        tasks.push((lo..hi, head));
        rest = tail;
        lo = hi;
    }
    tasks
        .into_par_iter()
        .for_each(|(cases, part)| fill(cases, part));
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

    /// Each event's case: either ascending (rows grouped by case in the order of the cases'
    /// ids, some ids with no event), or any order (shuffled, repeats, ties).
    fn event_cases() -> impl Strategy<Value = (Vec<u32>, usize)> {
        (1usize..40).prop_flat_map(|n_cases| {
            let n = n_cases as u32;
            let any = proptest::collection::vec(0..n, 0..200);
            let grouped = any.clone().prop_map(|mut v| {
                v.sort_unstable();
                v
            });
            (prop_oneof![any, grouped], Just(n_cases))
        })
    }

    proptest! {
        /// Grouping the events by case (the fast path for rows that come grouped, and the
        /// counting sort for any other order) gives what a stable sort of the events by case
        /// gives, and each case's start is the number of events of the cases before it.
        #[test]
        fn grouping_by_case_equals_a_stable_sort((cases, n_cases) in event_cases()) {
            let mut expected: Vec<u32> = (0..cases.len() as u32).collect();
            expected.sort_by_key(|&e| cases[e as usize]);
            let expected_start: Vec<u32> = (0..=n_cases as u32)
                .map(|c| cases.iter().filter(|&&k| k < c).count() as u32)
                .collect();
            let (start, grouped) = pool().install(|| super::group_by_case(&cases, n_cases));
            prop_assert_eq!(grouped, expected);
            prop_assert_eq!(start, expected_start);
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
