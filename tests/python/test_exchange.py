"""The referral life cycle and the exchange formats from Python (issue 14).

FHIR: the pilot's multi-need household exported as a Bundle and validated with the
`fhir.resources` package (R4B models generated from the FHIR specification), plus what those
models do not check: Task and ServiceRequest `status`/`intent` in their FHIR value sets, and
every reference resolving inside the Bundle; then imported back to the same referral events.

ZGW: every document validated against the component schemas of the Zaken API 1.5.1 OpenAPI
description (`../shared/data/zgw/`, the VNG's own file) with a real OpenAPI 3.0 validator
(`openapi-schema-validator`, write mode: read-only fields must not be sent), `$ref`s resolved in
the YAML, a Rol also against the schema its `betrokkeneType` discriminator names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle
from openapi_schema_validator import OAS30WriteValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import dls

ZAKEN_API = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "zgw" / "zaken-api-1.5.1-openapi.yaml"

# The FHIR R4 value sets (task-status, task-intent, request-status, request-intent), written out.
TASK_STATUS = {
    "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
    "in-progress", "on-hold", "failed", "completed", "entered-in-error",
}
TASK_INTENT = {
    "unknown", "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
    "instance-order", "option",
}
REQUEST_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
REQUEST_INTENT = {
    "proposal", "plan", "directive", "order", "original-order", "reflex-order", "filler-order",
    "instance-order", "option",
}


@pytest.fixture(scope="module")
def decision(pilot):
    case = next(c for c in pilot.cases if c["id"] == "hlmr-2026-0001")
    return dls.Router(pilot.rules).route(case, trace=True)


def timeline(decision):
    """Each service of the household referred; one rejected and referred again, one without
    answer, one accepted and sent back, the primary accepted and resolved."""
    services = []
    for n in decision.needs:
        if n["service"] and (n["organisation"], n["service"]) not in services:
            services.append((n["organisation"], n["service"]))
    assert len(services) >= 3
    (o0, s0), (o1, s1), (o2, s2) = services[:3]

    def ev(at, activity, org=None, svc=None, **extra):
        e = {"case": decision.case, "at": at, "activity": activity}
        if org:
            e["organisation"] = org
        if svc:
            e["service"] = svc
        e.update(extra)
        return e

    return [
        ev("2026-03-02T10:00:00Z", "opened"),
        ev("2026-03-03T09:00:00Z", "referred", o0, s0),
        ev("2026-03-03T09:05:00Z", "referred", o1, s1),
        ev("2026-03-03T09:10:00Z", "referred", o2, s2),
        ev("2026-03-05T12:00:00Z", "rejected", o1, s1, reason="full"),
        ev("2026-03-06T08:00:00Z", "referred", o1, s1),
        ev("2026-03-06T09:00:00Z", "accepted", o0, s0, need=decision.needs[0]["need"]),
        ev("2026-03-10T09:00:00Z", "no_response", o2, s2),
        ev("2026-03-11T09:00:00Z", "accepted", o1, s1),
        ev("2026-03-20T09:00:00Z", "bounced", o1, s1),
        ev("2026-04-20T09:00:00Z", "resolved", o0, s0),
        ev("2026-04-21T09:00:00Z", "closed"),
    ]


def check_bundle(b):
    """fhir.resources validation, value sets, and references resolving inside the Bundle."""
    Bundle.model_validate(b)
    urls = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    assert len(urls) == len({e["resource"]["id"] for e in b["entry"]}) or b["type"] == "history"

    def refs(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "reference":
                    yield x
                else:
                    yield from refs(x)
        elif isinstance(v, list):
            for x in v:
                yield from refs(x)

    n = 0
    for r in refs(b):
        assert r in urls, "a reference that does not resolve inside the bundle"
        n += 1
    assert n > 0
    for e in b["entry"]:
        r = e["resource"]
        if r["resourceType"] == "Task":
            assert r["status"] in TASK_STATUS
            assert r["intent"] in TASK_INTENT
            assert urls[r["focus"]["reference"]]["resourceType"] == "ServiceRequest"
            assert urls[r["for"]["reference"]]["resourceType"] == "Group"
            assert urls[r["owner"]["reference"]]["resourceType"] == "Organization"
        if r["resourceType"] == "ServiceRequest":
            assert r["status"] in REQUEST_STATUS
            assert r["intent"] in REQUEST_INTENT
    return urls


def test_the_households_bundle_is_valid_fhir(decision, pilot):
    events = timeline(decision)
    b = dls.exchange.fhir_bundle(decision, pilot.directory, events)
    assert b["type"] == "collection"
    urls = check_bundle(b)
    tasks = [r for r in urls.values() if r["resourceType"] == "Task"]
    assert [t["status"] for t in tasks] == ["completed", "rejected", "failed", "cancelled"]
    assert tasks[1]["statusReason"]["coding"][0]["code"] == "full"
    requests = [r for r in urls.values() if r["resourceType"] == "ServiceRequest"]
    routed = [n for n in decision.needs if n["service"]]
    assert len(requests) == len(routed)
    # The trace travels as a note.
    assert all(r["note"][0]["text"].startswith(r["code"]["coding"][0]["code"]) for r in requests)
    # The household only by its pseudonym: no names, no birth dates anywhere.
    group = next(r for r in urls.values() if r["resourceType"] == "Group")
    assert group["identifier"][0]["value"] == "hlmr-2026-0001"
    assert "name" not in group and "birthDate" not in json.dumps(b)
    # Without events: Tasks in `requested`; the history form is valid too.
    plain = dls.exchange.fhir_bundle(decision, pilot.directory)
    check_bundle(plain)
    assert {t["resource"]["status"] for t in plain["entry"] if t["resource"]["resourceType"] == "Task"} == {"requested"}
    history = dls.exchange.fhir_bundle(decision, pilot.directory, events, history=True)
    assert history["type"] == "history"
    check_bundle(history)


def test_a_bundle_that_fhir_resources_refuses_is_caught_by_the_check():
    with pytest.raises(Exception):
        Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Task", "status": 3}}]})


def referral_events(events):
    kinds = {"referred", "accepted", "rejected", "no_response", "bounced", "resolved"}
    keep = ("case", "activity", "organisation", "service", "need", "reason")
    out = []
    for e in events:
        if e["activity"] in kinds:
            at = e["at"].replace("+00:00", "Z")
            out.append((at,) + tuple(e.get(k) for k in keep))
    return sorted(out)


def test_a_history_bundle_imports_back_to_the_same_events(decision, pilot):
    events = timeline(decision)
    history = dls.exchange.fhir_bundle(decision, pilot.directory, events, history=True)
    imported = dls.exchange.fhir_import(json.dumps(history))
    assert imported["skipped"] == []
    assert referral_events(imported["events"]) == referral_events(events)
    # The imported events feed evaluation, with no anomaly.
    log = [events[0]] + imported["events"]
    ev = dls.evaluate(log, by=["kern"], disclosure="raw")
    assert ev.anomalies == []
    assert ev.rows_used == len(log)


def test_bad_fhir_is_a_typed_error_naming_resource_and_field(decision, pilot):
    b = dls.exchange.fhir_bundle(decision, pilot.directory)
    task = next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Task")
    del task["focus"]
    with pytest.raises(dls.BadInputError) as e:
        dls.exchange.fhir_import(json.dumps(b))
    assert str(e.value) == f"fhir: `Task/{task['id']}`, field `focus`: missing"
    with pytest.raises(dls.BadInputError, match="not an R4 Bundle"):
        dls.exchange.fhir_import('{"resourceType": "Patient"}')


def test_the_life_cycle_reports_anomalies_and_strict_mode_rejects_them():
    events = [
        {"case": "c1", "at": "2026-03-02T09:00:00Z", "activity": "opened"},
        {"case": "c1", "at": "2026-03-03T09:00:00Z", "activity": "accepted", "organisation": "gem"},
        {"case": "c1", "at": "2026-03-04T09:00:00Z", "activity": "closed"},
        {"case": "c1", "at": "2026-03-05T09:00:00Z", "activity": "rejected", "organisation": "gem"},
    ]
    lenient = dls.evaluate(events, by=["kern"], disclosure="raw")
    assert lenient.rows_used == 4
    assert lenient.anomalies == [
        {"row": 2, "activity": "accepted", "breach": "no_referral"},
        {"row": 4, "activity": "rejected", "breach": "after_closed"},
    ]
    strict = dls.evaluate(events, by=["kern"], disclosure="raw", strict=True)
    assert strict.rows_used == 2
    rejected = strict.rejected(output="pyarrow").to_pylist()
    assert [(r["row"], r["reason"]) for r in rejected] == [(2, "breaks_lifecycle"), (4, "breaks_lifecycle")]


ZGW_CONFIG = {
    "zaken_api": "https://zaken.example.nl/zaken/api/v1",
    "zaaktype": "https://catalogi.example.nl/catalogi/api/v1/zaaktypen/hulpvraag",
    "deelzaaktype": "https://catalogi.example.nl/catalogi/api/v1/zaaktypen/behoefte",
    "bronorganisatie": "002220647",
    "verantwoordelijke_organisatie": "002220647",
    "roltype_initiator": "https://catalogi.example.nl/catalogi/api/v1/roltypen/initiator",
    "roltype_zaakcoordinator": "https://catalogi.example.nl/catalogi/api/v1/roltypen/coordinator",
    "roltype_behandelaar": "https://catalogi.example.nl/catalogi/api/v1/roltypen/behandelaar",
    "statustypen": {
        s: f"https://catalogi.example.nl/catalogi/api/v1/statustypen/{s}"
        for s in ["requested", "accepted", "rejected", "failed", "cancelled", "completed"]
    },
}


@pytest.fixture(scope="module")
def zaken_api():
    assert ZAKEN_API.exists(), f"the Zaken API description is missing: {ZAKEN_API}"
    spec = yaml.safe_load(ZAKEN_API.read_text(encoding="utf-8"))
    registry = Registry().with_resource("urn:zaken-api", Resource.from_contents(spec, default_specification=DRAFT4))

    def errors(schema_name, body):
        schema = {"$ref": f"urn:zaken-api#/components/schemas/{schema_name}"}
        v = OAS30WriteValidator(schema, registry=registry, format_checker=OAS30WriteValidator.FORMAT_CHECKER)
        return [e.message for e in v.iter_errors(body)]

    return errors


def test_every_zgw_document_is_valid_against_the_zaken_api(decision, pilot, zaken_api):
    docs = dls.exchange.zgw_zaken(decision, pilot.directory, ZGW_CONFIG, timeline(decision))
    kinds = {d["resource"] for d in docs}
    assert kinds == {"zaak", "rol", "status"}
    schema = {"zaak": "Zaak", "rol": "Rol", "status": "Status"}
    for d in docs:
        assert zaken_api(schema[d["resource"]], d["body"]) == [], d["resource"]
        if d["resource"] == "rol":
            assert zaken_api(f"{d['body']['betrokkeneType']}_Rol", d["body"]) == []
    # One hoofdzaak, a deelzaak per routed need, pointing at it.
    zaken = [d for d in docs if d["resource"] == "zaak"]
    assert len(zaken) == 1 + len([n for n in decision.needs if n["service"]])
    assert all(z["body"]["hoofdzaak"] == zaken[0]["url"] for z in zaken[1:])
    # The three roles, and the initiator is the household's pseudonym only.
    roles = [d["body"]["roltype"].rsplit("/", 1)[1] for d in docs if d["resource"] == "rol"]
    assert roles[:2] == ["initiator", "coordinator"] and "behandelaar" in roles
    initiator = next(d["body"] for d in docs if d["resource"] == "rol")
    assert "betrokkeneIdentificatie" not in initiator
    assert "hlmr-2026-0001" in initiator["roltoelichting"]


def test_the_validator_refuses_what_the_api_refuses(decision, pilot, zaken_api):
    docs = dls.exchange.zgw_zaken(decision, pilot.directory, ZGW_CONFIG, timeline(decision))
    zaak = dict(next(d["body"] for d in docs if d["resource"] == "zaak"))
    assert zaken_api("Zaak", dict(zaak, bronorganisatie="1234567890")) != []
    assert zaken_api("Zaak", dict(zaak, uuid="4f1a6d5e-0000-4000-8000-000000000000")) != []  # read-only
    status = dict(next(d["body"] for d in docs if d["resource"] == "status"))
    assert zaken_api("Status", dict(status, datumStatusGezet="gisteren")) != []
    rol = next(d["body"] for d in docs if d["resource"] == "rol" and "betrokkeneIdentificatie" in d["body"])
    too_long = dict(rol, betrokkeneIdentificatie={"identificatie": "x" * 25, "naam": "n"})
    assert zaken_api("organisatorische_eenheid_Rol", too_long) != []


def test_zgw_configuration_is_checked_first(decision, pilot):
    bad = dict(ZGW_CONFIG, bronorganisatie="002220648")
    with pytest.raises(dls.BadInputError) as e:
        dls.exchange.zgw_zaken(decision, pilot.directory, bad)
    assert str(e.value) == "zgw configuration: field `bronorganisatie` is not a valid RSIN (elfproef)"
    assert "002220648" not in str(e.value)
