"""The live capacity ledger from Python: the core's `CapacityLedger` and
`Router::route_reserving` (dls-core/tests/capacity.rs has the full scenario, including two
threads routing at once)."""

from __future__ import annotations

import threading

import pytest

import dls


@pytest.fixture(scope="module")
def pilot():
    return dls.demo.haarlemmermeer()


def test_a_full_service_sends_the_next_case_down_the_ladder(pilot):
    router = dls.Router(pilot.rules)
    ledger = dls.CapacityLedger(router)
    # the pilot's administration help (thuisadministratie) has 4 open places
    case = next(c for c in pilot.cases if c["needs"][0]["need"] == "sociale_zaken.administratie")
    first = router.route(case, ledger=ledger).primary["service"]
    places = ledger.get(first)
    assert places["open_places"] is not None, "the test needs a service with known places"
    taken = [router.route(case, ledger=ledger).primary["service"] for _ in range(places["open_places"])]
    assert taken == [first] * places["open_places"]
    assert ledger.get(first)["open_places"] == 0
    after = router.route(case, ledger=ledger, trace=True)
    assert after.primary["service"] != first
    assert f"service `{first}` is full: waiting list {places['waiting_weeks']} weeks" in after.explain()
    # without the ledger, routing sees the directory's snapshot
    assert router.route(case).primary["service"] == first
    ledger.release(first)
    assert router.route(case, ledger=ledger).primary["service"] == first


def test_threads_share_one_ledger_without_overbooking(pilot):
    router = dls.Router(pilot.rules)
    ledger = dls.CapacityLedger(router)
    case = next(c for c in pilot.cases if c["needs"][0]["need"] == "sociale_zaken.administratie")
    service = router.route(case).primary["service"]
    ledger.set(service, open_places=300)
    hits = []

    def work():
        hits.append(sum(router.route(case, ledger=ledger).primary["service"] == service
                        for _ in range(400)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(hits) == 300
    assert ledger.get(service)["open_places"] == 0


def test_snapshot_restore_and_bad_input(pilot):
    router = dls.Router(pilot.rules)
    ledger = dls.CapacityLedger(router)
    snap = ledger.snapshot()
    assert {"service": "basis-ggz", "open_places": 0, "waiting_weeks": 14} in snap
    ledger.set("basis-ggz", open_places=2, waiting_weeks=None)
    assert ledger.get("basis-ggz") == {"service": "basis-ggz", "open_places": 2, "waiting_weeks": None}
    ledger.restore(snap)
    assert ledger.snapshot() == snap
    with pytest.raises(dls.BadInputError, match="unknown service `nergens`"):
        ledger.release("nergens")
    with pytest.raises(dls.BadInputError) as e:
        ledger.restore([snap[0], {"service": "basis-ggz", "open_places": -1}])
    assert e.value.row == 2
    assert ledger.snapshot() == snap
    with pytest.raises(dls.RoutingError, match="another router"):
        dls.Router(pilot.rules).route(pilot.cases[0], ledger=ledger)
