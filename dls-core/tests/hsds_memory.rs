//! The in-memory and streaming forms of the HSDS and tabular readers and writers say the same
//! as the file forms: `hsds::export_json` (compact), `export_json_pretty` and `export_to_file`
//! hold the same JSON as `hsds::export`; `hsds::import_texts` reads what `hsds::import` reads
//! from files and folders (the specification's own examples); `tabular::load_tables` loads
//! what `tabular::load` loads from a folder.

use std::path::{Path, PathBuf};

use dls_core::hsds::{self, HsdsMapping};
use dls_core::{pilot, tabular, Directory, Format};
use serde_json::Value;

fn examples() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/hsds-3.0/examples");
    assert!(p.is_dir(), "HSDS reference data missing at {}", p.display());
    p
}

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("dls-hsds-memory-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn mapping() -> HsdsMapping {
    HsdsMapping::parse(
        "default_areas = [\"GM0394\"]\ndefault_needs = [\"zorg.ggz.basis\"]\n",
        Format::Toml,
        "mapping.toml",
    )
    .unwrap()
}

#[test]
fn compact_pretty_and_file_exports_hold_the_same_json() {
    let dir = pilot::directory();
    let value = hsds::export(&dir);
    let compact = hsds::export_json(&dir);
    let pretty = hsds::export_json_pretty(&dir);
    assert!(!compact.contains('\n') && pretty.contains('\n'));
    assert!(compact.len() < pretty.len());
    let file = tmp("export").join("services.json");
    hsds::export_to_file(&dir, &file).unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    for text in [&compact, &pretty, &written] {
        assert_eq!(serde_json::from_str::<Value>(text).unwrap(), value);
    }
    assert_eq!(
        value["contents"].as_array().unwrap().len(),
        dir.services().len()
    );
}

#[test]
fn import_texts_reads_what_import_reads_from_files() {
    let ex = examples();
    let names = ["service_full.json", "taxonomy_term_list.json"];
    let paths: Vec<PathBuf> = names.iter().map(|n| ex.join(n)).collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let named: Vec<(&str, &str)> = paths
        .iter()
        .zip(&texts)
        .map(|(p, t)| (p.to_str().unwrap(), t.as_str()))
        .collect();
    let from_files = hsds::import(&paths, &mapping()).unwrap();
    let from_texts = hsds::import_texts(&named, None, &mapping()).unwrap();
    assert!(!from_files.data.services.is_empty());
    assert_eq!(from_texts.data.services, from_files.data.services);
    assert_eq!(from_texts.data.organisations, from_files.data.organisations);
    assert_eq!(from_texts.report, from_files.report);
}

#[test]
fn import_texts_reads_the_tabular_package_as_import_reads_its_folder() {
    let folder = examples().join("csv");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    let tables: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let from_folder = hsds::import(&[&folder], &mapping()).unwrap();
    let from_memory = hsds::import_texts(&[], Some(&tables), &mapping()).unwrap();
    assert!(!from_folder.data.services.is_empty());
    assert_eq!(from_memory.data.services, from_folder.data.services);
    assert_eq!(from_memory.report, from_folder.report);
    // Without `services.csv` there is no package.
    let e = hsds::import_texts(&[], Some(&tables[..1]), &mapping()).unwrap_err();
    assert!(e.to_string().contains("services.csv"), "{e}");
}

#[test]
fn load_tables_loads_what_load_loads_from_a_folder() {
    let mut d = pilot::directory_data();
    d.services.clear();
    let (base, _) = Directory::new(d).unwrap();
    let services = "id,organisation,name,needs,areas,age_min,age_max\n\
                    a,welzijn,A,zorg.wmo.*,kern:hoofddorp,65,\n\
                    b,ggd,B,zorg.ggz.basis,GM0394,18,27\n";
    let orgs = "id,name,kind\nwelzijn,Welzijn,welfare\nggd,GGD,health\n";
    let folder = tmp("tables");
    std::fs::write(folder.join("services.csv"), services).unwrap();
    std::fs::write(folder.join("organisations.csv"), orgs).unwrap();
    let (from_folder, _) = tabular::load(&base, &folder).unwrap();
    let (from_memory, _) =
        tabular::load_tables(&base, services.as_bytes(), Some(orgs.as_bytes())).unwrap();
    assert_eq!(from_memory.services(), from_folder.services());
    assert_eq!(from_memory.organisations(), from_folder.organisations());
    assert_eq!(from_memory.services().len(), 2);
    let e = tabular::load_tables(&base, b"id,organisation\n", None).unwrap_err();
    assert!(e.to_string().contains("services.csv"), "{e}");
}
