//! Coverage of the embedded pilot finds the gaps and overlaps planted in it, and a kern rule
//! overrides a municipal one only inside that kern.

use dls_core::coverage::{self, CoverageOptions, CoverageReport, CoverageStatus};
use dls_core::ids::{KernId, RuleId};
use dls_core::{pilot, Format, RuleSet, RuleSetData};

fn pilot_coverage(date: &str) -> CoverageReport {
    coverage::analyse(
        &pilot::rules(),
        &CoverageOptions {
            date: date.parse().unwrap(),
            municipality: Some("GM0394".parse().unwrap()),
        },
    )
}

#[test]
fn every_kern_need_and_applicable_age_band_has_one_row() {
    let r = pilot_coverage("2026-06-01");
    let kernen: std::collections::BTreeSet<_> = r.rows.iter().map(|x| x.kern.as_str()).collect();
    assert_eq!(kernen.len(), 31);
    let wmo_child = r.row("hoofddorp", "zorg.wmo.huishouden", "child");
    assert!(
        wmo_child.is_none(),
        "Wmo does not apply to children, so it is no gap for them"
    );
    assert!(r
        .row("hoofddorp", "zorg.wmo.huishouden", "senior")
        .is_some());
}

#[test]
fn planted_gaps_are_found() {
    let r = pilot_coverage("2026-06-01");
    // energy coaching only in three kernen: the steunpilaar catches it elsewhere
    let e = r.row("lisserbroek", "wonen.energie", "adult").unwrap();
    assert_eq!(e.status, CoverageStatus::Steunpilaar);
    assert_eq!(e.service.as_ref().unwrap().as_str(), "slp-haarlemmermeer");
    let e = r.row("hoofddorp", "wonen.energie", "adult").unwrap();
    assert_eq!(e.status, CoverageStatus::Covered);
    assert_eq!(e.service.as_ref().unwrap().as_str(), "energiecoach");
    // loneliness buddies only in the four large kernen
    assert!(r
        .row("abbenes", "zorg.eenzaamheid", "senior")
        .unwrap()
        .status
        .is_gap());
    assert!(!r
        .row("zwanenburg", "zorg.eenzaamheid", "senior")
        .unwrap()
        .status
        .is_gap());
    // no basic mental health care for children and youths anywhere
    for kern in ["hoofddorp", "rijsenhout", "spaarnwoude"] {
        for band in ["child", "youth"] {
            assert!(
                r.row(kern, "zorg.ggz.basis", band).unwrap().status.is_gap(),
                "{kern} {band:?}"
            );
        }
        assert_eq!(
            r.row(kern, "zorg.ggz.basis", "adult").unwrap().status,
            CoverageStatus::Covered
        );
    }
    // respite care is not contracted: a gap on purpose, everywhere
    let resp: Vec<_> = r
        .rows
        .iter()
        .filter(|x| x.need.as_str() == "zorg.mantelzorg.respijt")
        .collect();
    assert!(!resp.is_empty());
    assert!(resp.iter().all(|x| x.status == CoverageStatus::NotCovered
        && x.rule.as_ref().unwrap().as_str() == "gm-respijt"));
    // the table says so
    let table = r.render_table();
    assert!(
        table.contains("not covered here on purpose (rule gm-respijt)"),
        "{table}"
    );
    assert!(table.contains("Lisserbroek (GM0394)"), "{table}");
}

#[test]
fn planted_overlaps_are_found_at_equal_standing_only() {
    let r = pilot_coverage("2026-06-01");
    let orgs = |kern: &str, need: &str| -> Vec<String> {
        r.row(kern, need, "adult")
            .unwrap()
            .overlap
            .iter()
            .map(|o| o.to_string())
            .collect()
    };
    assert_eq!(
        orgs("hoofddorp", "zorg.thuiszorg.wijkverpleging"),
        ["polderzorg", "zorgcentrale-meerlanden"]
    );
    assert_eq!(
        orgs("cruquius", "zorg.thuiszorg.wijkverpleging"),
        Vec::<String>::new()
    );
    assert_eq!(
        orgs("badhoevedorp", "sociale_zaken.administratie"),
        [
            "formulierenbrigade-bhd",
            "humanitas-meer",
            "welzijn-meerwaarde"
        ]
    );
    assert_eq!(
        orgs("vijfhuizen", "sociale_zaken.administratie"),
        ["humanitas-meer", "welzijn-meerwaarde"]
    );
    assert_eq!(
        orgs("vijfhuizen", "zorg.ggz.basis"),
        ["ggz-polderland", "huisartsen-hlmmr"]
    );
    // a national helpline behind a regional service is a fallback, not an overlap
    assert_eq!(orgs("vijfhuizen", "zorg.ggz.crisis"), Vec::<String>::new());
    assert_eq!(
        r.row("vijfhuizen", "zorg.ggz.crisis", "adult")
            .unwrap()
            .providers
            .len(),
        2
    );
}

#[test]
fn contracts_and_rules_follow_their_validity_dates() {
    // the Meerlanden contract ends on 2026-12-31: then Polderzorg alone serves Hoofddorp
    let before = pilot_coverage("2026-12-31");
    let after = pilot_coverage("2027-01-01");
    let w = |r: &CoverageReport| {
        r.row("hoofddorp", "zorg.thuiszorg.wijkverpleging", "senior")
            .unwrap()
            .service
            .clone()
            .unwrap()
    };
    assert_eq!(w(&before).as_str(), "meerlanden-wijkverpleging");
    assert_eq!(w(&after).as_str(), "polderzorg-wijkverpleging");
    // energy coaching ends after 2027
    let r = pilot_coverage("2028-01-01");
    assert!(r
        .row("hoofddorp", "wonen.energie", "adult")
        .unwrap()
        .status
        .is_gap());
}

#[test]
fn a_kern_rule_overrides_a_municipal_rule_only_inside_that_kern() {
    let r = pilot_coverage("2026-06-01");
    let admin = |kern: &str| {
        r.row(kern, "sociale_zaken.administratie", "senior")
            .unwrap()
            .clone()
    };
    assert_eq!(
        admin("badhoevedorp").service.unwrap().as_str(),
        "formulierenbrigade"
    );
    assert_eq!(
        admin("badhoevedorp").rule.unwrap().as_str(),
        "coverage:formulierenbrigade"
    );
    for kern in ["hoofddorp", "zwanenburg", "lijnden"] {
        assert_eq!(
            admin(kern).service.unwrap().as_str(),
            "formulierenhulp",
            "{kern}"
        );
    }
    let rules = pilot::rules();
    let gm: RuleId = "coverage:formulierenhulp".parse().unwrap();
    let date = "2026-06-01".parse().unwrap();
    let bhd: KernId = "badhoevedorp".parse().unwrap();
    let hfd: KernId = "hoofddorp".parse().unwrap();
    let o = rules
        .overridden_in(&gm, &bhd, date)
        .expect("replaced in Badhoevedorp");
    assert_eq!(o.by.as_str(), "kern-badhoevedorp-administratie");
    assert!(
        !o.replaced,
        "a switch-off of the municipal service's coverage"
    );
    assert!(rules.overridden_in(&gm, &hfd, date).is_none());
    // before the village's contract started, the municipal rule still held there
    assert!(rules
        .overridden_in(&gm, &bhd, "2025-02-28".parse().unwrap())
        .is_none());
}

#[test]
fn a_switch_off_takes_a_rule_out_inside_its_area() {
    let mut data = pilot::rules_data();
    data.merge(
        RuleSetData::parse(
            "[[switch_off]]\nid = \"no-respijt-gap-in-vijfhuizen\"\nrules = [\"gm-respijt\"]\narea = \"kern:vijfhuizen\"\n",
            Format::Toml,
            "extra.toml",
        )
        .unwrap(),
    );
    let rules = RuleSet::new(&pilot::directory(), data).unwrap();
    let r = coverage::analyse(&rules, &CoverageOptions::on("2026-06-01".parse().unwrap()));
    let v = r
        .row("vijfhuizen", "zorg.mantelzorg.respijt", "adult")
        .unwrap();
    assert_eq!(
        v.status,
        CoverageStatus::Steunpilaar,
        "without the explicit gap the steunpilaar catches it"
    );
    assert_eq!(
        r.row("cruquius", "zorg.mantelzorg.respijt", "adult")
            .unwrap()
            .status,
        CoverageStatus::NotCovered
    );
}
