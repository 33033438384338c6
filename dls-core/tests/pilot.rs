//! The embedded Haarlemmermeer pilot is valid and complete.

use dls_core::pilot;

#[test]
fn pilot_directory_and_rules_validate_without_errors() {
    let (dir, warnings) =
        dls_core::Directory::new(pilot::directory_data()).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let rules = dls_core::RuleSet::new(&dir, pilot::rules_data()).unwrap_or_else(|e| panic!("{e}"));
    assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
}

#[test]
fn pilot_has_31_kernen_in_haarlemmermeer() {
    let dir = pilot::directory();
    let n = dir
        .areas()
        .kernen()
        .iter()
        .filter(|k| k.municipality.as_str() == "GM0394")
        .count();
    assert_eq!(n, 31);
}

#[test]
fn pilot_cases_fit_the_directory() {
    let dir = pilot::directory();
    let cases = pilot::cases();
    assert!(cases.len() >= 8);
    for c in &cases {
        c.check(&dir).unwrap();
    }
    assert!(
        cases.iter().any(|c| c.needs().len() >= 3),
        "a multi-need household"
    );
    assert!(
        cases.iter().any(|c| !c.situation().tried().is_empty()),
        "a cannot-get-through case"
    );
}
