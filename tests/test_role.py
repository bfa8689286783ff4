"""Roles and grants beyond the golden file: the kind table covers the grammar, forget_grants,
and what USE ROLE does to the session."""

from __future__ import annotations

import pytest

from sqlgate.errors import InvalidValue, ObjectNotFound
from sqlgate.executors.privilege import SECURABLES, forget_grants
from sqlgate.grammar.statements.role import SECURABLE_KINDS


def grants(session) -> list[tuple[str, str, str, str]]:
    rows = session.catalog.rows(
        "SELECT privilege, object_kind, object_name, grantee FROM grants ORDER BY ALL"
    )
    return [tuple(r.values()) for r in rows]


def test_every_kind_the_grammar_accepts_has_privileges_and_a_locator() -> None:
    assert set(SECURABLE_KINDS) == set(SECURABLES)
    for securable in SECURABLES.values():
        assert securable.privileges


def test_use_role_sets_the_session_role(session) -> None:
    session.execute("CREATE ROLE analyst; USE ROLE analyst")
    assert session.role == "ANALYST"
    with pytest.raises(ObjectNotFound) as error:
        session.execute("USE ROLE ghost")
    assert error.value.position is not None and error.value.position.col == 10
    assert session.role == "ANALYST"


def test_forget_grants_takes_grants_on_the_object_and_its_contents(session) -> None:
    session.execute(
        """
        CREATE ROLE r;
        CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
        CREATE DATABASE d;
        CREATE SCHEMA d.s;
        CREATE TABLE d.s.t (x INT);
        CREATE DATABASE dd;
        GRANT USAGE ON COMPUTE POOL p TO ROLE r;
        GRANT USAGE ON DATABASE d TO ROLE r;
        GRANT USAGE ON SCHEMA d.s TO ROLE r;
        GRANT SELECT ON TABLE d.s.t TO ROLE r;
        GRANT USAGE ON DATABASE dd TO ROLE r;
        GRANT USAGE ON SCHEMA dd.public TO ROLE r;
        """
    )
    with session.catalog.write() as cur:
        forget_grants(cur, "compute_pool", "P")
    assert ("USAGE", "COMPUTE POOL", "P", "R") not in grants(session)
    with session.catalog.write() as cur:
        forget_grants(cur, "SCHEMA", "D.S")
    assert grants(session) == [
        ("USAGE", "DATABASE", "D", "R"),
        ("USAGE", "DATABASE", "DD", "R"),
        ("USAGE", "SCHEMA", "DD.PUBLIC", "R"),
    ]
    # "D." must not match the database DD
    with session.catalog.write() as cur:
        forget_grants(cur, "DATABASE", "D")
    assert grants(session) == [
        ("USAGE", "DATABASE", "DD", "R"),
        ("USAGE", "SCHEMA", "DD.PUBLIC", "R"),
    ]


def test_two_spellings_of_integration_are_one_kind() -> None:
    assert SECURABLES["EXTERNAL ACCESS INTEGRATION"] is SECURABLES["INTEGRATION"]


def test_a_failed_grant_list_stores_none_of_it(session) -> None:
    session.execute(
        "CREATE ROLE r; CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1"
        " INSTANCE_FAMILY = CPU_X64_XS"
    )
    with pytest.raises(InvalidValue, match="Invalid privilege WRITE on COMPUTE POOL"):
        session.execute("GRANT USAGE, OPERATE, WRITE ON COMPUTE POOL p TO ROLE r")
    assert grants(session) == []
