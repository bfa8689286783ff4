"""The `SET options | UNSET names | SET TAG ... | UNSET TAG ...` tail shared by ALTER statements."""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlgate.grammar import options as opt

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser

ALTER_ARGS: dict[str, bool] = {
    "this": True,
    "exists": False,  # IF EXISTS
    "action": True,  # SET, UNSET, or a statement-specific verb
    "expressions": False,  # SET options
    "unset": False,  # UNSET names
    "tags": False,  # SET TAG k = 'v', ... / UNSET TAG k, ...
}


def parse_set_unset(
    self: Parser, set_spec: opt.OptionSpec, unset_names: t.Collection[str], statement: str
) -> dict[str, t.Any]:
    """Parse SET/UNSET after `ALTER <kind> name`; returns the node arguments."""
    if self._match(TokenType.SET):
        if self._match_text_seq("TAG"):
            return {"action": "SET", "tags": opt.parse_tag_assignments(self)}
        return {"action": "SET", "expressions": opt.parse_options(self, set_spec, statement)}
    if self._match_text_seq("UNSET"):
        if self._match_text_seq("TAG"):
            names = self._parse_csv(self._parse_table_parts)
            return {"action": "UNSET", "tags": exp.Tuple(expressions=names)}
        unset = []
        while True:
            if not self._curr or self._curr.text.upper() not in unset_names:
                expected = ", ".join(sorted(unset_names))
                self.raise_error(f"{statement} can UNSET only {expected}")
            self._advance()
            unset.append(exp.var(self._prev.text.upper()))
            if not self._match(TokenType.COMMA):
                break
        return {"action": "UNSET", "unset": unset}
    self.raise_error(f"Expected SET or UNSET in {statement}")
    return {}


def set_unset_sql(self: Generator, expression: exp.Expr) -> str:
    setting = not expression.args["action"].endswith("UNSET")  # also MODIFY VERSION SET
    tags = expression.args.get("tags")
    if setting and tags is not None:
        return f" SET TAG {opt.tag_assignments_sql(self, tags)}"
    if tags is not None:
        return f" UNSET TAG {self.expressions(tags, flat=True)}"
    if setting:
        return f" SET{opt.options_sql(self, expression.expressions)}"
    return f" UNSET {self.expressions(expression, key='unset', flat=True)}"
