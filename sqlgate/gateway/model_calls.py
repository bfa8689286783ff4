"""Model calls in queries, rewritten into calls of registered UDFs before DuckDB sees the query.

`m!f(args)` names a model (a `WITH x AS MODEL m [VERSION v]` alias in scope, `MODEL(m [, v])`, a
qualified name, or a name in the current schema) and one of its functions. The rewrite resolves
each call against the catalog to one version (the version named, an alias, DEFAULT/FIRST/LAST,
or the default version), checks the function and its arity, expands `*` / `t.*` to the
signature's input columns, loads the model (so a model that cannot load fails the query before
it starts, with the call's position), and replaces the call with its UDF (model_udfs.py), which
returns a STRUCT of the function's outputs plus an ERROR field. `m!f(x):name` and
`m!f(x)['name']` become a field of that struct (names matched case-insensitively, since
Snowflake users type them unquoted); a field the function does not have is an error rather
than Snowflake's silent NULL, because a typo would otherwise null a whole column.

Resolution happens on every query, so moving an alias or the default version changes which
version the next query calls. The rewrite keeps the calls it bound (`Rewritten.calls`): when
they are all plain projection items, projection_path.py runs the query without DuckDB calling
the UDFs, feeding the model batches far larger than DuckDB's vectors.
"""

from __future__ import annotations

import functools
import json
import typing as t
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.helper import seq_get
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sqlgate.errors import (
    InvalidValue,
    ObjectNotFound,
    Position,
    SqlgateError,
    UnsupportedStatement,
)
from sqlgate.executors.model import function_row, get_model, resolve_version
from sqlgate.gateway import access, service_calls
from sqlgate.gateway.model_udfs import PREFIX, ModelUdf, ServiceRoute, udf_name
from sqlgate.gateway.names import ObjectName, ident, qualified
from sqlgate.gateway.parameters import MODEL_CALL_ON_ERROR
from sqlgate.grammar.statements.model_call import ModelVersion
from sqlgate.registry import store
from sqlgate.registry.manifest import Column, Function
from sqlgate.runtime.batch import error_field

if t.TYPE_CHECKING:
    from sqlgate.gateway.session import Session


@dataclass(frozen=True)
class Target:
    """The model version a call resolved to, as the catalog describes it."""

    model: ObjectName
    version: str
    artifact: str
    functions: tuple[Function, ...]
    signatures: dict[str, str]  # upper-case function name -> "F(A FLOAT) RETURN OBJECT"

    @property
    def label(self) -> str:
        return f"{self.model} version {self.version}"


@dataclass(frozen=True)
class BoundCall:
    node: exp.Expr  # the UDF call that replaced m!f(...)
    udf: ModelUdf
    position: Position | None  # where m!f(...) was written


@dataclass
class Rewritten:
    tree: exp.Expr
    calls: list[BoundCall] = field(default_factory=list)

    def positions(self) -> dict[str, Position | None]:
        """UDF name -> where the (first) call it serves was written."""
        found: dict[str, Position | None] = {}
        for call in self.calls:
            found.setdefault(call.udf.name, call.position)
        return found


def rewrite(tree: exp.Expr, session: Session) -> Rewritten:
    """`tree` with every model call replaced by its UDF (a copy, if there was anything to do)."""
    tree = service_calls.expand(tree, session)  # service functions become model calls
    for function in tree.find_all(exp.Anonymous):
        if function.name.lower().startswith(PREFIX):
            raise SqlgateError(f"Function {function.name.upper()} is not available in sqlgate SQL")
    if tree.find(exp.ModelAttribute, ModelVersion) is None:
        return Rewritten(tree)
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "VIEW":
        raise UnsupportedStatement(
            "model calls in views; a view would keep calling the version it was created with"
            " after aliases move. Call the model in the query that reads the view",
            session.where(tree.find(exp.ModelAttribute)),
        )
    tree = tree.copy()
    session.engine.model_cache.evict_missing()  # versions dropped since the last query
    binder = _Binder(session)
    for table in tree.find_all(exp.Table):
        _refuse_model_as_table(session, table)
    _name_projections(tree)
    # innermost first, so a call used as another call's argument is already rewritten
    for call in reversed(list(tree.find_all(exp.ModelAttribute))):
        binder.bind(call)
    for cte in list(tree.find_all(exp.CTE)):
        if isinstance(cte.this, ModelVersion):
            binder.model_version(cte.this)  # a bad name is an error even if nothing calls it
            with_ = cte.parent
            cte.pop()
            if isinstance(with_, exp.With) and not with_.expressions:
                with_.pop()
    return Rewritten(tree, binder.calls)


# --- naming and scoping -----------------------------------------------------------------------


def _name_projections(tree: exp.Expr) -> None:
    """Give unaliased projections that call a model the name Snowflake would show
    (M!PREDICT(A, B):label), not the UDF's internal name."""
    for select in tree.find_all(exp.Select):
        for projection in select.expressions:
            if isinstance(projection, exp.Alias) or projection.find(exp.ModelAttribute) is None:
                continue
            name = _display(normalize_identifiers(projection.copy(), dialect="snowflake"))
            projection.replace(exp.alias_(projection.copy(), exp.to_identifier(name, quoted=True)))


def _display(node: exp.Expr) -> str:
    """Snowflake SQL for `node`, with `x:path` written as such rather than as GET_PATH."""

    def colon(n: exp.Expr) -> exp.Expr:
        path = n.expression if isinstance(n, exp.JSONExtract) else None
        if isinstance(path, exp.JSONPath) and n.args.get("variant_extract"):
            steps = [
                f"[{p.this}]" if isinstance(p, exp.JSONPathSubscript) else f".{p.this}"
                for p in path.expressions[1:]
            ]
            return exp.var(f"{_display(n.this)}:{''.join(steps).removeprefix('.')}")
        return n

    return node.copy().transform(colon).sql("snowflake")


def _model_cte(node: exp.Expr, alias: str) -> ModelVersion | None:
    """The `WITH alias AS MODEL ...` in scope at `node`, innermost WITH first."""
    scope: exp.Expr | None = node
    while scope is not None:
        with_ = scope.args.get("with_")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                if isinstance(cte.this, ModelVersion) and ident(cte.args["alias"].this) == alias:
                    return cte.this
        scope = scope.parent
    return None


def _refuse_model_as_table(session: Session, table: exp.Table) -> None:
    if isinstance(table, ModelVersion) or table.args.get("db") or not table.name:
        return
    name = ident(table.this)
    if _model_cte(table, name) is not None:
        raise InvalidValue(
            f"{name} is a model (WITH {name} AS MODEL ...), not a table; call its functions"
            f" as {name}!<function>(...)",
            session.where(table),
        )


# --- resolving and binding calls ----------------------------------------------------------------


class _Binder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.on_error = session.parameters.get(MODEL_CALL_ON_ERROR.name)
        self.targets: dict[tuple[ObjectName, str | None, ObjectName | None], Target] = {}
        self.calls: list[BoundCall] = []

    def where(self, node: exp.Expr | None) -> Position | None:
        return self.session.where(node)

    def bind(self, call: exp.ModelAttribute) -> None:
        target = self.target(call)
        function, arguments = self.function(call, target)
        udf = self.udf(call, target, function)
        replacement: exp.Expr = exp.Anonymous(this=udf.name, expressions=arguments)
        self.calls.append(BoundCall(replacement, udf, self.where(call)))
        parent = call.parent
        field_name = self.field_of(call, parent, udf)
        if field_name is not None:
            access = exp.Dot(
                this=replacement, expression=exp.to_identifier(field_name, quoted=True)
            )
            t.cast(exp.Expr, parent).replace(access)
        else:
            call.replace(replacement)

    # the model and version --------------------------------------------------------------------
    def target(self, call: exp.ModelAttribute) -> Target:
        named = call.this
        version: exp.Expr | None = None
        if isinstance(named, exp.Anonymous) and named.name.upper() == "MODEL":
            if not 1 <= len(named.expressions) <= 2:
                raise InvalidValue(
                    "MODEL(...) takes a model name and optionally a version: MODEL(m [, v])",
                    self.where(call),
                )
            named, version = named.expressions[0], seq_get(named.expressions, 1)
        elif isinstance(named, exp.Identifier):
            cte = _model_cte(call, ident(named))
            if cte is not None:  # a ModelVersion is a Table: its name parts are the model's
                named, version = cte, cte.args.get("model_version")
        return self.resolved(self.model_name(named, call), version, call)

    def model_version(self, node: ModelVersion) -> Target:
        """What `WITH x AS MODEL m [VERSION v]` names."""
        return self.resolved(self.model_name(node, node), node.args.get("model_version"), node)

    def resolved(self, name: ObjectName, version: exp.Expr | None, call: exp.Expr) -> Target:
        service = call.meta.get(service_calls.SERVICE_META)
        key = (name, ident(version) if version is not None else None, service)
        if key not in self.targets:
            self.targets[key] = self.resolve(name, version, call, service)
        return self.targets[key]

    def model_name(self, node: exp.Expr, call: exp.Expr) -> ObjectName:
        parts = _name_parts(node)
        if not parts or len(parts) > 3:
            raise InvalidValue(
                f"Expected a model name before '!', got {node.sql('sqlgate')}", self.where(call)
            )
        table = exp.Table(
            this=parts[-1],
            db=parts[-2] if len(parts) > 1 else None,
            catalog=parts[-3] if len(parts) > 2 else None,
        )
        return qualified(self.session, table)

    def resolve(
        self,
        name: ObjectName,
        version: exp.Expr | None,
        call: exp.Expr,
        service: ObjectName | None = None,
    ) -> Target:
        if service is not None:
            # a service function is the service's to grant (USAGE on it), as in Snowflake: its
            # callers need nothing on the model the service hosts
            held = (service.database, service.schema, service.name)
            access.require_action(self.session, "call service", held, call)
        model = get_model(self.session, name)
        if model is None:
            raise ObjectNotFound("Model", str(name), self.where(call))
        if service is None:
            # checked against the resolved model, whichever way it was named (m!f, MODEL(m, v),
            # WITH ... AS MODEL, an alias): none of them reaches a model the role cannot USE.
            # Where m!f runs (here or in a service hosting the version) changes nothing.
            key = (name.database, name.schema, name.name)
            access.require_model(self.session, key, "call", call)
        try:
            row = resolve_version(self.session, name, model, version)
        except SqlgateError as e:
            raise e.at(self.where(call)) from None
        functions = json.loads(row["functions"])
        return Target(
            model=name,
            version=row["name"],
            artifact=row["artifact"],
            functions=tuple(_function(f) for f in functions),
            signatures={f["name"].upper(): function_row(row, f)["arguments"] for f in functions},
        )

    # the function and its arguments -----------------------------------------------------------
    def function(self, call: exp.ModelAttribute, target: Target) -> tuple[Function, list[exp.Expr]]:
        method = call.expression
        # the grammar parses every method as an anonymous function (model_call.py)
        if isinstance(method, exp.Anonymous):
            name, arguments = method.name, list(method.expressions)
        else:
            raise InvalidValue(
                f"Expected a function call after '!', got {method.sql('sqlgate')}",
                self.where(call),
            )
        function = next((f for f in target.functions if f.name.upper() == name.upper()), None)
        if function is None:
            known = ", ".join(f.name.upper() for f in target.functions)
            raise InvalidValue(
                f"Model {target.label} has no function {name.upper()}; its functions are {known}",
                self.where(call),
            )
        signature = target.signatures[function.name.upper()]
        if not function.inputs:
            raise UnsupportedStatement(
                f"calling {signature} of model {target.label}: functions without inputs",
                self.where(call),
            )
        arguments = self.expand_star(call, arguments, function, signature)
        if len(arguments) != len(function.inputs):
            raise InvalidValue(
                f"Function {function.name.upper()} of model {target.label} takes"
                f" {len(function.inputs)} argument{'s' if len(function.inputs) != 1 else ''},"
                f" got {len(arguments)}: {signature}",
                self.where(call),
            )
        return function, arguments

    def expand_star(
        self, call: exp.Expr, arguments: list[exp.Expr], function: Function, signature: str
    ) -> list[exp.Expr]:
        """`*` / `t.*` as the signature's input columns, in signature order."""
        stars = [a for a in arguments if _star_qualifier(a) is not None]
        if not stars:
            return arguments
        if len(arguments) > 1:
            raise InvalidValue(
                f"* must be the only argument of a model function: {signature}", self.where(call)
            )
        qualifier = t.cast(dict, _star_qualifier(stars[0]))
        return [
            exp.Column(this=exp.to_identifier(c.name, quoted=True), **qualifier)
            for c in function.inputs
        ]

    # the UDF and the struct field ----------------------------------------------------------
    def udf(self, call: exp.Expr, target: Target, function: Function) -> ModelUdf:
        engine = self.session.engine
        directory = store.resolve(engine.models_dir, target.artifact)
        # a service function names its service; m!f goes to a service hosting the version
        service = call.meta.get(service_calls.SERVICE_META) or engine.services.route(
            target.model, target.version
        )
        route = None
        if service is not None:
            route = ServiceRoute(str(service), functools.partial(engine.services.call, service))
        else:
            try:  # load now: a model that cannot load fails here, with the call's position
                engine.model_cache.get(directory, target.label)
            except SqlgateError as e:
                raise e.at(self.where(call)) from None
        udf = ModelUdf(
            name=udf_name(
                target.artifact, target.label, function.name, self.on_error, route and route.service
            ),
            directory=directory,
            label=target.label,
            function=function,
            signature=target.signatures[function.name.upper()],
            on_error=self.on_error,
            service=route,
        )
        engine.model_udfs.ensure(udf)
        return udf

    def field_of(self, call: exp.Expr, parent: exp.Expr | None, udf: ModelUdf) -> str | None:
        """The output `m!f(x):name` or `m!f(x)['name']` reads; None when the call is not read
        that way."""
        if isinstance(parent, exp.JSONExtract) and parent.this is call:
            path = parent.expression
            keys = path.expressions[1:] if isinstance(path, exp.JSONPath) else []
            if len(keys) != 1 or not isinstance(keys[0], exp.JSONPathKey):
                raise InvalidValue(
                    f"{udf.function.name.upper()} of model {udf.label} returns an OBJECT of"
                    " scalar fields: read one with :<field>",
                    self.where(call),
                )
            return self.output(call, udf, str(keys[0].this))
        if isinstance(parent, exp.Bracket) and parent.this is call:
            keys = parent.expressions
            if len(keys) != 1 or not (isinstance(keys[0], exp.Literal) and keys[0].is_string):
                raise InvalidValue(
                    f"{udf.function.name.upper()} of model {udf.label} returns an OBJECT: read"
                    " a field with ['<field>']",
                    self.where(call),
                )
            return self.output(call, udf, keys[0].name)
        return None

    def output(self, call: exp.Expr, udf: ModelUdf, wanted: str) -> str:
        names = [o.name for o in udf.function.outputs] + [error_field(udf.function)]
        if wanted in names:
            return wanted
        matches = [n for n in names if n.upper() == wanted.upper()]
        if len(matches) == 1:
            return matches[0]
        raise InvalidValue(
            f"{udf.function.name.upper()} of model {udf.label} has no output '{wanted}'; its"
            f" fields are {', '.join(names)}",
            self.where(call),
        )


def _name_parts(node: exp.Expr) -> list[exp.Identifier] | None:
    """db.s.m as its identifiers, from the shapes sqlglot gives a name (Identifier, Dot chain,
    Column, Table)."""
    if isinstance(node, exp.Identifier):
        return [node]
    if isinstance(node, exp.Dot):
        left, right = _name_parts(node.this), _name_parts(node.expression)
        return left + right if left is not None and right is not None else None
    if isinstance(node, exp.Column | exp.Table):
        parts = [p for p in node.parts if isinstance(p, exp.Identifier)]
        return parts if len(parts) == len(node.parts) else None
    return None


def _star_qualifier(argument: exp.Expr) -> dict[str, exp.Expr] | None:
    """For `*` {}; for `t.*` the qualifiers of t; None for anything else."""
    if isinstance(argument, exp.Star):
        return {}
    if isinstance(argument, exp.Column) and isinstance(argument.this, exp.Star):
        return {
            k: argument.args[k].copy() for k in ("table", "db", "catalog") if argument.args.get(k)
        }
    return None


def _function(data: dict[str, t.Any]) -> Function:
    """A function as the catalog stores it (model_versions.functions)."""
    return Function(
        name=data["name"],
        target_method=data["target_method"],
        inputs=tuple(Column(c["name"], c["type"]) for c in data["inputs"]),
        outputs=tuple(Column(c["name"], c["type"]) for c in data["outputs"]),
    )
