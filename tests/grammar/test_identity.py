"""Every statement in fixtures/identity.sql parses into a real node and prints back unchanged;
canonicalising forms print their canonical spelling; malformed input fails with a position."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
import sqlglot.parser
from sqlglot import exp

from sqlgate.errors import SqlSyntaxError
from sqlgate.gateway import script

IDENTITY = [
    line.strip()
    for line in (Path(__file__).parent / "fixtures" / "identity.sql").read_text().splitlines()
    if line.strip() and not line.startswith("--")
]

# (input, canonical output) for forms sqlglot normalises
CANONICAL = [
    ("DESC COMPUTE POOL p", "DESCRIBE COMPUTE POOL p"),
    (
        "CREATE COMPUTE POOL p MIN_NODES = 1, MAX_NODES = 2",
        "CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 2",
    ),
    ("SELECT m!predict(x):label FROM t", "SELECT GET_PATH(m!predict(x), 'label') FROM t"),
    ("ALTER TABLE t ADD COLUMN y INT", "ALTER TABLE t ADD y INT"),
]


@pytest.mark.parametrize("sql", IDENTITY)
def test_identity(sql: str) -> None:
    tree = sqlglot.parse_one(sql, read="sqlgate")
    assert not isinstance(tree, exp.Command), f"fell back to Command: {sql}"
    assert tree.sql("sqlgate") == sql


@pytest.mark.parametrize(("sql", "expected"), CANONICAL)
def test_canonical(sql: str, expected: str) -> None:
    assert sqlglot.parse_one(sql, read="sqlgate").sql("sqlgate") == expected


@pytest.mark.parametrize(
    ("sql", "message", "line", "col"),
    [
        ("CREATE COMPUTE POOL p MIN_NODE = 2", "Unknown option 'MIN_NODE'", 1, 23),
        (
            "SELECT 1;\nALTER MODEL m VERSION v1 SET ALIAS production",
            "Expected = after SET ALIAS",
            2,
            36,
        ),
        ("SHOW VERSIONS IN m", "Expected IN MODEL <name>", 1, 15),
        ("GRANT USAGE ON FOO x TO ROLE r", "Expected one of EXTERNAL ACCESS INTEGRATION", 1, 16),
        ("CREATE MODEL m WITH VERSION v1", "Expected FROM", 1, 29),
        ("SELECT (1", "Expecting )", 1, 9),
    ],
)
def test_syntax_errors_have_positions(sql: str, message: str, line: int, col: int) -> None:
    statements = script.split(sql)
    with pytest.raises(SqlSyntaxError) as raised:
        for statement in statements:
            script.parse(statement, sql)
    assert message in raised.value.message
    assert raised.value.position is not None
    assert (raised.value.position.line, raised.value.position.col) == (line, col)


def test_statements_split_outside_quotes_and_dollar_blocks() -> None:
    sql = "SELECT 'a;b'; SELECT $$x;y$$ AS s; -- trailing; comment\nSELECT 3"
    assert [s.text for s in script.split(sql)] == [
        "SELECT 'a;b'",
        "SELECT $$x;y$$ AS s",
        "SELECT 3",
    ]
    assert script.is_complete("SELECT 1;")
    assert not script.is_complete("SELECT 'a;")
    assert not script.is_complete("SELECT $$ ; ")


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    sql = "SELECT " + "(" * 200 + "1" + ")" * 200
    with pytest.raises(SqlSyntaxError, match="nested too deeply"):
        script.parse(script.split(sql)[0], sql)


def test_sqlglot_is_pure_python() -> None:
    # The compiled sqlglot[c] build forbids subclassing its parser, which the dialect does.
    assert sqlglot.parser.__file__.endswith(".py")


def test_dialect_is_registered_by_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="sqlglot.dialects")}
    assert "sqlgate" in names
