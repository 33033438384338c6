//! The access log: every view of a household produced is recorded as data (who, which household
//! pseudonym, which fields, when, on what ground), exportable for the municipality's privacy
//! officer, and tamper-evident.
//!
//! Each [`AccessEntry`] carries the SHA-256 hash of its own content and of the previous entry's
//! hash (a hash chain, with the `sha2` crate). [`AccessLog::verify`] recomputes the chain: an
//! entry changed, removed or moved breaks it at that row. Removing entries at the end leaves a
//! shorter chain that is still whole; keep the [`AccessLog::head`] hash somewhere else (a report
//! to the privacy officer, a second system) and check against it with
//! [`AccessLog::verify_head`].
//!
//! The log holds pseudonyms, organisation ids and field names only (`need:1`, `attribute:age`),
//! never a need code or an attribute value.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{CaseId, OrganisationId};
use crate::views::OrganisationView;

/// The hash before the first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// On what ground a view was produced.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AccessGround {
    /// The organisation coordinates the household's plan.
    Coordinator,
    /// The organisation is the household's front door (steunpilaar).
    FrontDoor,
    /// A need of the household is routed to the organisation.
    RoutedHere,
    /// The household consented to share with the organisation.
    Consent,
}

crate::ids::wire_names!(
    AccessGround,
    "access ground",
    display,
    [
        Coordinator = "coordinator",
        FrontDoor = "front_door",
        RoutedHere = "routed_here",
        Consent = "consent"
    ]
);

/// One recorded access.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// When the view was produced (UTC).
    pub at: DateTime<Utc>,
    /// The organisation that viewed.
    pub actor: OrganisationId,
    /// The household's pseudonym (its case id).
    pub case: CaseId,
    /// The fields disclosed ([`OrganisationView::fields`]).
    pub fields: Vec<String>,
    /// The ground.
    pub ground: AccessGround,
    /// The previous entry's hash ([`GENESIS`] for the first), lowercase hex.
    pub prev: String,
    /// SHA-256 of this entry's content and `prev`, lowercase hex.
    pub hash: String,
}

impl AccessEntry {
    /// The hash this entry should carry: SHA-256 over its fields, each written out and
    /// separated by a byte that cannot occur in them, and the previous hash.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut part = |s: &str| {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        };
        part(&self.seq.to_string());
        part(&self.at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        part(self.actor.as_str());
        part(self.case.as_str());
        part(&self.fields.len().to_string());
        for f in &self.fields {
            part(f);
        }
        part(self.ground.as_str());
        part(&self.prev);
        let digest = h.finalize();
        let mut hex = String::with_capacity(64);
        for b in digest.iter() {
            let _ = write!(hex, "{b:02x}");
        }
        hex
    }
}

/// Why a log does not verify. Rows count from 0 (the entry's position in the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessLogError {
    /// An entry's `seq` is not its position: an entry before it was removed, or entries were
    /// moved.
    #[error("access log row {row}: sequence number {found}, expected {row} (an entry was removed or moved)")]
    Sequence {
        /// The row.
        row: usize,
        /// The sequence number found.
        found: u64,
    },
    /// An entry's `prev` is not the previous entry's hash.
    #[error("access log row {row}: does not follow the previous entry (the chain is broken)")]
    Chain {
        /// The row.
        row: usize,
    },
    /// An entry's hash does not match its content: the entry was changed.
    #[error("access log row {row}: hash does not match its content (the entry was changed)")]
    Hash {
        /// The row.
        row: usize,
    },
    /// The log does not end in the hash kept elsewhere: entries were removed at the end, or the
    /// log was rewritten.
    #[error("access log does not end in the expected head hash (entries removed at the end or rewritten)")]
    Head,
    /// A line of an exported log could not be read.
    #[error("access log line {line}: {message}")]
    Parse {
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// An append-only, hash-chained access log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessLog {
    entries: Vec<AccessEntry>,
}

impl AccessLog {
    /// An empty log.
    pub fn new() -> AccessLog {
        AccessLog::default()
    }

    /// A log from entries read elsewhere, verified first.
    pub fn from_entries(entries: Vec<AccessEntry>) -> Result<AccessLog, AccessLogError> {
        verify(&entries)?;
        Ok(AccessLog { entries })
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[AccessEntry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The last entry's hash ([`GENESIS`] for an empty log): keep it elsewhere to detect entries
    /// removed at the end.
    pub fn head(&self) -> &str {
        self.entries.last().map_or(GENESIS, |e| e.hash.as_str())
    }

    /// Records an access and returns the entry.
    pub fn record(
        &mut self,
        actor: OrganisationId,
        case: CaseId,
        fields: Vec<String>,
        ground: AccessGround,
        at: DateTime<Utc>,
    ) -> &AccessEntry {
        let mut e = AccessEntry {
            seq: self.entries.len() as u64,
            at,
            actor,
            case,
            fields,
            ground,
            prev: self.head().to_string(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        self.entries.push(e);
        &self.entries[self.entries.len() - 1]
    }

    /// Records that `view` was produced at `at`: its organisation, case, fields and ground.
    pub fn record_view(&mut self, view: &OrganisationView, at: DateTime<Utc>) -> &AccessEntry {
        let ground = match view.ground() {
            "coordinator" => AccessGround::Coordinator,
            "front_door" => AccessGround::FrontDoor,
            "routed_here" => AccessGround::RoutedHere,
            _ => AccessGround::Consent,
        };
        self.record(
            view.organisation.clone(),
            view.case.clone(),
            view.fields(),
            ground,
            at,
        )
    }

    /// Recomputes the chain; the first row that breaks it, if any.
    pub fn verify(&self) -> Result<(), AccessLogError> {
        verify(&self.entries)
    }

    /// Verifies the chain and that it ends in `head` (kept elsewhere).
    pub fn verify_head(&self, head: &str) -> Result<(), AccessLogError> {
        self.verify()?;
        if self.head() != head {
            return Err(AccessLogError::Head);
        }
        Ok(())
    }

    /// The log as JSON lines, one entry a line, for the privacy officer.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            match serde_json::to_string(e) {
                Ok(line) => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Err(err) => unreachable!("an access entry always serialises: {err}"),
            }
        }
        out
    }

    /// Reads JSON lines written by [`to_jsonl`](Self::to_jsonl) and verifies the chain.
    pub fn from_jsonl(text: &str) -> Result<AccessLog, AccessLogError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let e: AccessEntry =
                serde_json::from_str(line).map_err(|err| AccessLogError::Parse {
                    line: i + 1,
                    message: format!("not an access entry ({})", err.classify_name()),
                })?;
            entries.push(e);
        }
        AccessLog::from_entries(entries)
    }

    /// The log as CSV with a header: `seq,at,actor,case,fields,ground,prev,hash`; `fields` are
    /// joined by `;`.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "seq", "at", "actor", "case", "fields", "ground", "prev", "hash",
        ];
        let mut ok = w.write_record(header).is_ok();
        for e in &self.entries {
            ok &= w
                .write_record([
                    e.seq.to_string().as_str(),
                    &e.at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                    e.actor.as_str(),
                    e.case.as_str(),
                    &e.fields.join(";"),
                    e.ground.as_str(),
                    &e.prev,
                    &e.hash,
                ])
                .is_ok();
        }
        match (ok, w.into_inner()) {
            (true, Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            _ => unreachable!("writing CSV to memory does not fail"),
        }
    }
}

/// What [`serde_json::Error::classify`] says, in words (the input is not repeated).
trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "missing, unknown or malformed field",
            serde_json::error::Category::Eof => "line ends early",
        }
    }
}

fn verify(entries: &[AccessEntry]) -> Result<(), AccessLogError> {
    let mut prev = GENESIS;
    for (row, e) in entries.iter().enumerate() {
        if e.seq != row as u64 {
            return Err(AccessLogError::Sequence { row, found: e.seq });
        }
        if e.prev != prev {
            return Err(AccessLogError::Chain { row });
        }
        if e.compute_hash() != e.hash {
            return Err(AccessLogError::Hash { row });
        }
        prev = &e.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> AccessLog {
        let mut l = AccessLog::new();
        for (i, (org, ground)) in [
            ("schuldhulp-meer", AccessGround::RoutedHere),
            ("swt-haarlemmermeer", AccessGround::Coordinator),
            ("uw-lokale-steunpilaar", AccessGround::FrontDoor),
            ("welzijn-meerwaarde", AccessGround::Consent),
        ]
        .into_iter()
        .enumerate()
        {
            l.record(
                org.parse().unwrap(),
                "hh-1".parse().unwrap(),
                vec!["need:0".into(), format!("events:{i}")],
                ground,
                format!("2026-03-1{i}T09:00:00Z").parse().unwrap(),
            );
        }
        l
    }

    #[test]
    fn wire_names() {
        crate::ids::assert_wire_names!(AccessGround);
    }

    #[test]
    fn sha256_is_the_standard_one() {
        // FIPS 180-2 test vector, through the same crate the chain uses
        let d = Sha256::digest(b"abc");
        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_whole_chain_verifies_and_survives_export() {
        let l = log();
        assert_eq!(l.len(), 4);
        l.verify().unwrap();
        l.verify_head(l.head()).unwrap();
        let back = AccessLog::from_jsonl(&l.to_jsonl()).unwrap();
        assert_eq!(back, l);
        let csv = l.to_csv();
        assert_eq!(csv.lines().count(), 5);
        assert!(csv.starts_with("seq,at,actor,case,fields,ground,prev,hash\n"));
        assert!(csv.contains(",need:0;events:1,coordinator,"));
    }

    #[test]
    fn a_changed_entry_is_detected() {
        let l = log();
        for change in 0..4 {
            let mut e = l.entries().to_vec();
            match change {
                0 => e[2].actor = "ggd-kennemerland".parse().unwrap(),
                1 => e[2].fields.push("attribute:age".into()),
                2 => e[2].at = "2026-03-12T09:00:01Z".parse().unwrap(),
                _ => e[2].ground = AccessGround::Coordinator,
            }
            assert_eq!(
                AccessLog::from_entries(e).unwrap_err(),
                AccessLogError::Hash { row: 2 },
                "change {change}"
            );
        }
        // a changed entry whose hash was recomputed breaks the next link
        let mut e = l.entries().to_vec();
        e[1].case = "hh-2".parse().unwrap();
        e[1].hash = e[1].compute_hash();
        assert_eq!(
            AccessLog::from_entries(e).unwrap_err(),
            AccessLogError::Chain { row: 2 }
        );
    }

    #[test]
    fn a_removed_or_reordered_entry_is_detected() {
        let l = log();
        let mut removed = l.entries().to_vec();
        removed.remove(1);
        assert_eq!(
            AccessLog::from_entries(removed).unwrap_err(),
            AccessLogError::Sequence { row: 1, found: 2 }
        );
        let mut swapped = l.entries().to_vec();
        swapped.swap(1, 2);
        assert!(AccessLog::from_entries(swapped).is_err());
        // swapped with renumbered seq: the chain still breaks
        let mut swapped = l.entries().to_vec();
        swapped.swap(1, 2);
        swapped[1].seq = 1;
        swapped[2].seq = 2;
        assert!(matches!(
            AccessLog::from_entries(swapped).unwrap_err(),
            AccessLogError::Chain { .. } | AccessLogError::Hash { .. }
        ));
        // removed at the end: the chain is whole, the head kept elsewhere tells
        let head = l.head().to_string();
        let mut short = l.entries().to_vec();
        short.pop();
        let short = AccessLog::from_entries(short).unwrap();
        assert_eq!(short.verify_head(&head).unwrap_err(), AccessLogError::Head);
        // a line edited in the JSONL export
        let text = l.to_jsonl().replace("welzijn-meerwaarde", "polderzorg");
        assert_eq!(
            AccessLog::from_jsonl(&text).unwrap_err(),
            AccessLogError::Hash { row: 3 }
        );
        let e = AccessLog::from_jsonl("{\"seq\": 0}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "access log line 1: not an access entry (missing, unknown or malformed field)"
        );
    }
}
