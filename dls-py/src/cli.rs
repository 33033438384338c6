//! The `dls` command inside the wheel: `dls._dls._cli_main(argv)` runs the Rust command line
//! (crate `dls-cli`) and returns its exit code; `dls.cli:main` is the console script.

use pyo3::prelude::*;

/// Runs the `dls` command line `argv` (program name first) with the GIL released and returns
/// the exit code (0 done, 1 problems found or bad input, 2 usage).
#[pyfunction]
pub fn _cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(move || {
        std::panic::catch_unwind(move || dls_cli::main(argv)).unwrap_or_else(|_| {
            eprintln!("error: internal error in dls (please report it)");
            dls_cli::EXIT_PROBLEMS
        })
    })
}
