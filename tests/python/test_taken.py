"""A rule whose every case more specific layers take (issue 11): the warning reaches Python as
every validation warning does, with kind ``unreachable``, where it is and why."""

from __future__ import annotations

import dls

DIRECTORY = """
[[municipality]]
code = "GM0001"
name = "A"

[[kern]]
id = "a1"
name = "A1"
municipality = "GM0001"

[[kern]]
id = "a2"
name = "A2"
municipality = "GM0001"

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.b"
label = "B"

[[organisation]]
id = "o"
name = "O"
kind = "welfare"

[[service]]
id = "landelijk"
organisation = "o"
name = "Landelijk"
needs = ["zorg.b"]
areas = ["national"]
priority = 0
"""


def switch_off(kern: str) -> str:
    return (
        f'[[switch_off]]\nid = "uit-{kern}"\nrules = ["coverage:landelijk"]\n'
        f'area = "kern:{kern}"\n\n'
    )


def test_a_national_service_switched_off_in_every_kern_is_a_warning():
    d = dls.Directory.parse(DIRECTORY)
    r = dls.RuleSet.parse(d, switch_off("a1") + switch_off("a2"))
    taken = [w for w in r.warnings if w.kind == "unreachable"]
    assert len(taken) == 1, r.warnings
    w = taken[0]
    assert w.severity == "warning"
    assert w.message.startswith("rule `coverage:landelijk` can never decide: in every kern")
    assert "in kern `a1`: switch-off `uit-a1`" in w.message


def test_one_kern_left_keeps_it_reachable():
    d = dls.Directory.parse(DIRECTORY)
    r = dls.RuleSet.parse(d, switch_off("a1"))
    assert [w for w in r.warnings if w.kind == "unreachable"] == []
