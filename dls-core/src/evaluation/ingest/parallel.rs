//! Reading on several threads: the rows of a log are split into chunks at row boundaries, each
//! chunk is checked by a builder of its own (on rayon's threads), and the builders are merged
//! into one in input order. The merged builder is exactly the one a single builder reading
//! every row in order would have made: ids are interned in the same order (each chunk's in its
//! order of first appearance, chunk after chunk), row numbers are the input's, and the unmapped
//! activities listed are the same (the cap of [`MAX_UNMAPPED_LISTED`] applies while merging, in
//! input order). So the result does not depend on the number of threads, nor on where the
//! chunks were cut.

use std::collections::hash_map::Entry;

use rayon::prelude::*;

use super::timing;
use super::{EventLog, EventLogBuilder, Interner, MAX_UNMAPPED_LISTED, NONE};

impl Interner {
    /// Interns the values of `other` (checked when it interned them), in its order, and empties
    /// it (keeping its memory for reuse); returns the id here of each of its ids.
    pub(super) fn absorb(&mut self, other: &mut Interner) -> Vec<u32> {
        other.map.clear();
        other.last = None;
        other
            .values
            .drain(..)
            // One lookup a value (most of a chunk's case ids are new here).
            .map(|v| match self.map.entry(v) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    let i = self.values.len() as u32;
                    self.values.push(e.key().clone());
                    e.insert(i);
                    i
                }
            })
            .collect()
    }
}

/// How the ids of a chunk's columns map to the builder's that absorbed it.
struct Remap {
    case_ids: Vec<u32>,
    orgs: Vec<u32>,
    services: Vec<u32>,
    needs: Vec<u32>,
    /// Where the chunk's case attribute entries start.
    attr_base: u32,
}

/// Moves the values of the columns `from` to the end of `to`, in order (each of `from` keeps
/// its memory).
fn append<T: Copy>(to: &mut Vec<T>, from: Vec<&mut Vec<T>>) {
    for f in from {
        to.extend_from_slice(f);
        f.clear();
    }
}

/// Moves the ids of the columns `from` to the end of `to`, in order, each mapped through its
/// table.
fn append_ids(to: &mut Vec<u32>, from: Vec<(&mut Vec<u32>, &[u32])>) {
    for (f, ids) in from {
        to.extend(f.drain(..).map(|v| remap(ids, v)));
    }
}

/// Maps an id through `ids` ([`NONE`] stays none).
fn remap(ids: &[u32], v: u32) -> u32 {
    if v == NONE {
        NONE
    } else {
        ids[v as usize]
    }
}

impl EventLogBuilder {
    /// Counts `n` rows with the unmapped activity `key`.
    pub(super) fn count_unmapped(&mut self, key: &str, n: u64) {
        match self.unmapped.get_mut(key) {
            Some(k) => *k += n,
            None => {
                self.unmapped.insert(key.into(), n);
                self.unmapped_first.push(key.into());
            }
        }
    }

    /// An empty builder for one chunk of the rows this one reads: the same mapping, every
    /// unmapped activity listed (the cap applies in [`absorb`](Self::absorb)).
    pub(super) fn chunk_builder(&self) -> EventLogBuilder {
        let mut b = EventLogBuilder {
            mapping: self.mapping.clone(),
            uncapped: true,
            ..EventLogBuilder::default()
        };
        b.log.extras = self.log.extras.empty_like();
        // A chunk's case ids are looked up by value when it is merged (into ids told apart by
        // value): within the chunk, runs are enough.
        b.log.case_ids.runs_only = true;
        b
    }

    /// Appends everything of the chunk `other` read (made by
    /// [`chunk_builder`](Self::chunk_builder)) but its event columns, whose row numbers are
    /// relative to `row_offset` (its row 1 is row `row_offset + 1` here): its ids are interned
    /// here, in its order. Returns how its columns' ids map to this builder's, for
    /// [`absorb_columns`](Self::absorb_columns), which must follow (for the chunks in the same
    /// order) before another chunk is absorbed.
    fn absorb_ids(&mut self, other: &mut EventLogBuilder, row_offset: u64) -> Remap {
        // Every part named, so that a part added to the builder or the log fails to compile
        // here until it is merged too.
        let EventLogBuilder {
            log,
            rejected,
            rows_read,
            mapping: _,
            warnings,
            unmapped,
            unmapped_first,
            uncapped: _,
            ignored_columns: _,
        } = other;
        self.rows_read += std::mem::take(rows_read);
        self.rejected.extend(rejected.drain(..).map(|mut r| {
            r.row += row_offset;
            r
        }));
        self.warnings.extend(warnings.drain(..).map(|mut w| {
            w.row += row_offset;
            w
        }));
        for name in std::mem::take(unmapped_first) {
            let n = unmapped.remove(&name).unwrap_or(0);
            // As in `try_push`: a name is listed when it is met while there is room.
            let listed = self.uncapped || self.unmapped.len() < MAX_UNMAPPED_LISTED;
            let key = if listed || self.unmapped.contains_key(&name) {
                &*name
            } else {
                "…"
            };
            self.count_unmapped(key, n);
        }
        unmapped.clear();
        let EventLog {
            case_ids,
            orgs,
            services,
            kernen,
            needs,
            labels,
            cases: _,
            // The event columns: in `absorb_columns`.
            ev_case: _,
            ev_at: _,
            ev_us: _,
            ev_act: _,
            ev_org: _,
            ev_service: _,
            ev_need: _,
            ev_reason: _,
            ev_attr: _,
            ev_row,
            attrs,
            case_start: _,
            extras,
        } = log;
        let me = &mut self.log;
        let case_ids = me.case_ids.absorb(case_ids);
        let orgs = me.orgs.absorb(orgs);
        let services = me.services.absorb(services);
        let kernen = me.kernen.absorb(kernen);
        let needs = me.needs.absorb(needs);
        let labels = me.labels.absorb(labels);
        let attr_base = me.attrs.len() as u32;
        me.attrs.extend(attrs.drain(..).map(|mut a| {
            a.kern = remap(&kernen, a.kern);
            a.municipality = remap(&labels, a.municipality);
            a.region = remap(&labels, a.region);
            a.domain = remap(&labels, a.domain);
            a.phase = remap(&labels, a.phase);
            a.need = remap(&needs, a.need);
            a
        }));
        me.extras.absorb(extras);
        me.ev_row.append(ev_row, row_offset);
        Remap {
            case_ids,
            orgs,
            services,
            needs,
            attr_base,
        }
    }

    /// Appends the event columns of chunks whose other parts
    /// [`absorb_ids`](Self::absorb_ids) took (in the same order, with what it returned), and
    /// empties them (their memory kept). The columns are independent: each is copied (its ids
    /// mapped) on a thread of its own.
    fn absorb_columns(&mut self, parts: &mut [(EventLogBuilder, u64)], maps: &[Remap]) {
        let mut case = Vec::with_capacity(parts.len());
        let mut at = Vec::with_capacity(parts.len());
        let mut us = Vec::with_capacity(parts.len());
        let mut act = Vec::with_capacity(parts.len());
        let mut org = Vec::with_capacity(parts.len());
        let mut service = Vec::with_capacity(parts.len());
        let mut need = Vec::with_capacity(parts.len());
        let mut reason = Vec::with_capacity(parts.len());
        let mut attr = Vec::with_capacity(parts.len());
        for ((b, _), m) in parts.iter_mut().zip(maps) {
            let l = &mut b.log;
            case.push((&mut l.ev_case, &m.case_ids[..]));
            at.push(&mut l.ev_at);
            us.push(&mut l.ev_us);
            act.push(&mut l.ev_act);
            org.push((&mut l.ev_org, &m.orgs[..]));
            service.push((&mut l.ev_service, &m.services[..]));
            need.push((&mut l.ev_need, &m.needs[..]));
            reason.push(&mut l.ev_reason);
            attr.push((&mut l.ev_attr, m.attr_base));
        }
        let EventLog {
            ev_case,
            ev_at,
            ev_us,
            ev_act,
            ev_org,
            ev_service,
            ev_need,
            ev_reason,
            ev_attr,
            ..
        } = &mut self.log;
        rayon::scope(|s| {
            s.spawn(|_| append_ids(ev_case, case));
            s.spawn(|_| append(ev_at, at));
            s.spawn(|_| append(ev_us, us));
            s.spawn(|_| append(ev_act, act));
            s.spawn(|_| append_ids(ev_org, org));
            s.spawn(|_| append_ids(ev_service, service));
            s.spawn(|_| append_ids(ev_need, need));
            s.spawn(|_| append(ev_reason, reason));
            s.spawn(|_| {
                for (from, base) in attr {
                    ev_attr.extend(
                        from.drain(..)
                            .map(|a| if a == NONE { NONE } else { a + base }),
                    );
                }
            });
        });
    }

    /// Makes room for `rows` more rows (a reader that knows how many rows come), so that the
    /// columns are not moved (and held twice) while they grow.
    pub(super) fn reserve(&mut self, rows: usize) {
        let l = &mut self.log;
        l.ev_case.reserve(rows);
        l.ev_at.reserve(rows);
        l.ev_us.reserve(rows);
        l.ev_act.reserve(rows);
        l.ev_org.reserve(rows);
        l.ev_service.reserve(rows);
        l.ev_need.reserve(rows);
        l.ev_reason.reserve(rows);
        l.ev_attr.reserve(rows);
    }

    /// Makes room for `cases` more case ids (a reader that can estimate how many come), so that
    /// the lookup table of case ids is not rebuilt each time it fills up.
    pub(super) fn reserve_cases(&mut self, cases: usize) {
        let ids = &mut self.log.case_ids;
        ids.map.reserve(cases);
        ids.values.reserve(cases);
    }

    /// Reads `chunks` on rayon's threads, each into a builder of its own with `read` (which
    /// numbers the chunk's rows from 1 and returns how many row numbers it used), and merges
    /// them in order; `row_offset` is the row number before the first chunk's row 1. Returns
    /// the row number after the last chunk, or the error of the first chunk (in order) that
    /// `read` failed on, with nothing merged.
    pub(super) fn read_chunks<C, E, F>(
        &mut self,
        chunks: &[C],
        row_offset: u64,
        read: F,
    ) -> Result<u64, E>
    where
        C: Sync,
        E: Send,
        F: Fn(&C, &mut EventLogBuilder) -> Result<u64, E> + Sync,
    {
        let spare = Spare::default();
        let parsed = self.chunk_builder().parse_chunks(chunks, &spare, read)?;
        Ok(self.merge_parsed(parsed, row_offset, None))
    }

    /// Reads `chunks` on rayon's threads, each into a builder of its own made like this one
    /// (a builder from [`chunk_builder`](Self::chunk_builder), so that a reader can read the
    /// next chunks while the last ones are merged), with `read` as in
    /// [`read_chunks`](Self::read_chunks); builders emptied by an earlier merge are taken from
    /// `spare` first. Returns the error of the first chunk (in order) that `read` failed on.
    pub(super) fn parse_chunks<C, E, F>(
        &self,
        chunks: &[C],
        spare: &Spare,
        read: F,
    ) -> Result<Parsed, E>
    where
        C: Sync,
        E: Send,
        F: Fn(&C, &mut EventLogBuilder) -> Result<u64, E> + Sync,
    {
        let t = std::time::Instant::now();
        let read: Vec<Result<(EventLogBuilder, u64), E>> = chunks
            .par_iter()
            .map(|c| {
                let reused = spare.lock().ok().and_then(|mut s| s.pop());
                let mut b = reused.unwrap_or_else(|| self.chunk_builder());
                read(c, &mut b).map(|rows| (b, rows))
            })
            .collect();
        let read = read.into_iter().collect::<Result<Vec<_>, E>>();
        timing::add(timing::Step::Parse, t);
        read.map(|chunks| Parsed { chunks })
    }

    /// Merges chunks read by [`parse_chunks`](Self::parse_chunks), in order; `row_offset` is
    /// the row number before the first chunk's row 1. Returns the row number after the last.
    /// The builders, emptied, go to `spare` (if given) to read later chunks: their memory is
    /// reused rather than given back and asked for again.
    pub(super) fn merge_parsed(
        &mut self,
        parsed: Parsed,
        row_offset: u64,
        spare: Option<&Spare>,
    ) -> u64 {
        let t = std::time::Instant::now();
        let mut offset = row_offset;
        let mut chunks = parsed.chunks;
        let mut maps = Vec::with_capacity(chunks.len());
        for (b, rows) in &mut chunks {
            maps.push(self.absorb_ids(b, offset));
            offset += *rows;
        }
        self.absorb_columns(&mut chunks, &maps);
        // Without a place to keep them, the builders' memory goes now.
        if let Some(mut s) = spare.and_then(|s| s.lock().ok()) {
            s.extend(chunks.into_iter().map(|(b, _)| b));
        }
        timing::add(timing::Step::Merge, t);
        offset
    }
}

/// Chunk builders emptied by a merge, for the next chunks.
pub(super) type Spare = std::sync::Mutex<Vec<EventLogBuilder>>;

/// Chunks of rows read, each by a builder of its own with the number of row numbers it used,
/// waiting to be merged in order.
pub(super) struct Parsed {
    chunks: Vec<(EventLogBuilder, u64)>,
}

impl Parsed {
    /// Row numbers the chunks used.
    pub(super) fn rows(&self) -> u64 {
        self.chunks.iter().map(|(_, n)| n).sum()
    }

    /// Rows used and runs of case ids in the chunks (a case met in two runs counts twice).
    pub(super) fn used_and_cases(&self) -> (usize, usize) {
        let used = self.chunks.iter().map(|(b, _)| b.log.ev_at.len()).sum();
        let cases = self.chunks.iter().map(|(b, _)| b.log.case_ids.len()).sum();
        (used, cases)
    }

    /// Case ids to make room for in a log of about `rows` rows, estimated from these chunks'
    /// runs of case ids (with a margin of a twentieth), when its rows come grouped by case (at
    /// least two rows a run); otherwise none: the runs say nothing of how many cases there are,
    /// and room made for as many as rows would take memory.
    pub(super) fn cases_in(&self, rows: usize) -> usize {
        match self.used_and_cases() {
            (used, cases) if cases * 2 <= used => {
                (cases as f64 / used as f64 * rows as f64 * 1.05) as usize
            }
            _ => 0,
        }
    }
}
