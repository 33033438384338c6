//! The `dls` binary: see the crate docs of `dls_cli` (or `dls --help`) for the subcommands and
//! exit codes.

fn main() {
    std::process::exit(dls_cli::main(std::env::args_os()));
}
