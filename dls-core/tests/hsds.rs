//! HSDS 3.0 in and out, tested on the specification's own files in `../shared/data/hsds-3.0/`
//! (Open Referral, tag v3.0): every example imports with a report of what dls does not use;
//! dls's export validates against the specification's JSON Schemas with the `jsonschema` crate
//! (formats asserted); the pilot survives pilot → HSDS → dls with the same routing decisions;
//! the spec's example survives HSDS → dls → HSDS → dls; bad input is reported with its place.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use dls_core::hsds::{self, HsdsError, HsdsMapping, NoteKind};
use dls_core::routing::{RouteOptions, Router};
use dls_core::{pilot, synthetic, Directory, Format, RuleSet};
use serde_json::Value;

/// The shared data folder; a test that needs it fails (never skips) when it is missing.
fn spec() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/hsds-3.0");
    assert!(p.is_dir(), "HSDS reference data missing at {}", p.display());
    p
}

fn examples() -> PathBuf {
    spec().join("examples")
}

/// Maps the examples' one taxonomy term (code `code`) and one service area onto the pilot.
const MAPPING: &str = r#"
organisation_kind = "health"
default_areas = ["GM0394"]
default_needs = ["zorg.ggz.basis"]
[needs]
"code" = ["zorg.ggz.basis"]
[areas]
"381c64f1-a724-4884-9c21-ac96c21cca3e" = ["GM0394"]
"#;

fn mapping() -> HsdsMapping {
    HsdsMapping::parse(MAPPING, Format::Toml, "mapping.toml").unwrap()
}

/// A retriever for the schemas' relative `$ref`s (`phone.json`, …) from the schema folder.
struct SchemaFolder(PathBuf);

impl jsonschema::Retrieve for SchemaFolder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn validator(schema: &str) -> jsonschema::Validator {
    let folder = spec().join("schema");
    let text = std::fs::read_to_string(folder.join(schema)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_base_uri(format!("file:///hsds/{}", "service.json"))
        .with_retriever(SchemaFolder(folder))
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_export(export: &Value) {
    let v = validator("service.json");
    let contents = export["contents"].as_array().unwrap();
    assert!(!contents.is_empty());
    for s in contents {
        let errors: Vec<String> = v.iter_errors(s).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "service {}: {errors:?}", s["id"]);
    }
    let org = validator("organization.json");
    for s in contents {
        assert!(org.is_valid(&s["organization"]));
    }
}

#[test]
fn the_validator_is_real_it_rejects_a_broken_service() {
    let v = validator("service.json");
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("service_full.json")).unwrap(),
    )
    .unwrap();
    let mut broken = example.clone();
    broken["status"] = Value::String("open".into());
    assert!(!v.is_valid(&broken));
    let mut broken = example;
    broken["phones"][0]["id"] = Value::String("not-a-uuid".into());
    assert!(!v.is_valid(&broken));
}

#[test]
fn every_example_file_imports_with_a_report() {
    let base = pilot::directory();
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files.push(examples().join("csv"));
    assert_eq!(files.len(), 14);
    let mut with_service = Vec::new();
    for f in &files {
        let (dir, _, report) =
            hsds::load(&base, &[f], &mapping()).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if let Some(s) = dir.services().first() {
            with_service.push(name.clone());
            assert_eq!(s.id.as_str(), "ac148810-d857-441c-9679-408f346de14b");
            assert_eq!(s.eligibility.age.unwrap().min, Some(12), "{name}");
            assert_eq!(s.eligibility.age.unwrap().max, Some(100), "{name}");
            assert_eq!(s.areas, vec!["GM0394".parse().unwrap()], "{name}");
            // Every field dls does not model is listed, e.g. the schedules and the fees.
            let unused: Vec<&str> = report
                .of_kind(NoteKind::Unused)
                .map(|n| n.location.field.as_str())
                .collect();
            assert!(unused.contains(&"description"), "{name}: {unused:?}");
            if name.ends_with("_full.json") {
                assert!(unused.contains(&"schedules"), "{name}: {unused:?}");
            }
        } else {
            // A file without services still says what it held that dls did not use.
            assert!(
                !report.notes.is_empty() || name.starts_with("taxonomy"),
                "{name}"
            );
        }
    }
    assert_eq!(
        with_service,
        [
            "organization_full.json",
            "service_at_location_full.json",
            "service_at_location_list.json",
            "service_full.json",
            "service_list.json",
            "tabular.json",
            "csv"
        ]
    );
}

#[test]
fn the_tabular_package_lists_its_unused_tables() {
    let imported = hsds::import(&[examples().join("csv")], &mapping()).unwrap();
    let tables: Vec<String> = imported
        .report
        .notes
        .iter()
        .filter(|n| n.location.kind == "table")
        .map(|n| {
            Path::new(&n.location.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    for t in [
        "schedules.csv",
        "languages.csv",
        "funding.csv",
        "attributes.csv",
    ] {
        assert!(
            tables.iter().any(|x| x == t),
            "{t} not reported: {tables:?}"
        );
    }
    let phone = &imported.data.services[0].channels;
    assert!(phone.iter().any(|c| c.address.contains("1234 234567")));
}

#[test]
fn an_unmapped_term_is_listed_with_its_services() {
    let imported = hsds::import(
        &[examples().join("service_full.json")],
        &HsdsMapping {
            default_areas: vec!["GM0394".parse().unwrap()],
            ..HsdsMapping::default()
        },
    )
    .unwrap();
    assert!(imported.data.services.is_empty());
    assert_eq!(
        imported.report.unmapped_terms.get("code").unwrap(),
        &vec!["ac148810-d857-441c-9679-408f346de14b".to_string()]
    );
    let skipped: Vec<String> = imported
        .report
        .of_kind(NoteKind::Skipped)
        .map(|n| n.to_string())
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].contains("no taxonomy term maps to a need"));
}

#[test]
fn the_pilot_export_validates_against_the_hsds_schemas() {
    let export = hsds::export(&pilot::directory());
    assert_eq!(
        export["contents"].as_array().unwrap().len(),
        pilot::directory().services().len()
    );
    assert_valid_export(&export);
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dls-hsds-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Areas and taxonomy of the pilot, without its organisations and services.
fn bare(dir: &Directory) -> Directory {
    let mut d = dir.to_data();
    d.organisations.clear();
    d.services.clear();
    Directory::new(d).unwrap().0
}

#[test]
fn pilot_to_hsds_to_dls_routes_the_same() {
    // The pilot with every provider service routing by its own coverage as well.
    let own = {
        let mut d = pilot::directory_data();
        for (i, s) in d.services.iter_mut().enumerate() {
            if s.role == dls_core::directory::ServiceRole::Provider {
                s.priority = Some(i as i32 % 3 - 1);
            }
        }
        let dir = Directory::new(d).unwrap().0;
        let rules = RuleSet::new(&dir, pilot::rules_data()).unwrap();
        (dir, rules)
    };
    for (name, dir, rules) in [
        ("pilot", pilot::directory(), pilot::rules()),
        ("synthetic", synthetic::pilot(7).0, synthetic::pilot(7).1),
        ("pilot-own-coverage", own.0, own.1),
    ] {
        let folder = tmp(name);
        let file = write(&folder, "services.json", &hsds::export(&dir));
        let (back, _, report) = hsds::load(&bare(&dir), &[&file], &HsdsMapping::default()).unwrap();
        assert!(report.notes.is_empty(), "{name}: {:?}", report.notes);
        assert_eq!(back.services(), dir.services(), "{name}");
        // HSDS nests organisations in services: they come back in the order services use them.
        let sorted = |d: &Directory| {
            let mut o = d.organisations().to_vec();
            o.sort_by(|a, b| a.id.cmp(&b.id));
            o
        };
        assert_eq!(sorted(&back), sorted(&dir), "{name}");
        let rules_back = RuleSet::new(&back, rules.data().clone()).unwrap();
        let (a, b) = (Router::new(&rules), Router::new(&rules_back));
        let mut cases = pilot::cases();
        if name == "synthetic" {
            cases = synthetic::cases(&dir, 3_000, 11);
        }
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        for c in &cases {
            assert_eq!(
                a.route_with(c, date, RouteOptions::TRACE).unwrap(),
                b.route_with(c, date, RouteOptions::TRACE).unwrap()
            );
        }
        std::fs::remove_dir_all(folder).unwrap();
    }
}

#[test]
fn hsds_to_dls_to_hsds_keeps_what_dls_models() {
    let base = pilot::directory();
    let first = hsds::import(&[examples().join("service_full.json")], &mapping()).unwrap();
    let (dir, _) = Directory::new({
        let mut d = bare(&base).to_data();
        d.organisations = first.data.organisations.clone();
        d.services = first.data.services.clone();
        d
    })
    .unwrap();
    let export = hsds::export(&dir);
    assert_valid_export(&export);
    let s = &export["contents"][0];
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("service_full.json")).unwrap(),
    )
    .unwrap();
    // The ids are UUIDs already, so they stay; name, ages, url, email, phone, organization too.
    for field in [
        "id",
        "name",
        "minimum_age",
        "maximum_age",
        "url",
        "email",
        "status",
    ] {
        assert_eq!(s[field], original[field], "{field}");
    }
    assert_eq!(s["organization"]["id"], original["organization"]["id"]);
    assert_eq!(s["phones"][0]["number"], original["phones"][0]["number"]);
    let folder = tmp("roundtrip");
    let file = write(&folder, "export.json", &export);
    let again = hsds::import(&[&file], &HsdsMapping::default()).unwrap();
    assert_eq!(again.data.services, first.data.services);
    assert_eq!(again.data.organisations, first.data.organisations);
    std::fs::remove_dir_all(folder).unwrap();
}

fn service_with(f: impl FnOnce(&mut Value)) -> Value {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("service_full.json")).unwrap(),
    )
    .unwrap();
    f(&mut v);
    v
}

fn import_err(files: &[(&str, Value)]) -> String {
    let folder = tmp(files[0].0);
    let paths: Vec<PathBuf> = files.iter().map(|(n, v)| write(&folder, n, v)).collect();
    let e = hsds::import(&paths, &mapping()).unwrap_err();
    std::fs::remove_dir_all(folder).unwrap();
    e.to_string()
}

#[test]
fn bad_input_names_file_id_and_field() {
    let e = import_err(&[(
        "ages.json",
        service_with(|v| v["minimum_age"] = 12.5.into()),
    )]);
    assert!(
        e.contains("field `minimum_age`: not a whole number of years"),
        "{e}"
    );
    assert!(
        e.contains("ages.json") && e.contains("service `ac148810"),
        "{e}"
    );

    let e = import_err(&[("old.json", service_with(|v| v["maximum_age"] = 131.into()))]);
    assert!(e.contains("field `maximum_age`"), "{e}");

    let e = import_err(&[("inv.json", service_with(|v| v["minimum_age"] = 120.into()))]);
    assert!(
        e.contains("minimum age 120 lies above maximum age 100"),
        "{e}"
    );

    let e = import_err(&[(
        "noid.json",
        service_with(|v| {
            v.as_object_mut().unwrap().remove("id");
        }),
    )]);
    assert!(
        e.contains("`") && e.contains("noid.json") && e.contains("missing `id`"),
        "{e}"
    );

    let e = import_err(&[
        ("one.json", service_with(|_| {})),
        ("two.json", service_with(|_| {})),
    ]);
    assert!(
        e.contains("two.json") && e.contains("is also in") && e.contains("one.json"),
        "{e}"
    );

    let folder = tmp("notjson");
    std::fs::write(folder.join("broken.json"), "{ \"id\": ").unwrap();
    let e = hsds::import(&[folder.join("broken.json")], &mapping()).unwrap_err();
    assert!(matches!(e, HsdsError::Parse(_)), "{e}");
    assert!(e.to_string().contains("broken.json"));
    std::fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_mapping_to_an_unknown_need_fails_dls_validation() {
    let m = HsdsMapping::parse(
        "default_areas = [\"GM0394\"]\n[needs]\n\"code\" = [\"zorg.nope\"]\n",
        Format::Toml,
        "m.toml",
    )
    .unwrap();
    let e = hsds::load(
        &pilot::directory(),
        &[examples().join("service_full.json")],
        &m,
    )
    .unwrap_err();
    assert!(matches!(e, HsdsError::Validation(_)));
    assert!(e.to_string().contains("unknown need `zorg.nope`"), "{e}");
}
