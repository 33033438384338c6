//! No personal data in errors: every input path of the core is fed names, BSN-shaped numbers
//! (nine digits passing the eleven test), birth dates and addresses in each id, enum and
//! free-text field, and every error that comes back is scanned, as text and as `Debug`, for
//! any of them. Zero hits; the number of inputs tried is printed (see RELIABILITY.md).

use std::cell::Cell;

use dls_core::evaluation::{ingest_csv_str, ingest_jsonl_str};
use dls_core::ids::{
    is_bsn_shaped, CaseId, KernId, MunicipalityCode, NeedCode, OrganisationId, RegionId, RuleId,
    ServiceId,
};
use dls_core::rows::{CaseRow, TriedRow};
use dls_core::{pilot, AreaRef, Case, DirectoryData, Format, RuleSet, RuleSetData, Target};

/// Personal data as it turns up in the wrong field.
const PII: [&str; 8] = [
    "Jan de Vries",
    "111222333",
    "123456782",
    "1987-03-14",
    "14-03-1987",
    "Kerkstraat 12",
    "2132 AB Hoofddorp",
    "j.devries@example.nl",
];

/// What must never show: each value and its distinctive parts.
const NEEDLES: [&str; 10] = [
    "Vries",
    "111222333",
    "123456782",
    "1987",
    "14-03",
    "Kerkstraat",
    "2132",
    "AB Hoofd",
    "devries",
    "example.nl",
];

thread_local! {
    static TRIED: Cell<usize> = const { Cell::new(0) };
    static ERRORS: Cell<usize> = const { Cell::new(0) };
}

/// Scans an error's text and `Debug` output.
fn scan<E: std::fmt::Display + std::fmt::Debug>(path: &str, e: &E) {
    ERRORS.with(|c| c.set(c.get() + 1));
    let text = format!("{e} || {e:?}");
    for n in NEEDLES {
        assert!(
            !text.contains(n),
            "{path}: error shows personal data `{n}`: {text}"
        );
    }
}

fn tried() {
    TRIED.with(|c| c.set(c.get() + 1));
}

fn check<T, E: std::fmt::Display + std::fmt::Debug>(path: &str, r: Result<T, E>) {
    tried();
    if let Err(e) = r {
        scan(path, &e);
    }
}

/// Reference data (directory, rule files) is written by policy staff, not about citizens: a
/// well-formed reference there that matches nothing is named in the validation report so that
/// its author can find it (``unknown need `zorg.wmo.huishoudn` ``). Its parse errors (malformed
/// ids, wrong types, unknown fields) are scanned like every other error.
fn check_reference<T>(path: &str, r: Result<T, dls_core::LoadError>) {
    tried();
    match r {
        Ok(_) | Err(dls_core::LoadError::Invalid(_)) => {}
        Err(e) => scan(path, &e),
    }
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn bsn_shaped_case_ids_are_refused_without_printing_them() {
    assert!(is_bsn_shaped("111222333") && is_bsn_shaped("123456782"));
    assert!(
        !is_bsn_shaped("111222334") && !is_bsn_shaped("12345678") && !is_bsn_shaped("c-111222333")
    );
    let e = "111222333".parse::<CaseId>().unwrap_err();
    assert!(e.to_string().contains("looks like a BSN"), "{e}");
    scan("case id", &e);
    // through a case file and a row too
    let text = r#"[{"id": "123456782", "kern": "hoofddorp", "needs": [{"need": "zorg.wmo.huishouden", "primary": true}]}]"#;
    let e = dls_core::source::parse::<Vec<Case>>(text, Format::Json, "cases.json").unwrap_err();
    assert!(e.to_string().contains("looks like a BSN"), "{e}");
    scan("cases.json", &e);
    let e = CaseRow {
        id: "123456782",
        kern: "hoofddorp",
        needs: vec!["zorg.wmo.huishouden"],
        ..CaseRow::default()
    }
    .to_case()
    .unwrap_err();
    assert_eq!((e.field, e.kind.as_str()), ("id", "invalid"));
    scan("case row", &e);
    // a number that is not BSN-shaped stays a valid pseudonymous id
    assert!("111222334".parse::<CaseId>().is_ok());
    // nor a date (of birth)
    for d in ["1987-03-14", "14-03-1987", "14.3.1987"] {
        let e = d.parse::<CaseId>().unwrap_err();
        assert!(e.to_string().contains("looks like a date"), "{e}");
    }
    assert!("c-2026-03-14-1".parse::<CaseId>().is_ok() && "2026-0001".parse::<CaseId>().is_ok());
}

#[test]
fn no_error_of_any_input_path_shows_personal_data() {
    let rules = pilot::rules();
    let router = dls_core::routing::Router::new(&rules);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    for p in PII {
        // ids and names
        check("case id", p.parse::<CaseId>());
        check("kern id", p.parse::<KernId>());
        check("service id", p.parse::<ServiceId>());
        check("organisation id", p.parse::<OrganisationId>());
        check("rule id", p.parse::<RuleId>());
        check("region id", p.parse::<RegionId>());
        check("need code", p.parse::<NeedCode>());
        check("municipality", p.parse::<MunicipalityCode>());
        check("area", p.parse::<AreaRef>());
        check("target", p.parse::<Target>());
        check("target service", format!("service:{p}").parse::<Target>());
        check("activity", p.parse::<dls_core::Activity>());
        check(
            "rejection reason",
            p.parse::<dls_core::events::RejectionReason>(),
        );
        check("urgency", p.parse::<dls_core::attributes::Urgency>());
        check(
            "household",
            p.parse::<dls_core::attributes::HouseholdType>(),
        );
        check(
            "framework",
            p.parse::<dls_core::attributes::LegalFramework>(),
        );
        check("signal", p.parse::<dls_core::attributes::Signal>());
        check(
            "coverage filter",
            p.parse::<dls_core::coverage::CoverageFilter>(),
        );
        check(
            "disclosure",
            p.parse::<dls_core::evaluation::DisclosureMode>(),
        );
        check("dimension", p.parse::<dls_core::evaluation::Dim>());
        check("date", dls_core::rows::parse_date("opened", p));

        // a case as JSON: the value in every field, as a string and (where numeric) a number
        let base = serde_json::json!({
            "id": "c-1", "kern": "hoofddorp",
            "needs": [{"need": "zorg.wmo.huishouden", "primary": true}],
            "attributes": {"age": 40, "income_pct": 100},
            "opened": "2026-03-01",
            "situation": {"kind": "cannot_get_through", "tried": [{"service": "wmo-loket", "outcome": "rejected"}]}
        });
        let slots: [&[&str]; 12] = [
            &["id"],
            &["kern"],
            &["opened"],
            &["attributes", "age"],
            &["attributes", "urgency"],
            &["attributes", "household"],
            &["attributes", "framework"],
            &["attributes", "income_pct"],
            &["attributes", "signals"],
            &["attributes", "extra"],
            &["situation", "kind"],
            &["consent"],
        ];
        let mut values = vec![serde_json::Value::from(p)];
        if let Ok(n) = p.parse::<i64>() {
            values.push(n.into());
        }
        for slot in slots {
            for v in &values {
                let mut c = base.clone();
                let mut at = &mut c;
                for k in &slot[..slot.len() - 1] {
                    at = at.get_mut(*k).unwrap();
                }
                at[slot[slot.len() - 1]] = v.clone();
                let text = serde_json::to_string(&[c]).unwrap();
                check(
                    "cases.json",
                    dls_core::source::parse::<Vec<Case>>(&text, Format::Json, "cases.json"),
                );
                // read, then routed without a date and with one (errors about a case name
                // its id)
                if let Ok(cases) =
                    dls_core::source::parse::<Vec<Case>>(&text, Format::Json, "cases.json")
                {
                    check("date_for", dls_core::routing::date_for(&cases[0], None));
                    check("route", router.route(&cases[0], date));
                }
            }
        }
        // a case without an opened date, the value as its id: the routing error names the case
        let undated = serde_json::json!([{"id": p, "kern": "hoofddorp",
            "needs": [{"need": "zorg.wmo.huishouden", "primary": true}]}]);
        match dls_core::source::parse::<Vec<Case>>(&undated.to_string(), Format::Json, "c.json") {
            Ok(cases) => check(
                "date_for undated",
                dls_core::routing::date_for(&cases[0], None),
            ),
            Err(e) => {
                tried();
                scan("undated case", &e);
            }
        }
        let mut c = base.clone();
        c["needs"][0]["need"] = p.into();
        check(
            "cases.json need",
            dls_core::source::parse::<Vec<Case>>(
                &serde_json::to_string(&[c]).unwrap(),
                Format::Json,
                "cases.json",
            ),
        );
        let mut c = base.clone();
        c["situation"]["tried"][0]["service"] = p.into();
        check(
            "cases.json tried",
            dls_core::source::parse::<Vec<Case>>(
                &serde_json::to_string(&[c]).unwrap(),
                Format::Json,
                "cases.json",
            ),
        );

        // a case as a row, and routed in a batch
        let ok = CaseRow {
            id: "c-1",
            kern: "hoofddorp",
            needs: vec!["zorg.wmo.huishouden"],
            ..CaseRow::default()
        };
        let tried_row = [TriedRow::parse(p)];
        let n: Option<i64> = p.parse().ok();
        let rows = [
            CaseRow {
                id: p,
                ..ok.clone()
            },
            CaseRow {
                kern: p,
                ..ok.clone()
            },
            CaseRow {
                needs: vec![p],
                ..ok.clone()
            },
            CaseRow {
                age: n,
                ..ok.clone()
            },
            CaseRow {
                household: Some(p),
                ..ok.clone()
            },
            CaseRow {
                urgency: Some(p),
                ..ok.clone()
            },
            CaseRow {
                framework: Some(p),
                ..ok.clone()
            },
            CaseRow {
                signals: vec![p],
                ..ok.clone()
            },
            CaseRow {
                income_pct: n,
                ..ok.clone()
            },
            CaseRow {
                tried: tried_row.to_vec(),
                ..ok.clone()
            },
        ];
        for r in &rows {
            check("case row", r.to_case());
        }
        for r in router.route_rows(&rows, Some(date), dls_core::routing::RouteOptions::TRACE) {
            check("route_rows", r);
        }

        // rule sets and directories, TOML and JSON, the value in each field
        for (field, value) in [
            ("id", js(p)),
            ("area", js(p)),
            ("target", js(p)),
            ("needs", format!("[{}]", js(p))),
            ("priority", js(p)),
            ("replaces", format!("[{}]", js(p))),
        ] {
            let mut rule = serde_json::json!({"id": "r1", "needs": ["zorg.wmo.*"], "area": "GM0394", "target": "service:wmo-loket"});
            rule[field] = serde_json::from_str(&value).unwrap();
            let json = serde_json::json!({"rule": [rule]}).to_string();
            check_reference(
                "rules.json",
                RuleSet::from_str(rules.directory(), &json, Format::Json, "rules.json"),
            );
            let toml_text = toml::to_string(&serde_json::json!({"rule": [rule]})).unwrap();
            check_reference(
                "rules.toml",
                RuleSet::from_str(rules.directory(), &toml_text, Format::Toml, "rules.toml"),
            );
        }
        check("rules.toml when", RuleSetData::parse(&format!("[[rule]]\nid = \"r\"\nneeds = [\"zorg\"]\narea = \"national\"\ntarget = \"not_covered\"\nwhen = {{ urgency = {{ in = [{}] }} }}\n", js(p)), Format::Toml, "rules.toml"));
        for section in ["kern", "municipality", "service", "organisation", "region"] {
            for field in ["id", "code", "municipality", "kind", "areas", "needs"] {
                let text = format!("[[{section}]]\n{field} = {}\n", js(p));
                check_reference(
                    "directory.toml",
                    dls_core::Directory::from_str(&text, Format::Toml, "dir.toml"),
                );
                let json = format!("{{\"{section}\": [{{\"{field}\": {}}}]}}", js(p));
                check(
                    "directory.json",
                    dls_core::source::parse::<DirectoryData>(&json, Format::Json, "dir.json"),
                );
            }
        }

        // event logs: CSV and JSON lines, the value in each column
        let header = "case_id,timestamp,activity,organisation,service,kern,need,reason,municipality,region,phase,framework,signals";
        let good = [
            "c-1",
            "2026-03-01T10:00:00+01:00",
            "opened",
            "",
            "",
            "hoofddorp",
            "zorg.wmo.huishouden",
            "",
            "GM0394",
            "",
            "pilot",
            "",
            "",
        ];
        for col in 0..good.len() {
            let mut row = good;
            row[col] = p;
            let csv = format!("{header}\n{}\n", row.join(","));
            tried();
            match ingest_csv_str(&csv) {
                Ok(ing) => {
                    for r in &ing.rejected {
                        scan("events.csv row", &format!("{r:?}"));
                    }
                }
                Err(e) => scan("events.csv", &e),
            }
            let names: Vec<&str> = header.split(',').collect();
            let mut obj = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                if !row[i].is_empty() {
                    obj.insert(n.to_string(), row[i].into());
                }
            }
            tried();
            match ingest_jsonl_str(&serde_json::Value::Object(obj).to_string()) {
                Ok(ing) => {
                    for r in &ing.rejected {
                        scan("events.jsonl row", &format!("{r:?}"));
                    }
                }
                Err(e) => scan("events.jsonl", &e),
            }
        }
        check(
            "event json",
            dls_core::source::parse::<dls_core::Event>(
                &format!(
                    "{{\"case\": {}, \"at\": {}, \"activity\": {}}}",
                    js(p),
                    js(p),
                    js(p)
                ),
                Format::Json,
                "event.json",
            ),
        );
    }
    let (t, e) = (TRIED.with(Cell::get), ERRORS.with(Cell::get));
    println!("pii: {t} inputs tried, {e} errors scanned, 0 hits");
    assert!(e > 500, "{e} errors scanned");
}
