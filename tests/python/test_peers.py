"""dls routes the peers' national data exactly as the peers do (issue 11).

The peers' generator (`../shared/peers/gen.py`, made outside dls) writes its national directory
(342 municipalities, 3,346 kernen, 15,000 services with integer age limits, subdomain services,
four urgency levels, equal priorities) and its `small` scale of 10,000 cases into a temporary
folder. `dls-core/benches/peers/to_dls.py` translates the directory cell by cell into a dls
folder (its services as dls's tabular `services.csv`, read by `Directory.from_tables`); every
service routes by its own coverage, with no rule written. dls must then agree, need by need, with
two computations it shares no code with: the peer `route_frames.py` (polars joins) and a plain
loop over every service written here from the semantics in the peers' `common.py`.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Tuple

import polars as pl
import pytest

import dls

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".." / "shared" / "peers"
TO_DLS = ROOT / "dls-core" / "benches" / "peers" / "to_dls.py"
AS_OF = "2026-01-01"
Routes = Dict[Tuple[str, str], str]


def module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gen.py's directory and `small` scale (about 5 s), in a folder of this test's own."""
    root = tmp_path_factory.mktemp("benchdata")
    subprocess.run([sys.executable, str(PEERS / "gen.py"), "--scales", "small", "--root", str(root)],
                   check=True, capture_output=True)
    return root


def read_routes(path: Path) -> Routes:
    df = pl.read_csv(path, infer_schema_length=0)
    return {(c, n): s or "" for c, n, s in df.select("case_id", "need", "service_id").iter_rows()}


def dls_routes(bench: Path, out: Path) -> Routes:
    counts = module(TO_DLS, "to_dls").translate(str(bench / "directory"), str(out))
    assert counts["services"] == 15_000 and counts["municipalities"] == 342
    directory = dls.Directory.from_tables(out, dls.Directory.load_folder(out))
    assert len(directory.services) == 15_000
    # no rule written: every service routes by its own coverage
    router = dls.Router(dls.RuleSet.parse(directory, "rule = []", name="no-rules.toml"))
    cases = pl.read_csv(bench / "small" / "cases.csv").select(
        pl.col("case_id").alias("id"), "kern", "needs", "age",
        pl.col("household_type").alias("household"), "urgency")
    routed = router.route_batch(cases, AS_OF, output="polars")
    assert routed["error"].null_count() == routed.height
    return {(c, n): s or "" for c, n, s in routed.select("case", "need", "service").iter_rows()}


def frames_routes(bench: Path, out: Path) -> Routes:
    subprocess.run([sys.executable, str(PEERS / "route_frames.py"), "--engine", "polars", "--scale", "small",
                    "--limit", "10000", "--out", str(out)],
                   check=True, capture_output=True, env={**os.environ, "BENCHDATA": str(bench)})
    return read_routes(out)


def naive_routes(bench: Path) -> Tuple[Routes, int]:
    """common.py's semantics as a plain loop: every valid service of the need (or of its
    subdomain), its coverage and eligibility tested one by one, the best kept; and how many
    needs were decided by service id between candidates of equal layer and priority."""
    os.environ["BENCHDATA"] = str(bench)
    try:
        common = module(PEERS / "common.py", "peers_common")
    finally:
        del os.environ["BENCHDATA"]
    # each valid service under (its need code, each of its areas), national ones under "NL"
    by_key: Dict[Tuple[str, str], list] = {}
    for s in common.load_services_rows():
        for area in (["NL"] if s["scope"] == "national" else s["areas"]):
            by_key.setdefault((s["need_code"], area), []).append(s)
    region_of = common.municipality_region()
    out: Routes = {}
    ties = 0
    cases = pl.read_csv(bench / "small" / "cases.csv")
    for c in cases.iter_rows(named=True):
        where = {"kern": c["kern"], "municipality": c["municipality"], "region": region_of[c["municipality"]]}
        for need in c["needs"].split(";"):
            group = ".".join(need.split(".")[:2])
            keys = []
            for s in (s for code in (need, group) for area in ("NL", *where.values())
                      for s in by_key.get((code, area), [])):
                level_ok = (s["need_level"] == "need") == (s["need_code"] == need)
                covers = s["scope"] == "national" or where[s["scope"]] in s["areas"]
                eligible = (s["age_min"] <= c["age"] <= s["age_max"]
                            and (not s["household_types"] or c["household_type"] in s["household_types"])
                            and (not s["urgencies"] or c["urgency"] in s["urgencies"]))
                key = (-s["layer"], -s["priority"], s["service_id"])
                if level_ok and covers and eligible:
                    keys.append(key)
            keys.sort()
            out[(c["case_id"], need)] = keys[0][2] if keys else ""
            ties += len(keys) > 1 and keys[0][:2] == keys[1][:2]
    return out, ties


def differences(a: Routes, b: Routes) -> list:
    return sorted((k, a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k))


def test_dls_routes_the_peers_small_scale_as_route_frames_and_a_plain_loop(bench: Path, tmp_path: Path) -> None:
    ours = dls_routes(bench, tmp_path / "dls")
    frames = frames_routes(bench, tmp_path / "frames.csv")
    naive, ties = naive_routes(bench)
    assert len(frames) == len(naive) > 10_000  # every need of the 10,000 cases, once
    assert differences(naive, frames) == []     # the two references agree with each other
    assert differences(ours, frames) == []
    assert differences(ours, naive) == []
    # The data exercises what matters: gaps, subdomain services, ties at equal priority
    # decided by id, and every layer winning somewhere.
    scope = dict(pl.read_csv(bench / "directory" / "services.csv", infer_schema_length=0)
                 .select("service_id", "scope").iter_rows())
    level = dict(pl.read_csv(bench / "directory" / "services.csv", infer_schema_length=0)
                 .select("service_id", "need_level").iter_rows())
    assert ties > 0
    winners = [s for s in ours.values() if s]
    assert len(winners) < len(ours)
    assert {scope[s] for s in winners} == {"national", "region", "municipality", "kern"}
    assert any(level[s] == "subdomain" for s in winners)
