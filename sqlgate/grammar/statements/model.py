"""Models and versions in the registry: https://docs.snowflake.com/en/sql-reference/sql/create-model,
.../alter-model (and its ADD/DROP/MODIFY VERSION pages), SHOW MODELS, SHOW VERSIONS IN MODEL,
SHOW FUNCTIONS IN MODEL."""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlgate.grammar import options as opt
from sqlgate.grammar.alter import ALTER_ARGS, parse_set_unset, set_unset_sql
from sqlgate.grammar.nodes import (
    SqlgateStatement,
    create_header_sql,
    exists_sql,
    expect_end,
    expect_words,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser

# Where a version comes from: another model's version, or a saved version directory.
SOURCE_ARGS: dict[str, bool] = {
    "source_model": False,  # FROM MODEL <name>
    "source_version": False,  # ... VERSION <version or alias>
    "location": False,  # FROM '<path>' (a string) or FROM @stage/path (a Var)
}


class CreateModel(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "exists": False,
        "replace": False,
        "version": False,  # WITH VERSION <name>
        **SOURCE_ARGS,
    }


class AlterModel(SqlgateStatement):
    """action: SET, UNSET, RENAME, ADD VERSION, DROP VERSION, MODIFY VERSION, SET ALIAS,
    UNSET ALIAS."""

    arg_types: t.ClassVar[dict[str, bool]] = {
        **ALTER_ARGS,
        "version": False,
        "rename": False,  # RENAME TO <name>
        "alias": False,  # VERSION v SET ALIAS = <alias>
        **SOURCE_ARGS,
    }


class ShowModelFunctions(SqlgateStatement):
    """SHOW FUNCTIONS [LIKE '...'] IN MODEL m [VERSION v]."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "like": False, "version": False}


SET_OPTIONS: opt.OptionSpec = {"COMMENT": opt.STRING, "DEFAULT_VERSION": opt.NAME}
UNSET_NAMES = ("COMMENT",)
VERSION_SET_OPTIONS: opt.OptionSpec = {"COMMENT": opt.STRING, "METADATA": opt.STRING}
VERSION_UNSET_NAMES = ("COMMENT", "METADATA")


def _parse_version_name(self: Parser) -> exp.Expr:
    name = self._parse_id_var(any_token=False)
    if name is None:
        self.raise_error("Expected a version name")
    return t.cast(exp.Expr, name)


def _parse_source(self: Parser) -> dict[str, t.Any]:
    """FROM MODEL m [VERSION v] | FROM '<path>' | FROM @stage[/path]."""
    expect_words(self, "FROM")
    if self._match_text_seq("MODEL"):
        source = parse_object_name(self, "source model", qualified=True)
        version = _parse_version_name(self) if self._match_text_seq("VERSION") else None
        return {"source_model": source, "source_version": version}
    if self._curr and self._curr.token_type == TokenType.PARAMETER:  # @stage/path
        return {"location": self._parse_location_path()}
    location = self._parse_string()
    if location is None:
        self.raise_error("Expected MODEL <name>, '<directory>' or @stage after FROM")
    return {"location": location}


def parse_create(self: Parser, replace: bool) -> CreateModel:
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "model", qualified=True)
    version = _parse_version_name(self) if self._match_text_seq("WITH", "VERSION") else None
    source = _parse_source(self)
    expect_end(self)
    return self.expression(
        CreateModel(this=this, exists=exists, replace=replace, version=version, **source)
    )


def parse_alter(self: Parser) -> AlterModel:
    exists = bool(self._parse_exists())
    this = parse_object_name(self, "model", qualified=True)
    args: dict[str, t.Any]
    if self._match_text_seq("RENAME", "TO"):
        args = {"action": "RENAME", "rename": parse_object_name(self, "model", qualified=True)}
    elif self._match_text_seq("ADD", "VERSION"):
        args = {
            "action": "ADD VERSION",
            "version": _parse_version_name(self),
            **_parse_source(self),
        }
    elif self._match_text_seq("DROP", "VERSION"):
        args = {"action": "DROP VERSION", "version": _parse_version_name(self)}
    elif self._match_text_seq("MODIFY", "VERSION"):
        version = _parse_version_name(self)
        tail = parse_set_unset(self, VERSION_SET_OPTIONS, VERSION_UNSET_NAMES, "MODIFY VERSION")
        action = "MODIFY VERSION " + tail.pop("action")
        args = {**tail, "action": action, "version": version}
    elif self._match_text_seq("VERSION"):
        version = _parse_version_name(self)
        if self._match_text_seq("SET", "ALIAS"):
            if not self._match(TokenType.EQ):
                self.raise_error("Expected = after SET ALIAS")
            alias = self._parse_string() or self._parse_id_var(any_token=False)
            if alias is None:
                self.raise_error("Expected an alias name")
            args = {"action": "SET ALIAS", "version": version, "alias": alias}
        else:
            expect_words(self, "UNSET", "ALIAS")
            args = {"action": "UNSET ALIAS", "version": version}
    else:
        args = parse_set_unset(self, SET_OPTIONS, UNSET_NAMES, "ALTER MODEL")
    expect_end(self)
    return self.expression(AlterModel(this=this, exists=exists, **args))


def _parse_like_in_model(self: Parser) -> tuple[exp.Expr | None, exp.Expr] | None:
    """`[LIKE '<pattern>'] IN MODEL <name>`, or None (nothing consumed) if not that shape."""
    index = self._index
    like = self._parse_string() if self._match(TokenType.LIKE) else None
    if self._match_text_seq("IN", "MODEL"):
        return like, parse_object_name(self, "model", qualified=True)
    self._retreat(index)
    return None


def parse_show_versions(self: Parser) -> exp.Show:
    found = _parse_like_in_model(self)
    if found is None:
        self.raise_error("Expected IN MODEL <name>")
    like, model = t.cast(tuple, found)
    return self.expression(exp.Show(this="VERSIONS", like=like, scope_kind="MODEL", scope=model))


def parse_show_functions(self: Parser) -> exp.Expr:
    found = _parse_like_in_model(self)
    if found is None:  # SHOW FUNCTIONS of user-defined functions: sqlglot's own node
        return self._parse_show_snowflake("FUNCTIONS")
    like, model = found
    version = _parse_version_name(self) if self._match_text_seq("VERSION") else None
    return self.expression(ShowModelFunctions(this=model, like=like, version=version))


def _source_sql(self: Generator, expression: exp.Expr) -> str:
    if expression.args.get("source_model"):
        version = self.sql(expression, "source_version")
        version = f" VERSION {version}" if version else ""
        return f" FROM MODEL {self.sql(expression, 'source_model')}{version}"
    location = expression.args["location"]
    return f" FROM {location.name if isinstance(location, exp.Var) else self.sql(location)}"


def create_sql(self: Generator, expression: CreateModel) -> str:
    version = self.sql(expression, "version")
    version = f" WITH VERSION {version}" if version else ""
    return create_header_sql(self, expression, "MODEL") + version + _source_sql(self, expression)


def alter_sql(self: Generator, expression: AlterModel) -> str:
    action = expression.args["action"]
    version = self.sql(expression, "version")
    head = f"ALTER MODEL{exists_sql(expression)} {self.sql(expression, 'this')}"
    if action == "RENAME":
        return f"{head} RENAME TO {self.sql(expression, 'rename')}"
    if action == "ADD VERSION":
        return f"{head} ADD VERSION {version}{_source_sql(self, expression)}"
    if action == "DROP VERSION":
        return f"{head} DROP VERSION {version}"
    if action.startswith("MODIFY VERSION"):
        return f"{head} MODIFY VERSION {version}{set_unset_sql(self, expression)}"
    if action == "SET ALIAS":
        return f"{head} VERSION {version} SET ALIAS = {self.sql(expression, 'alias')}"
    if action == "UNSET ALIAS":
        return f"{head} VERSION {version} UNSET ALIAS"
    return head + set_unset_sql(self, expression)


def show_functions_sql(self: Generator, expression: ShowModelFunctions) -> str:
    like = self.sql(expression, "like")
    like = f" LIKE {like}" if like else ""
    version = self.sql(expression, "version")
    version = f" VERSION {version}" if version else ""
    return f"SHOW FUNCTIONS{like} IN MODEL {self.sql(expression, 'this')}{version}"


CREATE_PARSERS = {"MODEL": parse_create}
ALTER_PARSERS = {"MODEL": parse_alter}
SHOW_PARSERS = {"FUNCTIONS": parse_show_functions, "VERSIONS": parse_show_versions}
DROP_KINDS = ("MODEL",)
SHOW_KINDS = ("MODELS",)
TRANSFORMS = {
    CreateModel: create_sql,
    AlterModel: alter_sql,
    ShowModelFunctions: show_functions_sql,
}
