//! Pair analysis of a large rule set: 8,000 rules in one kern validate without allocating per
//! pair of rules (counted by a counting allocator around [`RuleSet::new`]), each shadowed rule
//! reported once and ties counted in one summary line.
//!
//! No timing is asserted here; the time and memory figures for 1k to 16k rules are in
//! BENCHMARKS.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use dls_core::{Directory, Format, ProblemKind, RuleSet, RuleSetData};

/// The system allocator, counting allocations and the peak of live bytes.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: same layout as asked for
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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

/// `n` rules in one kern over two needs and a subtree, at 20 priorities, with overlapping
/// income ranges and two targets: many pairs overlap, many tie, some shadow.
fn rules(n: usize) -> RuleSetData {
    let mut text = String::new();
    for i in 0..n {
        let need = match i % 5 {
            0 => "zorg.wmo.*",
            1 | 2 => "zorg.wmo.huishouden",
            _ => "zorg.wmo.begeleiding",
        };
        let target = if (i / 20) % 2 == 0 { "loket" } else { "hulp" };
        let (lo, hi) = (i % 500, i % 500 + 200);
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i:05}\"\nneeds = [\"{need}\"]\narea = \"kern:hoofddorp\"\ntarget = \"service:{target}\"\npriority = {}\nwhen = {{ income_pct = {{ min = {lo}, max = {hi} }} }}\n",
            i % 20
        ));
    }
    RuleSetData::parse(&text, Format::Toml, "many.toml").unwrap()
}

#[test]
fn eight_thousand_rules_in_one_kern_validate_without_an_allocation_per_pair() {
    let dir = Directory::from_str(DIRECTORY, Format::Toml, "dir.toml").unwrap();
    let n = 8_000;
    let data = rules(n);
    let (allocations, live) = (ALLOCATIONS.load(Relaxed), LIVE.load(Relaxed));
    PEAK.store(live, Relaxed);
    let set = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}"));
    let allocations = ALLOCATIONS.load(Relaxed) - allocations;
    let peak = PEAK.load(Relaxed) - live;
    let ties = set
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Ambiguous)
        .count();
    let shadowed = set
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Shadowed)
        .count();
    // capped: at most 100 listed and one summary line of each kind
    assert_eq!(ties, 101, "{:?}", &set.warnings()[..3]);
    assert!(shadowed <= 101);
    let summary = set
        .warnings()
        .iter()
        .find(|p| p.kind == ProblemKind::Ambiguous && p.message.starts_with("and "))
        .unwrap();
    let more: usize = summary.message.split(' ').nth(1).unwrap().parse().unwrap();
    // hundreds of thousands of pairs tie …
    assert!(more > 100_000, "{}", summary.message);
    // … yet the whole validation allocates a few dozen times per rule and holds a few MB
    assert!(
        allocations < 60 * n,
        "{allocations} allocations for {n} rules"
    );
    assert!(peak < 32 << 20, "peak {peak} bytes");
}
