use super::*;
use crate::pilot;

#[test]
fn pilot_round_trips_through_hsds_json() {
    let dir = pilot::directory();
    let text = serde_json::to_string(&export(&dir)).unwrap();
    let mut input = read::Input::default();
    input.read_json(&text, "export.json").unwrap();
    let back = import::convert(input, &HsdsMapping::default()).unwrap();
    assert!(back.report.notes.is_empty(), "{:?}", back.report.notes);
    let (dir2, _) = import::onto(&dir, back.data).unwrap();
    assert_eq!(dir2.services(), dir.services());
    assert_eq!(dir2.organisations(), dir.organisations());
}
