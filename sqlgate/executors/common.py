"""Helpers every executor uses: SHOW's LIKE / STARTS WITH / LIMIT ... FROM, tags, options."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sqlglot import exp

from sqlgate.gateway.names import ident
from sqlgate.grammar import options as opt
from sqlgate.grammar.nodes import SqlgateStatement


def like_regex(pattern: str) -> re.Pattern[str]:
    """SQL LIKE (`%`, `_`, backslash escapes) as a case-insensitive regex, as SHOW ... LIKE is."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def show_filter(rows: Iterable[dict], node: exp.Expr, key: str = "name") -> list[dict]:
    """Apply SHOW's LIKE, STARTS WITH and LIMIT n [FROM 'name'] to rows sorted by `key`."""
    result = sorted(rows, key=lambda r: r[key])
    like = node.args.get("like")
    if like is not None:
        regex = like_regex(like.name)
        result = [r for r in result if regex.fullmatch(r[key])]
    starts_with = node.args.get("starts_with")
    if starts_with:  # case-sensitive, as Snowflake documents
        result = [r for r in result if r[key].startswith(starts_with.name)]
    from_ = node.args.get("from_")
    if from_ is not None:
        result = [r for r in result if r[key] > from_.name]
    limit = node.args.get("limit")
    if limit is not None:
        result = result[: int(limit.expression.to_py())]
    return result


def options(node: SqlgateStatement) -> dict[str, Any]:
    """A statement's options as Python values keyed by upper-case name."""
    return {key: opt.to_py(value) for key, value in opt.option_dict(node.expressions).items()}


def tags_after(current: str | dict | None, node: exp.Expr) -> str:
    """The tags JSON after CREATE ... TAG (...), ALTER ... SET TAG or UNSET TAG."""
    tags = dict(json.loads(current) if isinstance(current, str) else current or {})
    assignments = node.args.get("tags")
    created = opt.option_dict(node.expressions if node.expressions else None).get("TAG")
    if created is not None:
        assignments = created
    if assignments is not None:
        unsetting = str(node.args.get("action", "")).endswith("UNSET")
        for item in assignments.expressions:
            if unsetting:
                tags.pop(".".join(ident(p) for p in item.parts), None)
            else:
                name = ".".join(ident(p) for p in item.this.parts)
                tags[name] = item.args["value"].name
    return json.dumps(tags, sort_keys=True)


def created(kind: str, name: str) -> str:
    return f"{kind} {name} successfully created."


def already_exists(name: str) -> str:
    return f"{name} already exists, statement succeeded."


def dropped(name: str) -> str:
    return f"{name} successfully dropped."


def skipped_drop(name: str) -> str:
    return f"Drop statement executed successfully ({name} already dropped)."


DONE = "Statement executed successfully."
