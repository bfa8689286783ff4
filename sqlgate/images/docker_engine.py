"""The Docker engine, through the docker SDK (never the CLI)."""

from __future__ import annotations

import functools

import docker
import docker.errors

from sqlgate.errors import SqlgateError


class DockerUnavailable(SqlgateError):
    sqlstate = "08001"


@functools.cache
def _client() -> docker.DockerClient:
    return docker.from_env(timeout=600)


def client() -> docker.DockerClient:
    """The engine DOCKER_HOST (or the default socket) names; a clear error when none answers."""
    try:
        engine = _client()
        engine.ping()
    except (docker.errors.DockerException, OSError) as e:
        _client.cache_clear()
        raise DockerUnavailable(
            f"The Docker engine cannot be reached ({e}); model images need a running Docker"
            " engine (set DOCKER_HOST if it is not at the default socket)"
        ) from None
    return engine
