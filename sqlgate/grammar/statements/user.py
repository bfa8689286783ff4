"""Users and programmatic access tokens: CREATE USER, ALTER USER (SET/UNSET/RENAME TO, ADD/REMOVE
PROGRAMMATIC ACCESS TOKEN), SHOW USER PROGRAMMATIC ACCESS TOKENS.
https://docs.snowflake.com/en/sql-reference/sql/create-user, .../alter-user,
.../alter-user-add-programmatic-access-token, .../show-user-programmatic-access-tokens.
DROP USER, SHOW USERS and DESCRIBE USER are sqlglot's own Drop, Show and Describe nodes."""

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


class CreateUser(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class AlterUser(SqlgateStatement):
    """action: SET, UNSET, RENAME (new name in `to`), ADD TOKEN or REMOVE TOKEN (token name in
    `token`, ADD's options in `expressions`)."""

    arg_types: t.ClassVar[dict[str, bool]] = {**ALTER_ARGS, "to": False, "token": False}


class ShowUserTokens(SqlgateStatement):
    """SHOW USER PROGRAMMATIC ACCESS TOKENS [FOR USER u]."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": False}


# The user properties Snowflake documents that mean something here (MFA, key pairs and
# warehouses have no local counterpart and are refused as unknown options).
USER_OPTIONS: opt.OptionSpec = {
    "PASSWORD": opt.STRING,
    "LOGIN_NAME": opt.NAME,
    "DISPLAY_NAME": opt.NAME,
    "FIRST_NAME": opt.NAME,
    "MIDDLE_NAME": opt.NAME,
    "LAST_NAME": opt.NAME,
    "EMAIL": opt.STRING,
    "MUST_CHANGE_PASSWORD": opt.BOOL,
    "DISABLED": opt.BOOL,
    "DAYS_TO_EXPIRY": opt.INT,
    "DEFAULT_ROLE": opt.NAME,
    "DEFAULT_NAMESPACE": opt.NAME,
    "DEFAULT_WAREHOUSE": opt.NAME,
    "TYPE": opt.NAME,
    "COMMENT": opt.STRING,
}
UNSET_NAMES = tuple(name for name in USER_OPTIONS if name not in ("LOGIN_NAME",))
TOKEN_OPTIONS: opt.OptionSpec = {
    "DAYS_TO_EXPIRY": opt.INT,
    "ROLE_RESTRICTION": opt.NAME,
    "COMMENT": opt.STRING,
}


def parse_create(self: Parser, replace: bool) -> CreateUser:
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "user", qualified=False)
    options = opt.parse_options(self, USER_OPTIONS, "CREATE USER")
    return self.expression(
        CreateUser(this=this, exists=exists, replace=replace, expressions=options)
    )


def _match_token_words(self: Parser) -> bool:
    return bool(
        self._match_text_seq("PROGRAMMATIC", "ACCESS", "TOKEN") or self._match_text_seq("PAT")
    )


def parse_alter(self: Parser) -> AlterUser:
    exists = bool(self._parse_exists())
    this = parse_object_name(self, "user", qualified=False)
    args: dict[str, t.Any]
    if self._match_text_seq("RENAME", "TO"):
        args = {"action": "RENAME", "to": parse_object_name(self, "user", qualified=False)}
    elif self._match_text_seq("ADD"):
        if not _match_token_words(self):
            self.raise_error("Expected PROGRAMMATIC ACCESS TOKEN after ADD")
        token = parse_object_name(self, "token", qualified=False)
        options = opt.parse_options(self, TOKEN_OPTIONS, "ALTER USER ADD PROGRAMMATIC ACCESS TOKEN")
        args = {"action": "ADD TOKEN", "token": token, "expressions": options}
    elif self._match_text_seq("REMOVE"):
        if not _match_token_words(self):
            self.raise_error("Expected PROGRAMMATIC ACCESS TOKEN after REMOVE")
        args = {
            "action": "REMOVE TOKEN",
            "token": parse_object_name(self, "token", qualified=False),
        }
    else:
        args = parse_set_unset(self, USER_OPTIONS, UNSET_NAMES, "ALTER USER")
    expect_end(self)
    return self.expression(AlterUser(this=this, exists=exists, **args))


def parse_show_tokens(self: Parser) -> ShowUserTokens:
    this = None
    if self._match_text_seq("FOR", "USER"):
        this = parse_object_name(self, "user", qualified=False)
    expect_end(self)
    return self.expression(ShowUserTokens(this=this))


def create_sql(self: Generator, expression: CreateUser) -> str:
    return create_header_sql(self, expression, "USER") + opt.options_sql(
        self, expression.expressions
    )


def alter_sql(self: Generator, expression: AlterUser) -> str:
    action = expression.args["action"]
    head = f"ALTER USER{exists_sql(expression)} {self.sql(expression, 'this')}"
    if action == "RENAME":
        return f"{head} RENAME TO {self.sql(expression, 'to')}"
    if action == "ADD TOKEN":
        options = opt.options_sql(self, expression.expressions)
        return f"{head} ADD PROGRAMMATIC ACCESS TOKEN {self.sql(expression, 'token')}{options}"
    if action == "REMOVE TOKEN":
        return f"{head} REMOVE PROGRAMMATIC ACCESS TOKEN {self.sql(expression, 'token')}"
    return head + set_unset_sql(self, expression)


def show_tokens_sql(self: Generator, expression: ShowUserTokens) -> str:
    this = self.sql(expression, "this")
    return "SHOW USER PROGRAMMATIC ACCESS TOKENS" + (f" FOR USER {this}" if this else "")


CREATE_PARSERS = {"USER": parse_create}
ALTER_PARSERS = {"USER": parse_alter}
SHOW_PARSERS = {"USER PROGRAMMATIC ACCESS TOKENS": parse_show_tokens}
DROP_KINDS = ("USER",)
SHOW_KINDS = ("USERS",)
DESCRIBE_KINDS = ("USER",)
TRANSFORMS = {CreateUser: create_sql, AlterUser: alter_sql, ShowUserTokens: show_tokens_sql}
