"""Each output format on real Arrow tables, including the awkward values (NULL, numbers,
timestamps, multi-line text, nested data, wide characters)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json

import pyarrow as pa

from sqlgate.cli import format as fmt
from sqlgate.errors import Position
from sqlgate.gateway.result import Result

TS = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)


def sample() -> pa.Table:
    return pa.table(
        {
            "name": pa.array(["MYPOOL", None], pa.string()),
            "min_nodes": pa.array([2, 10], pa.int64()),
            "ok": pa.array([True, None], pa.bool_()),
            "created_on": pa.array([TS, None], pa.timestamp("us", tz="UTC")),
        }
    )


def test_aligned_looks_like_psql() -> None:
    assert fmt.format_aligned(sample()) == (
        "  name  | min_nodes |  ok  |            created_on\n"
        "--------+-----------+------+----------------------------------\n"
        " MYPOOL |         2 | true | 2024-05-06 07:08:09.123456+00:00\n"
        "        |        10 |      |\n"
        "(2 rows)\n\n"
    )


def test_aligned_single_row_status_and_empty() -> None:
    status = Result.status("Compute pool MYPOOL successfully created.").table
    text = fmt.format_aligned(status)
    assert text.splitlines()[0].strip() == "status"
    assert text.splitlines()[2] == " Compute pool MYPOOL successfully created."
    assert text.endswith("(1 row)\n\n")
    empty = sample().slice(0, 0)
    assert fmt.format_aligned(empty).endswith("(0 rows)\n\n")


def test_aligned_multiline_and_wide_characters() -> None:
    table = pa.table({"a": ["one\ntwo", "x"], "b": ["日本", "y"]})
    assert fmt.format_aligned(table) == (
        "  a  |  b\n-----+------\n one+| 日本\n two |\n x   | y\n(2 rows)\n\n"
    )


def test_aligned_numbers_right_aligned_and_special_values() -> None:
    table = pa.table(
        {
            "f": pa.array([1.5, float("nan")], pa.float64()),
            "d": pa.array(
                [decimal.Decimal("10.25"), decimal.Decimal("1E+2")], pa.decimal128(10, 2)
            ),
        }
    )
    lines = fmt.format_aligned(table).splitlines()
    assert lines[2] == " 1.5 |  10.25"
    assert lines[3] == " NaN | 100.00"


def test_vertical_records() -> None:
    # the record line spans the name column, " | " and the widest value: 10 + 3 + 32
    rule = "-" * (10 + 3 + 32 - len("-[ RECORD 1 ]"))
    assert fmt.format_vertical(sample()) == (
        f"-[ RECORD 1 ]{rule}\n"
        "name       | MYPOOL\n"
        "min_nodes  | 2\n"
        "ok         | true\n"
        "created_on | 2024-05-06 07:08:09.123456+00:00\n"
        f"-[ RECORD 2 ]{rule}\n"
        "name       |\n"
        "min_nodes  | 10\n"
        "ok         |\n"
        "created_on |\n\n"
    )
    assert fmt.format_vertical(sample().slice(0, 0)) == "(0 rows)\n\n"


def test_csv_round_trips() -> None:
    table = pa.table({"a": ['he said "hi", twice', None], "n": [1, 2]})
    text = fmt.format_csv(table)
    assert list(csv.reader(io.StringIO(text))) == [
        ["a", "n"],
        ['he said "hi", twice', "1"],
        ["", "2"],
    ]


def test_json_array_of_objects_with_iso_timestamps() -> None:
    table = sample().append_column(
        "meta", pa.array([{"k": 1.5}, None], pa.struct([("k", pa.float64())]))
    )
    data = json.loads(fmt.format_json(table))
    assert data == [
        {
            "name": "MYPOOL",
            "min_nodes": 2,
            "ok": True,
            "created_on": "2024-05-06T07:08:09.123456+00:00",
            "meta": {"k": 1.5},
        },
        {"name": None, "min_nodes": 10, "ok": None, "created_on": None, "meta": None},
    ]
    assert fmt.format_json(sample().slice(0, 0)) == "[]\n"


def test_json_nanosecond_timestamps_and_decimals() -> None:
    table = pa.table(
        {
            "t": pa.array([1_000_000_001], pa.timestamp("ns")),
            "d": pa.array([decimal.Decimal("3")], pa.decimal128(38, 0)),
        }
    )
    assert json.loads(fmt.format_json(table)) == [{"t": "1970-01-01T00:00:01", "d": 3}]


def test_markdown_pipe_table() -> None:
    table = pa.table({"name": ["a|b", None], "n": [1, 22]})
    assert fmt.format_markdown(table) == (
        "| name |   n |\n| ---- | --: |\n| a\\|b |   1 |\n|      |  22 |\n\n"
    )


def test_render_knows_every_format() -> None:
    assert set(fmt.FORMATS) == {"aligned", "csv", "json", "markdown", "vertical"}
    for name in fmt.FORMATS:
        assert "MYPOOL" in fmt.render(sample(), name)


def test_error_text_points_at_the_column() -> None:
    script = "select 1;\nselect 1 +;"
    assert fmt.error_text("Syntax error", Position(2, 11), script) == (
        "ERROR:  Syntax error\nLINE 2: select 1 +;\n                  ^\n"
    )
    assert fmt.error_text("boom") == "ERROR:  boom\n"


def test_error_text_cuts_long_lines_around_the_error() -> None:
    line = "select " + ", ".join(f"c{i}" for i in range(60)) + " from nope"
    text = fmt.error_text("bad", Position(1, line.index("nope") + 1), line)
    _, source, caret = text.splitlines()
    assert source.startswith("LINE 1: ...") and source.endswith("from nope")
    assert source[caret.index("^") :].startswith("nope")
