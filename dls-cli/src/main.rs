//! The `dls` binary: see the crate docs of `dls_cli` (or `dls --help`) for the subcommands and
//! exit codes.

/// The binary's allocations use mimalloc, as the Python and JVM bindings' do: reading a large
/// event log allocates many small strings on several threads, where it is much faster than
/// the system's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(dls_cli::main(std::env::args_os()));
}
