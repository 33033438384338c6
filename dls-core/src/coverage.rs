//! coverage (in progress)
