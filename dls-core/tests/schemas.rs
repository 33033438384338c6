//! The committed JSON Schemas equal the generated ones, and the pilot's files conform in shape.

use dls_core::schema;

fn committed(name: &str) -> String {
    let path = format!("{}/schemas/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_default()
}

#[test]
fn committed_schemas_are_current() {
    let mut stale = Vec::new();
    for name in schema::FORMATS {
        let generated = schema::schema_json(name).unwrap();
        if committed(name) != generated {
            if std::env::var_os("DLS_BLESS").is_some() {
                let path = format!("{}/schemas/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
                std::fs::write(path, &generated).unwrap();
            } else {
                stale.push(*name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `DLS_BLESS=1 cargo test -p dls-core --test schemas`"
    );
}

#[test]
fn schemas_describe_the_main_fields() {
    let rules: serde_json::Value =
        serde_json::from_str(&schema::schema_json("rule_set").unwrap()).unwrap();
    let props = rules["properties"].as_object().unwrap();
    for field in [
        "rule",
        "switch_off",
        "steunpilaar",
        "coordinator",
        "capacity",
    ] {
        assert!(props.contains_key(field), "rule set schema lacks `{field}`");
    }
    assert_eq!(
        rules["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    assert!(schema::schema("nonsense").is_none());
}
