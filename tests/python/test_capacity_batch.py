"""The live capacity ledger in batch routing and re-routing from Python (issue 14): the core's
`Router::route_rows_reserving` and `Router::reroute_after_reserving`. The expected answers are
computed here one call at a time (`route` with the ledger, in case-id order), not taken from
the batch itself; dls-core/tests/capacity.rs has the same scenarios on a directory of its own."""

from __future__ import annotations

import threading

import pyarrow as pa
import pytest

import dls


@pytest.fixture(scope="module")
def pilot():
    return dls.demo.haarlemmermeer()


def administratie(pilot):
    """A pilot case whose primary need goes to a service with known open places."""
    return next(c for c in pilot.cases if c["needs"][0]["need"] == "sociale_zaken.administratie")


def copies(case, n):
    return [dict(case, id=f"cap-{i:02d}") for i in range(n)]


def primary_services(table: pa.Table):
    return {r["case"]: r["service"] for r in table.to_pylist() if r["primary"]}


def test_a_batch_fills_the_service_first_come_first_served_whatever_the_row_order(pilot):
    router = dls.Router(pilot.rules)
    cases = copies(administratie(pilot), 10)
    # the expected answer: one case at a time against a fresh ledger, in case-id order
    one_by_one = dls.CapacityLedger(router)
    expected = {c["id"]: router.route(c, ledger=one_by_one).primary["service"] for c in cases}
    first = expected["cap-00"]
    places = dls.CapacityLedger(router).get(first)["open_places"]
    assert places is not None and 0 < places < 10, "the test needs a service with a few places"
    assert sum(s == first for s in expected.values()) == places
    assert len(set(expected.values())) > 1, "the cases after the last place go down the ladder"
    for rows in (cases, list(reversed(cases))):
        ledger = dls.CapacityLedger(router)
        out = router.route_batch(dls.cases_table(rows), ledger=ledger, output="pyarrow")
        assert primary_services(out) == expected
        assert [r["case"] for r in out.to_pylist() if r["primary"]] == [c["id"] for c in rows]
        assert ledger.get(first)["open_places"] == 0
    # without a ledger, every case sees the directory's snapshot
    plain = router.route_batch(dls.cases_table(cases), output="pyarrow")
    assert set(primary_services(plain).values()) == {first}


def test_two_threads_routing_batches_never_overbook(pilot):
    router = dls.Router(pilot.rules)
    ledger = dls.CapacityLedger(router)
    case = administratie(pilot)
    service = router.route(case).primary["service"]
    ledger.set(service, open_places=150)
    hits = []

    def work(t):
        rows = [dict(case, id=f"t{t}-{i:03d}") for i in range(200)]
        out = router.route_batch(dls.cases_table(rows), ledger=ledger, output="pyarrow")
        hits.append(sum(s == service for s in primary_services(out).values()))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(hits) == 150
    assert ledger.get(service)["open_places"] == 0


def test_a_reroute_with_the_ledger_gives_back_the_place_turned_down(pilot):
    router = dls.Router(pilot.rules)
    ledger = dls.CapacityLedger(router)
    case = administratie(pilot)
    before = ledger.get(router.route(case).primary["service"])["open_places"]
    first = router.route(case, ledger=ledger)
    service = first.primary["service"]
    assert ledger.get(service)["open_places"] == before - 1
    again = router.reroute(case, service, ledger=ledger, previous=first)
    assert again.primary["service"] != service
    assert again.primary["cannot_get_through"] is True
    # the place turned down is back; the decision is the one without capacity pressure
    assert ledger.get(service)["open_places"] == before
    assert again.needs == router.reroute(case, service).needs
    with pytest.raises(dls.BadInputError, match="previous"):
        router.reroute(case, service, ledger=ledger)
