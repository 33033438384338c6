//! The `dls` command: the library's everyday work for municipal IT and pipelines, one
//! subcommand each — check a folder of rule files, list gaps and overlaps, route a case file,
//! evaluate an event log, write the pilot report.
//!
//! The command holds no domain logic: it reads files, calls `dls-core` and writes what the core
//! returns (text, JSON, CSV or JSON Lines). [`main`] is the whole program, so the Python wheel
//! can install the same command as a console script.
//!
//! Exit codes: **0** done (warnings allowed); **1** problems found or bad input (a rule set
//! that does not validate, a file that cannot be read, rows that could not be routed); **2**
//! usage (an unknown option, a missing argument).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::ffi::OsString;

use clap::Parser;

mod args;
mod coverage;
mod evaluate;
mod out;
mod parquet_out;
mod progress;
mod report;
mod route;
mod validate;

pub use args::Cli;

/// Exit code: done.
pub const EXIT_OK: i32 = 0;
/// Exit code: problems found, or bad input.
pub const EXIT_PROBLEMS: i32 = 1;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: i32 = 2;

/// Runs the command line `argv` (the program name first) and returns the exit code. Output goes
/// to stdout and the files named; messages and progress to stderr.
pub fn main<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print and succeed; anything else is a usage error.
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.run() {
        Ok(code) => code,
        // a reader that stopped early (`dls … | head`): not a failure of dls
        Err(e) if broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e:#}");
            EXIT_PROBLEMS
        }
    }
}

/// True when writing failed because the reader of stdout went away.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().or_else(|| {
            c.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io),
                _ => None,
            })
        });
        let json = c
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.map(std::io::Error::kind).or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
