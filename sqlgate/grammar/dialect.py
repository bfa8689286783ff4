"""The `sqlgate` dialect: Snowflake's, plus the statements of sqlgate's statement families.

The parser and generator below only wire tables together; each family's nodes, parse functions
and SQL functions live in `statements/<family>.py`. Adding a statement means adding it to its
family's tables; a new family is one line in MODULES.
"""

from __future__ import annotations

import typing as t
from types import ModuleType

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.generators.snowflake import SnowflakeGenerator
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokens import TokenType
from sqlglot.trie import new_trie

from sqlgate.grammar.nodes import SqlgateExpression, parse_object_name
from sqlgate.grammar.statements import (
    compute_pool,
    image_repository,
    model,
    model_call,
    network,
    role,
    service,
    session,
    user,
)

MODULES: tuple[ModuleType, ...] = (
    compute_pool,
    image_repository,
    model,
    model_call,
    network,
    role,
    service,
    session,
    user,
)


def _merged(name: str) -> dict:
    merged: dict = {}
    for module in MODULES:
        merged.update(getattr(module, name, {}))
    return merged


def _joined(name: str) -> tuple[str, ...]:
    return tuple(kind for module in MODULES for kind in getattr(module, name, ()))


def _show(kind: str) -> t.Callable[[SnowflakeParser], exp.Expr]:
    return lambda self: self._parse_show_snowflake(kind)


def match_kind(self: SnowflakeParser, kinds: t.Iterable[str]) -> str | None:
    """Consume the longest of `kinds` (each one or more words) at the cursor, and return it."""
    for kind in sorted(kinds, key=lambda k: -len(k.split(" "))):
        if self._match_text_seq(*kind.split(" ")):
            return kind
    return None


def _trie(keys: t.Iterable[str]) -> dict:
    return new_trie(key.split(" ") for key in keys)


# Object kinds that use sqlglot's own Drop, Show and Describe nodes.
DROP_KINDS = _joined("DROP_KINDS")
SHOW_KINDS = _joined("SHOW_KINDS")
DESCRIBE_KINDS = _joined("DESCRIBE_KINDS")


class SqlgateParser(SnowflakeParser):
    CREATE_PARSERS: t.ClassVar[dict[str, t.Callable]] = _merged("CREATE_PARSERS")
    CREATE_TRIE: t.ClassVar[dict] = _trie(CREATE_PARSERS)
    ALTER_KIND_PARSERS: t.ClassVar[dict[str, t.Callable]] = _merged("ALTER_PARSERS")
    ALTER_KIND_TRIE: t.ClassVar[dict] = _trie(ALTER_KIND_PARSERS)

    SHOW_PARSERS: t.ClassVar[dict[str, t.Callable]] = {
        **SnowflakeParser.SHOW_PARSERS,
        **{kind: _show(kind) for kind in SHOW_KINDS},
        **_merged("SHOW_PARSERS"),
    }
    # 30.x has no parser metaclass: a subclass that edits SHOW_PARSERS must rebuild the trie.
    SHOW_TRIE: t.ClassVar[dict] = _trie(SHOW_PARSERS)

    def _parse_create(self) -> exp.Expr:
        index = self._index
        replace = bool(self._match_pair(TokenType.OR, TokenType.REPLACE))
        parser = self._find_parser(self.CREATE_PARSERS, self.CREATE_TRIE)
        if parser:
            return parser(self, replace)
        self._retreat(index)
        return super()._parse_create()

    def _parse_alter(self) -> exp.Expr:
        parser = self._find_parser(self.ALTER_KIND_PARSERS, self.ALTER_KIND_TRIE)
        return parser(self) if parser else super()._parse_alter()

    def _parse_drop(self, exists: bool = False, kind: str | None = None) -> exp.Drop | exp.Command:
        if kind is None and (kind := match_kind(self, DROP_KINDS)):
            exists = bool(self._parse_exists())
            this = parse_object_name(self, kind.lower(), qualified=True)
            force = bool(self._match_text_seq("FORCE"))
            return self.expression(exp.Drop(kind=kind, exists=exists, tables=[this], force=force))
        return super()._parse_drop(exists=exists, kind=kind)

    def _parse_describe(self) -> exp.Describe:
        if kind := match_kind(self, DESCRIBE_KINDS):
            this = parse_object_name(self, kind.lower(), qualified=True)
            return self.expression(exp.Describe(this=this, kind=kind))
        return super()._parse_describe()

    def _parse_cte(self) -> exp.CTE | None:
        cte = model_call.parse_model_cte(self)
        return cte if cte is not None else super()._parse_cte()

    def _parse_column_ops(self, this: exp.Expr | None) -> exp.Expr | None:
        return model_call.parse_method_calls(self, this, super()._parse_column_ops)

    def _parse_command(self) -> exp.Command:
        if self._prev.text.upper() == "CALL":
            index = self._index
            call = service.parse_call(self)
            if call is not None:
                return t.cast(exp.Command, call)
            self._retreat(index)
        return super()._parse_command()

    def _parse_grant(self) -> exp.Expr:
        return role.parse_grant(self, super()._parse_grant)

    def _parse_revoke(self) -> exp.Expr:
        return role.parse_revoke(self, super()._parse_revoke)


class SqlgateGenerator(SnowflakeGenerator):
    # Keyed by class: nodes defined outside sqlglot need no global registration this way.
    TRANSFORMS: t.ClassVar[dict[type[exp.Expr], t.Callable[..., str]]] = {
        **SnowflakeGenerator.TRANSFORMS,
        **_merged("TRANSFORMS"),
    }

    def cte_sql(self, expression: exp.CTE) -> str:
        if isinstance(expression.this, model_call.ModelVersion):
            return f"{self.sql(expression, 'alias')} AS {self.sql(expression, 'this')}"
        return super().cte_sql(expression)

    def modelattribute_sql(self, expression: exp.ModelAttribute) -> str:
        return model_call.model_attribute_sql(self, expression)


class Sqlgate(Snowflake):
    """Registered under its lower-cased class name, so read="sqlgate" works once imported."""

    Parser = SqlgateParser
    Generator = SqlgateGenerator


def sqlgate_nodes() -> list[type[SqlgateExpression]]:
    """Every concrete node sqlgate defines (tests check each has a printer, executor, fixture)."""
    found: list[type[SqlgateExpression]] = []
    stack: list[type] = [SqlgateExpression]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("sqlgate.grammar.statements") and sub not in found:
                found.append(sub)
    return found
