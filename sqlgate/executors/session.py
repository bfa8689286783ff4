"""Session parameters: ALTER SESSION SET / UNSET and SHOW PARAMETERS (gateway/parameters.py
lists them). A statement that names one unknown parameter or bad value changes nothing."""

from __future__ import annotations

import typing as t

from sqlgate.executors.common import DONE, show_filter
from sqlgate.executors.registry import executes
from sqlgate.gateway.parameters import PARAMETERS, SessionParameters, parameter
from sqlgate.gateway.result import TEXT, Result, table
from sqlgate.grammar import options as opt
from sqlgate.grammar.statements.session import AlterSession, ShowParameters

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session

# https://docs.snowflake.com/en/sql-reference/sql/show-parameters
SHOW_COLUMNS = [
    ("key", TEXT),
    ("value", TEXT),
    ("default", TEXT),
    ("level", TEXT),
    ("description", TEXT),
    ("type", TEXT),
]


@executes(AlterSession)
def alter_session(node: AlterSession, session: Session) -> Result:
    checked = SessionParameters()  # validate every setting before changing the session's
    if node.args["action"] == "UNSET":
        for name in node.args["unset"]:
            parameter(name.name, session.where(name))
        for name in node.args["unset"]:
            session.parameters.unset(name.name)
        return Result.status(DONE)
    for setting in node.expressions:
        checked.set(setting.name, opt.to_py(setting.args["value"]), session.where(setting))
    for setting in node.expressions:
        session.parameters.set(setting.name, opt.to_py(setting.args["value"]))
    return Result.status(DONE)


@executes(ShowParameters)
def show_parameters(node: ShowParameters, session: Session) -> Result:
    rows = [
        {
            "key": p.name,
            "value": session.parameters.get(p.name),
            "default": p.default,
            "level": "SESSION" if session.parameters.is_set(p.name) else "",
            "description": p.description,
            "type": "STRING",
        }
        for p in PARAMETERS.values()
    ]
    return Result(table(SHOW_COLUMNS, show_filter(rows, node, key="key")))
