//! The Haarlemmermeer care pilot, end to end, on the data embedded in dls-core:
//! coverage (gaps and overlaps per kern), then routing and evaluation as they land.
//!
//! Run: `cargo run -p dls-examples --bin haarlemmermeer`

use chrono::NaiveDate;
use dls_core::coverage::{self, CoverageOptions};
use dls_core::pilot;

fn main() {
    let rules = pilot::rules();
    let dir = rules.directory();
    println!(
        "dls {} — Haarlemmermeer care pilot: {} kernen, {} organisations, {} services, {} rules",
        dls_core::VERSION,
        dir.areas()
            .kernen()
            .iter()
            .filter(|k| k.municipality.as_str() == "GM0394")
            .count(),
        dir.organisations().len(),
        dir.services().len(),
        rules.data().rules.len()
    );

    let date = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a valid date");
    let options = CoverageOptions {
        date,
        municipality: Some("GM0394".parse().expect("a valid municipality code")),
    };
    let report = coverage::analyse(&rules, &options);
    println!("\n== Coverage of the pilot municipality\n");
    print!("{}", report.render_table());
}
