//! Routing engine (issue 3, in progress).
