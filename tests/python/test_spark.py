"""dls.spark.evaluate on a local Spark session (pyspark from PyPI, the machine's Java): the
partitions' states merged on the driver equal one pass over the same generated log."""

from __future__ import annotations

import io
import os
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import dls
from dls import _dls

BY = ["kern", "phase", "month"]


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("dls-test")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.driver.memory", "1g")
         .getOrCreate())
    yield s
    s.stop()


def log_table(n_cases: int) -> pa.Table:
    """The core's generated log (pilot and baseline cases, open durations), every column text."""
    text = _dls._synthetic_events(n_cases, 11).encode()
    header = text.split(b"\n", 1)[0].decode().split(",")
    return pacsv.read_csv(io.BytesIO(text), convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header}, strings_can_be_null=True))


def test_spark_partitions_merge_to_one_pass(spark):
    table = log_table(1500)
    single = dls.EvaluationState.from_events(table, by=BY)
    df = spark.createDataFrame(table.to_pandas())
    state = dls.spark.evaluate(df, by=BY, partitions=4)
    assert state.cases == single.cases == 1500
    assert state.events == table.num_rows
    assert state == single
    assert state.aggregates().equals(single.aggregates())
    assert state.aggregates(disclosure="raw").equals(
        dls.evaluate(table, by=BY, disclosure="raw").aggregates(output="pyarrow"))


def test_spark_timestamps_and_a_directory(spark, pilot):
    # the pilot's log with Spark timestamps (not text), evaluated against its directory
    table = pilot.events()
    from pyspark.sql import functions as F

    df = spark.createDataFrame(table.to_pandas()).withColumn(
        "timestamp", F.to_timestamp("timestamp"))
    assert dict(df.dtypes)["timestamp"] == "timestamp"
    state = dls.spark.evaluate(df, by=["kern", "phase"], directory=pilot.directory, partitions=3)
    single = dls.EvaluationState.from_events(table, by=["kern", "phase"], directory=pilot.directory)
    assert state == single
