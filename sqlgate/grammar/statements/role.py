"""Roles and privileges: CREATE ROLE, GRANT/REVOKE ROLE, GRANT/REVOKE <privileges> ON <object>,
SHOW ROLES, SHOW GRANTS. https://docs.snowflake.com/en/sql-reference/sql/grant-privilege and
.../grant-role. USE ROLE and DROP ROLE are sqlglot's own Use and Drop nodes."""

from __future__ import annotations

import typing as t

from sqlglot import exp

from sqlgate.grammar import options as opt
from sqlgate.grammar.nodes import (
    CREATE_ARGS,
    SqlgateStatement,
    create_header_sql,
    expect_end,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser

# Object kinds a privilege can be granted on, longest first so COMPUTE POOL beats POOL.
SECURABLE_KINDS = (
    "EXTERNAL ACCESS INTEGRATION",
    "IMAGE REPOSITORY",
    "COMPUTE POOL",
    "NETWORK RULE",
    "INTEGRATION",
    "DATABASE",
    "SCHEMA",
    "SERVICE",
    "SECRET",
    "MODEL",
    "TABLE",
    "VIEW",
    "ROLE",
    "ACCOUNT",
)
GRANTEE_KINDS = ("ROLE", "USER")


class CreateRole(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class GrantRole(SqlgateStatement):
    """GRANT ROLE <this> TO {ROLE | USER} <grantee>."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "kind": True, "grantee": True}


class RevokeRole(SqlgateStatement):
    """REVOKE ROLE <this> FROM {ROLE | USER} <grantee>."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True, "kind": True, "grantee": True}


class ShowGrants(SqlgateStatement):
    """SHOW GRANTS [ON <kind> <name> | ON ACCOUNT | TO {ROLE|USER} <name> | OF ROLE <name>]."""

    arg_types: t.ClassVar[dict[str, bool]] = {
        "preposition": False,  # ON, TO or OF
        "kind": False,
        "this": False,
    }


ROLE_OPTIONS: opt.OptionSpec = {"COMMENT": opt.STRING, "TAG": opt.TAGS}


def _match_kind(self: Parser, kinds: t.Iterable[str]) -> str | None:
    for kind in kinds:
        if self._match_text_seq(*kind.split(" ")):
            return kind
    return None


def parse_create(self: Parser, replace: bool) -> CreateRole:
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "role", qualified=False)
    options = opt.parse_options(self, ROLE_OPTIONS, "CREATE ROLE")
    return self.expression(
        CreateRole(this=this, exists=exists, replace=replace, expressions=options)
    )


def _parse_grantee(self: Parser) -> tuple[str, exp.Expr]:
    kind = _match_kind(self, GRANTEE_KINDS)
    if kind is None:
        self.raise_error("Expected ROLE <name> or USER <name>")
    return t.cast(str, kind), parse_object_name(self, t.cast(str, kind).lower(), qualified=False)


def _parse_privileges(self: Parser, grant: bool) -> exp.Expr:
    """`<privileges> ON <kind> <name> {TO|FROM} ROLE <role>` as sqlglot's Grant/Revoke."""
    grant_option = not grant and bool(self._match_text_seq("GRANT", "OPTION", "FOR"))
    privileges = self._parse_csv(self._parse_grant_privilege)
    if not self._match_text_seq("ON"):
        self.raise_error("Expected ON <object kind> <name>")
    kind = _match_kind(self, SECURABLE_KINDS)
    if kind is None:
        self.raise_error(f"Expected one of {', '.join(SECURABLE_KINDS)} after ON")
    securable = None if kind == "ACCOUNT" else parse_object_name(self, kind.lower(), qualified=True)
    if not self._match_text_seq("TO" if grant else "FROM"):
        self.raise_error(f"Expected {'TO' if grant else 'FROM'} ROLE <name>")
    principal_kind, principal = _parse_grantee(self)
    principals = [exp.GrantPrincipal(this=principal, kind=principal_kind)]
    if grant:
        grant_option = bool(self._match_text_seq("WITH", "GRANT", "OPTION"))
    expect_end(self)
    node = exp.Grant if grant else exp.Revoke
    return self.expression(
        node(
            privileges=privileges,
            kind=kind,
            securable=securable or exp.var("ACCOUNT"),
            principals=principals,
            grant_option=grant_option,
        )
    )


def parse_grant(self: Parser, _fallback: t.Callable[[], exp.Expr]) -> exp.Expr:
    if self._match_text_seq("ROLE"):
        this = parse_object_name(self, "role", qualified=False)
        if not self._match_text_seq("TO"):
            self.raise_error("Expected TO ROLE <name> or TO USER <name>")
        kind, grantee = _parse_grantee(self)
        expect_end(self)
        return self.expression(GrantRole(this=this, kind=kind, grantee=grantee))
    return _parse_privileges(self, grant=True)


def parse_revoke(self: Parser, _fallback: t.Callable[[], exp.Expr]) -> exp.Expr:
    if self._match_text_seq("ROLE"):
        this = parse_object_name(self, "role", qualified=False)
        if not self._match_text_seq("FROM"):
            self.raise_error("Expected FROM ROLE <name> or FROM USER <name>")
        kind, grantee = _parse_grantee(self)
        expect_end(self)
        return self.expression(RevokeRole(this=this, kind=kind, grantee=grantee))
    return _parse_privileges(self, grant=False)


def parse_show_grants(self: Parser) -> ShowGrants:
    if self._match_text_seq("ON"):
        kind = _match_kind(self, SECURABLE_KINDS)
        if kind is None:
            self.raise_error("Expected an object kind after SHOW GRANTS ON")
        this = None if kind == "ACCOUNT" else parse_object_name(self, kind.lower(), qualified=True)
        return self.expression(ShowGrants(preposition="ON", kind=kind, this=this))
    if self._match_text_seq("TO"):
        kind, this = _parse_grantee(self)
        return self.expression(ShowGrants(preposition="TO", kind=kind, this=this))
    if self._match_text_seq("OF", "ROLE"):
        this = parse_object_name(self, "role", qualified=False)
        return self.expression(ShowGrants(preposition="OF", kind="ROLE", this=this))
    return self.expression(ShowGrants())


def create_sql(self: Generator, expression: CreateRole) -> str:
    return create_header_sql(self, expression, "ROLE") + opt.options_sql(
        self, expression.expressions
    )


def grant_role_sql(self: Generator, expression: GrantRole) -> str:
    kind, grantee = expression.args["kind"], self.sql(expression, "grantee")
    return f"GRANT ROLE {self.sql(expression, 'this')} TO {kind} {grantee}"


def revoke_role_sql(self: Generator, expression: RevokeRole) -> str:
    kind, grantee = expression.args["kind"], self.sql(expression, "grantee")
    return f"REVOKE ROLE {self.sql(expression, 'this')} FROM {kind} {grantee}"


def show_grants_sql(self: Generator, expression: ShowGrants) -> str:
    preposition = expression.args.get("preposition")
    if not preposition:
        return "SHOW GRANTS"
    this = self.sql(expression, "this")
    this = f" {this}" if this else ""
    return f"SHOW GRANTS {preposition} {expression.args['kind']}{this}"


def grant_sql(self: Generator, expression: exp.Grant | exp.Revoke) -> str:
    """Snowflake spelling: `GRANT p ON ACCOUNT TO ROLE r` (no securable after ACCOUNT)."""
    grant = isinstance(expression, exp.Grant)
    privileges = self.expressions(expression, key="privileges", flat=True)
    kind = expression.args["kind"]
    on = kind if kind == "ACCOUNT" else f"{kind} {self.sql(expression, 'securable')}"
    principals = self.expressions(expression, key="principals", flat=True)
    option = expression.args.get("grant_option")
    if grant:
        return f"GRANT {privileges} ON {on} TO {principals}" + (
            " WITH GRANT OPTION" if option else ""
        )
    prefix = "GRANT OPTION FOR " if option else ""
    return f"REVOKE {prefix}{privileges} ON {on} FROM {principals}"


CREATE_PARSERS = {"ROLE": parse_create}
SHOW_PARSERS = {"GRANTS": parse_show_grants}
SHOW_KINDS = ("ROLES",)
TRANSFORMS = {
    CreateRole: create_sql,
    GrantRole: grant_role_sql,
    RevokeRole: revoke_role_sql,
    ShowGrants: show_grants_sql,
    exp.Grant: grant_sql,
    exp.Revoke: grant_sql,
}
