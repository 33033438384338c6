//! pilot (in progress)
