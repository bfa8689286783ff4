"""Model calls in queries, end to end: scikit-learn models saved as version directories,
registered with CREATE MODEL, called from SQL and checked against calling the model directly."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression

from sqlgate.errors import InvalidValue, ObjectNotFound, SqlgateError, UnsupportedStatement
from sqlgate.gateway.session import Session
from sqlgate.registry import flavors, signature, version_dir
from sqlgate.registry.manifest import Function
from sqlgate.runtime import loaded
from sqlgate.runtime.batch import BROKEN_MIN_ROWS
from sqlgate.runtime.cache import ModelCache
from sqlgate.runtime.loaded import ModelCallError, ModelLoadError


class Picky(BaseEstimator):
    """Doubles `a`, and refuses a negative `a` the way real models refuse bad data: by raising
    for the whole batch it is in."""

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        values = np.asarray(X, dtype=float)[:, 0]
        if (values < 0).any():
            raise ValueError(f"negative a: {values[values < 0][0]}")
        return values * 2


class Broken(BaseEstimator):
    """A model that raises on every call once `broken` is set (after its signature is taken)."""

    def __init__(self, broken: bool = False):
        self.broken = broken

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        if self.broken:
            raise RuntimeError("weights are corrupt")
        return np.zeros(len(X))


def save_version(model, sample: pd.DataFrame, methods: list[str], directory: Path) -> Path:
    """A version directory for `model` (the runtime's contract; Registry.log_model wraps it)."""
    directory.mkdir(parents=True)
    flavor = flavors.flavor_for(model)
    inputs = signature.input_columns(sample)
    rows = pa.Table.from_pandas(sample.head(10), preserve_index=False)
    functions = [
        Function(
            m.upper(),
            m,
            inputs,
            signature.output_columns(flavor.call(model, Function(m, m, inputs, ()), rows), m),
        )
        for m in methods
    ]
    if isinstance(model, Broken):
        model.broken = True
    libraries = flavor.save(model, directory)
    version_dir.write_manifest(
        directory, flavor=flavor.NAME, functions=functions, libraries=libraries
    )
    return directory


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict:
    """Two classifiers on (a, b) that disagree, a regressor, and the failing models."""
    root = tmp_path_factory.mktemp("models")
    rng = np.random.default_rng(7)
    sample = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    v1 = LogisticRegression().fit(sample.to_numpy(), (sample.a + sample.b > 0).astype(int))
    v2 = LogisticRegression().fit(sample.to_numpy(), (sample.a - sample.b > 0.5).astype(int))
    methods = ["predict", "predict_proba"]
    narrow = pd.DataFrame(
        {"x": rng.normal(size=50).astype(np.float32), "n": rng.integers(0, 9, 50, dtype=np.int8)}
    )
    regressor = LinearRegression().fit(narrow.to_numpy(), narrow.x * 2 + narrow.n)
    return {
        "v1": v1,
        "v2": v2,
        "regressor": regressor,
        "dir_v1": save_version(v1, sample, methods, root / "v1"),
        "dir_v2": save_version(v2, sample, methods, root / "v2"),
        "dir_regressor": save_version(regressor, narrow, ["predict"], root / "regressor"),
        "dir_picky": save_version(Picky(), sample[["a"]].abs(), ["predict"], root / "picky"),
        "dir_broken": save_version(Broken(), sample, ["predict"], root / "broken"),
    }


def run(session: Session, sql: str) -> list[tuple]:
    return session.execute(sql)[-1].rows()


def column(session: Session, sql: str) -> np.ndarray:
    return session.execute(sql)[-1].table.column(0).to_numpy(zero_copy_only=False)


def fails(session: Session, sql: str, error: type[SqlgateError], *texts: str) -> SqlgateError:
    with pytest.raises(error) as raised:
        session.execute(sql)
    for text in texts:
        assert text in str(raised.value), f"{text!r} not in {raised.value}"
    return raised.value


@pytest.fixture
def scored(session, models) -> Session:
    """Model M (V1, the default; V2) and a table T(a, b) of 500 rows."""
    session.execute(
        f"""CREATE MODEL m WITH VERSION v1 FROM '{models["dir_v1"]}';
        ALTER MODEL m ADD VERSION v2 FROM '{models["dir_v2"]}';
        CREATE TABLE t AS SELECT i AS id, sin(i)::DOUBLE AS a, cos(i * 0.7)::DOUBLE AS b
        FROM range(500) r(i)"""
    )
    return session


def inputs(session: Session) -> np.ndarray:
    table = session.execute("SELECT a, b FROM t ORDER BY id")[0].table
    return np.column_stack([c.to_numpy() for c in table.columns])


# --- call forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "version"),
    [
        ("m!predict(a, b)", "v1"),
        ("m!PREDICT(a, b)", "v1"),
        ("sqlgate.public.m!predict(a, b)", "v1"),
        ("public.m!predict(a, b)", "v1"),
        ("MODEL(m)!predict(a, b)", "v1"),
        ("MODEL(m, v2)!predict(a, b)", "v2"),
        ("MODEL(sqlgate.public.m, LAST)!predict(a, b)", "v2"),
        ("MODEL(m, 'V2')!predict(a, b)", "v2"),
        ("m!predict(*)", "v1"),
        ("m!predict(t.*)", "v1"),
    ],
)
def test_call_forms_resolve_to_a_version(scored, models, call: str, version: str) -> None:
    got = column(scored, f"SELECT {call}:output_feature_0 FROM t ORDER BY id")
    assert (got == models[version].predict(inputs(scored))).all()


@pytest.mark.parametrize(
    "query",
    [
        "WITH x AS MODEL m VERSION v2 SELECT x!predict(a, b):output_feature_0 FROM t ORDER BY id",
        "WITH x AS MODEL m VERSION last SELECT X!predict(a, b)['output_feature_0'] FROM t"
        " ORDER BY id",
        "WITH x AS MODEL sqlgate.public.m VERSION v2, y AS (SELECT * FROM t)"
        " SELECT x!predict(a, b):OUTPUT_FEATURE_0 FROM y ORDER BY id",
        # a model CTE in a subquery's WITH is in scope there
        "SELECT p FROM (WITH x AS MODEL m VERSION v2 SELECT id, x!predict(a, b):output_feature_0"
        " AS p FROM t) ORDER BY id",
    ],
)
def test_with_model_version(scored, models, query: str) -> None:
    assert (column(scored, query) == models["v2"].predict(inputs(scored))).all()


def test_the_struct_its_fields_and_its_name(scored, models) -> None:
    result = scored.execute("SELECT *, m!predict_proba(a, b) FROM t ORDER BY id LIMIT 3")[0]
    assert result.columns == ["ID", "A", "B", "M!PREDICT_PROBA(A, B)"]
    expected = models["v1"].predict_proba(inputs(scored)[:3])
    structs = [row[3] for row in result.rows()]
    assert [list(s) for s in structs] == [["output_feature_0", "output_feature_1", "ERROR"]] * 3
    assert np.allclose([s["output_feature_1"] for s in structs], expected[:, 1])
    assert all(s["ERROR"] is None for s in structs)
    named = scored.execute("SELECT m!predict(a, b):output_feature_0, m!predict(a, b) p FROM t")[0]
    assert named.columns == ["M!PREDICT(A, B):output_feature_0", "P"]


def test_two_versions_compared_row_by_row(scored, models) -> None:
    rows = run(
        scored,
        """WITH a AS MODEL m VERSION v1, b AS MODEL m VERSION v2
        SELECT a!predict_proba(a, b):output_feature_1, b!predict_proba(a, b):output_feature_1,
               a!predict(a, b):output_feature_0 <> b!predict(a, b):output_feature_0
        FROM t ORDER BY id""",
    )
    x = inputs(scored)
    p1, p2, differ = (np.array(c) for c in zip(*rows, strict=True))
    assert np.allclose(p1, models["v1"].predict_proba(x)[:, 1])
    assert np.allclose(p2, models["v2"].predict_proba(x)[:, 1])
    assert (differ == (models["v1"].predict(x) != models["v2"].predict(x))).all()
    assert differ.any() and not differ.all()


def test_calls_in_where_join_nested_expressions_and_dml(scored, models) -> None:
    x = inputs(scored)
    positive = int(models["v1"].predict(x).sum())
    where = "SELECT count(*) FROM t WHERE m!predict(a, b):output_feature_0 = 1"
    assert run(scored, where) == [(positive,)]
    joined = run(
        scored,
        """SELECT count(*) FROM t JOIN (SELECT 0 AS label UNION ALL SELECT 1) l
        ON m!predict(t.a, t.b):output_feature_0 = l.label""",
    )
    assert joined == [(500,)]
    nested = column(
        scored,
        "SELECT ROUND(100 * m!predict_proba(a + 0, b * 1):output_feature_1, 2) FROM t ORDER BY id",
    )
    assert np.allclose(nested, np.round(100 * models["v1"].predict_proba(x)[:, 1], 2))
    inner = "MODEL(m, v2)!predict_proba(a, b):output_feature_1"
    chained = column(scored, f"SELECT m!predict({inner}, b):output_feature_0 FROM t ORDER BY id")
    from_v2 = models["v2"].predict_proba(x)[:, 1]
    assert (chained == models["v1"].predict(np.column_stack([from_v2, x[:, 1]]))).all()
    scored.execute(
        "CREATE TABLE scores AS SELECT id, m!predict(a, b):output_feature_0 AS y FROM t;"
        " INSERT INTO scores SELECT id, m!predict(a, b):output_feature_0 FROM t WHERE id < 10;"
        " UPDATE scores SET y = MODEL(m, v2)!predict(0.0, 0.0):output_feature_0 WHERE id = 0"
    )
    # the ten copied rows, then both rows with id 0 rescored by V2
    v1, v2 = models["v1"].predict(x[:10]), models["v2"].predict(np.zeros((1, 2)))
    expected = positive + v1.sum() - 2 * v1[0] + 2 * v2[0]
    assert run(scored, "SELECT count(*), sum(y)::BIGINT FROM scores") == [(510, expected)]


def test_narrow_signature_types_are_cast_and_checked(session, models) -> None:
    """FLOAT and INT8 inputs take DOUBLE and INTEGER arguments; a value that does not fit the
    signature's type fails its row, not the query."""
    session.execute(
        f"CREATE MODEL r FROM '{models['dir_regressor']}';"
        " CREATE TABLE u AS SELECT * FROM VALUES (1.5, 2), (0.25, 300), (-1.0, -7) v(x, n)"
    )
    rows = run(session, "SELECT r!predict(x, n) FROM u")
    expected = models["regressor"].predict(np.array([[1.5, 2], [-1.0, -7]], dtype=np.float32))
    assert np.isclose(rows[0][0]["output_feature_0"], expected[0], rtol=1e-5)
    assert np.isclose(rows[2][0]["output_feature_0"], expected[1], rtol=1e-5)
    assert rows[1][0]["output_feature_0"] is None
    assert "input n = 300 is out of range for INT8" in rows[1][0]["ERROR"]


# --- versions, aliases and the cache ------------------------------------------------------------


def test_seed_002_lifecycles_as_written(scored, models) -> None:
    x = inputs(scored)
    scored.execute("CREATE MODEL my_model WITH VERSION v1 FROM MODEL m VERSION v1")
    scored.execute("ALTER MODEL my_model ADD VERSION new_version FROM MODEL m VERSION v2")
    call = "SELECT my_model!predict(a, b):output_feature_0 FROM t ORDER BY id"
    assert (column(scored, call) == models["v1"].predict(x)).all()
    # "Using the default version"
    scored.execute("ALTER MODEL my_model SET DEFAULT_VERSION = new_version;")
    assert (column(scored, call) == models["v2"].predict(x)).all()
    scored.execute("ALTER MODEL my_model SET DEFAULT_VERSION = v1;")
    # "Using aliases": the production alias moves, and the same query follows it
    production = (
        "WITH my_version AS MODEL my_model VERSION production"
        " SELECT my_version!predict(a, b):output_feature_0 FROM t ORDER BY id;"
    )
    scored.execute("ALTER MODEL my_model VERSION v1 SET ALIAS = production;")
    scored.execute("ALTER MODEL my_model VERSION new_version SET ALIAS = alpha;")
    assert (column(scored, production) == models["v1"].predict(x)).all()
    alpha = production.replace("production", "alpha")
    assert (column(scored, alpha) == models["v2"].predict(x)).all()
    scored.execute(
        """ALTER MODEL my_model VERSION new_version UNSET ALIAS;
        ALTER MODEL my_model VERSION new_version SET ALIAS = beta;
        ALTER MODEL my_model VERSION v1 UNSET ALIAS;
        ALTER MODEL my_model VERSION new_version UNSET ALIAS;
        ALTER MODEL my_model VERSION new_version SET ALIAS = production;"""
    )
    assert (column(scored, production) == models["v2"].predict(x)).all()
    # "Using multiple schemas": copies promoted into a production schema, called by name there
    scored.execute(
        """CREATE DATABASE prod_db; CREATE SCHEMA prod_db.prod_schema;
        CREATE MODEL prod_db.prod_schema.prod_model WITH VERSION V1
        FROM MODEL sqlgate.public.my_model VERSION v1;
        ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V2
        FROM MODEL sqlgate.public.my_model VERSION new_version;
        ALTER MODEL prod_db.prod_schema.prod_model
        SET DEFAULT_VERSION = V2;"""
    )
    prod = "SELECT prod_model!predict(a, b):output_feature_0 FROM sqlgate.public.t ORDER BY id"
    assert (column(scored, prod) == models["v2"].predict(x)).all()
    scored.execute("ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V1;")
    assert (column(scored, prod) == models["v1"].predict(x)).all()


def test_dropped_version_errors_clearly_and_leaves_the_cache(scored) -> None:
    scored.execute("SELECT m!predict(a, b), MODEL(m, v2)!predict(a, b) FROM t")
    cache = scored.engine.model_cache
    assert len(cache.directories()) == 2
    scored.execute("ALTER MODEL m DROP VERSION v2")
    fails(
        scored,
        "SELECT 1;\nSELECT MODEL(m, v2)!predict(a, b) FROM t",
        ObjectNotFound,
        "Version 'V2' of model 'SQLGATE.PUBLIC.M' does not exist",
        "line 2, column 17",
    )
    assert len(cache.directories()) == 1  # the dropped version's model is gone
    scored.execute("DROP MODEL m")
    fails(scored, "SELECT m!predict(a, b) FROM t", ObjectNotFound, "Model 'SQLGATE.PUBLIC.M'")
    assert cache.directories() == []


def test_models_load_once_and_the_cache_is_bounded(scored) -> None:
    cache = scored.engine.model_cache
    for _ in range(3):
        scored.execute("SELECT m!predict(a, b), MODEL(m, v1)!predict_proba(a, b) FROM t")
    assert len(cache.directories()) == 1
    cache.capacity = 1
    scored.execute("SELECT MODEL(m, v2)!predict(a, b) FROM t")
    assert [d.name for d in cache.directories()] == [
        r["artifact"].rsplit("/", 1)[1]
        for r in scored.catalog.rows("SELECT artifact FROM model_versions WHERE name = 'V2'")
    ]


def test_the_cache_loads_each_model_once_and_forgets_dropped_ones(models, tmp_path, monkeypatch):
    loads: list[str] = []
    load = loaded.LoadedModel.load.__func__

    def slow_load(cls, directory: Path, label: str) -> loaded.LoadedModel:
        loads.append(label)
        time.sleep(0.05)  # long enough for every thread to arrive while it loads
        return load(cls, directory, label)

    monkeypatch.setattr(loaded.LoadedModel, "load", classmethod(slow_load))
    cache = ModelCache(capacity=2)
    threads = [
        threading.Thread(target=cache.get, args=(models["dir_v1"], "M version V1"))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["M version V1"]
    copy = tmp_path / "copy"
    shutil.copytree(models["dir_v2"], copy)
    cache.get(copy, "M version V2")
    cache.get(models["dir_v1"], "M version V1")  # most recently used
    cache.get(models["dir_picky"], "P version V1")  # evicts V2, the least recently used
    assert cache.directories() == [models["dir_v1"], models["dir_picky"]]
    cache.get(copy, "M version V2")
    shutil.rmtree(copy)  # as DROP VERSION deletes the artifact
    assert cache.evict_missing() == [copy]
    assert cache.directories() == [models["dir_picky"]]
    with pytest.raises(ModelLoadError, match="M version V2 has no files"):
        cache.get(copy, "M version V2")


def test_sessions_call_models_concurrently(scored, models) -> None:
    expected = int(models["v1"].predict(inputs(scored)).sum())
    sessions = [Session(scored.engine) for _ in range(4)]
    totals: list[object] = []
    query = "SELECT sum(m!predict(a, b):output_feature_0)::BIGINT FROM t"

    def score(session: Session) -> None:
        for _ in range(3):
            totals.extend(run(session, query)[0])  # an exception here leaves a total missing

    threads = [threading.Thread(target=score, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert totals == [expected] * 12


# --- bad input ----------------------------------------------------------------------------------


def test_errors_name_the_model_version_and_show_the_signature(scored) -> None:
    signature = "PREDICT(A FLOAT, B FLOAT) RETURN OBJECT"
    fails(
        scored,
        "SELECT m!predict(a) FROM t",
        InvalidValue,
        "Function PREDICT of model SQLGATE.PUBLIC.M version V1 takes 2 arguments, got 1",
        signature,
        "line 1, column 8",
    )
    fails(
        scored,
        "SELECT MODEL(m, v2)!predict(a, b, id) FROM t",
        InvalidValue,
        "version V2 takes 2 arguments, got 3",
    )
    fails(
        scored,
        "SELECT id, m!predict(a, b::VARCHAR) FROM t",
        InvalidValue,
        "Invalid argument types for function PREDICT of model SQLGATE.PUBLIC.M version V1:"
        " PREDICT(DOUBLE, VARCHAR)",
        f"expected {signature}",
        "line 1, column 12",
    )
    fails(
        scored,
        "SELECT\n  m!explain(a, b) FROM t",
        InvalidValue,
        "Model SQLGATE.PUBLIC.M version V1 has no function EXPLAIN;"
        " its functions are PREDICT, PREDICT_PROBA",
        "line 2, column 3",
    )
    fails(scored, "SELECT nope!predict(a, b) FROM t", ObjectNotFound, "Model 'SQLGATE.PUBLIC.NOPE'")
    fails(
        scored,
        "SELECT other_db.public.m!predict(a, b) FROM t",
        ObjectNotFound,
        "Model 'OTHER_DB.PUBLIC.M'",
    )
    fails(
        scored,
        "WITH x AS MODEL m VERSION staging SELECT x!predict(a, b) FROM t",
        ObjectNotFound,
        "Version 'STAGING' of model 'SQLGATE.PUBLIC.M' does not exist",
        "line 1, column 27",
    )
    fails(
        scored,
        "SELECT MODEL(m, 'v1')!predict(a, b) FROM t",
        ObjectNotFound,
        "Did you mean V1?",
    )
    fails(
        scored,
        "SELECT m!predict(a, b):label FROM t",
        InvalidValue,
        "PREDICT of model SQLGATE.PUBLIC.M version V1 has no output 'label';"
        " its fields are output_feature_0, ERROR",
    )
    fails(
        scored,
        "WITH x AS MODEL m SELECT * FROM x",
        InvalidValue,
        "X is a model (WITH X AS MODEL ...), not a table",
    )
    fails(scored, "CREATE VIEW v AS SELECT m!predict(a, b) FROM t", UnsupportedStatement, "views")
    # the UDFs are reachable only through model calls, never by name
    name = scored.engine.model_udfs._registered.copy().popitem()[0]
    fails(scored, f"SELECT {name}(a, b) FROM t", SqlgateError, "is not available")


def test_a_model_that_cannot_load_fails_naming_its_version(session, models) -> None:
    session.execute(f"CREATE MODEL lin FROM '{models['dir_v1']}'")
    artifact = session.catalog.one("SELECT artifact FROM model_versions")["artifact"]
    weights = session.engine.models_dir / artifact / "model.joblib"
    weights.write_bytes(b"not a pickle")  # damaged on disk after it was registered
    fails(
        session,
        "SELECT a, lin!predict(a, 1) FROM (SELECT 1.0 AS a)",
        ModelLoadError,
        "SQLGATE.PUBLIC.LIN version V1 failed to load",
        "line 1, column 11",
    )


def test_null_and_nan_inputs_under_both_settings(scored, models) -> None:
    query = (
        "SELECT id, m!predict(CASE WHEN id = 3 THEN NULL ELSE a END,"
        " CASE WHEN id = 4 THEN 'NaN'::DOUBLE ELSE b END) AS p FROM t ORDER BY id"
    )
    rows = run(scored, query)  # RETURN_NULL, the default
    assert rows[3][1] == {
        "output_feature_0": None,
        "ERROR": "SQLGATE.PUBLIC.M version V1 PREDICT: input a is NULL",
    }
    assert rows[4][1]["output_feature_0"] is None
    assert "input b is nan (a DOUBLE input must be finite)" in rows[4][1]["ERROR"]
    good = [r for r in rows if r[0] not in (3, 4)]
    expected = models["v1"].predict(inputs(scored))
    assert all(r[1]["output_feature_0"] == expected[r[0]] and r[1]["ERROR"] is None for r in good)
    scored.execute("ALTER SESSION SET MODEL_CALL_ON_ERROR = ABORT")
    fails(
        scored,
        query,
        ModelCallError,
        "SQLGATE.PUBLIC.M version V1 PREDICT: input a is NULL (row: a=NULL, b=",
        "MODEL_CALL_ON_ERROR = RETURN_NULL keeps the other rows",
    )
    scored.execute("ALTER SESSION UNSET MODEL_CALL_ON_ERROR")
    assert run(scored, query) == rows


def test_one_percent_bad_rows_lose_no_good_row(session, models) -> None:
    """100,000 rows, 1% bad: NULLs and NaNs (caught before the model) and negative values (the
    model raises for its whole batch; bisection isolates the row)."""
    session.execute(
        f"""CREATE MODEL picky FROM '{models["dir_picky"]}';
        CREATE TABLE big AS SELECT i AS id, CASE
            WHEN hash(i) % 100 <> 0 THEN (i % 1000)::DOUBLE
            WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN 'NaN'::DOUBLE ELSE -1.0 - i % 7 END AS a
        FROM range(100000) r(i)"""
    )
    result = session.execute("SELECT id, a, picky!predict(a) AS p FROM big")[0].table
    ids = result.column("ID").to_numpy()
    a = result.column("A").to_numpy(zero_copy_only=False)
    p = result.column("P").combine_chunks()
    y = p.field("output_feature_0").to_numpy(zero_copy_only=False)
    errors = p.field("ERROR").to_pylist()
    bad = np.isnan(a) | (a < 0)
    assert 900 < bad.sum() < 1100 and len(ids) == 100_000
    assert np.array_equal(y[~bad], a[~bad] * 2)  # every good row scored
    assert np.isnan(y[bad]).all()  # every bad row NULL, with its reason
    reasons = [errors[i] for i in np.flatnonzero(bad)]
    assert all(r is not None for r in reasons)
    assert all(r.startswith("SQLGATE.PUBLIC.PICKY version V1 PREDICT") for r in reasons)
    caught = [r for r in reasons if ": input a is " in r]  # NULL and NaN, before the model
    raised = [r for r in reasons if " failed: ValueError: negative a: " in r]  # by the model
    assert caught and raised and len(caught) + len(raised) == len(reasons)
    assert all(errors[i] is None for i in np.flatnonzero(~bad))
    failed = "SELECT count(*) FROM big WHERE picky!predict(a):error IS NOT NULL"
    assert run(session, failed) == [(int(bad.sum()),)]


def test_abort_names_the_first_failing_row(session, models) -> None:
    session.execute(
        f"""CREATE MODEL picky FROM '{models["dir_picky"]}';
        ALTER SESSION SET MODEL_CALL_ON_ERROR = abort"""
    )
    fails(
        session,
        "SELECT picky!predict(a) FROM (SELECT CASE i WHEN 1500 THEN -40 ELSE i END AS a"
        " FROM range(2000) r(i))",
        ModelCallError,
        "SQLGATE.PUBLIC.PICKY version V1 PREDICT failed: ValueError: negative a: -40.0"
        " (row: a=-40.0)",
    )


def test_return_null_never_hides_a_broken_model(session, models) -> None:
    session.execute(f"CREATE MODEL broken FROM '{models['dir_broken']}'")
    few = run(session, "SELECT broken!predict(1.0, 2.0)")
    assert "RuntimeError: weights are corrupt" in few[0][0]["ERROR"]
    fails(
        session,
        f"SELECT broken!predict(i, i) FROM range({BROKEN_MIN_ROWS * 4}) r(i)",
        ModelCallError,
        "SQLGATE.PUBLIC.BROKEN version V1 PREDICT failed: RuntimeError: weights are corrupt",
        "the model version looks broken",
    )


# --- scale --------------------------------------------------------------------------------------


def test_a_million_rows_match_the_direct_call(scored, models) -> None:
    scored.execute(
        "CREATE TABLE million AS SELECT sin(i * 0.001)::DOUBLE * 3 AS a,"
        " cos(i * 0.0007)::DOUBLE * 3 AS b FROM range(1000000) r(i)"
    )
    result = scored.execute("SELECT a, b, m!predict_proba(a, b) AS p FROM million WHERE a > -10")[
        0
    ].table
    assert result.num_rows == 1_000_000
    x = np.column_stack([result.column("A").to_numpy(), result.column("B").to_numpy()])
    p = result.column("P").combine_chunks()
    expected = models["v1"].predict_proba(x)
    for i in range(2):
        assert np.allclose(p.field(f"output_feature_{i}").to_numpy(), expected[:, i])
    assert p.field("ERROR").null_count == 1_000_000


# --- INFORMATION_SCHEMA.MODEL_VERSIONS ----------------------------------------------------------


SEED_002_QUERY = """SELECT
catalog_name,
schema_name,
model_name,
model_version_name,
metadata:metric:accuracy AS accuracy,
comment,
owner,
functions,
created_on,
last_altered_on
FROM my_database.INFORMATION_SCHEMA.MODEL_VERSIONS
ORDER BY accuracy DESC;"""


def test_information_schema_model_versions_answers_seed_002(session, models) -> None:
    session.execute(
        f"""CREATE DATABASE my_database;
        CREATE MODEL my_model WITH VERSION v1 FROM '{models["dir_v1"]}';
        ALTER MODEL my_model ADD VERSION v2 FROM '{models["dir_v2"]}';
        CREATE SCHEMA other; CREATE MODEL churn FROM '{models["dir_picky"]}';
        USE SCHEMA public;
        ALTER MODEL my_model MODIFY VERSION v1
        SET METADATA = '{{"metric": {{"accuracy": 0.769}}}}';
        ALTER MODEL my_model MODIFY VERSION v2
        SET METADATA = '{{"metric": {{"accuracy": 0.81}}}}';
        ALTER MODEL other.churn MODIFY VERSION v1
        SET METADATA = '{{"metric": {{"accuracy": 0.9}}}}';
        ALTER MODEL my_model MODIFY VERSION v2 SET COMMENT = 'retrained';
        ALTER MODEL my_model VERSION v2 SET ALIAS = production;
        CREATE DATABASE elsewhere; CREATE MODEL elsewhere.public.m FROM '{models["dir_v1"]}'"""
    )
    result = session.execute(SEED_002_QUERY)[0]
    assert result.columns == [
        "CATALOG_NAME",
        "SCHEMA_NAME",
        "MODEL_NAME",
        "MODEL_VERSION_NAME",
        "ACCURACY",
        "COMMENT",
        "OWNER",
        "FUNCTIONS",
        "CREATED_ON",
        "LAST_ALTERED_ON",
    ]
    rows = [r[:8] for r in result.rows()]
    assert rows == [
        ("MY_DATABASE", "OTHER", "CHURN", "V1", "0.9", None, "ACCOUNTADMIN", '["PREDICT"]'),
        (
            "MY_DATABASE",
            "PUBLIC",
            "MY_MODEL",
            "V2",
            "0.81",
            "retrained",
            "ACCOUNTADMIN",
            '["PREDICT","PREDICT_PROBA"]',
        ),
        (
            "MY_DATABASE",
            "PUBLIC",
            "MY_MODEL",
            "V1",
            "0.769",
            None,
            "ACCOUNTADMIN",
            '["PREDICT","PREDICT_PROBA"]',
        ),
    ]
    here = "SELECT database_name, model_name FROM information_schema.model_versions"
    assert run(session, here) == [("ELSEWHERE", "M")]  # the current database's
    session.execute("USE DATABASE my_database")
    view = session.execute(
        "SELECT * FROM information_schema.model_versions v WHERE v.model_name = 'MY_MODEL'"
        " ORDER BY model_version_name"
    )[0]
    assert view.columns[:16] == [
        "DATABASE_NAME",
        "SCHEMA_NAME",
        "MODEL_NAME",
        "MODEL_VERSION_NAME",
        "VERSION_ALIASES",
        "COMMENT",
        "OWNER",
        "CREATED",
        "LAST_ALTERED",
        "FUNCTIONS",
        "MODEL_TYPE",
        "PYTHON_VERSION",
        "LANGUAGE",
        "DEPENDENCIES",
        "METADATA",
        "USERDATA",
    ]
    aliases = [r[4] for r in view.rows()]
    assert aliases == ['["DEFAULT","FIRST"]', '["LAST","PRODUCTION"]']
    fails(
        session,
        "SELECT * FROM nope.INFORMATION_SCHEMA.MODEL_VERSIONS",
        ObjectNotFound,
        "Database 'NOPE'",
    )


# --- session parameters -------------------------------------------------------------------------


def test_alter_session_and_show_parameters(session) -> None:
    def shown() -> tuple:
        return run(session, "SHOW PARAMETERS LIKE 'model%' IN SESSION")[0][:4]

    assert shown() == ("MODEL_CALL_ON_ERROR", "RETURN_NULL", "RETURN_NULL", "")
    session.execute("ALTER SESSION SET MODEL_CALL_ON_ERROR = 'abort'")
    assert shown() == ("MODEL_CALL_ON_ERROR", "ABORT", "RETURN_NULL", "SESSION")
    fails(
        session,
        "ALTER SESSION SET MODEL_CALL_ON_ERROR = RETURN_NULL TIMEZONE = 'UTC'",
        InvalidValue,
        "Invalid parameter 'TIMEZONE'",
        "line 1, column 53",
    )
    assert shown()[1] == "ABORT"  # nothing changed
    fails(
        session,
        "ALTER SESSION SET MODEL_CALL_ON_ERROR = maybe",
        InvalidValue,
        "expected ABORT or RETURN_NULL",
    )
    session.execute("ALTER SESSION UNSET model_call_on_error")
    assert shown()[1] == "RETURN_NULL"
    assert run(session, "SHOW PARAMETERS LIKE 'nothing%'") == []
