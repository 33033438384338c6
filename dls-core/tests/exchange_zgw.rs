//! ZGW Zaken API 1.5.1 export (issue 14): configuration checked when it is made (RSIN elfproef),
//! and the documents of the pilot's multi-need household: a hoofdzaak, a deelzaak per routed
//! need, the three kinds of rol, statussen from the referral events. The documents are checked
//! against the API's own schema in `tests/python/test_exchange.py`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dls_core::events::{Activity, Event, RejectionReason};
use dls_core::exchange::zgw::{self, ZgwConfig, ZgwConfigData, ZgwError, ZgwResource};
use dls_core::lifecycle::TaskStatus;
use dls_core::routing::Router;
use dls_core::{pilot, CaseId};

const CATALOGI: &str = "https://catalogi.example.nl/catalogi/api/v1";

fn config_data() -> ZgwConfigData {
    ZgwConfigData {
        zaken_api: "https://zaken.example.nl/zaken/api/v1/".into(),
        zaaktype: format!("{CATALOGI}/zaaktypen/1"),
        deelzaaktype: String::new(),
        bronorganisatie: "002220647".into(),
        verantwoordelijke_organisatie: "002220647".into(),
        roltype_initiator: format!("{CATALOGI}/roltypen/initiator"),
        roltype_zaakcoordinator: format!("{CATALOGI}/roltypen/zaakcoordinator"),
        roltype_behandelaar: format!("{CATALOGI}/roltypen/behandelaar"),
        statustypen: TaskStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), format!("{CATALOGI}/statustypen/{s}")))
            .collect::<BTreeMap<_, _>>(),
        vertrouwelijkheidaanduiding: String::new(),
    }
}

#[test]
fn configuration_is_checked_when_it_is_made() {
    assert!(ZgwConfig::new(config_data()).is_ok());
    let with = |f: &dyn Fn(&mut ZgwConfigData)| {
        let mut d = config_data();
        f(&mut d);
        ZgwConfig::new(d).unwrap_err()
    };
    assert_eq!(
        with(&|d| d.bronorganisatie = "002220648".into()),
        ZgwError::RsinCheck {
            field: "bronorganisatie"
        }
    );
    assert_eq!(
        with(&|d| d.verantwoordelijke_organisatie = "12345".into()).to_string(),
        "zgw configuration: field `verantwoordelijke_organisatie` must be an RSIN of nine digits"
    );
    assert_eq!(
        with(&|d| d.bronorganisatie = String::new()),
        ZgwError::Missing {
            field: "bronorganisatie"
        }
    );
    assert!(matches!(
        with(&|d| d.zaaktype = "zaaktype-1".into()),
        ZgwError::Url { .. }
    ));
    assert_eq!(
        with(&|d| {
            d.statustypen.remove("failed");
        }),
        ZgwError::MissingStatus {
            status: TaskStatus::Failed
        }
    );
    assert_eq!(
        with(&|d| {
            d.statustypen
                .insert("draft".into(), format!("{CATALOGI}/x"));
        }),
        ZgwError::UnknownStatus
    );
    // The message never repeats the value.
    let e = with(&|d| d.bronorganisatie = "99999999x".into());
    assert!(!e.to_string().contains("99999999x"));
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn the_household_becomes_a_hoofdzaak_with_a_deelzaak_per_need_rollen_and_statussen() {
    let router = Router::new(&pilot::rules());
    let case = pilot::cases()
        .into_iter()
        .find(|c| c.id().as_str() == "hlmr-2026-0001")
        .unwrap();
    let d = router.route(&case, case.opened().unwrap()).unwrap();
    let config = ZgwConfig::new(config_data()).unwrap();
    let dir = pilot::directory();
    let cid: CaseId = d.case.clone();
    let primary = &d.needs[0];
    let (org, svc) = (
        primary.outcome.organisation().unwrap().clone(),
        primary.outcome.service().unwrap().clone(),
    );
    let ev = |t: &str, a: Activity| Event {
        case: cid.clone(),
        at: at(t),
        activity: a,
        organisation: Some(org.clone()),
        service: Some(svc.clone()),
        kern: None,
        need: None,
        reason: None,
    };
    let mut rejected = ev("2026-03-04T09:00:00Z", Activity::Rejected);
    rejected.reason = Some(RejectionReason::Full);
    let events = vec![
        Event {
            organisation: None,
            service: None,
            ..ev("2026-03-02T09:00:00Z", Activity::Opened)
        },
        ev("2026-03-03T09:00:00Z", Activity::Referred),
        rejected,
        ev("2026-03-05T09:00:00Z", Activity::Referred),
        ev("2026-03-06T09:00:00Z", Activity::Accepted),
    ];
    let docs = zgw::zaken(&d, &dir, Some(&events), &config).unwrap();
    let of = |r: ZgwResource| docs.iter().filter(|x| x.resource == r).collect::<Vec<_>>();
    let zaken = of(ZgwResource::Zaak);
    let routed = d
        .needs
        .iter()
        .filter(|n| n.outcome.service().is_some())
        .count();
    assert_eq!(zaken.len(), 1 + routed);
    let hoofd = zaken[0];
    assert_eq!(
        hoofd.url,
        format!("https://zaken.example.nl/zaken/api/v1/zaken/{}", hoofd.id)
    );
    assert_eq!(hoofd.body["bronorganisatie"], "002220647");
    assert_eq!(hoofd.body["kenmerken"][0]["kenmerk"], "hlmr-2026-0001");
    assert!(hoofd.body.get("hoofdzaak").is_none());
    for z in &zaken[1..] {
        assert_eq!(z.body["hoofdzaak"], hoofd.url.as_str());
        assert_eq!(z.refers_to, vec![hoofd.id.clone()]);
    }
    let begeleiding = zaken
        .iter()
        .find(|z| z.body["kenmerken"][0]["kenmerk"] == "zorg.wmo.begeleiding")
        .unwrap();
    assert_eq!(
        begeleiding.body["kenmerken"],
        serde_json::json!([
            {"kenmerk": "zorg.wmo.begeleiding", "bron": "dls-behoefte"},
            {"kenmerk": "02", "bron": "iWmo-productcategorie"},
            {"kenmerk": "02A03", "bron": "iWmo-productcode"}
        ])
    );
    let rollen = of(ZgwResource::Rol);
    let generiek: Vec<&str> = rollen
        .iter()
        .map(|r| {
            r.body["roltype"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(generiek, ["initiator", "zaakcoordinator", "behandelaar"]);
    // The initiator: the household by its pseudonym only.
    assert_eq!(
        rollen[0].body["roltoelichting"],
        "huishouden, pseudoniem hlmr-2026-0001"
    );
    assert!(rollen[0].body.get("betrokkeneIdentificatie").is_none());
    assert_eq!(
        rollen[1].body["betrokkeneIdentificatie"]["identificatie"],
        d.coordinator
            .as_ref()
            .unwrap()
            .contact
            .organisation
            .as_str()
    );
    // The behandelaar: on the primary need's deelzaak.
    assert_eq!(rollen[2].body["zaak"], zaken[1].url.as_str());
    assert_eq!(
        rollen[2].body["betrokkeneIdentificatie"]["identificatie"],
        org.as_str()
    );
    let statussen = of(ZgwResource::Status);
    let types: Vec<&str> = statussen
        .iter()
        .map(|s| {
            s.body["statustype"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(types, ["requested", "rejected", "requested", "accepted"]);
    assert_eq!(
        statussen[1].body["datumStatusGezet"],
        "2026-03-04T09:00:00Z"
    );
    assert!(statussen[1].body["statustoelichting"]
        .as_str()
        .unwrap()
        .contains("reden full"));
    // Every reference is to a document posted before it.
    for (i, x) in docs.iter().enumerate() {
        for r in &x.refers_to {
            assert!(docs[..i].iter().any(|y| &y.id == r));
        }
    }
    // Without events: no behandelaar, no status.
    let plain = zgw::zaken(&d, &dir, None, &config).unwrap();
    assert_eq!(
        plain
            .iter()
            .filter(|x| x.resource == ZgwResource::Status)
            .count(),
        0
    );
    assert_eq!(
        plain
            .iter()
            .filter(|x| x.resource == ZgwResource::Rol)
            .count(),
        2
    );
}

/// `zaken_json` writes the documents straight from the decision: the same bytes as
/// `serde_json::to_string` of `zaken`'s documents (whose bodies are `serde_json::Value`s, with
/// their keys sorted), for every pilot household, without events and with the pilot's log.
#[test]
fn the_json_text_is_the_documents_serialised() {
    let router = Router::new(&pilot::rules());
    let config = ZgwConfig::new(config_data()).unwrap();
    let dir = pilot::directory();
    let log = pilot::events();
    let mut documents = 0;
    for case in pilot::cases() {
        let d = router.route(&case, case.opened().unwrap()).unwrap();
        for events in [None, Some(&log[..])] {
            let docs = zgw::zaken(&d, &dir, events, &config).unwrap();
            documents += docs.len();
            assert_eq!(
                zgw::zaken_json(&d, &dir, events, &config).unwrap(),
                serde_json::to_string(&docs).unwrap(),
                "{}",
                d.case
            );
        }
    }
    assert!(documents > 40, "{documents}");
}
