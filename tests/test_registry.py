"""A new statement cannot be half-added: every sqlgate statement node and every object kind routed
through sqlglot's own Drop/Show/Describe nodes must have a printer, an executor, a round-trip
fixture line, and a heading in docs/statements.md."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from sqlgate.executors import EXECUTORS, key_of
from sqlgate.grammar import SqlgateStatement, sqlgate_nodes
from sqlgate.grammar.dialect import DESCRIBE_KINDS, DROP_KINDS, SHOW_KINDS, SqlgateGenerator

ROOT = Path(__file__).parent.parent
FIXTURES = [
    line.strip()
    for line in (ROOT / "tests/grammar/fixtures/identity.sql").read_text().splitlines()
    if line.strip() and not line.startswith("--")
]
PARSED = [sqlglot.parse_one(sql, read="sqlgate") for sql in FIXTURES]
DOCS = (ROOT / "docs/statements.md").read_text()
STATEMENTS = [n for n in sqlgate_nodes() if issubclass(n, SqlgateStatement)]
KINDS = (
    [("DROP", k) for k in DROP_KINDS]
    + [("SHOW", k) for k in SHOW_KINDS]
    + [("DESCRIBE", k) for k in DESCRIBE_KINDS]
)


@pytest.mark.parametrize("node", sqlgate_nodes(), ids=lambda n: n.__name__)
def test_every_node_has_a_printer(node: type) -> None:
    assert node in SqlgateGenerator.TRANSFORMS


@pytest.mark.parametrize("node", STATEMENTS, ids=lambda n: n.__name__)
def test_every_statement_has_an_executor_and_a_fixture(node: type) -> None:
    assert node in EXECUTORS, f"no executor registered for {node.__name__}"
    assert any(type(tree) is node for tree in PARSED), f"no identity.sql line for {node.__name__}"


@pytest.mark.parametrize("key", KINDS, ids=lambda k: " ".join(k))
def test_every_object_kind_has_an_executor_and_a_fixture(key: tuple[str, str]) -> None:
    assert key in EXECUTORS, f"no executor registered for {' '.join(key)}"
    assert any(key_of(tree) == key for tree in PARSED), f"no identity.sql line for {key}"


@pytest.mark.parametrize(
    "title",
    [n.__name__ for n in STATEMENTS] + [" ".join(k) for k in KINDS],
)
def test_every_statement_is_documented(title: str) -> None:
    assert f"`{title}`" in DOCS, f"docs/statements.md does not mention `{title}`"
