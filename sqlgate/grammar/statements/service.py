"""Services: https://docs.snowflake.com/en/sql-reference/sql/create-service and the ALTER, DROP,
SHOW SERVICES, DESCRIBE, SHOW SERVICE CONTAINERS / INSTANCES and SHOW ENDPOINTS pages beside it,
plus `CALL SYSTEM$GET_SERVICE_LOGS(...)` / `SYSTEM$GET_SERVICE_STATUS(...)`.

CREATE SERVICE takes sqlgate's `FOR MODEL m VERSION v` where Snowflake takes a specification:
Snowflake reaches model services only through Python (`mv.create_service`); here the Python API
and SQL share this one statement. ALTER SERVICE also accepts seed 000's `ALTER SERVICE s
MIN_INSTANCES = n` (options without SET), printed as written.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlgate.grammar import options as opt
from sqlgate.grammar.alter import ALTER_ARGS, parse_set_unset, set_unset_sql
from sqlgate.grammar.nodes import (
    SqlgateStatement,
    exists_sql,
    expect_end,
    expect_words,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class CreateService(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = {
        "this": True,
        "exists": False,
        "pool": True,
        "model": True,
        "version": True,
        "expressions": False,
    }


class AlterService(SqlgateStatement):
    """action: SUSPEND, RESUME, SET or UNSET; `bare` marks SET written without the keyword."""

    arg_types: t.ClassVar[dict[str, bool]] = {**ALTER_ARGS, "bare": False}


class ShowServiceObjects(SqlgateStatement):
    """SHOW SERVICE CONTAINERS | SERVICE INSTANCES | ENDPOINTS IN SERVICE s (kind: the words)."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "kind": True}


class ShowServices(SqlgateStatement):
    """SHOW SERVICES [EXCLUDE JOBS] [LIKE '...'] [IN COMPUTE POOL p | IN ACCOUNT |
    IN DATABASE [d] | IN SCHEMA [s]] [STARTS WITH '...'] [LIMIT n [FROM '...']]."""

    arg_types: t.ClassVar[dict[str, bool]] = {
        "exclude_jobs": False,
        "like": False,
        "scope_kind": False,
        "scope": False,
        "starts_with": False,
        "limit": False,
        "from_": False,
    }


class CallSystemFunction(SqlgateStatement):
    """CALL SYSTEM$<name>(args); `this` is the function call."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True}


CREATE_OPTIONS: opt.OptionSpec = {
    "MIN_INSTANCES": opt.INT,
    "MAX_INSTANCES": opt.INT,
    "GPU_REQUESTS": opt.INT,
    "NUM_WORKERS": opt.INT,
    "MAX_BATCH_ROWS": opt.INT,
    "INGRESS_ENABLED": opt.BOOL,
    "AUTO_RESUME": opt.BOOL,
    "AUTO_SUSPEND_SECS": opt.INT,
    "COMMENT": opt.STRING,
    # replicas in the model version's own image (issue 6), built into this image repository
    "RUN_IN_IMAGE": opt.BOOL,
    "IMAGE_REPOSITORY": opt.OBJECT,
    # the package indexes that build may reach (none without: the wheelhouse only)
    "EXTERNAL_ACCESS_INTEGRATIONS": opt.LIST,
}
SET_OPTIONS: opt.OptionSpec = {
    "MIN_INSTANCES": opt.INT,
    "MAX_INSTANCES": opt.INT,
    "AUTO_RESUME": opt.BOOL,
    "AUTO_SUSPEND_SECS": opt.INT,
    "COMMENT": opt.STRING,
}
UNSET_NAMES = ("MIN_INSTANCES", "MAX_INSTANCES", "AUTO_RESUME", "AUTO_SUSPEND_SECS", "COMMENT")
SERVICE_OBJECT_KINDS = ("SERVICE CONTAINERS", "SERVICE INSTANCES", "ENDPOINTS")
SYSTEM_FUNCTIONS = ("SYSTEM$GET_SERVICE_LOGS", "SYSTEM$GET_SERVICE_STATUS")


def parse_create(self: Parser, replace: bool) -> CreateService:
    if replace:
        self.raise_error("CREATE OR REPLACE SERVICE is not supported; DROP SERVICE, then CREATE")
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "service", qualified=True)
    expect_words(self, "IN", "COMPUTE", "POOL")
    pool = parse_object_name(self, "compute pool", qualified=False)
    if self._match_text_seq("FROM"):
        self.raise_error(
            "CREATE SERVICE ... FROM SPECIFICATION is not supported: sqlgate services host a"
            " model version, written FOR MODEL <model> VERSION <version or alias>"
        )
    expect_words(self, "FOR", "MODEL")
    model = parse_object_name(self, "model", qualified=True)
    expect_words(self, "VERSION")
    version = self._parse_string() or self._parse_id_var(any_token=False)
    if version is None:
        self.raise_error("Expected a version name or alias after VERSION")
    options = opt.parse_options(self, CREATE_OPTIONS, "CREATE SERVICE")
    return self.expression(
        CreateService(
            this=this, exists=exists, pool=pool, model=model, version=version, expressions=options
        )
    )


def parse_alter(self: Parser) -> AlterService:
    exists = bool(self._parse_exists())
    this = parse_object_name(self, "service", qualified=True)
    if self._match_texts(("SUSPEND", "RESUME")):
        args: dict[str, t.Any] = {"action": self._prev.text.upper()}
    elif self._curr and self._curr.text.upper() in SET_OPTIONS:
        options = opt.parse_options(self, SET_OPTIONS, "ALTER SERVICE")
        args = {"action": "SET", "expressions": options, "bare": True}
    else:
        args = parse_set_unset(self, SET_OPTIONS, UNSET_NAMES, "ALTER SERVICE")
    expect_end(self)
    return self.expression(AlterService(this=this, exists=exists, **args))


def parse_show_services(self: Parser) -> ShowServices:
    args: dict[str, t.Any] = {}
    # there are no job services here, so excluding them changes nothing; accepted as written
    if self._match_text_seq("EXCLUDE", "JOBS"):
        args["exclude_jobs"] = True
    if self._match(TokenType.LIKE):
        args["like"] = self._parse_string()
    if self._match(TokenType.IN):
        if self._match_text_seq("COMPUTE", "POOL"):
            args["scope_kind"] = "COMPUTE POOL"
            args["scope"] = parse_object_name(self, "compute pool", qualified=False)
        elif self._match_texts(("ACCOUNT", "DATABASE", "SCHEMA")):
            args["scope_kind"] = self._prev.text.upper()
            if args["scope_kind"] != "ACCOUNT" and self._curr and self._curr.text != ";":
                args["scope"] = self._parse_table_parts()
        else:
            self.raise_error("Expected COMPUTE POOL, ACCOUNT, DATABASE or SCHEMA after IN")
    if self._match_text_seq("STARTS", "WITH"):
        args["starts_with"] = self._parse_string()
    if self._match(TokenType.LIMIT):
        args["limit"] = exp.Limit(expression=self._parse_number())
        if self._match(TokenType.FROM):
            args["from_"] = self._parse_string()
    expect_end(self)
    return self.expression(ShowServices(**args))


def _show_in_service(kind: str) -> t.Callable[[Parser], ShowServiceObjects]:
    def parse(self: Parser) -> ShowServiceObjects:
        expect_words(self, "IN", "SERVICE")
        this = parse_object_name(self, "service", qualified=True)
        expect_end(self)
        return self.expression(ShowServiceObjects(this=this, kind=kind))

    return parse


def parse_call(self: Parser) -> CallSystemFunction | None:
    """CALL SYSTEM$GET_SERVICE_...(args) after the CALL keyword; None for any other CALL.
    The tokenizer hands a command's text over as one string token, so it is parsed here."""
    text = self._curr.text if self._curr else ""
    if not text.upper().lstrip().startswith(SYSTEM_FUNCTIONS):
        return None
    function = self.dialect.parse(text.strip().rstrip(";"))[0]
    if not isinstance(function, exp.Anonymous):
        self.raise_error(f"Expected CALL {text.split('(')[0].strip()}(<arguments>)")
    self._advance()
    return self.expression(CallSystemFunction(this=function))


def create_sql(self: Generator, expression: CreateService) -> str:
    exists = " IF NOT EXISTS" if expression.args.get("exists") else ""
    return (
        f"CREATE SERVICE{exists} {self.sql(expression, 'this')}"
        f" IN COMPUTE POOL {self.sql(expression, 'pool')}"
        f" FOR MODEL {self.sql(expression, 'model')} VERSION {self.sql(expression, 'version')}"
        + opt.options_sql(self, expression.expressions)
    )


def alter_sql(self: Generator, expression: AlterService) -> str:
    action = expression.args["action"]
    head = f"ALTER SERVICE{exists_sql(expression)} {self.sql(expression, 'this')}"
    if action in ("SUSPEND", "RESUME"):
        return f"{head} {action}"
    if expression.args.get("bare"):
        return head + opt.options_sql(self, expression.expressions)
    return head + set_unset_sql(self, expression)


def show_services_sql(self: Generator, expression: ShowServices) -> str:
    sql = "SHOW SERVICES"
    if expression.args.get("exclude_jobs"):
        sql += " EXCLUDE JOBS"
    if expression.args.get("like") is not None:
        sql += f" LIKE {self.sql(expression, 'like')}"
    kind = expression.args.get("scope_kind")
    if kind:
        scope = self.sql(expression, "scope")
        sql += f" IN {kind}{' ' + scope if scope else ''}"
    if expression.args.get("starts_with") is not None:
        sql += f" STARTS WITH {self.sql(expression, 'starts_with')}"
    if expression.args.get("limit") is not None:
        sql += f" LIMIT {self.sql(expression.args['limit'], 'expression')}"
        if expression.args.get("from_") is not None:
            sql += f" FROM {self.sql(expression, 'from_')}"
    return sql


def show_objects_sql(self: Generator, expression: ShowServiceObjects) -> str:
    return f"SHOW {expression.args['kind']} IN SERVICE {self.sql(expression, 'this')}"


def call_sql(self: Generator, expression: CallSystemFunction) -> str:
    return f"CALL {self.sql(expression, 'this')}"


CREATE_PARSERS = {"SERVICE": parse_create}
ALTER_PARSERS = {"SERVICE": parse_alter}
SHOW_PARSERS = {
    "SERVICES": parse_show_services,
    **{kind: _show_in_service(kind) for kind in SERVICE_OBJECT_KINDS},
}
DROP_KINDS = ("SERVICE",)
DESCRIBE_KINDS = ("SERVICE",)
TRANSFORMS = {
    CreateService: create_sql,
    AlterService: alter_sql,
    ShowServices: show_services_sql,
    ShowServiceObjects: show_objects_sql,
    CallSystemFunction: call_sql,
}
