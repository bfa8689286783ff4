"""The Python registry API (shaped like snowflake-ml-python's) through a real gateway: logging,
listing, aliases, the default version, metrics, tags, dropping and promoting across schemas,
each checked against what SQL sees (and SQL changes checked from Python), and failed calls
leaving nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

import sqlgate
from sqlgate.errors import InvalidValue, ObjectNotFound, SqlgateError
from sqlgate.registry import Model, ModelVersion, Registry, custom_model
from sqlgate.registry.api import resolve_name
from sqlgate.registry.signature import DataType, FeatureSpec, ModelSignature

RNG = np.random.default_rng(3)
X = pd.DataFrame(RNG.normal(size=(120, 3)), columns=["a", "b", "c"])
Y = (X.a - X.c > 0).astype(int)
CLF = LogisticRegression().fit(X, Y)
SAMPLE = X.head(10)


@pytest.fixture
def reg(conn) -> Registry:
    return Registry(conn)


def sql_rows(conn, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def artifacts(conn) -> list[Path]:
    return [p for p in conn.session.engine.models_dir.rglob("*") if p.is_file()]


def log(reg, name: str = "my_model", **kwargs) -> ModelVersion:
    return reg.log_model(CLF, model_name=name, sample_input_data=SAMPLE, **kwargs)


# --- logging and listing -----------------------------------------------------------------------


def test_log_model_and_list(conn, reg):
    mv = log(reg, version_name="v1", comment="first try", metrics={"accuracy": 0.75})
    assert (mv.model_name, mv.version_name) == ("MY_MODEL", "V1")
    assert mv.fully_qualified_model_name == "SQLGATE.PUBLIC.MY_MODEL"
    assert mv.comment == "first try"
    assert mv.show_metrics() == {"accuracy": 0.75}

    models = reg.show_models()
    assert list(models["name"]) == ["MY_MODEL"]
    assert models.loc[0, "default_version_name"] == "V1"
    assert [m.name for m in reg.models()] == ["MY_MODEL"]

    # what SQL sees is what was logged
    (row,) = sql_rows(conn, "SHOW VERSIONS IN MODEL my_model")
    assert row["comment"] == "first try"
    assert json.loads(row["metadata"]) == {"metric": {"accuracy": 0.75}}
    assert json.loads(row["functions"]) == [
        "PREDICT",
        "PREDICT_PROBA",
        "PREDICT_LOG_PROBA",
        "DECISION_FUNCTION",
    ]
    assert json.loads(row["model_attributes"]) == {"framework": "sklearn"}
    functions = sql_rows(conn, "SHOW FUNCTIONS LIKE 'predict' IN MODEL my_model VERSION v1")
    assert functions[0]["arguments"] == "PREDICT(A FLOAT, B FLOAT, C FLOAT) RETURN OBJECT"

    versions = reg.get_model("my_model").show_versions()
    assert list(versions["name"]) == ["V1"] and bool(versions.loc[0, "is_default_version"])


def test_generated_version_names(reg):
    assert log(reg).version_name == "V1"
    assert log(reg).version_name == "V2"
    assert log(reg, version_name="v7").version_name == "V7"
    assert log(reg, version_name="nightly").version_name == "NIGHTLY"
    assert log(reg).version_name == "V8"
    model = reg.get_model("my_model")
    assert [v.version_name for v in model.versions()] == ["NIGHTLY", "V1", "V2", "V7", "V8"]
    assert model.default.version_name == "V1"  # the first version stays the default
    assert (model.first().version_name, model.last().version_name) == ("V1", "V8")


def test_identifier_rules_and_odd_names(conn, reg):
    assert resolve_name("my_model") == "MY_MODEL"
    assert resolve_name('"My Model"') == "My Model"
    assert resolve_name('"say ""hi"""') == 'say "hi"'
    assert resolve_name("my model") == "my model"  # not an identifier: used as given
    mv = log(reg, '"Odd ""name"" 1"', version_name="\"v.1 'x'\"", comment="it's \\ fine")
    assert (mv.model_name, mv.version_name) == ('Odd "name" 1', "v.1 'x'")
    assert mv.comment == "it's \\ fine"
    rows = sql_rows(conn, 'SHOW VERSIONS IN MODEL "Odd ""name"" 1"')
    assert [r["name"] for r in rows] == ["v.1 'x'"]
    conn.execute('ALTER MODEL "Odd ""name"" 1" VERSION "v.1 \'x\'" SET ALIAS = "the 1"')
    assert reg.get_model('"Odd ""name"" 1"').version('"the 1"').version_name == "v.1 'x'"
    mv.set_metric("it's", {"nested": "va\"l'ue"})
    assert mv.get_metric("it's") == {"nested": "va\"l'ue"}
    # LIKE wildcards in names are matched literally
    log(reg, '"odd%name"')
    assert reg.get_model('"odd%name"').name == "odd%name"
    with pytest.raises(ObjectNotFound):
        reg.get_model('"odd_name"')


def test_registry_location(conn):
    conn.execute("CREATE DATABASE ml; CREATE SCHEMA ml.dev")
    assert Registry(conn, database_name="ml").location == "ML.PUBLIC"
    reg = Registry(conn, database_name="ml", schema_name="dev")
    log(reg, "m")
    assert [r["name"] for r in sql_rows(conn, "SHOW MODELS IN SCHEMA ml.dev")] == ["M"]
    assert sql_rows(conn, "SHOW MODELS IN SCHEMA sqlgate.public") == []
    with pytest.raises(SqlgateError, match="does not exist"):
        Registry(conn, database_name="ml", schema_name="nope")
    with pytest.raises(InvalidValue, match=r"sqlgate\.connect"):
        Registry(object())  # type: ignore[arg-type]


def test_requirements(reg):
    mv = log(
        reg,
        pip_requirements=["requests>=2"],
        conda_dependencies=["conda-forge::pyyaml=6.0", "numpy"],
    )
    row = reg.get_model("my_model").show_versions().iloc[0]
    requirements = json.loads(row["environment"])["requirements"]
    assert requirements[:3] == ["requests>=2", "pyyaml==6.0", "numpy"]
    (pin,) = requirements[3:]
    assert pin.startswith("scikit-learn>=1.") and ",<2" in pin
    assert mv.version_name == "V1"
    # the user's own requirement for a flavor library wins over the pin
    log(reg, "pinned", pip_requirements=["scikit-learn"])
    row = reg.get_model("pinned").show_versions().iloc[0]
    assert json.loads(row["environment"])["requirements"] == ["scikit-learn"]


# --- run ------------------------------------------------------------------------------------------


def test_run_matches_columns_by_name(reg):
    mv = log(reg, target_methods=["predict"])
    shuffled = X[["c", "a", "b"]].rename(columns={"a": "A"}).assign(extra="kept")
    result = mv.run(shuffled)  # one function: function_name may be left out
    assert list(result.columns) == ["c", "A", "b", "extra", "output_feature_0"]
    assert np.array_equal(result["output_feature_0"], CLF.predict(X))
    assert result.index.equals(shuffled.index)


def test_run_errors(reg):
    mv = log(reg)
    with pytest.raises(InvalidValue, match=r"PREDICT: the data has no column 'b'"):
        mv.run(X[["a", "c"]], function_name="predict")
    with pytest.raises(InvalidValue, match=r"has several functions \(.*\); pass function_name"):
        mv.run(X)
    with pytest.raises(
        InvalidValue, match=r"Model SQLGATE\.PUBLIC\.MY_MODEL version V1 has no function EXPLAIN"
    ):
        mv.run(X, function_name="explain")
    with pytest.raises(InvalidValue, match=r"input column 'a' \(str\) cannot be read as DOUBLE"):
        mv.run(X.assign(a="x"), function_name="predict")


# --- aliases, default version, comments --------------------------------------------------------


def test_aliases_set_in_sql_resolve_in_python(conn, reg):
    log(reg, version_name="v1")
    log(reg, version_name="v2")
    conn.execute("ALTER MODEL my_model VERSION v1 SET ALIAS = production;")  # seed 002
    model = reg.get_model("my_model")
    assert model.version("production").version_name == "V1"
    assert model.version("PRODUCTION").version_name == "V1"
    assert model.version("last").version_name == "V2"
    assert model.version("default").version_name == "V1"
    conn.execute("ALTER MODEL my_model VERSION v1 UNSET ALIAS")
    conn.execute("ALTER MODEL my_model VERSION v2 SET ALIAS = production")
    assert model.version("production").version_name == "V2"
    with pytest.raises(
        ObjectNotFound, match=r"Version 'ALPHA' of model 'SQLGATE\.PUBLIC\.MY_MODEL'"
    ):
        model.version("alpha")
    with pytest.raises(ObjectNotFound, match="Did you mean 'V1'"):
        model.version('"v1"')


def test_default_version(conn, reg):
    log(reg, version_name="v1")
    v2 = log(reg, version_name="v2")
    model = reg.get_model("my_model")
    assert model.default.version_name == "V1"
    model.default = "v2"
    assert sql_rows(conn, "SHOW MODELS")[0]["default_version_name"] == "V2"
    model.default = model.version("v1")
    assert model.default.version_name == "V1"
    conn.execute("ALTER MODEL my_model SET DEFAULT_VERSION = v2")  # seed 002
    assert model.default.version_name == v2.version_name
    with pytest.raises(SqlgateError, match=r"Version 'V9' of model 'SQLGATE\.PUBLIC\.MY_MODEL'"):
        model.default = "v9"


def test_comments(conn, reg):
    mv = log(reg)
    model = reg.get_model("my_model")
    assert model.comment is None and mv.comment is None
    model.comment = "churn model"
    mv.comment = "baseline"
    assert (model.comment, model.description, mv.description) == (
        "churn model",
        "churn model",
        "baseline",
    )
    conn.execute("ALTER MODEL my_model MODIFY VERSION v1 SET COMMENT = 'promoted after review'")
    assert mv.comment == "promoted after review"


# --- metrics and tags ----------------------------------------------------------------------------


def test_metrics(conn, reg):
    mv = log(reg, version_name="v1")
    mv.set_metric("accuracy", 0.769)  # seed 002's Python line
    mv.set_metric("confusion", np.array([[5, 1], [2, 7]]))
    mv.set_metric("f1", np.float32(0.5))
    assert mv.get_metric("accuracy") == 0.769
    assert mv.show_metrics() == {"accuracy": 0.769, "confusion": [[5, 1], [2, 7]], "f1": 0.5}
    # stored where seed 002's SQL puts it, so metadata:metric:accuracy reads it
    metadata = json.loads(sql_rows(conn, "SHOW VERSIONS IN MODEL my_model")[0]["metadata"])
    assert metadata["metric"]["accuracy"] == 0.769
    mv.delete_metric("confusion")
    assert sorted(mv.show_metrics()) == ["accuracy", "f1"]
    with pytest.raises(KeyError, match="has no metric 'recall'"):
        mv.get_metric("recall")
    with pytest.raises(KeyError):
        mv.delete_metric("recall")
    with pytest.raises(InvalidValue, match="must be JSON-serialisable"):
        mv.set_metric("bad", object())
    assert sorted(mv.show_metrics()) == ["accuracy", "f1"]

    # SQL's metadata is the same metadata: other keys survive set_metric, and vice versa
    conn.execute(
        "ALTER MODEL my_model MODIFY VERSION v1\n"
        """SET METADATA = '{"metric": {"accuracy": 0.8}, "owner": "ml"}';"""
    )
    assert mv.show_metrics() == {"accuracy": 0.8}
    mv.set_metric("auc", 0.9)
    metadata = json.loads(sql_rows(conn, "SHOW VERSIONS IN MODEL my_model")[0]["metadata"])
    assert metadata == {"metric": {"accuracy": 0.8, "auc": 0.9}, "owner": "ml"}


def test_tags(conn, reg):
    log(reg)
    model = reg.get_model("my_model")
    assert model.show_tags() == {}
    model.set_tag("owner_team", "ml-platform")
    model.set_tag('gov."Data Class"', "pii's")
    assert model.show_tags() == {"OWNER_TEAM": "ml-platform", "GOV.Data Class": "pii's"}
    assert model.get_tag("owner_team") == "ml-platform"
    assert model.get_tag('GOV."Data Class"') == "pii's"
    conn.execute("ALTER MODEL my_model SET TAG cost_center = 'c42'")
    assert model.get_tag("cost_center") == "c42"
    model.unset_tag("owner_team")
    assert model.get_tag("owner_team") is None
    assert sorted(model.show_tags()) == ["COST_CENTER", "GOV.Data Class"]


# --- dropping ---------------------------------------------------------------------------------


def test_delete_version_and_model(conn, reg):
    log(reg, version_name="v1")
    v2 = log(reg, version_name="v2")
    model = reg.get_model("my_model")
    with pytest.raises(SqlgateError, match="V1 is the default version"):
        model.delete_version("v1")
    model.delete_version("v2")
    assert [v.version_name for v in model.versions()] == ["V1"]
    with pytest.raises(ObjectNotFound, match=r"Version 'V2' of model 'SQLGATE\.PUBLIC\.MY_MODEL'"):
        v2.run(X, function_name="predict")
    reg.delete_model("my_model")
    assert reg.show_models().empty and reg.models() == []
    assert "default_version_name" in reg.show_models().columns  # typed even when empty
    assert artifacts(conn) == []
    with pytest.raises(ObjectNotFound, match=r"Model 'SQLGATE\.PUBLIC\.MY_MODEL' does not exist"):
        reg.get_model("my_model")
    with pytest.raises(SqlgateError, match="does not exist"):
        reg.delete_model("my_model")
    with pytest.raises(ObjectNotFound):
        model.comment  # noqa: B018


def test_model_dropped_in_sql(conn, reg):
    mv = log(reg)
    conn.execute("DROP MODEL my_model")
    with pytest.raises(ObjectNotFound):
        mv.load()


# --- promoting across schemas ------------------------------------------------------------------


def test_promote_across_schemas(conn):
    conn.execute(
        "CREATE DATABASE dev_db; CREATE SCHEMA dev_db.dev_sch; CREATE SCHEMA dev_db.dev_schema;"
        " CREATE DATABASE prod_db; CREATE SCHEMA prod_db.prod_schema"
    )
    dev = Registry(conn, database_name="dev_db", schema_name="dev_sch")
    prod = Registry(conn, database_name="prod_db", schema_name="prod_schema")
    v12 = log(dev, "dev_model", version_name="V12", comment="candidate", metrics={"auc": 0.91})

    # in Python: log_model takes a ModelVersion and copies it (CREATE MODEL ... FROM MODEL)
    v1 = prod.log_model(v12, model_name="prod_model", version_name="V1")
    assert (v1.fully_qualified_model_name, v1.version_name) == (
        "PROD_DB.PROD_SCHEMA.PROD_MODEL",
        "V1",
    )
    assert (v1.comment, v1.show_metrics()) == ("candidate", {"auc": 0.91})
    assert np.array_equal(v1.run(X, function_name="predict")["output_feature_0"], CLF.predict(X))

    # in SQL, seed 002 verbatim, seen from Python
    dev2 = Registry(conn, database_name="dev_db", schema_name="dev_schema")
    log(dev2, "dev_model", version_name="V24")
    conn.execute(
        "ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V2\n"
        "FROM MODEL dev_db.dev_schema.dev_model VERSION V24;"
    )
    conn.execute("ALTER MODEL prod_db.prod_schema.prod_model\nSET DEFAULT_VERSION = V2;")
    model = prod.get_model("prod_model")
    assert model.default.version_name == "V2"
    conn.execute("ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V1;")
    assert model.default.version_name == "V1"

    # and a Python copy into an existing model, with metrics of its own
    v3 = prod.log_model(
        dev2.get_model("dev_model").default, model_name="prod_model", metrics={"auc": 0.93}
    )
    assert (v3.version_name, v3.show_metrics()) == ("V3", {"auc": 0.93})
    assert [v.version_name for v in model.versions()] == ["V1", "V2", "V3"]
    # seed 002's initial promotion in SQL, run from Python
    conn.execute(
        "CREATE MODEL prod_db.prod_schema.prod_model_sql WITH VERSION V1\n"
        "FROM MODEL dev_db.dev_sch.dev_model VERSION V12;"
    )
    copied = prod.get_model("prod_model_sql").version("v1")
    assert (copied.comment, copied.show_metrics()) == ("candidate", {"auc": 0.91})
    # the copies are independent of the source
    dev.delete_model("dev_model")
    assert np.array_equal(
        copied.run(X, function_name="predict")["output_feature_0"], CLF.predict(X)
    )
    assert np.array_equal(v1.run(X, function_name="predict")["output_feature_0"], CLF.predict(X))


# --- failed log_model leaves nothing ----------------------------------------------------------


class Broken(custom_model.CustomModel):
    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        raise RuntimeError("model is broken")


def assert_untouched(conn, reg, versions: list[str]) -> None:
    """Only MY_MODEL with `versions` exists (or nothing at all), files included."""
    if not versions:
        assert reg.models() == [] and artifacts(conn) == []
        return
    assert [m.name for m in reg.models()] == ["MY_MODEL"]
    rows = sql_rows(conn, "SHOW VERSIONS IN MODEL my_model")
    assert [r["name"] for r in rows] == versions
    assert len({p.parent for p in artifacts(conn)}) == len(versions)


def test_failed_log_model_leaves_nothing(conn, reg):
    # a method that raises while the signature is inferred (before anything is created)
    with pytest.raises(
        InvalidValue,
        match=r"Model SQLGATE\.PUBLIC\.MY_MODEL version V1: calling predict on sample_input_data"
        r" to infer its signature failed: RuntimeError: model is broken",
    ):
        reg.log_model(Broken(), model_name="my_model", sample_input_data=SAMPLE)
    assert_untouched(conn, reg, [])

    # metrics that cannot be stored fail after CREATE MODEL: the new model is dropped again
    with pytest.raises(InvalidValue, match=r"metrics of Model .*MY_MODEL version V1 must be JSON"):
        log(reg, comment="kept?", metrics={"when": pd.Timestamp("2024-01-01")})
    assert_untouched(conn, reg, [])

    # ... and on an existing model, only the new version is dropped
    log(reg, version_name="v1", metrics={"accuracy": 0.7})
    with pytest.raises(InvalidValue, match="JSON-serialisable"):
        log(reg, version_name="v2", metrics={"accuracy": float("nan")})
    assert_untouched(conn, reg, ["V1"])
    assert reg.get_model("my_model").version("v1").show_metrics() == {"accuracy": 0.7}

    # bad arguments are refused before anything is created
    with pytest.raises(InvalidValue, match="has no inference method 'explain'"):
        log(reg, version_name="v3", target_methods=["explain"])
    with pytest.raises(InvalidValue, match=r"give sample_input_data or signatures\['predict'\]"):
        reg.log_model(CLF, model_name="my_model", version_name="v3")
    with pytest.raises(InvalidValue, match=r"signatures given for methods not logged: \['score'\]"):
        reg.log_model(
            CLF,
            model_name="my_model",
            target_methods=["predict"],
            sample_input_data=SAMPLE,
            signatures={
                "score": ModelSignature(
                    [FeatureSpec("a", "DOUBLE")], [FeatureSpec("y", DataType.DOUBLE)]
                )
            },
        )
    with pytest.raises(InvalidValue, match=r"Cannot log a model of type builtins\.dict"):
        reg.log_model({}, model_name="my_model", sample_input_data=SAMPLE)
    unpicklable = FunctionTransformer(lambda frame: frame * 2).fit(SAMPLE)
    with pytest.raises(InvalidValue, match=r"version V3 cannot be saved: PicklingError"):
        reg.log_model(unpicklable, model_name="my_model", version_name="v3", sample_input_data=X)
    with pytest.raises(InvalidValue, match=r"requirements\[0\] must be a single line"):
        log(reg, version_name="v3", pip_requirements=["numpy\nos"])
    with pytest.raises(
        SqlgateError, match=r"Version 'V1' of model 'SQLGATE\.PUBLIC\.MY_MODEL' already"
    ):
        log(reg, version_name="v1")
    assert_untouched(conn, reg, ["V1"])


# --- a data directory on disk --------------------------------------------------------------------


def test_on_disk_registry_survives_reconnecting(tmp_path):
    home = tmp_path / "home"
    with sqlgate.connect(home) as conn:
        log(Registry(conn), version_name="v1", metrics={"accuracy": 0.7})
    with sqlgate.connect(home) as conn:
        mv = Registry(conn).get_model("my_model").default
        assert mv.show_metrics() == {"accuracy": 0.7}
        result = mv.run(X, function_name="predict_proba")
        assert np.allclose(result[["output_feature_0", "output_feature_1"]], CLF.predict_proba(X))
        assert isinstance(mv.load(), LogisticRegression)
        assert isinstance(Registry(conn).get_model("my_model"), Model)


# --- the signature API ---------------------------------------------------------------------------


def test_signature_api():
    from sqlgate.registry.manifest import TYPES
    from sqlgate.registry.signature import infer_signature

    assert [t.value for t in DataType] == list(TYPES)
    assert FeatureSpec("x", "int64").dtype is DataType.INT64
    with pytest.raises(InvalidValue, match="dtype must be one of"):
        FeatureSpec("x", "FLOAT64")
    with pytest.raises(InvalidValue, match="array-valued features"):
        FeatureSpec("x", DataType.DOUBLE, shape=(3,))
    with pytest.raises(InvalidValue, match="at least one output"):
        ModelSignature(inputs=[FeatureSpec("x", DataType.DOUBLE)], outputs=[])
    signature = infer_signature(SAMPLE, CLF.predict_proba(SAMPLE))
    assert signature.inputs == tuple(FeatureSpec(c, DataType.DOUBLE) for c in "abc")
    assert [o.name for o in signature.outputs] == ["output_feature_0", "output_feature_1"]
    assert infer_signature(SAMPLE, pd.Series(["x"] * 10, name="label")).outputs == (
        FeatureSpec("label", DataType.STRING),
    )
