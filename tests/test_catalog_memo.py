"""The catalog remembers reads until the next write: a read must never see a stale answer."""

from __future__ import annotations

import pytest

from sqlgate.gateway.catalog import Catalog

POOLS = "SELECT name, comment FROM compute_pools WHERE name = ?"


@pytest.fixture
def catalog(tmp_path):
    found = Catalog(tmp_path / "catalog.duckdb")
    yield found
    found.close()


def _add_pool(cur, name: str, comment: str) -> None:
    cur.execute(
        "INSERT INTO compute_pools (name, state, min_nodes, max_nodes, instance_family,"
        " auto_resume, auto_suspend_secs, owner, comment)"
        " VALUES (?, 'IDLE', 1, 1, 'CPU_X64_XS', true, 3600, 'ACCOUNTADMIN', ?)",
        [name, comment],
    )


def test_a_write_is_seen_by_the_next_read(catalog):
    assert catalog.one(POOLS, ["P"]) is None
    with catalog.write() as cur:
        _add_pool(cur, "P", "first")
    assert catalog.one(POOLS, ["P"]) == {"name": "P", "comment": "first"}
    with catalog.write() as cur:
        cur.execute("UPDATE compute_pools SET comment = 'second' WHERE name = 'P'")
    assert catalog.one(POOLS, ["P"])["comment"] == "second"


def test_reads_inside_a_write_see_its_changes_and_a_rollback_leaves_none(catalog):
    with pytest.raises(RuntimeError), catalog.write() as cur:
        _add_pool(cur, "Q", "inside")
        assert catalog.one(POOLS, ["Q"], cur)["comment"] == "inside"
        raise RuntimeError("the statement failed")
    assert catalog.one(POOLS, ["Q"]) is None


def test_callers_may_change_what_they_get(catalog):
    with catalog.write() as cur:
        _add_pool(cur, "P", "kept")
    catalog.one(POOLS, ["P"])["comment"] = "changed by a caller"
    assert catalog.one(POOLS, ["P"])["comment"] == "kept"


def test_answers_that_depend_on_the_clock_are_not_remembered(catalog):
    first = catalog.one("SELECT epoch_us(now()) AS t")["t"]
    with catalog.write() as cur:  # a new transaction: now() moves on
        cur.execute("SELECT 1")
    assert catalog.one("SELECT epoch_us(now()) AS t")["t"] > first
    assert not any("now()" in key[0] for key in catalog._reads.memo)


def test_two_catalogs_of_one_file_see_each_others_writes(tmp_path, catalog):
    other = Catalog(tmp_path / "catalog.duckdb")
    try:
        assert other.one(POOLS, ["P"]) is None
        with catalog.write() as cur:
            _add_pool(cur, "P", "through the first")
        assert other.one(POOLS, ["P"])["comment"] == "through the first"
    finally:
        other.close()
