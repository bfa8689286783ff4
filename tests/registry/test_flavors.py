"""Each flavor, through Registry.log_model and back: ModelVersion.run on a held-out sample equals
the library's own output, and so does the version loaded from the store with LoadedModel (as the
SQL side loads it). Also: models that cannot load (a newer library, a corrupt file) fail with an
error naming the version, and custom models carry their artifacts and their code."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sklearn
import xgboost as xgb
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sqlgate.registry import Registry, custom_model, store, version_dir
from sqlgate.registry import manifest as manifests
from sqlgate.registry.signature import DataType, FeatureSpec, ModelSignature
from sqlgate.runtime.loaded import LoadedModel, ModelLoadError

RNG = np.random.default_rng(7)
DATA = pd.DataFrame(RNG.normal(size=(240, 4)), columns=["f0", "f1", "f2", "f3"])
LABEL = (DATA.f0 + 0.5 * DATA.f1 - DATA.f2 > 0).astype(int)
TARGET = 2.0 * DATA.f0 - DATA.f3 + RNG.normal(scale=0.1, size=len(DATA))
TRAIN, TEST = DATA.iloc[:180], DATA.iloc[180:]  # TEST is held out from every fit


@pytest.fixture
def reg(conn) -> Registry:
    return Registry(conn)


def outputs(result: pd.DataFrame, inputs: pd.DataFrame) -> np.ndarray:
    """The output columns run() added to the inputs, as a 1-D or 2-D array."""
    added = result.drop(columns=list(inputs.columns)).to_numpy()
    return added[:, 0] if added.shape[1] == 1 else added


def artifact_dir(conn, mv) -> Path:
    row = conn.session.catalog.one(
        "SELECT artifact FROM model_versions WHERE model_name = ? AND name = ?",
        [mv.model_name, mv.version_name],
    )
    return store.resolve(conn.session.engine.models_dir, row["artifact"])


def check_flavor(conn, reg, model, flavor: str, expected: dict[str, np.ndarray]) -> None:
    """Log `model`, then compare run() and a LoadedModel round trip, on one chunk and on many,
    with `expected` (method -> the library's own output on TEST)."""
    mv = reg.log_model(model, model_name=f"m_{flavor}", sample_input_data=TRAIN.head(20))
    versions = reg.get_model(f"m_{flavor}").show_versions()
    assert json.loads(versions.loc[0, "model_attributes"]) == {"framework": flavor}
    functions = {f["target_method"] for f in mv.show_functions()}
    assert set(expected) <= functions
    loaded = LoadedModel.load(artifact_dir(conn, mv), "m version V1")
    table = pa.Table.from_pandas(TEST, preserve_index=False)
    for method, want in expected.items():
        got = outputs(mv.run(TEST, function_name=method), TEST)
        assert got.shape == np.shape(want), method
        assert np.allclose(got.astype(float), np.asarray(want, dtype=float)), method
        result = loaded.call(method, table)
        assert result.num_rows == len(TEST)
        round_trip = np.column_stack([c.to_numpy() for c in result.columns]).squeeze()
        assert np.allclose(round_trip.astype(float), np.asarray(want, dtype=float)), method
        # in uneven chunks, as the projection path hands over what DuckDB streamed
        chunked = pa.Table.from_batches(table.to_batches(max_chunksize=7))
        assert chunked.column(0).num_chunks > 1
        assert loaded.call(method, chunked).equals(result), method


# --- scikit-learn ------------------------------------------------------------------------------


def test_sklearn_logistic_regression(conn, reg):
    model = LogisticRegression().fit(TRAIN, LABEL[:180])
    check_flavor(
        conn,
        reg,
        model,
        "sklearn",
        {
            "predict": model.predict(TEST),
            "predict_proba": model.predict_proba(TEST),
            "decision_function": model.decision_function(TEST),
        },
    )


def test_sklearn_random_forest_with_string_labels(conn, reg):
    labels = np.where(LABEL[:180] == 1, "yes", "no")
    model = RandomForestClassifier(n_estimators=8, max_depth=3, random_state=0).fit(TRAIN, labels)
    mv = reg.log_model(model, model_name="forest", sample_input_data=TRAIN.head(10))
    predict = next(f for f in mv.show_functions() if f["name"] == "PREDICT")
    assert predict["signature"].outputs == (FeatureSpec("output_feature_0", DataType.STRING),)
    result = mv.run(TEST, function_name="predict")
    assert list(result["output_feature_0"]) == list(model.predict(TEST))
    probabilities = outputs(mv.run(TEST, function_name="PREDICT_PROBA"), TEST)
    assert np.allclose(probabilities, model.predict_proba(TEST))


def test_sklearn_pipeline(conn, reg):
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    model.fit(TRAIN, LABEL[:180])
    check_flavor(
        conn,
        reg,
        model,
        "sklearn",
        {"predict": model.predict(TEST), "predict_proba": model.predict_proba(TEST)},
    )


def test_sklearn_regressor_and_transformer(conn, reg):
    model = Ridge(alpha=0.5).fit(TRAIN.to_numpy(), TARGET[:180])  # fitted without names
    check_flavor(conn, reg, model, "sklearn", {"predict": model.predict(TEST.to_numpy())})
    pca = Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=2))]).fit(TRAIN)
    mv = reg.log_model(pca, model_name="pca", sample_input_data=TRAIN.head(10))
    assert [f["name"] for f in mv.show_functions()] == ["TRANSFORM", "SCORE_SAMPLES"]
    transformed = outputs(mv.run(TEST, function_name="transform"), TEST)
    assert np.allclose(transformed, pca.transform(TEST))


# --- XGBoost -------------------------------------------------------------------------------------


def test_xgboost_classifier(conn, reg):
    model = xgb.XGBClassifier(n_estimators=8, max_depth=3).fit(TRAIN, LABEL[:180])
    check_flavor(
        conn,
        reg,
        model,
        "xgboost",
        {"predict": model.predict(TEST), "predict_proba": model.predict_proba(TEST)},
    )
    files = sorted(p.name for p in artifact_dir(conn, reg.get_model("m_xgboost").default).iterdir())
    assert "model.ubj" in files and "model.joblib" not in files  # XGBoost's own format


def test_xgboost_regressor(conn, reg):
    model = xgb.XGBRegressor(n_estimators=8, max_depth=3).fit(TRAIN, TARGET[:180])
    check_flavor(conn, reg, model, "xgboost", {"predict": model.predict(TEST)})


def test_xgboost_booster(conn, reg):
    booster = xgb.train(
        {"max_depth": 3, "objective": "binary:logistic"},
        xgb.DMatrix(TRAIN, label=LABEL[:180]),
        num_boost_round=8,
    )
    check_flavor(conn, reg, booster, "xgboost", {"predict": booster.predict(xgb.DMatrix(TEST))})


def test_xgboost_subclass_is_pickled(conn, reg):
    model = LocalXGB(n_estimators=4, max_depth=2).fit(TRAIN, LABEL[:180])
    mv = reg.log_model(model, model_name="sub", sample_input_data=TRAIN.head(10))
    assert (artifact_dir(conn, mv) / "model.joblib").is_file()
    assert np.allclose(outputs(mv.run(TEST, function_name="predict"), TEST), model.predict(TEST))


class LocalXGB(xgb.XGBClassifier):
    """A user's subclass: XGBoost's model file cannot rebuild it."""


# --- LightGBM ------------------------------------------------------------------------------------


def test_lightgbm_classifier(conn, reg):
    model = lgb.LGBMClassifier(n_estimators=8, num_leaves=7, verbose=-1).fit(TRAIN, LABEL[:180])
    check_flavor(
        conn,
        reg,
        model,
        "lightgbm",
        {"predict": model.predict(TEST), "predict_proba": model.predict_proba(TEST)},
    )


def test_lightgbm_regressor(conn, reg):
    model = lgb.LGBMRegressor(n_estimators=8, num_leaves=7, verbose=-1).fit(TRAIN, TARGET[:180])
    check_flavor(conn, reg, model, "lightgbm", {"predict": model.predict(TEST)})


def test_lightgbm_booster(conn, reg):
    booster = lgb.train(
        {"objective": "regression", "num_leaves": 7, "verbose": -1},
        lgb.Dataset(TRAIN, label=TARGET[:180]),
        num_boost_round=8,
    )
    check_flavor(conn, reg, booster, "lightgbm", {"predict": booster.predict(TEST)})
    assert (artifact_dir(conn, reg.get_model("m_lightgbm").default) / "model.txt").is_file()


# --- custom models -------------------------------------------------------------------------------


class Linear(custom_model.CustomModel):
    """Weights from an artifact file; two inference methods and a helper that is not one."""

    def __init__(self, context: custom_model.ModelContext) -> None:
        super().__init__(context)

    def weights(self) -> np.ndarray:
        return np.asarray(json.loads(Path(self.context.path("weights")).read_text()))

    @custom_model.inference_api
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"score": X[["f0", "f1"]].to_numpy() @ self.weights()})

    @custom_model.inference_api
    def label(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"label": np.where(self.predict(X)["score"] > 0, "pos", "neg")})


def test_custom_model_with_an_artifact(conn, reg, tmp_path):
    weights = tmp_path / "weights.json"
    weights.write_text("[2.0, -1.0]")
    model = Linear(custom_model.ModelContext(artifacts={"weights": weights}))
    expected = {"predict": model.predict(TEST)["score"].to_numpy()}
    labels = list(model.label(TEST)["label"])
    check_flavor(conn, reg, model, "custom", expected)
    mv = reg.get_model("m_custom").default
    assert [f["name"] for f in mv.show_functions()] == ["PREDICT", "LABEL"]
    label = next(f for f in mv.show_functions() if f["name"] == "LABEL")["signature"]
    assert label.outputs == (FeatureSpec("label", DataType.STRING),)
    weights.write_text("[0.0, 0.0]")  # the registry has its own copy
    assert np.allclose(outputs(mv.run(TEST, function_name="predict"), TEST), expected["predict"])
    loaded = mv.load()
    assert Path(loaded.context.path("weights")).is_relative_to(artifact_dir(conn, mv))
    assert list(mv.run(TEST, function_name="label")["label"]) == labels


def test_custom_model_methods(reg, tmp_path):
    weights = tmp_path / "w.json"
    weights.write_text("[1.0, 1.0]")
    model = Linear(custom_model.ModelContext(artifacts={"weights": str(weights)}))
    mv = reg.log_model(model, model_name="only", sample_input_data=TRAIN, target_methods=["label"])
    assert [f["name"] for f in mv.show_functions()] == ["LABEL"]
    with pytest.raises(Exception, match=r"Linear has no inference method 'weights'"):
        reg.log_model(model, model_name="bad", sample_input_data=TRAIN, target_methods=["weights"])
    with pytest.raises(Exception, match=r"NoMethods model has no inference methods"):
        reg.log_model(NoMethods(), model_name="none", sample_input_data=TRAIN)
    missing = Linear(custom_model.ModelContext(artifacts={"weights": tmp_path / "gone.json"}))
    with pytest.raises(Exception, match=r"Artifact 'weights' .* does not exist"):
        reg.log_model(missing, model_name="gone", sample_input_data=TRAIN)
    assert sorted(m.name for m in reg.models()) == ["ONLY"]


class NoMethods(custom_model.CustomModel):
    def predict(self, X: pd.DataFrame) -> pd.DataFrame:  # not marked: not an inference method
        return X


def test_custom_model_loads_without_its_source(conn, reg, tmp_path):
    """A class from the user's own code is pickled by value: another process (the gateway)
    loads and runs it without the test module on its path."""
    weights = tmp_path / "weights.json"
    weights.write_text("[2.0, -1.0]")
    mv = reg.log_model(
        Linear(custom_model.ModelContext(artifacts={"weights": weights})),
        model_name="portable",
        sample_input_data=TRAIN.head(5),
    )
    script = textwrap.dedent(
        f"""
        import sys
        import pyarrow as pa
        from sqlgate.runtime.loaded import LoadedModel
        assert "tests" not in sys.modules
        model = LoadedModel.load(__import__("pathlib").Path({str(artifact_dir(conn, mv))!r}), "m")
        table = pa.table({{"f0": [1.0, 0.0], "f1": [1.0, 3.0], "f2": [0.0, 0.0], "f3": [0.0, 0.0]}})
        print(model.call("predict", table).column("score").to_pylist())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1.0, -3.0]"


# --- explicit signatures -------------------------------------------------------------------------


def test_explicit_signature_without_sample_data(conn, reg):
    model = Ridge().fit(TRAIN[["f0", "f1"]], TARGET[:180])
    signature = ModelSignature(
        inputs=[FeatureSpec("f0", DataType.DOUBLE), FeatureSpec("f1", "double")],
        outputs=[FeatureSpec("prediction", DataType.DOUBLE)],
    )
    mv = reg.log_model(model, model_name="explicit", signatures={"predict": signature})
    assert mv.show_functions()[0]["signature"] == signature
    result = mv.run(TEST)
    assert np.allclose(result["prediction"], model.predict(TEST[["f0", "f1"]]))
    row = conn.execute("SHOW FUNCTIONS IN MODEL explicit").fetchall()[0]
    assert row[5] == "PREDICT(F0 FLOAT, F1 FLOAT) RETURN OBJECT"


def test_pyarrow_and_numpy_sample_data(reg):
    model = LogisticRegression().fit(TRAIN.to_numpy(), LABEL[:180])
    mv = reg.log_model(
        model, model_name="arrow", sample_input_data=pa.Table.from_pandas(TRAIN.head(5))
    )
    assert [c.name for c in mv.show_functions()[0]["signature"].inputs] == list(TRAIN.columns)
    assert np.array_equal(
        outputs(mv.run(pa.Table.from_pandas(TEST), function_name="predict"), TEST),
        model.predict(TEST.to_numpy()),
    )
    mv = reg.log_model(model, model_name="numpy", sample_input_data=TRAIN.to_numpy()[:5])
    inputs = mv.show_functions()[0]["signature"].inputs
    assert [c.name for c in inputs] == [f"input_feature_{i}" for i in range(4)]


# --- models that cannot be loaded --------------------------------------------------------------


def saved_version(directory: Path) -> Path:
    """A scikit-learn version directory written the way log_model writes one."""
    model = LogisticRegression().fit(TRAIN, LABEL[:180])
    directory.mkdir()
    version_dir.save_model(model, directory, label="test", sample_input_data=TRAIN.head(5))
    return directory


def test_model_saved_with_a_newer_library(conn, reg, tmp_path):
    directory = saved_version(tmp_path / "future")
    path = directory / manifests.MANIFEST_FILE
    data = json.loads(path.read_text())
    assert data["libraries"] == {"scikit-learn": sklearn.__version__}
    data["libraries"]["scikit-learn"] = "99.1.0"
    path.write_text(json.dumps(data))  # the manifest itself is not hashed; its files are
    conn.execute(f"CREATE MODEL future WITH VERSION v1 FROM '{directory}'")
    mv = reg.get_model("future").version("v1")
    message = (
        r"Model SQLGATE\.PUBLIC\.FUTURE version V1 was saved with scikit-learn 99\.1\.0;"
        r" this gateway has 1\.\d+\.\d+"
    )
    with pytest.raises(ModelLoadError, match=message):
        mv.run(TEST, function_name="predict")
    with pytest.raises(ModelLoadError, match=message):
        mv.load()


def test_corrupt_model_file(conn, reg, tmp_path):
    directory = saved_version(tmp_path / "corrupt")
    manifest, _ = manifests.load(directory)
    (directory / "model.joblib").write_bytes(b"not a pickle at all")
    # with its hash left as it was, CREATE MODEL refuses the file ...
    with pytest.raises(Exception, match=r"does not match manifest\.json"):
        conn.execute(f"CREATE MODEL corrupt FROM '{directory}'")
    # ... and re-listed with the new hash, it is registered but fails to load, clearly
    version_dir.write_manifest(
        directory,
        flavor=manifest.flavor,
        functions=manifest.functions,
        requirements=manifest.requirements,
        libraries=manifest.libraries,
    )
    conn.execute(f"CREATE MODEL corrupt FROM '{directory}'")
    mv = reg.get_model("corrupt").default
    with pytest.raises(ModelLoadError, match=r"Model SQLGATE\.PUBLIC\.CORRUPT version V1 failed"):
        mv.run(TEST, function_name="predict")


def test_unknown_flavor_in_a_manifest(conn, reg, tmp_path):
    directory = saved_version(tmp_path / "odd")
    path = directory / manifests.MANIFEST_FILE
    path.write_text(path.read_text().replace('"flavor": "sklearn"', '"flavor": "onnx"'))
    conn.execute(f"CREATE MODEL odd FROM '{directory}'")
    with pytest.raises(ModelLoadError, match="version V1 has flavor 'onnx'"):
        reg.get_model("odd").default.load()
