"""The gateway end to end on a real DuckDB: Snowflake identifier rules, three-part names, plain SQL
results, positioned errors, the user-SQL lock-down, and failed statements changing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import sqlgate
from sqlgate.errors import (
    ObjectExists,
    ObjectNotFound,
    QueryError,
    SqlgateError,
    SqlSyntaxError,
    UnsupportedStatement,
)


def one(session, sql: str) -> list[dict]:
    return session.execute(sql)[-1].table.to_pylist()


def test_unquoted_identifiers_fold_to_upper_case(session) -> None:
    session.execute('CREATE TABLE t (x INT, "mixedCase" INT); INSERT INTO T VALUES (1, 2)')
    assert one(session, 'SELECT x, "mixedCase" FROM t') == [{"X": 1, "mixedCase": 2}]
    assert one(session, "SHOW TABLES")[0]["name"] == "T"


def test_three_part_names_across_databases_and_schemas(session) -> None:
    session.execute(
        """
        CREATE DATABASE sales;
        CREATE SCHEMA sales.raw;
        CREATE TABLE sales.raw.orders (id INT, amount DOUBLE);
        INSERT INTO sales.raw.orders VALUES (1, 9.5), (2, 0.5);
        USE DATABASE sqlgate;
        CREATE TABLE totals AS SELECT sum(amount) AS total FROM sales.raw.orders;
        """
    )
    assert one(session, "SELECT total FROM sqlgate.public.totals") == [{"TOTAL": 10.0}]
    assert one(session, "SELECT count(*) AS n FROM sales.raw.orders") == [{"N": 2}]


def test_use_changes_where_unqualified_names_resolve(session) -> None:
    session.execute("CREATE DATABASE d1; CREATE SCHEMA d1.s1; CREATE TABLE here (x INT)")
    assert (session.database, session.schema) == ("D1", "S1")
    session.execute("USE SCHEMA public")
    with pytest.raises(QueryError, match="HERE"):
        session.execute("SELECT * FROM here")
    session.execute("USE d1.s1")
    assert one(session, "SELECT count(*) AS n FROM here") == [{"N": 0}]


def test_dml_returns_snowflake_row_counts(session) -> None:
    session.execute("CREATE TABLE t (x INT)")
    inserted = session.execute("INSERT INTO t VALUES (1), (2), (3)")[0]
    assert inserted.columns == ["number of rows inserted"] and inserted.rowcount == 3
    updated = session.execute("UPDATE t SET x = x + 1 WHERE x > 1")[0]
    assert updated.table.to_pylist() == [{"number of rows updated": 2}]
    deleted = session.execute("DELETE FROM t WHERE x = 1")[0]
    assert deleted.table.to_pylist() == [{"number of rows deleted": 1}]


def test_errors_name_the_object_and_its_position(session) -> None:
    sql = "SELECT 1;\n\nALTER COMPUTE POOL missing_pool SUSPEND"
    with pytest.raises(ObjectNotFound) as raised:
        session.execute(sql)
    assert "MISSING_POOL" in raised.value.message
    assert (raised.value.position.line, raised.value.position.col) == (3, 20)


def test_syntax_error_position_is_in_the_whole_script(session) -> None:
    with pytest.raises(SqlSyntaxError) as raised:
        session.execute("SELECT 1;\nSELECT FROM WHERE;")
    assert raised.value.position.line == 2


def test_unsupported_statements_are_rejected_not_ignored(session) -> None:
    for sql in ("CREATE STAGE s", "COPY INTO t FROM @s", "PUT file:///tmp/x @s"):
        with pytest.raises(UnsupportedStatement):
            session.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM '/etc/hostname'",
        "SELECT * FROM glob('/*')",
    ],
)
def test_user_sql_cannot_read_host_files(session, sql: str) -> None:
    with pytest.raises(SqlgateError):
        session.execute(sql)


def test_user_sql_cannot_see_the_catalog(session) -> None:
    session.execute(
        "CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS"
    )
    with pytest.raises(QueryError):
        session.execute("SELECT * FROM compute_pools")


def test_a_failed_statement_changes_nothing(session) -> None:
    session.execute(
        "CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS"
    )
    with pytest.raises(SqlgateError):
        session.execute(
            "CREATE OR REPLACE COMPUTE POOL p MIN_NODES = 5 MAX_NODES = 2"
            " INSTANCE_FAMILY = CPU_X64_XS"
        )
    assert one(session, "SHOW COMPUTE POOLS")[0]["max_nodes"] == 2
    with pytest.raises(ObjectExists):
        session.execute("CREATE DATABASE sqlgate")


def test_script_stops_at_the_first_error(session) -> None:
    with pytest.raises(ObjectNotFound):
        session.execute("CREATE TABLE a (x INT); DROP COMPUTE POOL nope; CREATE TABLE b (x INT)")
    names = [r["name"] for r in one(session, "SHOW TABLES")]
    assert names == ["A"]


def test_dbapi_cursor(conn) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (x INT, s VARCHAR)")
    cur.executemany("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b")])
    cur.execute("SELECT x, s FROM t WHERE x > ? ORDER BY x", [0])
    assert [d[0] for d in cur.description] == ["X", "S"]
    assert cur.fetchone() == (1, "a")
    assert cur.fetchall() == [(2, "b")]
    with pytest.raises(sqlgate.dbapi.ProgrammingError) as raised:
        cur.execute("DROP COMPUTE POOL nope")
    assert raised.value.sqlstate == "02000"
    assert sqlgate.dbapi.paramstyle == "qmark" and sqlgate.dbapi.apilevel == "2.0"


FIXTURES = Path(__file__).parent / "fixtures" / "models"


def test_dropping_a_schema_deletes_its_model_artifacts(session) -> None:
    session.execute(
        f"CREATE SCHEMA staging; CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'"
    )
    models_dir = session.engine.models_dir
    assert any(p.name == "manifest.json" for p in models_dir.rglob("*"))
    session.execute("DROP SCHEMA staging")
    assert not any(models_dir.rglob("manifest.json"))


def test_dropping_a_schema_refuses_to_strand_an_integration(session) -> None:
    session.execute(
        """
        CREATE SCHEMA egress;
        CREATE NETWORK RULE pypi_rule MODE = EGRESS TYPE = HOST_PORT VALUE_LIST = ('pypi.org:443');
        USE SCHEMA public;
        CREATE EXTERNAL ACCESS INTEGRATION build_access
            ALLOWED_NETWORK_RULES = (egress.pypi_rule) ENABLED = TRUE;
        """
    )
    with pytest.raises(SqlgateError, match="BUILD_ACCESS"):
        session.execute("DROP SCHEMA egress")
    assert one(session, "SHOW NETWORK RULES IN SCHEMA egress")[0]["name"] == "PYPI_RULE"
    session.execute("DROP INTEGRATION build_access; DROP SCHEMA egress")


def test_grants_follow_renames_and_go_with_drops(session) -> None:
    session.execute(
        f"""
        CREATE ROLE prod_role;
        CREATE MODEL my_model WITH VERSION v1 FROM '{FIXTURES / "linear"}';
        GRANT USAGE ON MODEL my_model TO ROLE prod_role;
        ALTER MODEL my_model RENAME TO renamed_model;
        """
    )
    granted = one(session, "SHOW GRANTS TO ROLE prod_role")
    assert [(g["privilege"], g["name"]) for g in granted] == [
        ("USAGE", "SQLGATE.PUBLIC.RENAMED_MODEL")
    ]
    session.execute(
        "DROP MODEL renamed_model; CREATE MODEL renamed_model FROM '"
        + str(FIXTURES / "linear")
        + "'"
    )
    assert one(session, "SHOW GRANTS TO ROLE prod_role") == []


def test_invalid_values_point_at_the_option(session) -> None:
    sql = "CREATE COMPUTE POOL p\n  MIN_NODES = 3\n  MAX_NODES = 2\n  INSTANCE_FAMILY = CPU_X64_S"
    with pytest.raises(SqlgateError, match=r"MAX_NODES \(2\) must be greater") as raised:
        session.execute(sql)
    assert (raised.value.position.line, raised.value.position.col) == (3, 3)


def test_variant_paths_behave_as_in_snowflake(session) -> None:
    session.execute(
        """
        CREATE TABLE events (id INT, payload VARIANT);
        INSERT INTO events
            SELECT 1, PARSE_JSON('{"metric": {"accuracy": 0.9}, "items": ["x", "y"],
                                  "who": "ann"}');
        """
    )
    row = one(
        session,
        "SELECT payload:metric:accuracy::DOUBLE AS acc, payload:metric.accuracy AS raw,"
        " payload:items[0]::VARCHAR AS first, payload:who::STRING AS who FROM events",
    )[0]
    assert row == {"ACC": 0.9, "RAW": "0.9", "FIRST": "x", "WHO": "ann"}


def test_untyped_array_columns_are_refused_rather_than_misindexed(session) -> None:
    with pytest.raises(UnsupportedStatement, match="VARIANT"):
        session.execute("CREATE TABLE t (tags ARRAY)")


def test_current_role_is_the_sessions(session) -> None:
    session.execute("CREATE ROLE analyst; USE ROLE analyst")
    assert one(session, "SELECT CURRENT_ROLE() AS r") == [{"R": "ANALYST"}]


def test_show_objects_lists_tables_and_views_with_snowflake_columns(session) -> None:
    session.execute(
        "CREATE SCHEMA s; CREATE TABLE s.b (x INT); CREATE VIEW s.c AS SELECT 1 AS y;"
        " CREATE TABLE s.a (x INT); CREATE TABLE public.other (x INT)"
    )
    rows = one(session, "SHOW OBJECTS IN SCHEMA s")
    assert [(r["name"], r["kind"], r["schema_name"]) for r in rows] == [
        ("A", "TABLE", "S"),
        ("B", "TABLE", "S"),
        ("C", "VIEW", "S"),
    ]
    assert {(r["is_dynamic"], r["is_iceberg"], r["owner"]) for r in rows} == {
        ("N", "N", "ACCOUNTADMIN")
    }
    # dbt-snowflake pages through with LIMIT n FROM 'last name'; TERSE keeps five columns
    terse = one(session, "SHOW TERSE OBJECTS IN sqlgate.s LIMIT 1 FROM 'A'")
    assert terse == [
        {
            "created_on": None,
            "name": "B",
            "kind": "TABLE",
            "database_name": "SQLGATE",
            "schema_name": "S",
        }
    ]


def test_transient_tables_are_ordinary_tables(session) -> None:
    session.execute("CREATE OR REPLACE TRANSIENT TABLE t AS SELECT 1 AS x")
    session.execute("CREATE OR REPLACE TRANSIENT TABLE t AS SELECT 2 AS x")
    session.execute("CREATE TRANSIENT TABLE u (x INT)")
    assert one(session, "SELECT x FROM t") == [{"X": 2}]
    assert [r["kind"] for r in one(session, "SHOW OBJECTS")] == ["TABLE", "TABLE"]


def test_query_tag_is_kept_as_given_and_unset_to_empty(session) -> None:
    def tag() -> tuple:
        row = one(session, "SHOW PARAMETERS LIKE 'query_tag' IN SESSION")[0]
        return row["value"], row["level"]

    assert tag() == ("", "")
    session.execute("ALTER SESSION SET QUERY_TAG = 'nightly Build'")
    assert tag() == ("nightly Build", "SESSION")
    session.execute("ALTER SESSION UNSET QUERY_TAG")
    assert tag() == ("", "")


def test_an_engine_without_services_starts_no_threads_and_is_freed_without_a_gc_pass():
    """Tests and embedders drop engines without closing them. Freed by reference counting, an
    engine closes its DuckDB connections at once; left to a cyclic GC pass, that can happen in
    a forked child (pexpect's pty.fork ran one in threading._after_fork), where it crashed."""
    import gc
    import threading
    import weakref

    from sqlgate.gateway.engine import Engine
    from sqlgate.gateway.session import Session

    before = set(threading.enumerate())
    engine = Engine(None)
    Session(engine).execute("CREATE DATABASE d; SELECT 1")
    assert set(threading.enumerate()) == before  # nothing runs in the background
    freed = weakref.ref(engine)
    gc.disable()
    try:
        del engine
        assert freed() is None
    finally:
        gc.enable()
