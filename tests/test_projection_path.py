"""The projection path (gateway/projection_path.py) against the UDF path: every query here runs
both ways and must give the same table, names and types included. Batches are shrunk to a few
dozen rows so that small tables cross many batches and the workers overlap."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression

from sqlgate.errors import QueryError, SqlgateError
from sqlgate.gateway import model_udfs, projection_path
from sqlgate.gateway.session import Session
from sqlgate.registry import Registry
from sqlgate.runtime.batch import BROKEN_MIN_ROWS
from sqlgate.runtime.loaded import ModelCallError


class Picky(BaseEstimator):
    """Doubles `a`; raises for a whole batch that holds a negative `a`, as real models do, and
    for every batch once the class is marked broken (after the model was logged)."""

    broken = False

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        values = np.asarray(X, dtype=float)[:, 0]
        if type(self).broken:
            raise RuntimeError("weights are corrupt")
        if (values < 0).any():
            raise ValueError(f"negative a: {values[values < 0][0]}")
        return values * 2


class Gaps(BaseEstimator):
    """Returns `a`, or NaN where `a` > 0.5: a NaN output is a NULL result."""

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        values = np.asarray(X, dtype=float)[:, 0]
        return np.where(values > 0.5, np.nan, values)


@pytest.fixture(scope="module")
def fitted() -> dict:
    rng = np.random.default_rng(3)
    sample = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    narrow = pd.DataFrame(
        {"x": rng.normal(size=50).astype(np.float32), "n": rng.integers(0, 9, 50, dtype=np.int8)}
    )
    return {
        "sample": sample,
        "narrow": narrow,
        "v1": LogisticRegression().fit(sample.to_numpy(), (sample.a + sample.b > 0).astype(int)),
        "v2": LogisticRegression().fit(sample.to_numpy(), (sample.a - sample.b > 0.5).astype(int)),
        "r": LinearRegression().fit(narrow.to_numpy(), narrow.x * 2 + narrow.n),
    }


@pytest.fixture
def scored(session, fitted, monkeypatch) -> Session:
    """M (V1 default, V2: classifiers that disagree), R (FLOAT and INT8 inputs), PICKY, and
    T(id, a, b, n) of 500 rows; batches of 64 rows, read from DuckDB 16 at a time (so models get
    chunked inputs), on two workers."""
    monkeypatch.setattr(projection_path, "READ_ROWS", 16)
    monkeypatch.setattr(projection_path, "BATCH_ROWS", 64)
    monkeypatch.setattr(session.engine.warehouse, "threads", 2)
    registry = Registry(session)
    sample = fitted["sample"]
    for version in ("v1", "v2"):
        registry.log_model(
            fitted[version], model_name="m", version_name=version, sample_input_data=sample
        )
    registry.log_model(fitted["r"], model_name="r", sample_input_data=fitted["narrow"])
    registry.log_model(Picky(), model_name="picky", sample_input_data=sample[["a"]].abs())
    registry.log_model(Gaps(), model_name="gaps", sample_input_data=sample[["a"]].abs())
    session.execute(
        """CREATE TABLE t AS SELECT i AS id, sin(i)::DOUBLE AS a, cos(i * 0.7)::DOUBLE AS b,
            (i % 200)::INTEGER AS n FROM range(500) r(i)"""
    )
    return session


@pytest.fixture
def paths(monkeypatch) -> dict[str, int]:
    """How many queries took the projection path, and how many vectors the UDFs scored."""
    counts = {"projection": 0, "udf": 0}
    run, call = projection_path.Plan.run, model_udfs._Callable.__call__

    def counted_run(self, *args):
        counts["projection"] += 1
        return run(self, *args)

    def counted_call(self, *columns):
        counts["udf"] += 1
        return call(self, *columns)

    monkeypatch.setattr(projection_path.Plan, "run", counted_run)
    monkeypatch.setattr(model_udfs._Callable, "__call__", counted_call)
    return counts


def both(session: Session, sql: str) -> tuple:
    """The query's result through each path: (projection, udf), as tables or errors."""
    found = []
    for projection in (True, False):
        session.projection_path = projection
        try:
            found.append(session.execute(sql)[-1].table)
        except SqlgateError as e:
            found.append(e)
        finally:
            session.projection_path = True
    return tuple(found)


def same(session: Session, sql: str, paths: dict[str, int], *, projection: bool = True):
    """Run `sql` both ways, check the results are equal and that the default run took the
    projection path (or, with projection=False, did not); return the table."""
    before = dict(paths)
    via_projection, via_udf = both(session, sql)
    assert not isinstance(via_projection, Exception), via_projection
    assert via_projection.schema == via_udf.schema
    assert via_projection.to_pylist() == via_udf.to_pylist()
    assert paths["projection"] - before["projection"] == int(projection)
    return via_projection


def x_of(session: Session) -> np.ndarray:
    table = session.execute("SELECT a, b FROM t ORDER BY id")[0].table
    return np.column_stack([c.to_numpy() for c in table.columns])


# --- shapes that take the projection path -------------------------------------------------------


def test_star_and_an_unaliased_call(scored, fitted, paths) -> None:
    table = same(scored, "SELECT *, m!predict_proba(a, b) FROM t ORDER BY id", paths)
    assert table.column_names == ["ID", "A", "B", "N", "M!PREDICT_PROBA(A, B)"]
    assert table.column(4).num_chunks > 4  # many batches, put back in order
    proba = table.column(4).combine_chunks()
    assert proba.type.names == ["output_feature_0", "output_feature_1", "ERROR"]
    expected = fitted["v1"].predict_proba(x_of(scored))
    assert np.allclose(proba.field("output_feature_1").to_numpy(), expected[:, 1])
    assert proba.field("ERROR").null_count == 500


def test_one_worker_scores_the_same(scored, paths, monkeypatch) -> None:
    monkeypatch.setattr(scored.engine.warehouse, "threads", 1)
    same(scored, "SELECT id, m!predict_proba(a, b) AS p FROM t WHERE n > 10", paths)


def test_sessions_share_the_workers(scored, paths) -> None:
    sql = "SELECT id, m!predict_proba(a, b):output_feature_1 AS p FROM t ORDER BY id"
    expected = scored.execute(sql)[0].table
    sessions = [Session(scored.engine) for _ in range(4)]
    got: list[object] = []

    def score(session: Session) -> None:  # an exception here leaves a result missing
        got.extend(session.execute(sql)[0].table.equals(expected) for _ in range(3))

    threads = [threading.Thread(target=score, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == [True] * 12 and paths["projection"] == 13


def test_aliases_and_fields(scored, fitted, paths) -> None:
    sql = """SELECT id, m!predict_proba(a, b):output_feature_1 AS p,
        m!predict(a, b)['OUTPUT_FEATURE_0'], m!predict_proba(*) AS whole, a
        FROM t ORDER BY id"""
    table = same(scored, sql, paths)
    assert table.column_names == ["ID", "P", "M!PREDICT(A, B)['OUTPUT_FEATURE_0']", "WHOLE", "A"]
    x = x_of(scored)
    assert np.allclose(table.column("P").to_numpy(), fitted["v1"].predict_proba(x)[:, 1])
    labels = table.column(2).to_numpy()
    assert labels.dtype == np.int64 and (labels == fitted["v1"].predict(x)).all()


def test_no_udf_runs_on_the_projection_path(scored, paths) -> None:
    scored.execute("SELECT id, m!predict(a, b):output_feature_0 FROM t")
    assert paths == {"projection": 1, "udf": 0}


def test_two_versions_compared_in_one_query(scored, paths) -> None:
    table = same(
        scored,
        """WITH v1 AS MODEL m VERSION v1, v2 AS MODEL m VERSION v2
        SELECT id, v1!predict_proba(a, b):output_feature_1 AS p1,
               v2!predict_proba(a, b):output_feature_1 AS p2,
               MODEL(m, v2)!predict(a, b) FROM t ORDER BY id""",
        paths,
    )
    p1, p2 = table.column("P1").to_numpy(), table.column("P2").to_numpy()
    assert not np.allclose(p1, p2)


def test_where_order_by_and_limit(scored, paths) -> None:
    same(scored, "SELECT id, m!predict(a, b) FROM t WHERE a > 0.2 AND n < 150", paths)
    same(scored, "SELECT m!predict_proba(a, b):output_feature_1 FROM t ORDER BY b DESC", paths)
    table = same(scored, "SELECT id, m!predict(a, b) AS p FROM t ORDER BY a LIMIT 70", paths)
    assert table.num_rows == 70
    same(scored, "SELECT id, m!predict(a, b) FROM t ORDER BY 1 DESC LIMIT 10 OFFSET 95", paths)
    empty = same(scored, "SELECT *, m!predict(a, b) FROM t WHERE id < 0", paths)
    assert empty.num_rows == 0


def test_joins_ctes_and_expressions_as_arguments(scored, paths) -> None:
    same(
        scored,
        """WITH u AS (SELECT id, a * 2 AS a2 FROM t WHERE id % 3 = 0)
        SELECT t.id, u.a2, m!predict_proba(u.a2 / 2, t.b + 0.5):output_feature_0
        FROM t JOIN u ON t.id = u.id ORDER BY t.id""",
        paths,
    )
    # the same call twice, and constant arguments
    same(scored, "SELECT m!predict(a, b), m!predict(a, b) AS again, m!predict(1, 2) FROM t", paths)


def test_narrow_types_and_out_of_range_integers(scored, paths) -> None:
    table = same(scored, "SELECT id, r!predict(a, n) FROM t ORDER BY id", paths)
    results = table.column(1).to_pylist()
    assert "input n = 130 is out of range for INT8" in results[130]["ERROR"]
    assert results[5]["ERROR"] is None


@pytest.mark.filterwarnings("ignore:overflow encountered in multiply")  # Picky's 2 * 1e308
def test_nan_outputs_and_huge_finite_inputs(scored, paths) -> None:
    rows = same(scored, "SELECT a, gaps!predict(a):output_feature_0 AS g FROM t", paths)
    for row in rows.to_pylist():
        assert row["G"] == (None if row["A"] > 0.5 else row["A"])
    # two 1e308 overflow a column's sum to inf, which must not read as an infinite input
    sql = "SELECT id, picky!predict(CASE WHEN id < 2 THEN 1e308 ELSE 1 END) AS p FROM t"
    results = same(scored, sql + " ORDER BY id", paths).column("P").to_pylist()
    assert all(r["ERROR"] is None for r in results)
    assert results[0]["output_feature_0"] == float("inf") and results[2]["output_feature_0"] == 2


def test_null_and_nan_inputs_under_both_settings(scored, paths) -> None:
    sql = """SELECT id, m!predict(CASE WHEN id = 3 THEN NULL ELSE a END,
        CASE WHEN id IN (4, 300) THEN 'NaN'::DOUBLE ELSE b END) AS p FROM t ORDER BY id"""
    rows = same(scored, sql, paths).to_pylist()
    assert rows[3]["P"] == {
        "output_feature_0": None,
        "ERROR": "SQLGATE.PUBLIC.M version V1 PREDICT: input a is NULL",
    }
    assert "input b is nan" in rows[300]["P"]["ERROR"]
    scored.execute("ALTER SESSION SET MODEL_CALL_ON_ERROR = ABORT")
    via_projection, via_udf = both(scored, sql)
    assert isinstance(via_projection, ModelCallError)
    assert str(via_projection) == str(via_udf)
    assert "input a is NULL (row: a=NULL, b=" in str(via_projection)


def test_rows_the_model_raises_on(scored, paths) -> None:
    sql = "SELECT id, picky!predict(CASE WHEN id % 97 = 5 THEN -abs(a) - 1 ELSE abs(a) END) AS p"
    sql += " FROM t"
    rows = same(scored, sql, paths).to_pylist()
    failed = [r["ID"] for r in rows if r["P"]["ERROR"] is not None]
    assert failed == [i for i in range(500) if i % 97 == 5]
    scored.execute("ALTER SESSION SET MODEL_CALL_ON_ERROR = ABORT")
    via_projection, via_udf = both(scored, sql + " WHERE id >= 200")  # 2nd batch
    assert isinstance(via_projection, ModelCallError)
    assert str(via_projection) == str(via_udf)
    assert "ValueError: negative a" in str(via_projection) and "(row: a=" in str(via_projection)


def test_a_broken_model_fails_the_query(scored, paths, monkeypatch) -> None:
    monkeypatch.setattr(Picky, "broken", True)
    via_projection, via_udf = both(scored, f"SELECT picky!predict(abs(a)) FROM t LIMIT {64}")
    for error in (via_projection, via_udf):
        assert isinstance(error, ModelCallError)
        assert "RuntimeError: weights are corrupt (all " in str(error)
        assert "the model version looks broken" in str(error)
    assert BROKEN_MIN_ROWS <= 64


def test_duckdb_errors_are_reported_as_on_the_udf_path(scored, paths) -> None:
    sql = """SELECT CAST(CASE WHEN id = 400 THEN 'x' ELSE id::VARCHAR END AS INTEGER),
        m!predict(a, b) FROM t"""
    via_projection, via_udf = both(scored, sql)
    assert isinstance(via_projection, QueryError) and "Could not convert" in str(via_projection)
    assert str(via_projection) == str(via_udf)
    via_projection, via_udf = both(scored, "SELECT m!predict(a, b::VARCHAR) FROM t")
    assert str(via_projection) == str(via_udf) and "Invalid argument types" in str(via_udf)


# --- shapes that keep the UDF path ----------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM t WHERE m!predict(a, b):output_feature_0 = 1 ORDER BY id",
        "SELECT t.id, u.id FROM t JOIN t AS u ON m!predict(t.a, u.b):output_feature_0 = u.id % 2"
        " WHERE t.id < 20 AND u.id < 20 ORDER BY 1, 2",
        "SELECT id, m!predict_proba(a, b):output_feature_1 * 100 FROM t ORDER BY id",
        "SELECT id, m!predict(m!predict(a, b):output_feature_0, b) FROM t ORDER BY id",
        "SELECT id FROM t ORDER BY m!predict_proba(a, b):output_feature_1, id",
        "SELECT count(*), sum(m!predict(a, b):output_feature_0) FROM t",
        "SELECT n % 2 AS k, avg(m!predict_proba(a, b):output_feature_1) FROM t GROUP BY 1"
        " ORDER BY 1",
        "SELECT DISTINCT m!predict(a, b):output_feature_0 AS p FROM t ORDER BY p",
        "SELECT id, m!predict(a, b) AS p FROM t WHERE id < 5 UNION ALL"
        " SELECT id, m!predict(b, a) FROM t WHERE id >= 495 ORDER BY id",
        "SELECT p FROM (SELECT id, m!predict(a, b):output_feature_0 AS p FROM t) ORDER BY id",
        # a call item read through its alias, or ordered by position
        "SELECT id, m!predict_proba(a, b):output_feature_1 AS p FROM t WHERE p > 0.5",
        "SELECT id, m!predict_proba(a, b):output_feature_1 AS p, p * 2 FROM t ORDER BY id",
        "SELECT id, m!predict_proba(a, b):output_feature_1 AS p FROM t ORDER BY p, id",
        "SELECT id, m!predict_proba(a, b):output_feature_1 FROM t ORDER BY 2, 1",
        "SELECT *, m!predict_proba(a, b):output_feature_1 FROM t ORDER BY 1",
        "SELECT id, m!predict(a, b), row_number() OVER (ORDER BY a) FROM t ORDER BY id",
        # a user column named like a placeholder: stage 1 would not line up
        'SELECT 1 AS "sqlgate_call_0", m!predict(a, b) FROM t ORDER BY a',
    ],
)
def test_other_shapes_keep_the_udf_path(scored, paths, sql: str) -> None:
    same(scored, sql, paths, projection="sqlgate_call_0" in sql)
    assert paths["udf"] > 0


def test_dml_keeps_the_udf_path(scored, paths) -> None:
    scored.execute(
        """CREATE TABLE scored AS SELECT id, m!predict(a, b):output_feature_0 AS p FROM t;
        CREATE TABLE again (id BIGINT, p BIGINT);
        INSERT INTO again SELECT id, m!predict(a, b):output_feature_0 FROM t"""
    )
    assert paths["projection"] == 0
    expected = scored.execute("SELECT id, m!predict(a, b):output_feature_0 AS p FROM t")[0]
    for table in ("scored", "again"):
        got = scored.execute(f"SELECT id, p FROM {table} ORDER BY id")[0].rows()
        assert got == sorted(expected.rows())
