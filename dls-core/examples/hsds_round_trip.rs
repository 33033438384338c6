//! Times the HSDS round trip of a 15,000-service directory (issue 11): the directory read from
//! tables (`services.csv` as `dls-py/bench/tables_hsds.py` writes it: one to three kernen or one
//! municipality, integer age ranges, a priority), written as HSDS (`hsds::export_json`), and
//! read back from the file (`hsds::load_with_mapping_file`, as the bindings' `from_hsds`); best
//! of 3.
//!
//! `cargo run --release -p dls-core --example hsds_round_trip [SERVICES]`

use std::time::Instant;

use dls_core::{hsds, pilot, tabular, Directory};

fn best<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = None;
    let mut t = f64::INFINITY;
    for _ in 0..3 {
        let s = Instant::now();
        let r = f();
        t = t.min(s.elapsed().as_secs_f64());
        out = Some(r);
    }
    (t, out.expect("three runs"))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15_000);
    let mut data = pilot::directory_data();
    data.services.clear();
    data.organisations.clear();
    let kernen: Vec<String> = data.kernen.iter().map(|k| k.id.to_string()).collect();
    let munis: Vec<String> = data
        .municipalities
        .iter()
        .map(|m| m.code.to_string())
        .collect();
    let needs: Vec<String> = data.needs.iter().map(|n| n.code.to_string()).collect();
    let (base, _) = Directory::new(data).expect("the pilot's areas and taxonomy");
    // A small linear congruential generator: the shape of the Python bench's data.
    let mut state: u64 = 1;
    let mut rnd = |k: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % k as u64) as usize
    };
    let mut csv = String::from("id,organisation,name,needs,areas,age_min,age_max,priority\n");
    for i in 0..n {
        let areas = if rnd(10) < 6 {
            let mut a: Vec<String> = (0..1 + rnd(3))
                .map(|_| format!("kern:{}", kernen[rnd(kernen.len())]))
                .collect();
            a.sort();
            a.dedup();
            a.join(";")
        } else {
            munis[rnd(munis.len())].clone()
        };
        let lo = ["", "4", "18", "65"][rnd(4)];
        let hi = if lo == "65" {
            ""
        } else {
            ["", "27", "67"][rnd(3)]
        };
        csv.push_str(&format!(
            "s{i:05},org,Service {i},{},{areas},{lo},{hi},{}\n",
            needs[rnd(needs.len())],
            rnd(6)
        ));
    }
    let orgs = b"id,name,kind\norg,Org,welfare\n";
    let (t_tab, (big, _)) =
        best(|| tabular::load_tables(&base, csv.as_bytes(), Some(orgs)).expect("tables load"));
    let (t_exp, text) = best(|| hsds::export_json(&big));
    let path =
        std::env::temp_dir().join(format!("dls-hsds-round-trip-{}.json", std::process::id()));
    std::fs::write(&path, &text).expect("write the export");
    let (t_imp, (back, _, _)) =
        best(|| hsds::load_with_mapping_file(&base, &[&path], None).expect("the export imports"));
    let _ = std::fs::remove_file(&path);
    assert_eq!(back.to_data().services, big.to_data().services);
    println!(
        "services={} from_tables={t_tab:.3}s to_hsds={t_exp:.3}s ({:.1} MB) from_hsds={t_imp:.3}s",
        big.services().len(),
        text.len() as f64 / 1e6
    );
}
