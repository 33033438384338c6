"""The polars counterpart of benches/evaluation.rs: the same per-case metrics and kern x month
aggregates on the same CSV, written as an analyst would (lazy query, all cores).

    pip install polars
    python3 dls-core/benches/evaluation_polars.py /tmp/dls-bench/events.csv

Prints timings and the same digest as `cargo bench ... -- run`, so the figures can be compared.
Legal clocks are reduced to the Wmo 2015 clocks with weekend moves only (no public holidays):
polars has no Algemene termijnenwet, so this side does less work than the Rust side.
"""

import sys
import time

import polars as pl

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/dls-bench/events.csv"
t0 = time.perf_counter()

ev = (
    pl.scan_csv(path, schema_overrides={c: pl.String for c in [
        "case_id", "timestamp", "activity", "organisation", "service", "kern", "need", "reason",
        "municipality"]})
    .with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_zone="UTC").alias("ts"),
    )
    .with_columns(
        pl.col("ts").dt.convert_time_zone("Europe/Amsterdam").dt.date().alias("day"),
    )
)

act = pl.col("activity")
ts = pl.col("ts")
opened = ts.filter(act == "opened").first()
case_need = pl.col("need").filter(act == "opened").first()


def first_ts(a):
    return ts.filter(act == a).first()


def first_day(a):
    return pl.col("day").filter(act == a).first()


per_case = (
    ev.group_by("case_id")
    .agg(
        opened.alias("opened"),
        pl.col("day").filter(act == "opened").first().alias("opened_day"),
        pl.col("kern").filter(act == "opened").first().alias("kern"),
        pl.col("need").filter(act == "opened").first().alias("case_need"),
        first_ts("first_contact").alias("fc"),
        # First acceptance whose need is absent or related to the case's need.
        ts.filter(
            (act == "accepted")
            & (
                pl.col("need").is_null()
                | pl.col("need").str.starts_with(case_need)
                | case_need.str.starts_with(pl.col("need"))
            )
        ).first().alias("right_place"),
        (act == "referred").sum().alias("handoffs"),
        act.is_in(["rejected", "no_response"]).sum().alias("bounces"),
        (
            pl.col("organisation").filter((act == "referred") & pl.col("organisation").is_not_null()).count()
            - pl.col("organisation").filter((act == "referred") & pl.col("organisation").is_not_null()).n_unique()
        ).alias("loops"),
        pl.col("organisation").drop_nulls().n_unique().alias("organisations"),
        (act == "escalated").sum().alias("escalations"),
        (act == "resolved").any().alias("resolved"),
        pl.col("day").filter(act == "closed").last().alias("closed_day"),
        pl.col("day").filter(act == "reopened").first().alias("reopened_day"),
        first_day("melding").alias("melding_day"),
        pl.col("day").filter(act.is_in(["aanvraag", "decision"])).first().alias("inv_stop_day"),
        first_day("aanvraag").alias("aanvraag_day"),
        first_day("decision").alias("decision_day"),
    )
    .with_columns(
        ((pl.col("fc") - pl.col("opened")).dt.total_seconds()).alias("ttfc"),
    )
    .with_columns(
        ((pl.col("right_place") - pl.col("opened")).dt.total_seconds()).alias("ttrp"),
        (
            pl.col("reopened_day").is_not_null()
            & pl.col("closed_day").is_not_null()
            & ((pl.col("reopened_day") - pl.col("closed_day")).dt.total_days() <= 90)
        ).alias("reopened"),
        pl.col("opened_day").dt.strftime("%Y-%m").alias("month"),
    )
)


def weekend_moved(col):
    wd = col.dt.weekday()  # Monday 1 .. Sunday 7
    return pl.when(wd == 6).then(col + pl.duration(days=2)).when(wd == 7).then(col + pl.duration(days=1)).otherwise(col)


per_case = per_case.with_columns(
    (pl.col("inv_stop_day") <= weekend_moved(pl.col("melding_day") + pl.duration(days=42))).alias("inv_met"),
    (pl.col("decision_day") <= weekend_moved(pl.col("aanvraag_day") + pl.duration(days=14))).alias("dec_met"),
)

agg = (
    per_case.group_by("kern", "month")
    .agg(
        pl.len().alias("cases"),
        pl.col("ttfc").quantile(0.5, interpolation="linear").alias("ttfc_median"),
        pl.col("ttfc").quantile(0.9, interpolation="linear").alias("ttfc_p90"),
        pl.col("ttfc").null_count().alias("ttfc_open"),
        pl.col("ttrp").quantile(0.5, interpolation="linear").alias("ttrp_median"),
        pl.col("ttrp").quantile(0.9, interpolation="linear").alias("ttrp_p90"),
        pl.col("ttrp").null_count().alias("ttrp_open"),
        pl.col("handoffs").sum(),
        pl.col("bounces").sum(),
        pl.col("loops").sum(),
        pl.col("organisations").sum(),
        pl.col("escalations").sum(),
        pl.col("resolved").sum(),
        pl.col("reopened").sum(),
        pl.col("inv_met").sum(),
        pl.col("dec_met").sum(),
    )
)

per_case_df, agg_df = pl.collect_all([per_case, agg])
total = time.perf_counter() - t0
print(f"polars {pl.__version__}: read + per-case + aggregates {total:.2f} s; cases {per_case_df.height}")
s = agg_df.select(pl.exclude("kern", "month", "ttfc_median", "ttfc_p90", "ttrp_median", "ttrp_p90").sum()).row(0, named=True)
print(
    f"cells {agg_df.height}; cases {s['cases']}, handoffs {s['handoffs']}, bounces {s['bounces']}, "
    f"loops {s['loops']}, escalations {s['escalations']}, resolved {s['resolved']}, reopened {s['reopened']}"
)
print(f"organisations touched {s['organisations']}; first contact open {s['ttfc_open']}; right place open {s['ttrp_open']}")
h = agg_df.filter((pl.col("kern") == "hoofddorp") & (pl.col("month") == "2026-03")).row(0, named=True)
print(
    f"hoofddorp 2026-03: cases {h['cases']}, first contact median {h['ttfc_median'] / 86400:.4f} d "
    f"p90 {h['ttfc_p90'] / 86400:.4f} d, right place median {h['ttrp_median'] / 86400:.4f} d "
    f"p90 {h['ttrp_p90'] / 86400:.4f} d"
)
