//! Vroegsignalering: early signals of payment arrears from partners open a case before the
//! citizen asks, as the Wgs (art. 3 and 4a) asks of municipalities.
//!
//! Partners are the four kinds of the national convenant: landlords and housing corporations,
//! energy suppliers, water companies, health insurers ([`PartnerKind`]). A signal arrives as a
//! row ([`SignalRow`], or CSV read with [`read_csv`]): signal id, partner, kind, household
//! pseudonym, kern, amount and months in arrears, date, and whether an eviction or a cut-off is
//! threatened. [`check_rows`] validates the rows against an as-of date (never the wall clock):
//! every bad row is rejected with its row number and reason ([`SignalError`]), and a household
//! pseudonym that looks like a BSN is never repeated.
//!
//! [`intake()`] combines the signals of one household within a window into one proactive case
//! ([`ProactiveCase`]: one case, not four), with urgency `crisis` when an eviction or cut-off is
//! threatened, which starts the Wgs 3-working-day clock; the case is routed like any other.
//! [`feedback`] gives each partner the row the convenant owes it, and [`metrics`] the figures
//! per kern and month under disclosure control.

pub mod intake;
pub mod metrics;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::Signal;
use crate::ids::{is_bsn_shaped, CaseId, IdError, KernId, OrganisationId};

pub use intake::{
    feedback, intake, FeedbackRow, HelpStatus, IntakeOptions, ProactiveCase, SignalIntake,
};
pub use metrics::{signal_metrics, SignalMetricsRow, SignalTable};

/// The four partner kinds of the vroegsignalering convenant.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// Landlord or housing corporation (rent arrears).
    Housing,
    /// Energy supplier.
    Energy,
    /// Water company.
    Water,
    /// Health insurer (unpaid premium).
    HealthInsurer,
}

crate::ids::wire_names!(
    PartnerKind,
    "partner kind",
    display,
    [
        Housing = "housing",
        Energy = "energy",
        Water = "water",
        HealthInsurer = "health_insurer"
    ]
);

impl PartnerKind {
    /// The case attribute this kind of arrears sets.
    pub fn signal(self) -> Signal {
        match self {
            PartnerKind::Housing => Signal::RentArrears,
            PartnerKind::Energy => Signal::EnergyDebt,
            PartnerKind::Water => Signal::WaterDebt,
            PartnerKind::HealthInsurer => Signal::HealthInsuranceArrears,
        }
    }

    /// The attribute a threat from this kind sets: eviction for housing, cut-off for energy and
    /// water; none for a health insurer (no cut-off of insurance exists in the convenant).
    pub fn threat(self) -> Option<Signal> {
        match self {
            PartnerKind::Housing => Some(Signal::ThreatenedEviction),
            PartnerKind::Energy | PartnerKind::Water => Some(Signal::CutOff),
            PartnerKind::HealthInsurer => None,
        }
    }
}

/// A signal as a partner or caller writes it, before it is checked. Amounts are in euros.
/// `Debug` leaves out every text field but the kind, and shows the kind only when it is one of
/// the four (unchecked, a field may hold anything: a BSN, a name).
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignalRow {
    /// The partner's id for the signal.
    pub signal_id: String,
    /// The partner (organisation id).
    pub partner: String,
    /// `housing`, `energy`, `water` or `health_insurer`.
    pub kind: String,
    /// The household's pseudonym.
    pub household: String,
    /// The household's kern.
    pub kern: String,
    /// Amount in arrears, in euros.
    pub amount: f64,
    /// Months in arrears.
    pub months_in_arrears: i64,
    /// The date of the signal.
    pub date: NaiveDate,
    /// An eviction or a cut-off is threatened.
    #[serde(default)]
    pub threatened: bool,
}

impl std::fmt::Debug for SignalRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalRow")
            .field("kind", &self.kind.trim().parse::<PartnerKind>().ok())
            .field("date", &self.date)
            .field("threatened", &self.threatened)
            .finish_non_exhaustive()
    }
}

/// A checked signal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct EarlySignal {
    /// The partner's id for the signal.
    pub id: CaseId,
    /// The partner.
    pub partner: OrganisationId,
    /// The partner's kind.
    pub kind: PartnerKind,
    /// The household's pseudonym.
    pub household: CaseId,
    /// The household's kern.
    pub kern: KernId,
    /// Amount in arrears, in euro cents.
    pub amount_cents: u64,
    /// Months in arrears.
    pub months_in_arrears: u32,
    /// The date of the signal.
    pub date: NaiveDate,
    /// An eviction or a cut-off is threatened.
    pub threatened: bool,
    /// Its row in the input (from 1: the first data row).
    pub row: usize,
}

/// A signal row rejected, with its row (from 1: the first data row; for CSV the header is not
/// counted) and why. The value of a field is never repeated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignalError {
    /// The signal file is larger than [`MAX_INPUT_BYTES`](crate::limits::MAX_INPUT_BYTES)
    /// (nothing of it is read).
    #[error("signal file: {bytes} bytes, more than the {limit} bytes accepted")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The CSV lacks a column.
    #[error("signal file: missing column `{column}`")]
    MissingColumn {
        /// The column.
        column: &'static str,
    },
    /// A CSV record could not be read (quoting, number of fields, encoding).
    #[error("signal row {row}: unreadable record")]
    Unreadable {
        /// The row.
        row: usize,
    },
    /// The partner kind is not one of the four.
    #[error("signal row {row}: unknown partner kind: must be one of `housing`, `energy`, `water`, `health_insurer`")]
    UnknownKind {
        /// The row.
        row: usize,
    },
    /// The amount is negative.
    #[error("signal row {row}: negative amount in `amount`")]
    NegativeAmount {
        /// The row.
        row: usize,
    },
    /// A field is not a number, a date or a flag as required.
    #[error("signal row {row}: `{field}` is not {expected}")]
    Malformed {
        /// The row.
        row: usize,
        /// The field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// The date lies after the as-of date.
    #[error("signal row {row}: `date` lies after the as-of date {as_of}")]
    FutureDate {
        /// The row.
        row: usize,
        /// The as-of date.
        as_of: NaiveDate,
    },
    /// The household pseudonym looks like a BSN (nine digits passing the eleven test).
    #[error("signal row {row}: `household` looks like a BSN (nine digits passing the eleven test): use a pseudonym")]
    BsnLike {
        /// The row.
        row: usize,
    },
    /// An id field is malformed.
    #[error("signal row {row}: `{field}`: {reason}")]
    BadId {
        /// The row.
        row: usize,
        /// The field.
        field: &'static str,
        /// Why (never the value).
        reason: IdError,
    },
}

impl SignalError {
    /// The row, when the error is about one.
    pub fn row(&self) -> Option<usize> {
        match self {
            SignalError::MissingColumn { .. } | SignalError::TooLarge { .. } => None,
            SignalError::Unreadable { row }
            | SignalError::UnknownKind { row }
            | SignalError::NegativeAmount { row }
            | SignalError::Malformed { row, .. }
            | SignalError::FutureDate { row, .. }
            | SignalError::BsnLike { row }
            | SignalError::BadId { row, .. } => Some(*row),
        }
    }
}

/// Checked signals and the rows rejected: nothing is lost silently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedSignals {
    /// The signals accepted, in input order.
    pub signals: Vec<EarlySignal>,
    /// The rows rejected, in input order.
    pub rejected: Vec<SignalError>,
}

fn id<T: std::str::FromStr<Err = IdError>>(
    row: usize,
    field: &'static str,
    s: &str,
) -> Result<T, SignalError> {
    s.trim()
        .parse()
        .map_err(|reason| SignalError::BadId { row, field, reason })
}

/// Checks one row (numbered from 1) against the as-of date.
pub fn check_row(r: &SignalRow, row: usize, as_of: NaiveDate) -> Result<EarlySignal, SignalError> {
    // the BSN test comes first, so the value is refused before anything could repeat it
    if is_bsn_shaped(r.household.trim()) {
        return Err(SignalError::BsnLike { row });
    }
    let kind: PartnerKind = r
        .kind
        .trim()
        .parse()
        .map_err(|_| SignalError::UnknownKind { row })?;
    if !r.amount.is_finite() {
        return Err(SignalError::Malformed {
            row,
            field: "amount",
            expected: "a number of euros",
        });
    }
    if r.amount < 0.0 {
        return Err(SignalError::NegativeAmount { row });
    }
    if r.months_in_arrears < 0 || r.months_in_arrears > 600 {
        return Err(SignalError::Malformed {
            row,
            field: "months_in_arrears",
            expected: "a whole number of months from 0 to 600",
        });
    }
    if r.date > as_of {
        return Err(SignalError::FutureDate { row, as_of });
    }
    let cents = (r.amount * 100.0).round();
    if cents > 1e15 {
        return Err(SignalError::Malformed {
            row,
            field: "amount",
            expected: "an amount below 10 trillion euros",
        });
    }
    Ok(EarlySignal {
        id: id(row, "signal_id", &r.signal_id)?,
        partner: id(row, "partner", &r.partner)?,
        kind,
        household: id(row, "household", &r.household)?,
        kern: id(row, "kern", &r.kern)?,
        amount_cents: cents as u64,
        months_in_arrears: r.months_in_arrears as u32,
        date: r.date,
        threatened: r.threatened,
        row,
    })
}

/// Checks rows (numbered from 1 in the order given).
pub fn check_rows(rows: &[SignalRow], as_of: NaiveDate) -> CheckedSignals {
    let mut out = CheckedSignals::default();
    for (i, r) in rows.iter().enumerate() {
        match check_row(r, i + 1, as_of) {
            Ok(s) => out.signals.push(s),
            Err(e) => out.rejected.push(e),
        }
    }
    out
}

/// The CSV columns, in any order: `signal_id`, `partner`, `kind`, `household`, `kern`, `amount`,
/// `months_in_arrears`, `date`, `threatened` (`true`/`false`, `1`/`0`, `yes`/`no`, `ja`/`nee`).
pub const CSV_COLUMNS: [&str; 9] = [
    "signal_id",
    "partner",
    "kind",
    "household",
    "kern",
    "amount",
    "months_in_arrears",
    "date",
    "threatened",
];

/// Reads signals from CSV (with a header) and checks them against the as-of date. A missing
/// column fails the whole file, and so does a file larger than
/// [`MAX_INPUT_BYTES`](crate::limits::MAX_INPUT_BYTES) (64 MiB: split a larger feed and
/// combine the checked signals); a bad row is rejected with its row number (the first data row
/// is row 1).
pub fn read_csv(text: &str, as_of: NaiveDate) -> Result<CheckedSignals, SignalError> {
    let limit = crate::limits::MAX_INPUT_BYTES;
    if text.len() > limit {
        return Err(SignalError::TooLarge {
            bytes: text.len(),
            limit,
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|_| SignalError::Unreadable { row: 0 })?
        .clone();
    let mut col = [0usize; 9];
    for (i, c) in CSV_COLUMNS.iter().enumerate() {
        col[i] = headers
            .iter()
            .position(|h| h == *c)
            .ok_or(SignalError::MissingColumn { column: c })?;
    }
    let mut out = CheckedSignals::default();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 1;
        let rec = match rec {
            Ok(r) => r,
            Err(_) => {
                out.rejected.push(SignalError::Unreadable { row });
                continue;
            }
        };
        let f = |k: usize| rec.get(col[k]).unwrap_or("");
        match parse_record(&f, row, as_of) {
            Ok(s) => out.signals.push(s),
            Err(e) => out.rejected.push(e),
        }
    }
    Ok(out)
}

fn parse_record<'a>(
    f: &dyn Fn(usize) -> &'a str,
    row: usize,
    as_of: NaiveDate,
) -> Result<EarlySignal, SignalError> {
    let bad = |field, expected| SignalError::Malformed {
        row,
        field,
        expected,
    };
    if is_bsn_shaped(f(3)) {
        return Err(SignalError::BsnLike { row });
    }
    let amount: f64 = f(5)
        .parse()
        .map_err(|_| bad("amount", "a number of euros"))?;
    let months: i64 = f(6)
        .parse()
        .map_err(|_| bad("months_in_arrears", "a whole number of months"))?;
    let date: NaiveDate = f(7)
        .parse()
        .map_err(|_| bad("date", "a date written YYYY-MM-DD"))?;
    let threatened = match f(8).to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "ja" => true,
        "false" | "0" | "no" | "nee" | "" => false,
        _ => return Err(bad("threatened", "`true` or `false`")),
    };
    let r = SignalRow {
        signal_id: f(0).into(),
        partner: f(1).into(),
        kind: f(2).into(),
        household: f(3).into(),
        kern: f(4).into(),
        amount,
        months_in_arrears: months,
        date,
        threatened,
    };
    check_row(&r, row, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        crate::ids::assert_wire_names!(PartnerKind);
    }

    #[test]
    fn bad_rows_are_rejected_with_row_and_reason() {
        let csv = "\
signal_id,partner,kind,household,kern,amount,months_in_arrears,date,threatened
s1,ymere,housing,hh-a,hoofddorp,812.50,3,2026-03-02,false
s2,ymere,landlord,hh-a,hoofddorp,10,1,2026-03-02,false
s3,vattenfall,energy,hh-a,hoofddorp,-4,1,2026-03-02,false
s4,pwn,water,hh-a,hoofddorp,40,1,2026-04-02,false
s5,zilveren-kruis,health_insurer,111222333,hoofddorp,40,1,2026-03-02,true
s6,pwn,water,hh-a,hoofddorp,forty,1,2026-03-02,false
s7,pwn,water,hh-a,hoofddorp,40,1,2026-03-02,maybe
s8,pwn,water,Jan de Vries,hoofddorp,40,1,2026-03-02,false
";
        let as_of: NaiveDate = "2026-03-31".parse().unwrap();
        let c = read_csv(csv, as_of).unwrap();
        assert_eq!(c.signals.len(), 1);
        assert_eq!(c.signals[0].amount_cents, 81_250);
        let msgs: Vec<String> = c.rejected.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "signal row 2: unknown partner kind: must be one of `housing`, `energy`, `water`, `health_insurer`",
                "signal row 3: negative amount in `amount`",
                "signal row 4: `date` lies after the as-of date 2026-03-31",
                "signal row 5: `household` looks like a BSN (nine digits passing the eleven test): use a pseudonym",
                "signal row 6: `amount` is not a number of euros",
                "signal row 7: `threatened` is not `true` or `false`",
                "signal row 8: `household`: invalid case id: may only contain letters, digits and `-_.:`",
            ]
        );
        // the BSN-like value and the name never appear, in messages or Debug
        for e in &c.rejected {
            let all = format!("{e} {e:?}");
            assert!(
                !all.contains("111222333") && !all.contains("Vries"),
                "{all}"
            );
        }
        assert!(is_bsn_shaped("111222333"));
        let row = SignalRow {
            signal_id: "111222333".into(),
            partner: "p".into(),
            kind: "water".into(),
            household: "111222333".into(),
            kern: "k".into(),
            amount: 1.0,
            months_in_arrears: 1,
            date: as_of,
            threatened: false,
        };
        assert!(!format!("{row:?}").contains("111222333"));
        let e = read_csv("signal_id,partner\ns1,x\n", as_of).unwrap_err();
        assert_eq!(e.to_string(), "signal file: missing column `kind`");
    }
}
