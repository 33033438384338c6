//! The page: the core's published figures laid out as tables and charts, and the template.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use dls_core::coverage::{self, CoverageOptions, CoverageRow};
use dls_core::evaluation::compare::Estimate;
use dls_core::evaluation::table::Row;
use dls_core::evaluation::{
    self, ClockKind, CompareOptions, Comparison, Dim, Disclosure, EvalState, EventLog, Figures,
    Metric, Problems, Suppression,
};

use crate::charts::{self, Series};
use crate::{ReportError, ReportOptions};

/// A municipality with more kernen than this is summarised ("all 31 kernen of GM0394 except …")
/// on a coverage line that holds more than half of them; smaller ones are named.
const SPELLED_OUT: usize = 3;

/// Lines listed per coverage list (gaps, overlaps); the rest are counted.
const LISTED: usize = 300;

/// One table cell: its text and its class (`num`, `missing`, `text`).
pub(crate) struct Td {
    pub text: String,
    pub class: &'static str,
}

impl Td {
    fn num(s: String) -> Td {
        Td {
            text: s,
            class: "num",
        }
    }
    fn missing() -> Td {
        Td {
            text: MISSING.to_string(),
            class: "missing",
        }
    }
    fn of(v: Option<f64>, fmt: fn(f64) -> String) -> Td {
        v.map_or_else(Td::missing, |v| Td::num(fmt(v)))
    }
}

/// What a missing figure shows.
const MISSING: &str = "—";

fn days(v: f64) -> String {
    format!("{v:.1}")
}
fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}
fn mean(v: f64) -> String {
    format!("{v:.2}")
}
fn points(v: f64) -> String {
    format!("{:+.1} pp", v * 100.0)
}
fn signed_days(v: f64) -> String {
    format!("{v:+.1}")
}
fn signed_mean(v: f64) -> String {
    format!("{v:+.2}")
}

/// A row of a figures table: its key cells, then either figures or why they are suppressed.
pub(crate) struct FigRow {
    pub keys: Vec<String>,
    pub suppressed: Option<&'static str>,
    pub tds: Vec<Td>,
}

/// The figure columns of the phase and kern tables.
pub(crate) const FIG_COLUMNS: [&str; 11] = [
    "cases",
    "first contact: median days",
    "first contact: p90 days",
    "first contact: still open",
    "right place: median days",
    "right place: p90 days",
    "right place: still open",
    "handoffs per case",
    "cases bounced",
    "resolved",
    "legal deadlines met",
];

/// Share of decided legal clocks met, over every clock, from the published counts.
fn deadlines_met(f: &Figures) -> Option<f64> {
    let (met, decided) = f.clocks.iter().fold((0, 0), |(m, d), c| {
        (m + c.met, d + c.met + c.missed + c.overdue)
    });
    (decided > 0).then(|| met as f64 / decided as f64)
}

fn fig_tds(f: &Figures) -> Vec<Td> {
    vec![
        Td::num(f.cases.to_string()),
        Td::of(f.first_contact.median_days, days),
        Td::of(f.first_contact.p90_days, days),
        Td::num(f.first_contact.open.to_string()),
        Td::of(f.right_place.median_days, days),
        Td::of(f.right_place.p90_days, days),
        Td::num(f.right_place.open.to_string()),
        Td::num(mean(f.handoffs_per_case)),
        Td::num(percent(f.bounce_rate)),
        Td::num(percent(f.resolved_rate)),
        Td::of(deadlines_met(f), percent),
    ]
}

fn key_text(k: &Option<String>) -> String {
    k.clone().unwrap_or_else(|| "not stated".to_string())
}

fn fig_row(r: &Row) -> FigRow {
    FigRow {
        keys: r.key.iter().map(key_text).collect(),
        suppressed: r.suppressed.map(|s| match s {
            Suppression::Primary => "suppressed: too few cases to publish",
            Suppression::Secondary => {
                "suppressed: would let a suppressed cell be worked out from a total"
            }
        }),
        tds: r.figures.as_ref().map(fig_tds).unwrap_or_default(),
    }
}

/// A legal clock in one phase.
pub(crate) struct ClockRow {
    pub phase: String,
    pub clock: &'static str,
    pub tds: Vec<Td>,
}

fn clock_name(k: ClockKind) -> &'static str {
    match k {
        ClockKind::WmoInvestigation => "Wmo: investigation (6 weeks)",
        ClockKind::WmoDecision => "Wmo: decision (2 weeks)",
        ClockKind::JeugdwetDecision => "Jeugdwet: decision (8 weeks)",
        ClockKind::AwbDecision => "Awb: decision (8 weeks)",
        ClockKind::WgsFirstConversation => "Wgs: first conversation (4 weeks)",
    }
}

/// One metric of the comparison.
pub(crate) struct CompareRow {
    pub metric: &'static str,
    pub better: &'static str,
    pub tds: Vec<Td>,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
}

/// How a figure is written.
type Fmt = fn(f64) -> String;

/// How a metric reads: its name, whether lower is better, and how values and differences show.
struct MetricView {
    name: &'static str,
    lower_is_better: bool,
    value: fn(f64) -> String,
    diff: fn(f64) -> String,
    kind: MetricKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MetricKind {
    Days,
    Share,
    Mean,
}

fn metric_view(m: Metric) -> MetricView {
    use MetricKind::*;
    let (name, lower_is_better, kind) = match m {
        Metric::FirstContactDays => ("days to first contact (median)", true, Days),
        Metric::RightPlaceDays => ("days to the right place (median)", true, Days),
        Metric::ReachedRightPlace => ("reached the right place", false, Share),
        Metric::Handoffs => ("handoffs per case", true, Mean),
        Metric::Bounces => ("bounces per case", true, Mean),
        Metric::Loops => ("loops per case", true, Mean),
        Metric::Organisations => ("organisations per case", true, Mean),
        Metric::Escalations => ("escalations per case", true, Mean),
        Metric::Resolved => ("resolved", false, Share),
        Metric::Reopened => ("reopened within 90 days", true, Share),
    };
    let (value, diff): (Fmt, Fmt) = match kind {
        Days => (days, signed_days),
        Share => (percent, points),
        Mean => (mean, signed_mean),
    };
    MetricView {
        name,
        lower_is_better,
        value,
        diff,
        kind,
    }
}

fn estimate_td(e: &Estimate, fmt: fn(f64) -> String) -> Td {
    Td::of(e.value, fmt)
}

fn compare_row(c: &Comparison) -> CompareRow {
    let v = metric_view(c.metric);
    let interval = match (c.ci_low, c.ci_high) {
        (Some(lo), Some(hi)) if !c.suppressed => {
            Td::num(format!("{} to {}", (v.diff)(lo), (v.diff)(hi)))
        }
        _ => Td::missing(),
    };
    // the interval says which side is better only when it leaves 0 out
    let (verdict, verdict_class) = if c.suppressed {
        ("suppressed: too few cases", "missing")
    } else {
        match (c.ci_low, c.ci_high) {
            (Some(lo), _) if lo > 0.0 => {
                if v.lower_is_better {
                    ("baseline better", "worse")
                } else {
                    ("pilot better", "better")
                }
            }
            (_, Some(hi)) if hi < 0.0 => {
                if v.lower_is_better {
                    ("pilot better", "better")
                } else {
                    ("baseline better", "worse")
                }
            }
            (Some(_), Some(_)) => ("no clear difference", "neutral"),
            _ => ("no interval", "missing"),
        }
    };
    CompareRow {
        metric: v.name,
        better: if v.lower_is_better { "lower" } else { "higher" },
        tds: vec![
            estimate_td(&c.a, v.value),
            estimate_td(&c.b, v.value),
            Td::of(c.difference, v.diff),
            interval,
        ],
        verdict,
        verdict_class,
    }
}

/// The comparison section.
pub(crate) enum CompareSection {
    /// Not asked for.
    Off,
    /// Asked for, but the selections match no case: the message lists what exists.
    NotCompared(String),
    /// The rows, with the published number of cases per side.
    Rows {
        pilot_cases: u64,
        baseline_cases: u64,
        rows: Vec<CompareRow>,
    },
}

/// Gaps and overlaps per kern, and the lists.
pub(crate) struct CoverageView {
    pub date: String,
    pub per_kern: Vec<(String, String, usize, usize)>,
    pub gaps: Vec<Vec<String>>,
    pub gaps_more: usize,
    pub overlaps: Vec<Vec<String>>,
    pub overlaps_more: usize,
}

fn coverage_view(rules: &dls_core::RuleSet, date: chrono::NaiveDate) -> CoverageView {
    let report = coverage::analyse(rules, &CoverageOptions::on(date));
    let mut per_kern: Vec<(String, String, usize, usize)> = Vec::new();
    for r in &report.rows {
        let name = format!("{} ({})", r.kern_name, r.kern.as_str());
        match per_kern.last_mut() {
            Some(last) if last.0 == name => {
                last.2 += r.status.is_gap() as usize;
                last.3 += r.is_overlap() as usize;
            }
            _ => per_kern.push((
                name,
                r.municipality.as_str().to_string(),
                r.status.is_gap() as usize,
                r.is_overlap() as usize,
            )),
        }
    }
    // one line per need, outcome and set of kernen, with the age bands where it happens: a
    // need missing in every kern for every age is one line saying so, not 31 × 5 names
    let all_kernen: BTreeSet<&str> = report.rows.iter().map(|r| r.kern_name.as_str()).collect();
    let mut kernen_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &report.rows {
        kernen_of
            .entry(r.municipality.as_str())
            .or_default()
            .insert(r.kern_name.as_str());
    }
    // a municipality the line covers whole is "all 31 kernen of GM0394"; one it covers mostly
    // is "all 31 kernen of GM0394 except …"; parts are separated by "; ", names by ", "
    let which = |kernen: &[String]| -> String {
        if kernen.len() == all_kernen.len() && kernen.len() > 1 {
            return format!("all {} kernen", kernen.len());
        }
        let set: BTreeSet<&str> = kernen.iter().map(String::as_str).collect();
        let mut parts: Vec<String> = Vec::new();
        let mut named: Vec<&str> = Vec::new();
        for (municipality, ks) in &kernen_of {
            let here: Vec<&str> = ks.intersection(&set).copied().collect();
            if ks.len() > SPELLED_OUT && here.len() * 2 > ks.len() {
                let missing: Vec<&str> = ks.difference(&set).copied().collect();
                let all = format!("all {} kernen of {municipality}", ks.len());
                parts.push(if missing.is_empty() {
                    all
                } else {
                    format!("{all} except {}", missing.join(", "))
                });
            } else {
                named.extend(here);
            }
        }
        if !named.is_empty() {
            named.sort_unstable();
            parts.push(named.join(", "));
        }
        parts.join("; ")
    };
    // age bands in the directory's order (youngest first)
    let band_order: Vec<&str> = rules
        .directory()
        .taxonomy()
        .age_bands()
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let group = |rows: Vec<&CoverageRow>, what: fn(&CoverageRow) -> String| {
        let mut per_band: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
        for r in rows {
            per_band
                .entry((r.need.as_str().to_string(), r.age_band.clone(), what(r)))
                .or_default()
                .insert(r.kern_name.clone());
        }
        // merge the bands that share need, outcome and kernen
        let mut lines: BTreeMap<(String, String, Vec<String>), Vec<String>> = BTreeMap::new();
        for ((need, band, what), kernen) in per_band {
            lines
                .entry((need, what, kernen.into_iter().collect()))
                .or_default()
                .push(band);
        }
        let mut out = lines
            .into_iter()
            .map(|((need, what, kernen), mut bands)| {
                bands.sort_by_key(|b| band_order.iter().position(|o| o == b));
                let first = band_order.iter().position(|o| *o == bands[0]);
                let bands = if bands.len() == band_order.len() && bands.len() > 1 {
                    "all ages".to_string()
                } else {
                    bands.join(", ")
                };
                let which = which(&kernen);
                (
                    (need.clone(), first),
                    vec![need, bands, what, kernen.len().to_string(), which],
                )
            })
            .collect::<Vec<_>>();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.into_iter().map(|(_, line)| line).collect::<Vec<_>>()
    };
    let gaps = group(report.gaps().collect(), |r| {
        let to = r.service.as_ref().map(|s| format!(" ({})", s.as_str()));
        format!(
            "{}{}",
            r.status.as_str().replace('_', " "),
            to.unwrap_or_default()
        )
    });
    let overlaps = group(report.overlaps().collect(), |r| {
        r.overlap
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    CoverageView {
        date: date.to_string(),
        per_kern,
        gaps_more: gaps.len().saturating_sub(LISTED),
        gaps: gaps.into_iter().take(LISTED).collect(),
        overlaps_more: overlaps.len().saturating_sub(LISTED),
        overlaps: overlaps.into_iter().take(LISTED).collect(),
    }
}

/// A chart: its title and its inline SVG.
pub(crate) struct Chart {
    pub title: String,
    pub svg: String,
}

/// The whole page.
#[derive(Template)]
#[template(path = "report.html")]
pub(crate) struct Page {
    pub title: String,
    pub cases: u64,
    pub events: u64,
    pub fig_columns: &'static [&'static str],
    pub phase_rows: Vec<FigRow>,
    pub kern_rows: Vec<FigRow>,
    pub clock_rows: Vec<ClockRow>,
    pub compare: CompareSection,
    pub coverage: Option<CoverageView>,
    pub problems: Problems,
    pub charts: Vec<Chart>,
    pub min_cases: u64,
    pub round_to: u64,
    pub min_quantile: u64,
    pub version: &'static str,
}

impl Page {
    pub(crate) fn build(log: &EventLog, opts: &ReportOptions<'_>) -> Result<Page, ReportError> {
        let d = Disclosure::default();
        let mut eval = opts.evaluation.clone();
        eval.disclosure = d;
        eval.group_by = vec![Dim::Kern, Dim::Phase];
        let ev = evaluation::evaluate(log, &eval);
        let by_phase = {
            let mut s = EvalState::new(vec![Dim::Phase]);
            s.add(log, &eval);
            s.finish(&d)
        };
        let phase_rows: Vec<FigRow> = by_phase.aggregates.rows.iter().map(fig_row).collect();
        let kern_rows: Vec<FigRow> = ev.summary.aggregates.rows.iter().map(fig_row).collect();
        let mut clock_rows = Vec::new();
        for r in &by_phase.aggregates.rows {
            let Some(f) = &r.figures else { continue };
            for c in &f.clocks {
                clock_rows.push(ClockRow {
                    phase: key_text(&r.key[0]),
                    clock: clock_name(c.clock),
                    tds: vec![
                        Td::num(c.met.to_string()),
                        Td::num(c.missed.to_string()),
                        Td::num(c.overdue.to_string()),
                        Td::num(c.running.to_string()),
                        Td::of(c.compliance, percent),
                    ],
                });
            }
        }

        let mut comparisons: Vec<Comparison> = Vec::new();
        let compare = match &opts.compare {
            None => CompareSection::Off,
            Some((a, b)) => {
                let copts = CompareOptions {
                    disclosure: d,
                    ..opts.compare_options
                };
                match evaluation::compare_checked(&ev.per_case, a, b, &copts) {
                    Ok(cs) => {
                        comparisons = cs;
                        CompareSection::Rows {
                            pilot_cases: comparisons.first().map_or(0, |c| c.a.cases),
                            baseline_cases: comparisons.first().map_or(0, |c| c.b.cases),
                            rows: comparisons.iter().map(compare_row).collect(),
                        }
                    }
                    Err(e @ evaluation::EvalError::NoMatch { .. }) => {
                        CompareSection::NotCompared(e.to_string())
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };

        let charts = Self::charts(&by_phase.aggregates.rows, &comparisons)?;
        Ok(Page {
            title: opts.title.clone(),
            cases: ev.summary.cases,
            events: ev.summary.events,
            fig_columns: &FIG_COLUMNS,
            phase_rows,
            kern_rows,
            clock_rows,
            compare,
            coverage: opts
                .coverage
                .map(|(rules, date)| coverage_view(rules, date)),
            problems: ev.summary.problems,
            charts,
            min_cases: d.min_cases,
            round_to: d.round_to,
            min_quantile: d.min_quantile,
            version: env!("CARGO_PKG_VERSION"),
        })
    }

    fn charts(phases: &[Row], comparisons: &[Comparison]) -> Result<Vec<Chart>, ReportError> {
        let mut out = Vec::new();
        let published: Vec<(String, &Figures)> = phases
            .iter()
            .filter_map(|r| r.figures.as_ref().map(|f| (key_text(&r.key[0]), f)))
            .collect();
        if !published.is_empty() {
            let title = "Days to first contact and to the right place, per phase";
            let cats = [
                "first contact, median",
                "first contact, p90",
                "right place, median",
                "right place, p90",
            ];
            let series: Vec<Series> = published
                .iter()
                .map(|(name, f)| Series {
                    name: name.clone(),
                    values: vec![
                        f.first_contact.median_days,
                        f.first_contact.p90_days,
                        f.right_place.median_days,
                        f.right_place.p90_days,
                    ],
                })
                .collect();
            out.push(Chart {
                title: title.to_string(),
                svg: charts::bars(title, "days", &cats, &series)?,
            });
            let clocks: Vec<ClockKind> = ClockKind::ALL
                .iter()
                .copied()
                .filter(|k| {
                    published
                        .iter()
                        .any(|(_, f)| f.clocks.iter().any(|c| c.clock == *k))
                })
                .collect();
            if !clocks.is_empty() {
                let title = "Legal deadlines met, per phase (%)";
                let cats: Vec<&str> = clocks.iter().map(|&k| clock_name(k)).collect();
                let series: Vec<Series> = published
                    .iter()
                    .map(|(name, f)| Series {
                        name: name.clone(),
                        values: clocks
                            .iter()
                            .map(|k| {
                                f.clocks
                                    .iter()
                                    .find(|c| c.clock == *k)
                                    .and_then(|c| c.compliance)
                                    .map(|v| v * 100.0)
                            })
                            .collect(),
                    })
                    .collect();
                out.push(Chart {
                    title: title.to_string(),
                    svg: charts::bars(title, "% met", &cats, &series)?,
                });
            }
        }
        // the intervals of the comparison, one chart per unit
        for (kind, title, unit) in [
            (
                MetricKind::Days,
                "Pilot minus baseline: days (95% interval)",
                "days",
            ),
            (
                MetricKind::Share,
                "Pilot minus baseline: shares of cases (95% interval)",
                "percentage points",
            ),
            (
                MetricKind::Mean,
                "Pilot minus baseline: per case (95% interval)",
                "per case",
            ),
        ] {
            let scale = if kind == MetricKind::Share {
                100.0
            } else {
                1.0
            };
            let rows: Vec<charts::Interval> = comparisons
                .iter()
                .filter(|c| metric_view(c.metric).kind == kind)
                .map(|c| charts::Interval {
                    label: metric_view(c.metric).name.to_string(),
                    difference: c.difference.filter(|_| !c.suppressed).map(|v| v * scale),
                    low: c.ci_low.filter(|_| !c.suppressed).map(|v| v * scale),
                    high: c.ci_high.filter(|_| !c.suppressed).map(|v| v * scale),
                })
                .collect();
            if !rows.is_empty() {
                out.push(Chart {
                    title: title.to_string(),
                    svg: charts::intervals(title, unit, &rows)?,
                });
            }
        }
        Ok(out)
    }

    pub(crate) fn html(&self) -> Result<String, ReportError> {
        self.render().map_err(|_| ReportError::Template)
    }
}
