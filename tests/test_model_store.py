"""The artifact store and the manifest format, through real DuckDB and real files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

import sqlgate
from sqlgate.errors import SqlgateError
from sqlgate.registry import manifest, store

FIXTURES = Path(__file__).parent / "fixtures" / "models"
PREDICT = {
    "name": "predict",
    "target_method": "predict",
    "inputs": [{"name": "a", "type": "DOUBLE"}],
    "outputs": [{"name": "y", "type": "DOUBLE"}],
}


def entry(path: str, content: bytes) -> dict:
    return {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def make_version(
    directory: Path, contents: dict[str, bytes], listed: list[dict] | None = None, **top
) -> Path:
    """A version directory holding `contents`, listed with correct hashes unless `listed` is
    given; `top` overrides manifest keys."""
    directory.mkdir(parents=True, exist_ok=True)
    for path, content in contents.items():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_bytes(content)
    data = {
        "format": manifest.FORMAT,
        "flavor": "custom",
        "python_version": "3.11",
        "requirements": [],
        "functions": [PREDICT],
        "files": listed if listed is not None else [entry(p, c) for p, c in contents.items()],
        **top,
    }
    (directory / "manifest.json").write_text(json.dumps(data))
    return directory


def artifact_files(models_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(models_dir)) for p in models_dir.rglob("*") if p.is_file())


def versions(session) -> list[tuple]:
    return session.catalog.rows(
        "SELECT model_name, name, artifact FROM model_versions ORDER BY 1, 2"
    )


def fails(session, sql: str, text: str) -> None:
    with pytest.raises(SqlgateError) as raised:
        session.execute(sql)
    assert text in str(raised.value)


# --- verification on import -------------------------------------------------------------------


def test_tampered_file_is_rejected_and_nothing_is_registered(session, tmp_path):
    source = tmp_path / "linear"
    shutil.copytree(FIXTURES / "linear", source)
    (source / "model" / "weights.json").write_bytes(b'{"coef": [6.6, 6.6], "intercept": 0.0}\n')
    fails(session, f"CREATE MODEL m FROM '{source}'", "file 'model/weights.json'")
    fails(session, f"CREATE MODEL m FROM '{source}'", "(tampered or corrupt)")
    assert session.execute("SHOW MODELS")[0].rows() == []
    assert versions(session) == []
    assert artifact_files(session.engine.models_dir) == []


def test_size_mismatch_is_rejected(session, tmp_path):
    source = make_version(
        tmp_path / "v", {"w.bin": b"abc"}, listed=[{**entry("w.bin", b"abc"), "size": 4}]
    )
    fails(session, f"CREATE MODEL m FROM '{source}'", "found 3 bytes")


def test_failed_add_version_leaves_the_model_as_it_was(session, tmp_path):
    session.execute(f"CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'")
    before = artifact_files(session.engine.models_dir)
    source = make_version(tmp_path / "v", {"w.bin": b"abc"})
    (source / "w.bin").write_bytes(b"abd")
    fails(session, f"ALTER MODEL m ADD VERSION v2 FROM '{source}'", "tampered or corrupt")
    assert [v["name"] for v in versions(session)] == ["V1"]
    assert artifact_files(session.engine.models_dir) == before


def test_missing_manifest(session, tmp_path):
    (tmp_path / "empty").mkdir()
    fails(session, f"CREATE MODEL m FROM '{tmp_path / 'empty'}'", "manifest.json is missing")
    assert versions(session) == []


def test_missing_directory(session, tmp_path):
    fails(session, f"CREATE MODEL m FROM '{tmp_path / 'nope'}'", "is not a directory")


def test_listed_file_missing(session, tmp_path):
    source = make_version(tmp_path / "v", {}, listed=[entry("w.bin", b"abc")])
    fails(
        session,
        f"CREATE MODEL m FROM '{source}'",
        "file 'w.bin' listed in manifest.json is missing",
    )


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("../x", "must not contain '..'"),
        ("a/../../x", "must not contain '..'"),
        ("/etc/passwd", "must be relative"),
        ("C:/x", "must be relative"),
        ("a\\..\\x", "must use '/'"),
        ("./a", "must be a normalized path"),
        ("a//b", "must be a normalized path"),
        ("manifest.json", "must not list manifest.json itself"),
    ],
)
def test_listed_paths_must_stay_inside(session, tmp_path, path, problem):
    source = make_version(tmp_path / "v", {}, listed=[entry(path, b"abc")])
    fails(session, f"CREATE MODEL m FROM '{source}'", problem)
    assert artifact_files(session.engine.models_dir) == []


def test_symlink_out_of_the_directory_is_rejected(session, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not a model")
    source = make_version(tmp_path / "v", {}, listed=[entry("w.bin", b"not a model")])
    os.symlink(secret, source / "w.bin")
    fails(session, f"CREATE MODEL m FROM '{source}'", "'w.bin' is a link to outside the directory")
    # a linked sub-directory leads out just the same
    os.symlink(tmp_path, source / "sub")
    listed = [entry("sub/secret.txt", b"not a model")]
    make_version(source, {}, listed=listed)
    fails(session, f"CREATE MODEL m FROM '{source}'", "is a link to outside the directory")
    assert versions(session) == []


def test_symlink_inside_the_directory_is_copied_as_a_file(session, tmp_path):
    source = make_version(tmp_path / "v", {"real.bin": b"abc"})
    os.symlink(source / "real.bin", source / "alias.bin")
    make_version(source, {}, listed=[entry("real.bin", b"abc"), entry("alias.bin", b"abc")])
    session.execute(f"CREATE MODEL m FROM '{source}'")
    copied = store.resolve(session.engine.models_dir, versions(session)[0]["artifact"])
    assert not (copied / "alias.bin").is_symlink()
    assert (copied / "alias.bin").read_bytes() == b"abc"


def test_a_directory_is_not_a_file(session, tmp_path):
    source = make_version(tmp_path / "v", {}, listed=[entry("sub", b"")])
    (source / "sub").mkdir()
    fails(session, f"CREATE MODEL m FROM '{source}'", "'sub' is not a regular file")


def test_only_the_manifest_and_listed_files_are_copied(session, tmp_path):
    source = make_version(tmp_path / "v", {"model/w.bin": b"weights"})
    (source / "notes.txt").write_text("not listed")
    session.execute(f"CREATE MODEL m FROM '{source}'")
    artifact = versions(session)[0]["artifact"]
    copied = store.resolve(session.engine.models_dir, artifact)
    assert sorted(str(p.relative_to(copied)) for p in copied.rglob("*") if p.is_file()) == [
        "manifest.json",
        "model/w.bin",
    ]
    assert (copied / "manifest.json").read_bytes() == (source / "manifest.json").read_bytes()


def test_the_data_directory_cannot_be_a_source(session):
    session.execute(f"CREATE MODEL m FROM '{FIXTURES / 'linear'}'")
    artifact = store.resolve(session.engine.models_dir, versions(session)[0]["artifact"])
    fails(session, f"CREATE MODEL copy FROM '{artifact}'", "inside sqlgate's data directory")
    fails(session, f"CREATE MODEL copy FROM '{session.engine.models_dir}'", "use FROM MODEL")


# --- the manifest format ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"format": "sqlgate.model/2"}, "format must be 'sqlgate.model/1'"),
        ({"flavor": ""}, "flavor must be a non-empty string"),
        ({"flavor": 3}, "flavor must be a non-empty string"),
        ({"python_version": "2.7"}, "python_version is not valid"),
        ({"requirements": "numpy"}, "requirements must be a JSON array"),
        ({"requirements": ["numpy\nevil"]}, "requirements[0] must be a single line"),
        ({"functions": []}, "functions must list at least one function"),
        ({"functions": [PREDICT, PREDICT]}, "functions has two entries with name 'PREDICT'"),
        ({"functions": [{**PREDICT, "name": "pre dict"}]}, "functions[0].name is not valid"),
        ({"functions": [{**PREDICT, "outputs": []}]}, "must list at least one output"),
        ({"functions": [{**PREDICT, "inputs": {}}]}, "functions[0].inputs must be a JSON array"),
        ({"functions": [{**PREDICT, "extra": 1}]}, "functions[0] has unknown key 'extra'"),
        ({"files": [{"path": "w", "size": True, "sha256": "0" * 64}]}, "files[0].size must be"),
        ({"files": [{"path": "w", "size": 1, "sha256": "ABC"}]}, "files[0].sha256 must be 64"),
        ({"files": [{"path": "w", "size": 1}]}, "files[0] is missing 'sha256'"),
        ({"signature": {}}, "has unknown key 'signature'"),
    ],
)
def test_manifest_validation(tmp_path, change, problem):
    directory = make_version(tmp_path / "v", {}, **change)
    with pytest.raises(manifest.InvalidManifest) as raised:
        manifest.load(directory)
    assert str(directory) in str(raised.value)
    assert problem in str(raised.value)


def test_manifest_not_an_object(tmp_path):
    (tmp_path / "manifest.json").write_text("[]")
    with pytest.raises(manifest.InvalidManifest, match="the manifest must be a JSON object"):
        manifest.load(tmp_path)


def test_manifest_round_trip():
    loaded, raw = manifest.load(FIXTURES / "classifier")
    assert manifest.parse(json.dumps(loaded.to_dict()).encode(), "x") == loaded
    assert raw == (FIXTURES / "classifier" / "manifest.json").read_bytes()
    assert [f.name for f in loaded.functions] == ["predict", "predict_proba"]
    assert loaded.functions[0].inputs[1].arrow_type.bit_width == 64


def test_committed_fixtures_verify():
    for name in ("linear", "classifier"):
        loaded, _ = manifest.load(FIXTURES / name)
        for item in loaded.files:
            content = (FIXTURES / name / item.path).read_bytes()
            assert (len(content), hashlib.sha256(content).hexdigest()) == (item.size, item.sha256)


# --- layout and lifecycle of artifact directories ---------------------------------------------


def test_safe_path_parts():
    for name in ("..", ".", "a/b", "a\\b", "My Model", "", "x" * 300, "ÄÖ"):
        part = store.safe_part(name)
        assert part not in ("", ".", "..")
        assert "/" not in part and "\\" not in part and len(part) <= 64 + 9
    assert store.safe_part("V1") == "V1"
    assert store.safe_part("a b") != store.safe_part("a_b")


def test_copies_are_removed_when_the_catalog_write_fails(session):
    models_dir = session.engine.models_dir
    with (
        pytest.raises(RuntimeError),
        store.ArtifactChanges(models_dir) as files,
        session.catalog.write(),
    ):
        files.copy(FIXTURES / "linear", store.artifact_path("D", "S", "M", "V1"))
        assert artifact_files(models_dir) != []
        raise RuntimeError("the catalog write failed")
    assert list(models_dir.iterdir()) == []


def test_drop_version_removes_its_artifact(session):
    session.execute(f"CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'")
    session.execute(f"ALTER MODEL m ADD VERSION v2 FROM '{FIXTURES / 'classifier'}'")
    models_dir = session.engine.models_dir
    paths = {v["name"]: store.resolve(models_dir, v["artifact"]) for v in versions(session)}
    assert all((p / "manifest.json").is_file() for p in paths.values())
    session.execute("ALTER MODEL m DROP VERSION v2")
    assert not paths["V2"].exists()
    assert paths["V1"].is_dir()


def test_failed_drop_version_keeps_its_artifact(session):
    session.execute(f"CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'")
    fails(session, "ALTER MODEL m DROP VERSION v1", "is the default version")
    assert store.resolve(session.engine.models_dir, versions(session)[0]["artifact"]).is_dir()


def test_drop_and_replace_model_remove_artifacts(session):
    models_dir = session.engine.models_dir
    session.execute(f"CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'")
    old = store.resolve(models_dir, versions(session)[0]["artifact"])
    session.execute(f"CREATE OR REPLACE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'linear'}'")
    new = store.resolve(models_dir, versions(session)[0]["artifact"])
    assert not old.exists() and new.is_dir() and old != new
    session.execute("DROP MODEL m")
    assert list(models_dir.iterdir()) == []  # empty model/schema/database folders go too


def test_rename_keeps_artifacts_usable(session):
    session.execute(f"CREATE MODEL m FROM '{FIXTURES / 'linear'}'")
    session.execute("ALTER MODEL m RENAME TO renamed")
    session.execute(f"CREATE MODEL m FROM '{FIXTURES / 'linear'}'")
    rows = versions(session)
    assert [r["model_name"] for r in rows] == ["M", "RENAMED"]
    assert len({r["artifact"] for r in rows}) == 2
    assert all(store.resolve(session.engine.models_dir, r["artifact"]).is_dir() for r in rows)
    session.execute("CREATE MODEL copied FROM MODEL renamed")
    assert len(versions(session)) == 3


def test_quoted_names_make_safe_directories(session):
    session.execute(
        f"""CREATE MODEL "../../escape" WITH VERSION "a/b" FROM '{FIXTURES / "linear"}'"""
    )
    models_dir = session.engine.models_dir
    artifact = versions(session)[0]["artifact"]
    path = store.resolve(models_dir, artifact)
    assert models_dir in path.parents and len(path.relative_to(models_dir).parts) == 4
    assert (path / "manifest.json").is_file()


def test_on_disk_data_directory(tmp_path):
    home = tmp_path / "home"
    with sqlgate.connect(home) as conn:
        conn.session.execute(f"CREATE MODEL m WITH VERSION v1 FROM '{FIXTURES / 'classifier'}'")
        conn.session.execute("ALTER MODEL m VERSION v1 SET ALIAS = production")
    with sqlgate.connect(home) as conn:  # a new connection to the same data directory
        session = conn.session
        row = session.catalog.one("SELECT * FROM model_versions")
        assert row is not None and row["name"] == "V1" and row["model_type"] == "custom"
        alias = session.catalog.one("SELECT alias, version_name FROM model_aliases")
        assert alias == {"alias": "PRODUCTION", "version_name": "V1"}
        assert session.engine.models_dir == home / "models"
        copied = home / "models" / row["artifact"]
        assert row["artifact"].startswith("SQLGATE/PUBLIC/M/V1-")
        for name in ("manifest.json", "model/weights.json", "labels.txt"):
            assert (copied / name).read_bytes() == (FIXTURES / "classifier" / name).read_bytes()
        shown = session.execute("SHOW VERSIONS IN MODEL m")[0]
        assert shown.table.column("size").to_pylist() == [
            store.size(home / "models", row["artifact"])
        ]
