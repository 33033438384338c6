//! A [`CaseRow`] from text fields, as a CSV file or any host that holds every value as text
//! carries them: lists are written with `;` between items, a tried service as `service` or
//! `service:outcome`, a date as `YYYY-MM-DD`, consent as `true`/`false` (or `1`/`0`, `yes`/`no`),
//! and an empty or missing field means "not given".

use super::{parse_date, CaseRow, RowError, RowErrorKind, TriedRow};

/// The separator of items in a list written in one text field (`needs`, `signals`, `tried`).
pub const LIST_SEPARATOR: char = ';';

/// The items of a list field: split at [`LIST_SEPARATOR`], trimmed, empty items left out.
pub fn list_items(text: &str) -> Vec<&str> {
    text.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

impl<'a> CaseRow<'a> {
    /// The row whose fields `field(name)` gives as text (`None` or empty: not given), for the
    /// names of [`CASE_COLUMNS`](super::CASE_COLUMNS). Only the numbers, the date and the
    /// consent flag are read here; every other field is checked by [`CaseRow::to_case`].
    pub fn from_text(field: impl Fn(&str) -> Option<&'a str>) -> Result<CaseRow<'a>, RowError> {
        let text = |name: &str| field(name).map(str::trim).filter(|s| !s.is_empty());
        let whole = |name: &'static str| {
            text(name)
                .map(|v| {
                    v.parse::<i64>().map_err(|_| RowError {
                        field: name,
                        kind: RowErrorKind::Invalid {
                            expected: "whole number",
                            reason: "use digits only",
                        },
                    })
                })
                .transpose()
        };
        let income_pct = whole("income_pct")?;
        let age = whole("age")?;
        let opened = text("opened")
            .map(|d| parse_date("opened", d))
            .transpose()?;
        let share = match text("share_with_organisations") {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(_) => {
                return Err(RowError {
                    field: "share_with_organisations",
                    kind: RowErrorKind::Unknown {
                        allowed: vec!["true", "false"],
                    },
                })
            }
        };
        Ok(CaseRow {
            id: text("id").unwrap_or(""),
            kern: text("kern").unwrap_or(""),
            needs: text("needs").map(list_items).unwrap_or_default(),
            age,
            household: text("household"),
            urgency: text("urgency"),
            framework: text("framework"),
            signals: text("signals").map(list_items).unwrap_or_default(),
            income_pct,
            extra: Vec::new(),
            opened,
            tried: text("tried")
                .map(list_items)
                .unwrap_or_default()
                .into_iter()
                .map(TriedRow::parse)
                .collect(),
            share_with_organisations: share,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pilot;

    /// Every sample case written as text fields reads back as the same case.
    #[test]
    fn sample_cases_round_trip_through_text() {
        for case in pilot::cases() {
            let row = CaseRow::from(&case);
            let mut fields = std::collections::HashMap::new();
            fields.insert("id", row.id.to_string());
            fields.insert("kern", row.kern.to_string());
            fields.insert("needs", row.needs.join(";"));
            fields.insert("age", row.age.map(|v| v.to_string()).unwrap_or_default());
            for (k, v) in [
                ("household", row.household),
                ("urgency", row.urgency),
                ("framework", row.framework),
            ] {
                fields.insert(k, v.unwrap_or("").to_string());
            }
            fields.insert("signals", row.signals.join(" ; "));
            fields.insert(
                "income_pct",
                row.income_pct.map(|v| v.to_string()).unwrap_or_default(),
            );
            fields.insert(
                "opened",
                row.opened.map(|d| d.to_string()).unwrap_or_default(),
            );
            let tried: Vec<String> = row.tried.iter().map(|t| t.to_string()).collect();
            fields.insert("tried", tried.join(";"));
            fields.insert(
                "share_with_organisations",
                row.share_with_organisations.to_string(),
            );
            let back = CaseRow::from_text(|k| fields.get(k).map(String::as_str)).unwrap();
            assert_eq!(back.to_case().unwrap(), case);
        }
    }

    #[test]
    fn bad_text_fields_name_the_field() {
        let e = CaseRow::from_text(|k| (k == "income_pct").then_some("12x")).unwrap_err();
        assert_eq!(e.field, "income_pct");
        let e = CaseRow::from_text(|k| (k == "opened").then_some("1-2-2026")).unwrap_err();
        assert_eq!(e.field, "opened");
        let e =
            CaseRow::from_text(|k| (k == "share_with_organisations").then_some("ja")).unwrap_err();
        assert_eq!(e.field, "share_with_organisations");
        // nothing given: a row that is only missing its required fields
        let row = CaseRow::from_text(|_| None).unwrap();
        assert_eq!(row.to_case().unwrap_err().field, "id");
    }
}
