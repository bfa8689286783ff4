"""Which executor runs which statement: a table keyed by node class, or for sqlglot's generic
Show/Drop/Describe/Create/Use nodes, by (verb, object kind)."""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Hashable

from sqlglot import exp

if t.TYPE_CHECKING:
    from sqlgate.gateway.result import Result
    from sqlgate.gateway.session import Session

Executor = Callable[[t.Any, "Session"], "Result"]
EXECUTORS: dict[Hashable, Executor] = {}


def executes(*keys: Hashable) -> Callable[[Executor], Executor]:
    def register(function: Executor) -> Executor:
        for key in keys:
            if key in EXECUTORS:
                raise RuntimeError(f"two executors for {key}")
            EXECUTORS[key] = function
        return function

    return register


def key_of(node: exp.Expr) -> Hashable:
    if isinstance(node, exp.Show):
        return ("SHOW", node.name.upper())
    if isinstance(node, exp.Drop):
        return ("DROP", str(node.args.get("kind") or "").upper())
    if isinstance(node, exp.Describe):
        return ("DESCRIBE", str(node.args.get("kind") or "TABLE").upper())
    if isinstance(node, exp.Create):
        return ("CREATE", str(node.args.get("kind") or "").upper())
    if isinstance(node, exp.Use):
        kind = node.args.get("kind")
        return ("USE", kind.name.upper() if isinstance(kind, exp.Expr) else str(kind or "").upper())
    return type(node)


def executor_for(node: exp.Expr) -> Executor | None:
    return EXECUTORS.get(key_of(node))
