"""Server-side bindings as Snowflake clients send them: `{"1": {"type": "FIXED", "value": "1"}}`
(qmark `?` and numeric `:1` placeholders; a list value is one row of an executemany). Values
only ever reach DuckDB as bound parameters, never as SQL text."""

from __future__ import annotations

import datetime as dt
import decimal
import typing as t

from sqlgate.errors import InvalidValue

Bindings = dict[str, dict[str, t.Any]]


def _value(kind: str, text: t.Any) -> t.Any:
    if text is None:
        return None
    kind = kind.upper()
    text = str(text)
    if kind == "FIXED":
        return int(text) if text.lstrip("-").isdigit() else decimal.Decimal(text)
    if kind == "REAL":
        return float(text)
    if kind == "BOOLEAN":
        return text.lower() in ("1", "true", "t", "yes")
    if kind == "DATE":  # milliseconds since the epoch
        return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(text))).date()
    if kind.startswith("TIMESTAMP"):  # nanoseconds since the epoch
        value = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(text.split()[0]) // 1000)
        return value.replace(tzinfo=dt.UTC) if kind in ("TIMESTAMP_TZ", "TIMESTAMP_LTZ") else value
    if kind == "TIME":  # nanoseconds since midnight
        micros = int(text) // 1000
        return (dt.datetime.min + dt.timedelta(microseconds=micros)).time()
    if kind == "BINARY":
        return bytes.fromhex(text)
    if kind in ("TEXT", "ANY", "VARIANT", "OBJECT", "ARRAY"):
        return text
    raise InvalidValue(f"Unsupported binding type {kind}")


def rows(bindings: Bindings | None) -> list[list[t.Any]]:
    """One parameter list per execution (several for array bindings), in position order."""
    if not bindings:
        return [[]]
    if not isinstance(bindings, dict):  # the connector protocol's bodies are not validated
        raise InvalidValue('Bindings must be an object keyed by position: "1", "2", ...')
    try:
        positions = sorted(bindings, key=int)
    except ValueError:
        raise InvalidValue('Bindings must be keyed by position: "1", "2", ...') from None
    columns = []
    for key in positions:
        binding = bindings[key]
        if not isinstance(binding, dict) or not isinstance(binding.get("type"), str):
            raise InvalidValue(f"Binding {key} needs a type and a value")
        value = binding.get("value")
        values = value if isinstance(value, list) else [value]
        try:
            columns.append([_value(binding["type"], v) for v in values])
        except (ValueError, ArithmeticError) as e:  # InvalidOperation, OverflowError too
            kind = binding["type"].upper()
            raise InvalidValue(f"Binding {key}: {value!r} is not a valid {kind} value") from e
    height = max(len(c) for c in columns)
    if any(len(c) not in (1, height) for c in columns):
        raise InvalidValue("Array bindings must all have the same length")
    return [[c[0] if len(c) == 1 else c[i] for c in columns] for i in range(height)]


def numeric_to_qmark(sql: str, params: list[t.Any]) -> tuple[str, list[t.Any]]:
    """Rewrite `:1`-style placeholders (outside strings, identifiers and comments, and not
    `::` casts) to `?`, reordering the parameters to match."""
    out: list[str] = []
    order: list[int] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                if ch == "'" and sql[end] == "\\":
                    end += 1
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
            continue
        if ch == ":" and i + 1 < n and sql[i + 1].isdigit() and (i == 0 or sql[i - 1] != ":"):
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            order.append(int(sql[i + 1 : j]))
            out.append("?")
            i = j
            continue
        out.append(ch)
        i += 1
    if not order:
        return sql, params
    if max(order) > len(params):
        raise InvalidValue(f"Placeholder :{max(order)} has no binding ({len(params)} given)")
    return "".join(out), [params[k - 1] for k in order]
