"""Compute pools: https://docs.snowflake.com/en/sql-reference/sql/create-compute-pool and the
ALTER, DROP, SHOW and DESCRIBE pages beside it."""

from __future__ import annotations

import typing as t

from sqlgate.grammar import options as opt
from sqlgate.grammar.alter import ALTER_ARGS, parse_set_unset, set_unset_sql
from sqlgate.grammar.nodes import (
    CREATE_ARGS,
    SqlgateStatement,
    create_header_sql,
    exists_sql,
    expect_end,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class CreateComputePool(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class AlterComputePool(SqlgateStatement):
    """action: SUSPEND, RESUME, STOP ALL, SET or UNSET."""

    arg_types: t.ClassVar[dict[str, bool]] = ALTER_ARGS


CREATE_OPTIONS: opt.OptionSpec = {
    "MIN_NODES": opt.INT,
    "MAX_NODES": opt.INT,
    "INSTANCE_FAMILY": opt.NAME,
    "AUTO_RESUME": opt.BOOL,
    "INITIALLY_SUSPENDED": opt.BOOL,
    "AUTO_SUSPEND_SECS": opt.INT,
    "TAG": opt.TAGS,
    "COMMENT": opt.STRING,
    "PLACEMENT_GROUP": opt.NAME,
}
SET_OPTIONS: opt.OptionSpec = {
    "MIN_NODES": opt.INT,
    "MAX_NODES": opt.INT,
    "INSTANCE_FAMILY": opt.NAME,
    "AUTO_RESUME": opt.BOOL,
    "AUTO_SUSPEND_SECS": opt.INT,
    "COMMENT": opt.STRING,
    "PLACEMENT_GROUP": opt.NAME,
}
UNSET_NAMES = ("AUTO_SUSPEND_SECS", "AUTO_RESUME", "PLACEMENT_GROUP", "COMMENT")


def parse_create(self: Parser, replace: bool) -> CreateComputePool:
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "compute pool", qualified=False)
    options = opt.parse_options(self, CREATE_OPTIONS, "CREATE COMPUTE POOL")
    return self.expression(
        CreateComputePool(this=this, exists=exists, replace=replace, expressions=options)
    )


def parse_alter(self: Parser) -> AlterComputePool:
    exists = bool(self._parse_exists())
    this = parse_object_name(self, "compute pool", qualified=False)
    if self._match_texts(("SUSPEND", "RESUME")):
        args: dict[str, t.Any] = {"action": self._prev.text.upper()}
    elif self._match_text_seq("STOP", "ALL"):
        args = {"action": "STOP ALL"}
    else:
        args = parse_set_unset(self, SET_OPTIONS, UNSET_NAMES, "ALTER COMPUTE POOL")
    expect_end(self)
    return self.expression(AlterComputePool(this=this, exists=exists, **args))


def create_sql(self: Generator, expression: CreateComputePool) -> str:
    header = create_header_sql(self, expression, "COMPUTE POOL")
    return header + opt.options_sql(self, expression.expressions)


def alter_sql(self: Generator, expression: AlterComputePool) -> str:
    action = expression.args["action"]
    head = f"ALTER COMPUTE POOL{exists_sql(expression)} {self.sql(expression, 'this')}"
    if action in ("SUSPEND", "RESUME", "STOP ALL"):
        return f"{head} {action}"
    return head + set_unset_sql(self, expression)


CREATE_PARSERS = {"COMPUTE POOL": parse_create}
ALTER_PARSERS = {"COMPUTE POOL": parse_alter}
DROP_KINDS = ("COMPUTE POOL",)
SHOW_KINDS = ("COMPUTE POOLS", "COMPUTE POOL INSTANCE FAMILIES")
DESCRIBE_KINDS = ("COMPUTE POOL",)
TRANSFORMS = {CreateComputePool: create_sql, AlterComputePool: alter_sql}
