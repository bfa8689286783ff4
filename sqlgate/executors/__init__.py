"""Executors: each maps one family of statements onto one backend. Importing a module
registers its executors (see registry.executes)."""

from sqlgate.executors import (  # noqa: F401  (importing registers the executors)
    compute_pool,
    database,
    image_repository,
    model,
    network,
    privilege,
    role,
    service,
    session,
    user,
)
from sqlgate.executors.registry import EXECUTORS, executor_for, key_of

__all__ = ["EXECUTORS", "executor_for", "key_of"]
