"""The pilot report in headless Chromium (Debian's chromium and chromium-driver, installed by
tests/python/run.sh): the page loads without console errors and without scripts, its tables
hold the figures the evaluation publishes (computed here through the Python API, not read back
from the report's code), missing figures show as missing, it prints, and a screenshot is saved
to tests/python/artifacts/report.png."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Dict, List, Optional

import pytest

import dls

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MISSING = "—"


def days(v: Optional[float]) -> str:
    return MISSING if v is None else f"{v:.1f}"


def percent(v: Optional[float]) -> str:
    return MISSING if v is None else f"{v * 100:.1f}%"


def mean(v: Optional[float]) -> str:
    return MISSING if v is None else f"{v:.2f}"


@pytest.fixture(scope="module")
def driver():
    # No skip: without Chromium the test command failed to install it, and that is a failure.
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} missing: tests/python/run.sh installs Debian's chromium"
    assert os.path.exists(CHROMEDRIVER), f"{CHROMEDRIVER} missing: run.sh installs chromium-driver"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory, pilot) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    ev = dls.evaluate(pilot.events(), by=["kern", "month"], directory=pilot.directory,
                      disclosure="raw")
    # raw evaluation: the report publishes all the same
    ev.report(path, rules=pilot.rules, date="2026-06-01", title="Haarlemmermeer <pilot>")
    return path


def table_rows(driver, table_id: str) -> List[List[str]]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
    return [[c.text.strip() for c in r.find_elements(By.CSS_SELECTOR, "th, td")] for r in rows]


def test_report_loads_without_errors_and_holds_the_published_figures(driver, page, pilot):
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    log = driver.get_log("browser")
    assert [e for e in log if e["level"] in ("SEVERE", "WARNING")] == [], log
    assert driver.execute_script("return document.scripts.length") == 0
    # the title came from the caller and was escaped, not parsed as markup
    assert driver.find_element(By.TAG_NAME, "h1").text == "Haarlemmermeer <pilot>"

    # per phase: the evaluation's published figures, computed independently
    by_phase = dls.evaluate(pilot.events(), by=["phase"], directory=pilot.directory)
    expected: Dict[str, List[str]] = {}
    for r in by_phase.aggregates(output="pyarrow").to_pylist():
        assert r["suppressed"] is None
        expected[r["phase"]] = [
            r["phase"], str(r["cases"]),
            days(r["first_contact_median_days"]), days(r["first_contact_p90_days"]),
            str(r["first_contact_open"]),
            days(r["right_place_median_days"]), days(r["right_place_p90_days"]),
            str(r["right_place_open"]),
            mean(r["handoffs_per_case"]), percent(r["bounce_rate"]), percent(r["resolved_rate"]),
        ]
    shown = {row[0]: row for row in table_rows(driver, "phase-table")}
    assert set(shown) == {"pilot", "baseline"}
    for phase, want in expected.items():
        assert shown[phase][: len(want)] == want, phase

    # per kern and phase: the same published rows, suppressed ones said so, never a 0
    by_kern = dls.evaluate(pilot.events(), by=["kern", "phase"], directory=pilot.directory)
    kern_rows = {(r[0], r[1]): r for r in table_rows(driver, "kern-table")}
    published = by_kern.aggregates(output="pyarrow").to_pylist()
    assert len(kern_rows) == len(published)
    n_suppressed = 0
    for r in published:
        row = kern_rows[(r["kern"], r["phase"])]
        if r["suppressed"] is not None:
            n_suppressed += 1
            assert row[2].startswith("suppressed"), row
        else:
            assert row[2] == str(r["cases"])
            assert row[6] == days(r["right_place_median_days"])
            assert row[3] == days(r["first_contact_median_days"])
    # groups too small to publish are not listed (the lead paragraph says so)
    assert n_suppressed == sum(r["suppressed"] == "secondary" for r in published)
    # a published kern with too few ended durations for a median shows it missing
    assert any(row[3] == MISSING for row in kern_rows.values() if len(row) > 3)

    # pilot against baseline: the comparison as the evaluation publishes it
    cmp = {r["metric"]: r for r in by_phase.compare({"phase": "pilot"}, {"phase": "baseline"},
                                                    output="pyarrow").to_pylist()}
    rows = {r[0]: r for r in table_rows(driver, "compare-table")}
    rp = rows["days to the right place (median)"]
    c = cmp["right_place_days"]
    assert rp[1] == "lower"
    assert rp[2:5] == [days(c["a_value"]), days(c["b_value"]), f"{c['difference']:+.1f}"]
    assert rp[5] == f"{c['ci_low']:+.1f} to {c['ci_high']:+.1f}"
    # pilot cases reach the right place sooner in the embedded pilot, by an interval below 0
    assert c["ci_high"] < 0 and rp[6] == "pilot better"
    resolved = rows["resolved"]
    assert resolved[1] == "higher"
    assert resolved[2] == percent(cmp["resolved"]["a_value"])

    # gaps and overlaps per kern: the coverage of the same rules on the same date
    cov = dls.coverage(pilot.rules, "2026-06-01", output="pyarrow").to_pylist()
    gaps_per_kern: Dict[str, int] = {}
    for r in cov:
        gaps_per_kern[r["kern"]] = gaps_per_kern.get(r["kern"], 0) + int(r["gap"])
    cov_rows = table_rows(driver, "coverage-table")
    assert len(cov_rows) == len(gaps_per_kern)
    for row in cov_rows:
        kern_id = row[0].rsplit("(", 1)[1].rstrip(")")
        assert int(row[2]) == gaps_per_kern[kern_id], row

    # the gap lines: per need and age band, the kernen where no provider takes it
    from collections import defaultdict

    want_gaps = defaultdict(set)
    names = {}
    for r in cov:
        names[r["kern"]] = r["kern_name"]
        if r["gap"]:
            want_gaps[(r["need"], r["age_band"])].add(r["kern_name"])
    # a line names kernen, or sums a municipality up ("all 31 kernen of GM0394", "... except
    # a, b"; parts separated by "; "), and merges the age bands it holds for ("all ages")
    kernen_of = defaultdict(set)
    bands_all = []
    for r in cov:
        kernen_of[r["municipality"]].add(r["kern_name"])
        if r["age_band"] not in bands_all:
            bands_all.append(r["age_band"])

    def named(cell):
        if cell == f"all {len(names)} kernen":
            return set(names.values())
        out = set()
        for part in cell.split("; "):
            if part.startswith("all "):
                n, rest = part[4:].split(" kernen of ", 1)
                municipality, _, except_ = rest.partition(" except ")
                assert int(n) == len(kernen_of[municipality]), part
                out |= kernen_of[municipality] - set(except_.split(", ") if except_ else [])
            else:
                out |= set(part.split(", "))
        return out

    shown_gaps = defaultdict(set)
    for row in table_rows(driver, "gap-table"):
        need, bands, _where, count, which = row
        kernen = named(which)
        assert int(count) == len(kernen), row
        for band in (bands_all if bands == "all ages" else bands.split(", ")):
            shown_gaps[(need, band)] |= kernen
    assert shown_gaps == want_gaps

    # charts are inline SVG, drawn (not images fetched from anywhere)
    assert len(driver.find_elements(By.CSS_SELECTOR, "figure svg")) >= 3

    # it prints
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {})["data"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

    # the screenshots, for a person to look at: the first screen, and the whole page
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(1280, 1700)
    assert driver.save_screenshot(str(ARTIFACTS / "report.png"))
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(height + 100, 16000))
    assert driver.save_screenshot(str(ARTIFACTS / "report-full.png"))
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


def test_report_arguments_are_checked(tmp_path, pilot):
    ev = dls.evaluate(pilot.events(), by=["phase"], directory=pilot.directory)
    with pytest.raises(dls.BadInputError, match="rules"):
        ev.report(tmp_path / "r.html", date="2026-06-01")
    # a phase no case has: the page says so and names the phases that exist
    ev.report(tmp_path / "r.html", pilot="Pilot")
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Not compared:" in text and "pilot" in text.split("Not compared:", 1)[1][:300]
    with pytest.raises(OSError):
        ev.report(tmp_path / "no-such-dir" / "r.html")
