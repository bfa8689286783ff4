"""Egress objects: network rules, external access integrations and secrets.
https://docs.snowflake.com/en/sql-reference/sql/create-network-rule,
.../create-external-access-integration and .../create-secret."""

from __future__ import annotations

import typing as t

from sqlgate.grammar import options as opt
from sqlgate.grammar.nodes import (
    CREATE_ARGS,
    SqlgateStatement,
    create_header_sql,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class CreateNetworkRule(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class CreateExternalAccessIntegration(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class CreateSecret(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


NETWORK_RULE_OPTIONS: opt.OptionSpec = {
    "TYPE": opt.NAME,
    "VALUE_LIST": opt.LIST,
    "MODE": opt.NAME,
    "COMMENT": opt.STRING,
}
INTEGRATION_OPTIONS: opt.OptionSpec = {
    "ALLOWED_NETWORK_RULES": opt.LIST,
    "ALLOWED_API_AUTHENTICATION_INTEGRATIONS": opt.LIST,
    "ALLOWED_AUTHENTICATION_SECRETS": opt.LIST,
    "ENABLED": opt.BOOL,
    "COMMENT": opt.STRING,
}
SECRET_OPTIONS: opt.OptionSpec = {
    "TYPE": opt.NAME,
    "SECRET_STRING": opt.STRING,
    "USERNAME": opt.STRING,
    "PASSWORD": opt.STRING,
    "COMMENT": opt.STRING,
}


def _creator(
    node: type[SqlgateStatement], what: str, spec: opt.OptionSpec, *, qualified: bool
) -> t.Callable[[Parser, bool], SqlgateStatement]:
    def parse(self: Parser, replace: bool) -> SqlgateStatement:
        exists = parse_if_not_exists(self)
        this = parse_object_name(self, what, qualified=qualified)
        options = opt.parse_options(self, spec, f"CREATE {what.upper()}")
        return self.expression(node(this=this, exists=exists, replace=replace, expressions=options))

    return parse


def _printer(kind: str) -> t.Callable[[Generator, SqlgateStatement], str]:
    def sql(self: Generator, expression: SqlgateStatement) -> str:
        return create_header_sql(self, expression, kind) + opt.options_sql(
            self, expression.expressions
        )

    return sql


CREATE_PARSERS = {
    "NETWORK RULE": _creator(
        CreateNetworkRule, "network rule", NETWORK_RULE_OPTIONS, qualified=True
    ),
    "EXTERNAL ACCESS INTEGRATION": _creator(
        CreateExternalAccessIntegration,
        "external access integration",
        INTEGRATION_OPTIONS,
        qualified=False,
    ),
    "SECRET": _creator(CreateSecret, "secret", SECRET_OPTIONS, qualified=True),
}
DROP_KINDS = ("NETWORK RULE", "EXTERNAL ACCESS INTEGRATION", "SECRET")
SHOW_KINDS = ("NETWORK RULES", "EXTERNAL ACCESS INTEGRATIONS", "INTEGRATIONS", "SECRETS")
DESCRIBE_KINDS = ("NETWORK RULE", "EXTERNAL ACCESS INTEGRATION", "INTEGRATION", "SECRET")
TRANSFORMS = {
    CreateNetworkRule: _printer("NETWORK RULE"),
    CreateExternalAccessIntegration: _printer("EXTERNAL ACCESS INTEGRATION"),
    CreateSecret: _printer("SECRET"),
}
