"""The gateway image's inputs, without building it (tests/compose builds and runs it): the locked
core closure it installs, and a missing base image refused before anything is done."""

from __future__ import annotations

import pytest

from sqlgate.images import gateway


def test_locked_core_is_the_core_closure_with_hashes():
    requirements = gateway.locked_core(gateway.source_root())
    entries = {line.split("==")[0]: line for line in requirements.splitlines() if "==" in line}
    # pyproject's dependencies, and what they need (Ray's serve extra included), as locked
    for name in ("sqlglot", "duckdb", "ray", "fastapi", "uvicorn", "scikit-learn", "scipy"):
        assert name in entries
    assert entries["ray"].startswith("ray==2.60.0")
    assert "starlette" in entries  # ray[serve] -> fastapi -> starlette
    # the dev extra stays out
    for name in ("pytest", "ruff", "schemathesis", "mlflow-skinny", "snowflake-connector-python"):
        assert name not in entries
    # every entry is hash-pinned, so pip downloads in hash-checking mode
    assert requirements.count("==") == len(entries)
    assert requirements.count("--hash=sha256:") >= len(entries)


def test_missing_base_image_is_a_clear_error(docker_client):
    before = {i.id for i in docker_client.images.list(filters={"label": gateway.LABEL})}
    with pytest.raises(gateway.GatewayImageError, match="sqlgate images build-base"):
        gateway.build_gateway(docker_client, "sqlgate/no-such-base:1")
    assert {i.id for i in docker_client.images.list(filters={"label": gateway.LABEL})} == before
