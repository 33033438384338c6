//! Benchmark of rule-set validation with many rules in one kern (issue 13, item 2): prints the
//! time to parse and to validate `N` rules. Peak memory: run under `/usr/bin/time -v`.
//!
//! ```text
//! cargo run --release -p dls-core --example rule_pairs -- 8000 [mixed|one-need]
//! ```
//!
//! `mixed`: two needs and a subtree, 20 priorities, overlapping income ranges, two targets.
//! `one-need`: every rule on one need at one priority, two targets in turn: every pair ties.

use std::time::Instant;

use dls_core::{Directory, Format, RuleSet, RuleSetData};

const DIRECTORY: &str = r#"
[[municipality]]
code = "GM0394"
name = "Haarlemmermeer"
[[kern]]
id = "hoofddorp"
name = "Hoofddorp"
municipality = "GM0394"
[[domain]]
code = "zorg"
label = "Zorg"
[[need]]
code = "zorg.wmo"
label = "Wmo"
[[need]]
code = "zorg.wmo.huishouden"
label = "Huishouden"
[[need]]
code = "zorg.wmo.begeleiding"
label = "Begeleiding"
[[organisation]]
id = "gem"
name = "Gemeente"
kind = "municipality"
[[service]]
id = "loket"
organisation = "gem"
name = "Wmo-loket"
needs = ["zorg.wmo.*"]
areas = ["GM0394"]
[[service]]
id = "hulp"
organisation = "gem"
name = "Hulp"
needs = ["zorg.wmo.*"]
areas = ["GM0394"]
"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8_000);
    let one_need = args.next().as_deref() == Some("one-need");
    let mut text = String::new();
    for i in 0..n {
        let (need, priority, target) = if one_need {
            (
                "zorg.wmo.huishouden",
                0,
                if i % 2 == 0 { "loket" } else { "hulp" },
            )
        } else {
            let need = match i % 5 {
                0 => "zorg.wmo.*",
                1 | 2 => "zorg.wmo.huishouden",
                _ => "zorg.wmo.begeleiding",
            };
            (
                need,
                i % 20,
                if (i / 20) % 2 == 0 { "loket" } else { "hulp" },
            )
        };
        let (lo, hi) = (i % 500, i % 500 + 200);
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i:05}\"\nneeds = [\"{need}\"]\narea = \"kern:hoofddorp\"\ntarget = \"service:{target}\"\npriority = {priority}\nwhen = {{ income_pct = {{ min = {lo}, max = {hi} }} }}\n"
        ));
    }
    let dir = Directory::from_str(DIRECTORY, Format::Toml, "dir.toml").unwrap();
    let t = Instant::now();
    let data = RuleSetData::parse(&text, Format::Toml, "many.toml").unwrap();
    let parsed = t.elapsed();
    let t = Instant::now();
    let set = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}"));
    let validated = t.elapsed();
    println!(
        "{n} rules ({} KB): parse {:.3} s, validate {:.3} s, {} warnings",
        text.len() / 1024,
        parsed.as_secs_f64(),
        validated.as_secs_f64(),
        set.warnings().len()
    );
}
