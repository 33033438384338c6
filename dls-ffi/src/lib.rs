//! Placeholder until the binding issue lands: re-exports the core version.
pub use dls_core::VERSION;
