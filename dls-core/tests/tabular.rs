//! The tabular directory: services from CSV, one row per service, `;`-joined lists. Compared
//! with the same directory written by hand in TOML (the other loader, an independent path), and
//! every bad cell reported with file, row and column.

use std::path::{Path, PathBuf};

use dls_core::tabular::{self, TabularError};
use dls_core::{pilot, Directory, DirectoryData, Format};

fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dls-tabular-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    for (f, text) in files {
        std::fs::write(d.join(f), text).unwrap();
    }
    d
}

/// The pilot's areas and taxonomy, without organisations and services.
fn base() -> Directory {
    let mut d = pilot::directory_data();
    d.services.clear();
    Directory::new(d).unwrap().0
}

const ORGS: &str =
    "id,name,kind\nwelzijn,Welzijn Haarlemmermeer,welfare\nggd,GGD Kennemerland,health\n";

const SERVICES: &str = "\
id,organisation,name,needs,areas,age_min,age_max,household,urgency,valid_from,valid_until,open_places,channels
ouderen,welzijn,Ouderenadviseur,zorg.wmo.*;zorg.eenzaamheid,kern:hoofddorp;kern:nieuw-vennep;kern:badhoevedorp,65,,,,,,,phone:023-1234567
jongeren,welzijn,Jongerenloket,zorg.ggz.basis,GM0394,18,27,single;single_parent,urgent;crisis,2026-01-01,2026-12-31,4,web:https://example.invalid/jong;email:jong@example.invalid
school,ggd,Schoolmaatschappelijk werk,jeugd.opvoedondersteuning,GM0394,4,11,,,,,,
";

const SAME_IN_TOML: &str = r#"
[[organisation]]
id = "welzijn"
name = "Welzijn Haarlemmermeer"
kind = "welfare"

[[organisation]]
id = "ggd"
name = "GGD Kennemerland"
kind = "health"

[[service]]
id = "ouderen"
organisation = "welzijn"
name = "Ouderenadviseur"
needs = ["zorg.wmo.*", "zorg.eenzaamheid"]
areas = ["kern:hoofddorp", "kern:nieuw-vennep", "kern:badhoevedorp"]
eligibility = { age = { min = 65 } }
channels = [{ kind = "phone", address = "023-1234567" }]

[[service]]
id = "jongeren"
organisation = "welzijn"
name = "Jongerenloket"
needs = ["zorg.ggz.basis"]
areas = ["GM0394"]
eligibility = { age = { min = 18, max = 27 }, household = { in = ["single", "single_parent"] }, urgency = { in = ["urgent", "crisis"] } }
capacity = { open_places = 4 }
valid = { from = "2026-01-01", until = "2026-12-31" }
channels = [{ kind = "web", address = "https://example.invalid/jong" }, { kind = "email", address = "jong@example.invalid" }]

[[service]]
id = "school"
organisation = "ggd"
name = "Schoolmaatschappelijk werk"
needs = ["jeugd.opvoedondersteuning"]
areas = ["GM0394"]
eligibility = { age = { min = 4, max = 11 } }
"#;

#[test]
fn a_table_reads_like_the_same_directory_in_toml() {
    let dir = folder(
        "same",
        &[("services.csv", SERVICES), ("organisations.csv", ORGS)],
    );
    let (from_csv, _) = tabular::load(&base(), &dir).unwrap();
    let mut toml = base().to_data();
    toml.organisations.clear();
    toml.merge(DirectoryData::parse(SAME_IN_TOML, Format::Toml, "same.toml").unwrap());
    let (from_toml, _) = Directory::new(toml).unwrap();
    assert_eq!(from_csv.services(), from_toml.services());
    assert_eq!(from_csv.organisations(), from_toml.organisations());
    // Three kernen in one cell: the service serves each of them and no other.
    for (kern, served) in [
        ("hoofddorp", true),
        ("badhoevedorp", true),
        ("zwanenburg", false),
    ] {
        assert_eq!(
            from_csv.serves(&"ouderen".parse().unwrap(), &kern.parse().unwrap()),
            served,
            "{kern}"
        );
    }
    assert_eq!(
        from_csv.origin("service", "ouderen").unwrap(),
        dir.join("services.csv").display().to_string()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn row_order_does_not_change_the_directory_content() {
    let mut lines: Vec<&str> = SERVICES.lines().collect();
    lines[1..].reverse();
    let reversed = lines.join("\n");
    let a = folder(
        "order-a",
        &[("services.csv", SERVICES), ("organisations.csv", ORGS)],
    );
    let b = folder(
        "order-b",
        &[("services.csv", &reversed), ("organisations.csv", ORGS)],
    );
    let (da, _) = tabular::load(&base(), &a).unwrap();
    let (db, _) = tabular::load(&base(), &b).unwrap();
    for s in da.services() {
        assert_eq!(Some(s), db.service(s.id.as_str()));
    }
    assert_eq!(da.services().len(), db.services().len());
    std::fs::remove_dir_all(a).unwrap();
    std::fs::remove_dir_all(b).unwrap();
}

fn problems(name: &str, services: &str) -> String {
    let dir = folder(
        name,
        &[("services.csv", services), ("organisations.csv", ORGS)],
    );
    let e = tabular::load(&base(), &dir).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    e.to_string()
}

#[test]
fn every_bad_cell_is_reported_with_file_row_and_column() {
    let e = problems(
        "bad",
        "id,organisation,name,needs,areas,age_min,age_max,household,valid_from\n\
         a,welzijn,A,zorg.ggz.basis,GM0394,-1,,,\n\
         b,welzijn,B,zorg.ggz.basis,GM0394,131,12.5,,\n\
         c,welzijn,C,zorg.ggz.basis,GM0394,70,65,,\n\
         d,welzijn,D,zorg..x,GM0394;kern:,,,tweepersoons,2026-13-01\n\
         ,welzijn,E,zorg.ggz.basis,GM0394,,,,\n",
    );
    for expected in [
        "row 1, column `age_min`: not a whole number of years from 0 to 130",
        "row 2, column `age_min`: not a whole number of years from 0 to 130",
        "row 2, column `age_max`: not a whole number of years from 0 to 130",
        "row 3, column `age_min`: the minimum age lies above the maximum age",
        "row 4, column `needs`",
        "row 4, column `areas`",
        "row 4, column `household`: holds a value that is not known",
        "row 4, column `valid_from`: not a date",
        "row 5, column `id`: missing value",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in {e}");
    }
    assert!(e.contains("services.csv"));
    assert!(e.starts_with("9 problems in tables"), "{e}");
    // The cells themselves are never quoted.
    assert!(!e.contains("tweepersoons") && !e.contains("12.5"), "{e}");
}

#[test]
fn an_unknown_or_missing_column_is_reported_before_the_rows() {
    let e = problems("cols", "id,organisation,name,needs,area,colour\n");
    assert!(
        e.contains("header, column `area`: not a column dls reads"),
        "{e}"
    );
    assert!(
        e.contains("header, column `colour`: not a column dls reads"),
        "{e}"
    );
    assert!(e.contains("header, column `areas`: missing column"), "{e}");
}

#[test]
fn a_row_of_the_wrong_length_and_unknown_references_are_errors() {
    let dir = folder(
        "len",
        &[(
            "services.csv",
            "id,organisation,name,needs,areas\na,welzijn,A\n",
        )],
    );
    let e = tabular::load(&base(), &dir).unwrap_err();
    assert!(matches!(e, TabularError::Csv { line: 2, .. }), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
    let e = problems(
        "refs",
        "id,organisation,name,needs,areas\na,nobody,A,zorg.ggz.basis,kern:atlantis\n",
    );
    assert!(
        e.contains("services.csv`, service `a`, field `organisation`"),
        "{e}"
    );
    assert!(
        e.contains("field `areas`: unknown area `kern:atlantis`"),
        "{e}"
    );
}

#[test]
fn a_folder_without_services_csv_names_the_file() {
    let dir = folder("none", &[]);
    let e = tabular::load(&base(), &dir).unwrap_err();
    assert!(e
        .to_string()
        .contains(&Path::new(&dir).join("services.csv").display().to_string()));
    std::fs::remove_dir_all(&dir).unwrap();
}
