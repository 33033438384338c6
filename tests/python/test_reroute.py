"""Re-routing after a rejection and what-if from Python: the behaviour of the core's
`Router::reroute_after` and `routing::what_if` (the goldens of test_golden.py replay both on
the pilot; these tests cover the Python call shapes and their errors)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import dls

PILOT = Path(__file__).resolve().parents[2] / "dls-core" / "data" / "haarlemmermeer"


@pytest.fixture(scope="module")
def pilot():
    return dls.demo.haarlemmermeer()


@pytest.fixture(scope="module")
def router(pilot):
    return dls.Router(pilot.rules)


def case(pilot, case_id):
    return next(c for c in pilot.cases if c["id"] == case_id)


def test_reroute_after_a_rejection_avoids_the_service(pilot, router):
    c = case(pilot, "hlmr-2026-0006")
    first = router.route(c)
    assert first.primary["service"] == "schuldhulp"
    by_id = router.reroute(c, "schuldhulp")
    by_event = router.reroute(c, {"activity": "rejected", "service": "schuldhulp"})
    assert by_id == by_event
    assert by_id.primary["service"] != "schuldhulp"
    assert by_id.primary["cannot_get_through"] is True
    # traces are opt-in, as for route
    assert by_id.trace[by_id.primary["need"]] is None
    traced = router.reroute(c, "schuldhulp", trace=True)
    assert traced.trace[traced.primary["need"]] is not None


def test_reroute_outcomes_and_bad_arguments(pilot, router):
    c = case(pilot, "hlmr-2026-0006")
    no_answer = router.reroute(c, {"activity": "no_response", "service": "schuldhulp"})
    assert no_answer == router.reroute(c, "schuldhulp", outcome="no_response")
    with pytest.raises(dls.BadInputError, match="outcome"):
        router.reroute(c, "schuldhulp", outcome="ignored")
    with pytest.raises(dls.BadInputError, match="outcome"):
        router.reroute(c, {"activity": "rejected", "service": "schuldhulp"}, outcome="rejected")
    bounced = router.reroute(c, {"activity": "bounced", "service": "schuldhulp"})
    assert bounced == router.reroute(c, "schuldhulp")
    with pytest.raises(dls.RoutingError, match="only a `rejected`, `no_response` or `bounced`"):
        router.reroute(c, {"activity": "accepted", "service": "schuldhulp"})
    with pytest.raises(dls.RoutingError, match="names no service"):
        router.reroute(c, {"activity": "rejected"})
    with pytest.raises(dls.RoutingError, match="unknown service"):
        router.reroute(c, "no-such-service")
    with pytest.raises(dls.BadInputError, match="after"):
        router.reroute(c, 42)


def test_what_if_of_a_rule_set_with_itself_changes_nothing(pilot, router):
    w = dls.what_if(router, pilot.rules, pilot.cases)
    assert (w.cases, w.changed, w.gaps_appeared, w.gaps_disappeared, w.errors) == (
        len(pilot.cases), [], [], [], [])
    assert all(l["load_a"] == l["load_b"] for l in w.load)
    assert sum(l["load_a"] for l in w.load) <= w.needs
    assert "0 decisions changed" in str(w)
    assert w.newly_over_capacity == []


def test_what_if_counts_the_load_moved(pilot, router, tmp_path):
    # B: the pilot's three layers plus a municipal rule that sends two Wmo needs to the
    # steunpilaar, above the pilot's own rules
    extra = tmp_path / "rules-b.toml"
    extra.write_text(
        '[[rule]]\nid = "b-wmo"\nneeds = ["zorg.wmo.huishouden", "zorg.wmo.begeleiding"]\n'
        'area = "GM0394"\ntarget = "steunpilaar"\npriority = 100\n',
        encoding="utf-8",
    )
    layers = [PILOT / f"rules-{layer}.toml" for layer in ("national", "region", "GM0394")]
    b = dls.RuleSet.load(pilot.directory, layers + [extra])
    w = dls.what_if(router, b, pilot.cases)
    assert w.changed, "the pilot has Wmo needs that B moves"
    assert {ch["to_rule"] for ch in w.changed} == {"b-wmo"}
    assert {ch["to_outcome"] for ch in w.changed} == {"steunpilaar"}
    # an independent count of the load from the changes: every changed need leaves its
    # A service and arrives at its B service
    delta = {}
    for ch in w.changed:
        for side, sign in (("from_service", -1), ("to_service", 1)):
            if ch[side] is not None:
                delta[ch[side]] = delta.get(ch[side], 0) + sign
    assert {l["service"]: l["load_b"] - l["load_a"] for l in w.load if l["load_b"] != l["load_a"]} == {
        s: d for s, d in delta.items() if d != 0}


def test_what_if_bad_input(pilot, router):
    with pytest.raises(dls.BadInputError, match="kern") as e:
        dls.what_if(router, router, [pilot.cases[0], {"id": "x"}])
    assert e.value.row == 2
    with pytest.raises(dls.BadInputError, match="`b` must be"):
        dls.what_if(router, "rules.toml", pilot.cases)
    w = dls.what_if(router, router, pickle.loads(pickle.dumps(pilot.cases)))
    assert w.cases == len(pilot.cases)
