//! Loading that does not surprise: a folder loads whole (directory files found by name, every
//! rule layer), a missing file is named, a rule layer left out is a warning, and filters that
//! match nothing say which values exist.

use std::path::{Path, PathBuf};

use dls_core::coverage::CoverageOptions;
use dls_core::evaluation::{self, EvalError, EvalOptions, Selection};
use dls_core::{pilot, Directory, LoadError, MunicipalityCode, ParseError, ProblemKind, RuleSet};

fn pilot_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/haarlemmermeer")
}

/// A fresh copy of the pilot folder's TOML files, in a folder of its own.
fn copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dls-folder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(pilot_folder()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn ids(r: &RuleSet) -> Vec<String> {
    r.in_routing_order().map(|r| r.id.to_string()).collect()
}

#[test]
fn the_pilot_folder_loads_whole_and_equals_the_embedded_pilot() {
    let (dir, warnings) = Directory::from_folder(&pilot_folder()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let rules = RuleSet::from_folder(&dir, &pilot_folder()).unwrap();
    assert_eq!(rules.data().rules.len(), pilot::rules().data().rules.len());
    assert_eq!(ids(&rules), ids(&pilot::rules()));
    assert!(rules
        .warnings()
        .iter()
        .all(|w| w.kind != ProblemKind::LayerLeftOut));
    assert_eq!(dir.services().len(), pilot::directory().services().len());
}

#[test]
fn a_missing_directory_file_is_named() {
    let dir = copy("missing-areas");
    std::fs::remove_file(dir.join("areas.toml")).unwrap();
    let err = Directory::from_folder(&dir).unwrap_err();
    let LoadError::Parse(p) = &err else {
        panic!("{err}")
    };
    assert!(p.is_missing_file());
    assert!(err.to_string().contains("areas.toml"), "{err}");
    // a folder that does not exist, and one without rule files
    let none = dir.join("nowhere");
    assert!(matches!(
        Directory::from_folder(&none),
        Err(LoadError::Parse(ParseError::NotFound { .. }))
    ));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = RuleSet::from_folder(&pilot::directory(), &empty).unwrap_err();
    assert!(err.to_string().contains("rules-*.toml"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_directory_file_loaded_without_its_companions_names_them() {
    let f = pilot_folder();
    let err = Directory::from_files(&[f.join("directory.toml")]).unwrap_err();
    let LoadError::Parse(ParseError::MissingCompanion {
        part, companion, ..
    }) = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*part, "areas");
    assert!(companion.ends_with("areas.toml"), "{err}");
    let err = Directory::from_files(&[f.join("directory.toml"), f.join("areas.toml")]).unwrap_err();
    assert!(err.to_string().contains("taxonomy.toml"), "{err}");
    // all three: fine
    Directory::from_files(&[
        f.join("areas.toml"),
        f.join("taxonomy.toml"),
        f.join("directory.toml"),
    ])
    .unwrap();
}

#[test]
fn a_missing_file_is_not_found() {
    let err = Directory::from_files(&[pilot_folder().join("nope.toml")]).unwrap_err();
    assert!(matches!(
        err,
        LoadError::Parse(ParseError::NotFound { ref file }) if file.ends_with("nope.toml")
    ));
}

#[test]
fn a_rule_layer_left_out_is_a_warning_naming_it() {
    let f = pilot_folder();
    let dir = pilot::directory();
    let partial = RuleSet::from_files(
        &dir,
        &[f.join("rules-national.toml"), f.join("rules-GM0394.toml")],
    )
    .unwrap();
    let region = dls_core::RuleSetData::from_file(&f.join("rules-region.toml")).unwrap();
    assert!(!region.rules.is_empty());
    assert_eq!(
        partial.data().rules.len(),
        pilot::rules().data().rules.len() - region.rules.len()
    );
    let left: Vec<_> = partial
        .warnings()
        .iter()
        .filter(|w| w.kind == ProblemKind::LayerLeftOut)
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0]
        .location
        .file
        .as_deref()
        .unwrap()
        .ends_with("rules-region.toml"));
    assert!(left[0].message.contains("region:zuid-kennemerland"));
    // every layer: no such warning
    let whole = RuleSet::from_files(
        &dir,
        &[
            f.join("rules-GM0394.toml"),
            f.join("rules-region.toml"),
            f.join("rules-national.toml"),
        ],
    )
    .unwrap();
    assert!(whole
        .warnings()
        .iter()
        .all(|w| w.kind != ProblemKind::LayerLeftOut));
}

#[test]
fn a_layer_for_other_areas_is_not_a_warning() {
    let dir = copy("other-layer");
    // a layer for a kern of another municipality does not concern GM0394's rules
    std::fs::write(
        dir.join("rules-elsewhere.toml"),
        "[[steunpilaar]]\narea = \"GM0392\"\nservice = \"slp-regio\"\n",
    )
    .unwrap();
    let rules = RuleSet::from_files(&pilot::directory(), &[dir.join("rules-GM0394.toml")]).unwrap();
    let left: Vec<String> = rules
        .warnings()
        .iter()
        .filter(|w| w.kind == ProblemKind::LayerLeftOut)
        .filter_map(|w| w.location.file.clone())
        .collect();
    // the national layer holds no policy of its own (its services route by their own
    // coverage), so leaving it out loses nothing; the region's policy is lost
    assert!(
        !left.iter().any(|f| f.ends_with("rules-national.toml")),
        "{left:?}"
    );
    assert!(left.iter().any(|f| f.ends_with("rules-region.toml")));
    assert!(
        !left.iter().any(|f| f.ends_with("rules-elsewhere.toml")),
        "{left:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_phase_no_case_has_is_an_error_listing_the_phases() {
    let ev = evaluation::evaluate(&pilot::event_log(), &EvalOptions::default());
    let wrong = Selection {
        phase: Some("Pilot".into()),
        ..Selection::default()
    };
    let right = Selection {
        phase: Some("baseline".into()),
        ..Selection::default()
    };
    let err =
        evaluation::compare_checked(&ev.per_case, &wrong, &right, &Default::default()).unwrap_err();
    let EvalError::NoMatch { filter, known, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*filter, "phase");
    assert_eq!(known, &["baseline", "pilot"]);
    // the value given is not repeated, the values that exist are
    assert!(!err.to_string().contains("Pilot"), "{err}");
    let kern = Selection {
        kernen: Some(vec!["hoofddorp".into(), "atlantis".into()]),
        ..Selection::default()
    };
    let err =
        evaluation::compare_checked(&ev.per_case, &right, &kern, &Default::default()).unwrap_err();
    assert!(!err.to_string().contains("atlantis"), "{err}");
    assert!(err.to_string().contains("`hoofddorp`"), "{err}");
    let pilot_side = Selection {
        phase: Some("pilot".into()),
        ..Selection::default()
    };
    let ok = evaluation::compare_checked(&ev.per_case, &pilot_side, &right, &Default::default())
        .unwrap();
    assert_eq!(
        ok,
        evaluation::compare(&ev.per_case, &pilot_side, &right, &Default::default())
    );
}

#[test]
fn an_unknown_municipality_in_coverage_is_an_error_listing_the_known() {
    let rules = pilot::rules();
    let mut opts = CoverageOptions::on(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
    opts.municipality = Some("GM9999".parse::<MunicipalityCode>().unwrap());
    let err = opts.check(&rules).unwrap_err();
    assert!(err.to_string().contains("`GM9999`"), "{err}");
    assert!(err.known.iter().any(|m| m.as_str() == "GM0394"));
    opts.municipality = Some("GM0394".parse().unwrap());
    opts.check(&rules).unwrap();
}
