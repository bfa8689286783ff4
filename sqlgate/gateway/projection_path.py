"""The projection path: `SELECT ..., m!f(...) FROM ...` with the model called on big batches.

DuckDB calls an Arrow UDF once per vector of 2,048 rows, and a model pays a fixed cost per call
(input validation, joblib, Python) that at that size outweighs the work: a random forest runs
~2.5x slower than on one big call. When every model call in a query is a top-level projection
item (`m!f(x)`, `m!f(x):field` or `m!f(x)['field']`, aliased or not), the calls need nothing
from DuckDB but their arguments, so the query runs in two stages instead:

1. DuckDB runs the query with each call replaced by a NULL placeholder and the calls' arguments
   appended as extra columns, cast to the UDF's parameter types (what its implicit cast does),
   streamed as Arrow batches of READ_ROWS rows, gathered into batches of BATCH_ROWS;
2. each batch's arguments go through the BatchCaller the UDF uses (the same input checks,
   MODEL_CALL_ON_ERROR handling and ERROR field), a few batches at a time on worker threads, and
   the placeholders are replaced by the results, or the field a call reads.

The result has the names and types the UDF path gives: they are read from the UDF query, which
DuckDB binds (reporting argument type errors as before) but never runs. Every other shape keeps
the UDF path: calls in WHERE, JOIN, ORDER BY or subqueries, calls nested in expressions,
aggregates, window functions, DISTINCT, set operations, DML, queries with bind parameters, and
anything whose first stage DuckDB refuses or fails on (the UDF path then reports the error as
it always has).

One difference is visible: the model sees the rows the query returns (with a LIMIT, only those),
where the UDF path scores whole vectors, so with ABORT a bad row just past a LIMIT fails only
the UDF path; and "a batch" in the broken-model rule (batch.py) is a bigger batch here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pyarrow as pa
from sqlglot import exp

from sqlgate.errors import QueryError, SqlgateError
from sqlgate.gateway import plain_sql
from sqlgate.gateway.model_udfs import ModelUdf, make_caller, parameter_type
from sqlgate.runtime.batch import result_fields
from sqlgate.runtime.cache import ModelCache
from sqlgate.runtime.parallel import ordered_map, single_threaded_blas

# A forest on 2,048-row calls runs ~2.5x slower than on one call; 122,880 rows (60 vectors)
# come within a few percent, and a batch of 8 double inputs is then ~8 MB (in flight: a few).
# DuckDB grows an Arrow batch by reallocating (copying) its buffers, so it streams smaller ones
# faster, and the model batch keeps them as chunks, which the flavors copy once, straight into
# the model's 2-D input (tabular.py). Reads of 32,768 rows made the whole query fastest: of
# 16,384, 32,768, 65,536 and 122,880, the smallest pays most per read in Python.
READ_ROWS = 32_768
BATCH_ROWS = 4 * READ_ROWS

_KEPT_POOL = pa.system_memory_pool()
_PLACEHOLDER = "sqlgate_call_{}"
_ARGUMENT = "sqlgate_argument_{}"
# Select clauses stage 1 can keep as they are; any other (GROUP BY, DISTINCT, QUALIFY, ...)
# changes which rows a projection item sees, so such queries keep the UDF path.
_KEPT_CLAUSES = {"with_", "expressions", "from_", "joins", "where", "order", "limit", "offset"}


@dataclass(frozen=True)
class _Call:
    udf: ModelUdf
    arguments: tuple[int, ...]  # indexes into the argument columns


@dataclass(frozen=True)
class _Item:
    """A projection item that is a model call, or one field of its result."""

    call: int  # index into Plan.calls
    field: str | None


@dataclass(frozen=True)
class Plan:
    sql: str  # stage 1, in DuckDB's SQL
    calls: tuple[_Call, ...]
    items: dict[str, _Item]  # placeholder column name -> what replaces it
    arguments: int  # argument columns, last in stage 1

    def run(
        self,
        cursor: duckdb.DuckDBPyConnection,
        bound: duckdb.DuckDBPyRelation,
        cache: ModelCache,
        workers: int,
    ) -> pa.Table:
        """The query's result; `bound` is the UDF query, bound and not run, which runs instead
        if stage 1 cannot."""
        try:
            stage = cursor.sql(self.sql)
        except duckdb.Error:
            return bound.to_arrow_table()
        reader = stage.to_arrow_reader(batch_size=READ_ROWS)
        try:
            scored = self._scored(reader, bound.columns, cache, workers)
        finally:
            reader.close()  # DuckDB runs one result per cursor at a time
        if scored is None:  # stage 1 did not line up or failed mid-stream: run the UDF query
            return bound.to_arrow_table()
        return pa.Table.from_batches(*scored)

    def _scored(
        self,
        reader: pa.RecordBatchReader,
        names: Sequence[str],
        cache: ModelCache,
        workers: int,
    ) -> tuple[list[pa.RecordBatch], pa.Schema] | None:
        layout = self._layout(names, reader.schema)
        if layout is None:
            return None
        scorer = _Scorer(self, *layout, cache)
        # with workers, BLAS's own threads would only compete with them (parallel.py)
        blas = single_threaded_blas() if workers > 1 else nullcontext()
        try:
            with blas:
                batches = ordered_map(
                    scorer, _stage_batches(reader), workers=workers, ahead=workers + 1
                )
        except _StageFailed:
            return None  # the UDF path reports DuckDB's error as it always has
        return batches, layout[1]

    def _layout(
        self, names: Sequence[str], stage: pa.Schema
    ) -> tuple[dict[int, _Item], pa.Schema] | None:
        """The call item at each output position it takes, and the result's schema: the UDF
        query's names, stage 1's types for the other columns. None if stage 1 does not line
        up with the UDF query column for column (a user column named like a placeholder)."""
        if len(stage) != len(names) + self.arguments:
            return None
        replaced = {
            i: self.items[n] for i, n in enumerate(stage.names[: len(names)]) if n in self.items
        }
        if len(replaced) != len(self.items):
            return None
        fields = []
        for position, name in enumerate(names):
            item = replaced.get(position)
            if item is None:
                if stage.names[position] != name:
                    return None
                fields.append(stage.field(position))
            else:
                fields.append(pa.field(name, self._type(item)))
        return replaced, pa.schema(fields)

    def _type(self, item: _Item) -> pa.DataType:
        """What DuckDB gives for the UDF's STRUCT (model_udfs.return_type), or one field."""
        struct = pa.struct(result_fields(self.calls[item.call].udf.function))
        return struct if item.field is None else struct.field(item.field).type


class _StageFailed(Exception):
    pass


def _stage_batches(reader: pa.RecordBatchReader) -> Iterator[list[pa.RecordBatch]]:
    """Stage 1's batches, gathered into lists of at least BATCH_ROWS rows (but the last)."""
    gathered: list[pa.RecordBatch] = []
    rows = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (OSError, pa.ArrowException) as e:  # OSError: how DuckDB's errors arrive
            raise _StageFailed from e
        gathered.append(batch)
        rows += batch.num_rows
        if rows >= BATCH_ROWS:
            yield gathered
            gathered, rows = [], 0
    if gathered:
        yield gathered


class _Scorer:
    """Turns stage-1 batches into one batch of the result (called on worker threads)."""

    def __init__(
        self, plan: Plan, replaced: dict[int, _Item], expected: pa.Schema, cache: ModelCache
    ) -> None:
        self.plan = plan
        self.replaced = replaced
        self.expected = expected
        # models were loaded when the query was rewritten; services are called through Ray
        self.callers = [make_caller(c.udf, cache) for c in plan.calls]

    def __call__(self, batches: list[pa.RecordBatch]) -> pa.RecordBatch:
        try:
            return self._score(batches)
        except SqlgateError:
            raise
        except Exception as e:  # as the UDF path reports a Python exception in the UDF
            raise QueryError(f"{type(e).__name__}: {e}") from e

    def _score(self, batches: list[pa.RecordBatch]) -> pa.RecordBatch:
        width = len(self.expected)
        arguments = [self._column(batches, width + i) for i in range(self.plan.arguments)]
        results = [
            caller([arguments[i] for i in call.arguments])
            for call, caller in zip(self.plan.calls, self.callers, strict=True)
        ]
        columns = []
        for position in range(len(self.expected)):
            item = self.replaced.get(position)
            if item is None:
                # a copy: a column of the imported batch keeps all of it alive, arguments too,
                # and the result would grow by the inputs' size; malloc's copies take less
                # resident memory than pyarrow's default pool (mimalloc) for these sizes
                column = pa.concat_arrays(
                    [b.column(position) for b in batches], memory_pool=_KEPT_POOL
                )
            else:
                struct = results[item.call]
                column = struct if item.field is None else struct.field(item.field)
            columns.append(column)
        return pa.RecordBatch.from_arrays(columns, schema=self.expected)

    @staticmethod
    def _column(batches: list[pa.RecordBatch], position: int) -> pa.ChunkedArray:
        return pa.chunked_array(
            [b.column(position) for b in batches], batches[0].schema.types[position]
        )


# --- planning ------------------------------------------------------------------------------


def plan(tree: exp.Expr, udfs: Iterable[ModelUdf], role: str) -> Plan | None:
    """The two-stage plan for `tree` (model calls already rewritten into UDF calls), or None
    when the query must keep the UDF path."""
    by_name = {udf.name: udf for udf in udfs}
    if not by_name or not isinstance(tree, exp.Select):
        return None
    if any(value for key, value in tree.args.items() if key not in _KEPT_CLAUSES):
        return None
    if tree.find(exp.Placeholder, exp.Parameter) is not None:  # `?` would change places
        return None
    found = _call_items(tree, by_name)
    if found is None:
        return None
    if not _references_only_free_columns(tree, found):
        return None
    return _build(tree, found, by_name, role)


@dataclass(frozen=True)
class _Found:
    position: int  # in the select list
    alias: str
    udf: str
    arguments: tuple[exp.Expr, ...]
    field: str | None


def _call_items(tree: exp.Select, udfs: dict[str, ModelUdf]) -> list[_Found] | None:
    """The select list's call items, if every call in the query is one and nothing else in the
    select list aggregates or windows."""
    found: list[_Found] = []
    for position, item in enumerate(tree.expressions):
        calls = [n for n in item.find_all(exp.Anonymous) if n.name in udfs]
        if not calls:
            if item.find(exp.AggFunc, exp.Window) is not None:
                return None
            continue
        shape = _call_item(position, item, udfs)
        if shape is None or len(calls) != 1:
            return None
        found.append(shape)
    everywhere = [n for n in tree.find_all(exp.Anonymous) if n.name in udfs]
    return found if found and len(everywhere) == len(found) else None


def _call_item(position: int, item: exp.Expr, udfs: dict[str, ModelUdf]) -> _Found | None:
    """`udf(args) AS alias` or `udf(args)."field" AS alias` (model_calls.py aliases every
    call item), with call-free arguments that neither aggregate nor window."""
    if not isinstance(item, exp.Alias):
        return None
    body, field = item.this, None
    if isinstance(body, exp.Dot) and isinstance(body.expression, exp.Identifier):
        body, field = body.this, body.expression.name
    if not isinstance(body, exp.Anonymous) or body.name not in udfs:
        return None
    if field is not None and field not in {f.name for f in result_fields(udfs[body.name].function)}:
        return None  # not a field the rewrite resolved; DuckDB's own lookup rules apply
    arguments = tuple(body.expressions)
    if any(a.find(exp.AggFunc, exp.Window) is not None for a in arguments):
        return None
    return _Found(position, item.alias.upper(), body.name, arguments, field)


def _references_only_free_columns(tree: exp.Select, found: list[_Found]) -> bool:
    """Whether nothing reads a call item through its alias (DuckDB resolves select aliases in
    WHERE, ORDER BY and later select items; a placeholder cannot stand in for that), and ORDER
    BY names no call item by position or as ALL."""
    aliases = [f.alias for f in found]
    positions = {f.position for f in found}
    for position, item in enumerate(tree.expressions):
        if position in positions:
            own = next(f for f in found if f.position == position)
            others = set(aliases) - {own.alias} if aliases.count(own.alias) == 1 else set(aliases)
            if any(_reads(a, others) for a in own.arguments):
                return False
        elif _reads(item, set(aliases)):
            return False
    for key, value in tree.args.items():
        nodes = value if isinstance(value, list) else [value]
        names = {*aliases, "ALL"} if key == "order" else set(aliases)  # ORDER BY ALL
        if key != "expressions" and any(_reads(n, names) for n in nodes):
            return False
    order = tree.args.get("order")
    starred = any(item.find(exp.Star) is not None for item in tree.expressions)
    for ordered in order.expressions if order else []:
        key = ordered.this
        ordinal = isinstance(key, exp.Literal) and key.is_int
        if ordinal and (starred or int(key.this) - 1 in positions):
            return False
    return True


def _reads(node: object, names: set[str]) -> bool:
    if not isinstance(node, exp.Expr) or not names:
        return False
    return any(
        not column.table and column.name.upper() in names for column in node.find_all(exp.Column)
    )


def _build(tree: exp.Select, found: list[_Found], udfs: dict[str, ModelUdf], role: str) -> Plan:
    stage = tree.copy()
    projections = list(stage.expressions)
    argument_items: list[exp.Expr] = []
    argument_index: dict[tuple[tuple, str], int] = {}
    calls: list[_Call] = []
    call_index: dict[tuple[str, tuple[int, ...]], int] = {}
    items: dict[str, _Item] = {}
    for number, item in enumerate(found):
        udf = udfs[item.udf]
        indexes = []
        for argument, column in zip(item.arguments, udf.function.inputs, strict=True):
            type_ = parameter_type(column)
            # the same column or literal is fetched once; anything else (random()) each time
            stable = _stable(argument)
            key = (stable, type_) if stable is not None else None
            if key is None or key not in argument_index:
                # parenthesized: `v:x::VARCHAR` would otherwise get Snowflake's cast (plain_sql.py)
                # where the UDF path gets DuckDB's implicit one
                cast = exp.Cast(this=exp.Paren(this=argument.copy()), to=_data_type(type_).copy())
                name = _ARGUMENT.format(len(argument_items))
                argument_items.append(exp.alias_(cast, name, quoted=True))
                if key is not None:
                    argument_index[key] = len(argument_items) - 1
            indexes.append(argument_index[key] if key is not None else len(argument_items) - 1)
        # the same function of the same columns runs once, as DuckDB runs a repeated
        # deterministic expression once (arguments like random() are never shared, above)
        call_key = (udf.name, tuple(indexes))
        if call_key not in call_index:
            calls.append(_Call(udf, tuple(indexes)))
            call_index[call_key] = len(calls) - 1
        placeholder = _PLACEHOLDER.format(number)
        items[placeholder] = _Item(call_index[call_key], item.field)
        projections[item.position] = exp.alias_(exp.null(), placeholder, quoted=True)
    stage.set("expressions", [*projections, *argument_items])
    return Plan(
        sql=plain_sql.to_duckdb(stage, role, copy=False),  # stage is a copy already
        calls=tuple(calls),
        items=items,
        arguments=len(argument_items),
    )


def _stable(argument: exp.Expr) -> tuple | None:
    """A key for a column or a literal (the same value however often it is read), else None."""
    if isinstance(argument, exp.Literal):
        return ("literal", argument.this, argument.is_string)
    if isinstance(argument, exp.Column) and all(
        isinstance(p, exp.Identifier) for p in argument.parts
    ):
        # unquoted names fold to upper case, as DuckDB will see them (plain_sql.to_duckdb)
        return ("column", *(p.this if p.quoted else p.this.upper() for p in argument.parts))
    return None


@lru_cache
def _data_type(name: str) -> exp.DataType:
    return exp.DataType.build(name, dialect="duckdb")  # parses: a few hundred microseconds
