"""An analyst's evaluation of the Haarlemmermeer pilot, end to end in Python.

    python examples/analyst.py [output-dir]

Loads the embedded pilot, checks coverage (gaps and overlaps), routes the sample cases, evaluates
the event log of baseline and pilot cases, compares pilot against baseline, and draws one chart
per kern (median days to the right place, baseline against pilot) into a PNG. Needs the `dls`
package plus polars, pyarrow and matplotlib.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

import dls  # noqa: E402


def main(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    pilot = dls.demo.haarlemmermeer()
    print(f"pilot: {pilot.directory!r}, {pilot.rules!r}")

    # 1. Coverage: where are the gaps (lacunes) and overlaps in Haarlemmermeer?
    cov = dls.coverage(pilot.rules, "2026-06-01", municipality="GM0394", output="polars")
    gaps = cov.filter(pl.col("gap")).group_by("status").len().sort("status")
    overlaps = cov.filter(pl.col("overlap")).select("kern", "need").unique()
    print(f"coverage: {cov.height} kern x need x age band rows; gaps by status:")
    print(gaps)
    print(f"overlaps: {overlaps.height} kern x need pairs with two or more organisations")

    # 2. Route the sample cases, one by one and as a table.
    router = dls.Router(pilot.rules)
    first = router.route(pilot.cases[0], trace=True)  # the trace says why
    print(first.explain())
    decisions = router.route_batch(dls.cases_table(pilot.cases, output="polars"))
    print(decisions.select("case", "need", "outcome", "service", "coordinator"))

    # 3. Evaluate the event log: per-case metrics and published aggregates per kern and phase.
    events = pilot.events(output="polars")
    ev = dls.evaluate(events, by=["kern", "phase"], directory=pilot.directory)
    print(f"evaluated {ev.rows_used} of {ev.rows_read} rows")
    published = ev.aggregates()
    shown = published.filter(pl.col("suppressed").is_null()).height
    print(f"published cells: {shown} of {published.height} (the rest have too few cases)")

    # 4. Pilot against baseline (published: small selections would be suppressed).
    comparison = ev.compare({"phase": "pilot"}, {"phase": "baseline"})
    print(comparison.select("metric", "a_value", "b_value", "difference", "ci_low", "ci_high"))

    # 5. One chart per kern: median days to the right place, baseline vs pilot. The chart is
    #    for the project team, so it uses per-case metrics (internal, not for publication).
    per_case = ev.per_case()
    by_kern = (
        per_case.filter(pl.col("kern").is_not_null())
        .group_by("kern", "phase")
        .agg(
            pl.col("right_place_days").median().alias("median_days"),
            pl.len().alias("cases"),
        )
        .sort("kern")
    )
    kernen = by_kern["kern"].unique().sort().to_list()
    cols = 6
    rows = -(-len(kernen) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 2.4 * rows), squeeze=False)
    for ax in axes.flat[len(kernen):]:
        ax.axis("off")
    for ax, kern in zip(axes.flat, kernen):
        sub = by_kern.filter(pl.col("kern") == kern)
        values = [
            sub.filter(pl.col("phase") == phase)["median_days"].to_list() or [None]
            for phase in ("baseline", "pilot")
        ]
        heights = [v[0] if v[0] is not None else 0.0 for v in values]
        ax.bar(["baseline", "pilot"], heights, color=["#999999", "#1f77b4"])
        ax.set_title(kern, fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle("Median days to the right place, per kern: baseline vs pilot")
    fig.tight_layout()
    png = out_dir / "right_place_per_kern.png"
    fig.savefig(png, dpi=80)
    plt.close(fig)
    print(f"chart: {png}")
    return png


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("target/analyst"))
