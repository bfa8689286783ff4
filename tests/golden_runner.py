"""Golden SQL files, sqllogictest style: statement -> expected result table.

A file is a list of blocks separated by blank lines; `#` lines are comments.

    statement ok            the SQL must succeed
    <sql>

    statement error <text>  the SQL must fail with an error whose message contains <text>
    <sql>

    query                   the SQL's result must print exactly as below the ----
    <sql>
    ----
    col_a | col_b
    1 | x

Values print as: NULL for null, true/false, and <ts> for any non-null timestamp (they vary per
run). Run `SQLGATE_GOLDEN_REWRITE=1 pytest tests/test_golden.py` to rewrite expected output
after a deliberate change, then review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

import sqlgate
from sqlgate.errors import SqlgateError

# `{fixtures}` in golden SQL stands for the absolute path of tests/fixtures.
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Block:
    kind: str  # statement ok | statement error | query
    arg: str  # the expected error text, for statement error
    sql: str
    expected: list[str]
    comments: list[str]


def parse_file(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in text.split("\n\n"):
        all_lines = chunk.strip("\n").split("\n")
        comments = [line for line in all_lines if line.startswith("#")]
        lines = [line for line in all_lines if not line.startswith("#")]
        if not lines or not lines[0].strip():
            continue
        head, rest = lines[0], lines[1:]
        if "----" in rest:
            cut = rest.index("----")
            sql, expected = rest[:cut], rest[cut + 1 :]
        else:
            sql, expected = rest, []
        if head.startswith("statement ok"):
            blocks.append(Block("ok", "", "\n".join(sql), [], comments))
        elif head.startswith("statement error"):
            arg = head.removeprefix("statement error").strip()
            blocks.append(Block("error", arg, "\n".join(sql), [], comments))
        elif head.startswith("query"):
            blocks.append(Block("query", "", "\n".join(sql), expected, comments))
        else:
            raise ValueError(f"unknown golden block header: {head!r}")
    return blocks


def render_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return "<ts>"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def render(table: pa.Table) -> list[str]:
    header = " | ".join(table.column_names)
    rows = [" | ".join(render_value(v) for v in row.values()) for row in table.to_pylist()]
    return [header, *rows]


def run_file(path: Path, rewrite: bool = False) -> list[str]:
    """Run a golden file in a fresh data directory; returns failure messages."""
    failures: list[str] = []
    blocks = parse_file(path.read_text())
    out_chunks: list[str] = []
    with sqlgate.connect(":memory:") as conn:
        for block in blocks:
            try:
                sql = block.sql.replace("{fixtures}", str(FIXTURES.resolve()))
                results = conn.session.execute(sql)
                error = None
            except SqlgateError as e:
                results, error = [], e
            if block.kind == "ok" and error is not None:
                failures.append(f"{block.sql!r} failed: {error}")
            elif block.kind == "error":
                if error is None:
                    failures.append(f"{block.sql!r} succeeded; expected error {block.arg!r}")
                elif block.arg not in str(error):
                    failures.append(f"{block.sql!r}: error {str(error)!r} lacks {block.arg!r}")
            elif block.kind == "query":
                actual = render(results[-1].table) if results else [f"ERROR: {error}"]
                if actual != block.expected:
                    failures.append(
                        f"{block.sql!r}\n  expected:\n    "
                        + "\n    ".join(block.expected)
                        + "\n  actual:\n    "
                        + "\n    ".join(actual)
                    )
                block.expected = actual
            header = {
                "ok": "statement ok",
                "error": f"statement error {block.arg}",
                "query": "query",
            }
            chunk = "".join(c + "\n" for c in block.comments) + f"{header[block.kind]}\n{block.sql}"
            if block.kind == "query":
                chunk += "\n----\n" + "\n".join(block.expected)
            out_chunks.append(chunk)
    if rewrite:
        path.write_text("\n\n".join(out_chunks) + "\n")
    return failures
