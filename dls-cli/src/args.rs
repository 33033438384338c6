//! The command line, declared with clap's derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// What `--help` shows after the options.
const EXIT_CODES: &str = "\
Exit codes:
  0  done (warnings are allowed)
  1  problems found or bad input: a rule set that does not validate, a file that cannot be
     read, an unknown municipality or phase, rows that could not be routed
  2  usage: an unknown option or a missing argument

A folder (DIR) holds the directory files `areas`, `taxonomy` and `directory` (.toml or .json)
and one file per rule layer, named `rules-….toml` (national, region, municipality); see the
embedded pilot in dls-core/data/haarlemmermeer.";

/// dls — De Lokale Steunpilaar: validate rule sets, find gaps, route cases, evaluate timelines.
#[derive(Debug, Parser)]
#[command(name = "dls", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Loads a folder's directory and every rule layer and lists every problem; exit 1 on
    /// errors.
    Validate(ValidateArgs),
    /// Where each need goes in each kern on a date: gaps (lacunes) and overlaps.
    Coverage(CoverageArgs),
    /// Routes every case of a CSV file; one decision row per need, in the cases' order.
    Route(RouteArgs),
    /// Evaluates an event log (CSV or JSON Lines): aggregates per dimension, published by
    /// default.
    Evaluate(EvaluateArgs),
    /// Writes the pilot report of an event log: one self-contained HTML page of published
    /// figures per phase and kern, legal deadlines, pilot against baseline, gaps and overlaps,
    /// frequent problems and charts.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The folder with the directory and rule files.
    pub dir: PathBuf,
    /// Problems as JSON on stdout (else as text).
    #[arg(long)]
    pub json: bool,
}

/// How coverage is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Only {
    /// Every kern × need × age band.
    All,
    /// Gaps only.
    Gaps,
    /// Overlaps only.
    Overlaps,
    /// Gaps and overlaps.
    Problems,
}

#[derive(Debug, Args)]
pub(crate) struct CoverageArgs {
    /// The folder with the directory and rule files.
    pub dir: PathBuf,
    /// The date rules and contracts must be valid on (YYYY-MM-DD).
    #[arg(long)]
    pub date: String,
    /// Only the kernen of this municipality (CBS code, e.g. GM0394).
    #[arg(long)]
    pub municipality: Option<String>,
    /// Which rows: all, gaps, overlaps or problems (gaps and overlaps). Text output always
    /// shows gaps and overlaps per kern.
    #[arg(long, value_enum, default_value_t = Only::All)]
    pub only: Only,
    /// Rows as JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Rows as CSV.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RouteArgs {
    /// The folder with the directory and rule files.
    pub dir: PathBuf,
    /// The cases: CSV with the columns id, kern, needs (`;` between needs, the first primary)
    /// and optionally age (whole years), household, urgency, framework, signals, income_pct, opened,
    /// tried (`service:outcome;…`), share_with_organisations; plus one column per attribute the
    /// directory declares (an enumeration as its word, a boolean as true/false, an integer, flags
    /// `;`-joined). Any other column is an error naming it.
    pub cases: PathBuf,
    /// Where to write the decisions: `.csv`, `.jsonl` or `.parquet`.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Route every case on this date (YYYY-MM-DD); else on each case's `opened` date.
    #[arg(long)]
    pub date: Option<String>,
}

/// The disclosure switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DisclosureArg {
    /// Small cells suppressed, counts rounded: safe to publish.
    Publish,
    /// Exact figures, for internal use only.
    Raw,
}

#[derive(Debug, Args)]
pub(crate) struct EvaluateArgs {
    /// The event log: `.csv`, `.jsonl`, `.xes` or `.parquet`.
    pub events: PathBuf,
    /// How to read a log with its own column and activity names: a preset (`dls`, `pm4py`) or
    /// a `.toml` / `.json` mapping file (default: dls's own format; XES conventions for `.xes`).
    #[arg(long)]
    pub mapping: Option<String>,
    /// A folder whose directory says which services cover which needs (else any acceptance
    /// for the case's need counts).
    #[arg(long)]
    pub directory: Option<PathBuf>,
    /// Dimensions, comma-separated (e.g. kern,month; also phase, municipality, need, …, and
    /// the extra dimensions the mapping keeps, e.g. channel).
    #[arg(long, value_delimiter = ',', default_value = "kern,month")]
    pub by: Vec<String>,
    /// Where to write the aggregates: `.csv`, `.jsonl` or `.parquet` (else CSV on stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// `publish` (default) or `raw` (internal use only).
    #[arg(long, value_enum, default_value_t = DisclosureArg::Publish)]
    pub disclosure: DisclosureArg,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The event log: `.csv` or `.jsonl`.
    pub events: PathBuf,
    /// A folder whose directory says which services cover which needs; with `--date`, its
    /// rule set gives the gaps and overlaps.
    #[arg(long)]
    pub directory: Option<PathBuf>,
    /// The date of the gaps and overlaps (YYYY-MM-DD); without it the report has none.
    #[arg(long)]
    pub date: Option<String>,
    /// Where to write the page (HTML).
    #[arg(long, short)]
    pub output: PathBuf,
    /// The page's title.
    #[arg(long, default_value = "Pilot report")]
    pub title: String,
    /// The phase of the pilot's cases.
    #[arg(long, default_value = "pilot")]
    pub pilot: String,
    /// The phase of the baseline's cases.
    #[arg(long, default_value = "baseline")]
    pub baseline: String,
    /// No pilot-against-baseline comparison.
    #[arg(long)]
    pub no_compare: bool,
}

impl Cli {
    /// Runs the command; the exit code, or an error that exits with 1.
    pub fn run(&self) -> anyhow::Result<i32> {
        match &self.command {
            Command::Validate(a) => crate::validate::run(a),
            Command::Coverage(a) => crate::coverage::run(a),
            Command::Route(a) => crate::route::run(a, self.quiet),
            Command::Evaluate(a) => crate::evaluate::run(a, self.quiet),
            Command::Report(a) => crate::report::run(a, self.quiet),
        }
    }
}
