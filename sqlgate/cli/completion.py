"""Tab completion: backslash commands, catalog objects, user tables and columns, SQL keywords.

Names are re-read lazily: the shell bumps a counter after each statement, and the next
completion request refreshes when the counter moved, so typing costs nothing until Tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

import duckdb
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from sqlgate.cli.commands import COMMANDS

if TYPE_CHECKING:
    from sqlgate.cli.shell import Shell

# Words of sqlgate's own statements, which sqlglot's tokenizer does not know as keywords.
SQLGATE_WORDS = (
    "ACCOUNT",
    "ALIAS",
    "AUTO_RESUME",
    "AUTO_SUSPEND_SECS",
    "COMPUTE",
    "DEFAULT_VERSION",
    "ENDPOINTS",
    "EXTERNAL_ACCESS_INTEGRATIONS",
    "GPU_REQUESTS",
    "GRANTS",
    "IMAGE",
    "IMAGES",
    "INSTANCE_FAMILY",
    "INTEGRATION",
    "MAX_INSTANCES",
    "MAX_NODES",
    "METADATA",
    "MIN_INSTANCES",
    "MIN_NODES",
    "MODEL",
    "MODELS",
    "NETWORK",
    "POOL",
    "POOLS",
    "REPOSITORIES",
    "REPOSITORY",
    "RESUME",
    "ROLE",
    "ROLES",
    "RULE",
    "SECRET",
    "SERVICE",
    "SERVICES",
    "SPECIFICATION",
    "SUSPEND",
    "USAGE",
    "VERSION",
    "VERSIONS",
)

# (catalog table, what the name is) — a table missing from an older or newer catalog is skipped
CATALOG_OBJECTS = (
    ("compute_pools", "compute pool"),
    ("models", "model"),
    ("databases", "database"),
    ("schemas", "schema"),
    ("roles", "role"),
    ("image_repositories", "image repository"),
    ("integrations", "integration"),
    ("network_rules", "network rule"),
    ("services", "service"),
)

_WORD = re.compile(r"[\w$]+")
_PLAIN = re.compile(r"[A-Z_][A-Z0-9_$]*")  # an unquoted identifier as the catalog stores it


@cache
def keywords() -> tuple[list[str], list[str]]:
    """(keywords, function names) of the sqlgate dialect."""
    from sqlgate.grammar import Sqlgate

    words = {
        k
        for k in Sqlgate.tokenizer_class.KEYWORDS
        if re.fullmatch(r"[A-Z][A-Z_]*( [A-Z][A-Z_]*)*", k)
    }
    words.update(SQLGATE_WORDS)
    functions = {f for f in Sqlgate.parser_class.FUNCTIONS if re.fullmatch(r"[A-Z][A-Z0-9_]*", f)}
    return sorted(words), sorted(functions - words)


def _spell(name: str, typed: str) -> str:
    """How to insert `name`: plain identifiers in the case the user is typing, anything else
    double-quoted (so the name means exactly that object)."""
    if _PLAIN.fullmatch(name):
        return name if typed and not typed.islower() else name.lower()
    return '"' + name.replace('"', '""') + '"'


class SqlCompleter(Completer):
    def __init__(self, shell: Shell) -> None:
        self.shell = shell
        self._generation: int | None = None
        self._names: list[tuple[str, str]] = []

    # --- names ------------------------------------------------------------------------------
    def names(self) -> list[tuple[str, str]]:
        """(name, kind) of every object the user can name, re-read after statements ran."""
        if self._generation != self.shell.generation:
            self._names = list(self._read_names())
            self._generation = self.shell.generation
        return self._names

    def _read_names(self) -> Iterator[tuple[str, str]]:
        session = self.shell.session
        seen: set[str] = set()
        if getattr(session, "catalog", None) is None:
            return  # a remote session (sqlgate --url): keywords only
        for table, kind in CATALOG_OBJECTS:
            try:
                rows = session.catalog.rows(f"SELECT DISTINCT name FROM {table}")
            except duckdb.Error:
                continue
            for row in rows:
                if row["name"] and row["name"] not in seen:
                    seen.add(row["name"])
                    yield row["name"], kind
        cursor = session.warehouse.cursor()
        try:
            for sql, kind in (
                ("SELECT DISTINCT table_name FROM information_schema.tables", "table"),
                ("SELECT DISTINCT column_name FROM information_schema.columns", "column"),
            ):
                for (name,) in cursor.execute(sql).fetchall():
                    if name and name not in seen:
                        seen.add(name)
                        yield name, kind
        except duckdb.Error:
            pass
        finally:
            cursor.close()

    # --- completion -------------------------------------------------------------------------
    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        before = document.text_before_cursor
        stripped = before.lstrip()
        if stripped.startswith("\\") and " " not in stripped:
            typed = stripped[1:]
            for command in COMMANDS:
                if command.name.startswith(typed):
                    yield Completion(
                        "\\" + command.name,
                        start_position=-len(stripped),
                        display_meta=command.description,
                    )
            return
        typed = document.get_word_before_cursor(pattern=_WORD) if before else ""
        if before and not before[-1:].strip():
            typed = ""  # after a blank: offer everything
        prefix = typed.upper()
        done: set[str] = set()
        for name, kind in self.names():
            if name.upper().startswith(prefix) and name.upper() not in done:
                done.add(name.upper())
                yield Completion(_spell(name, typed), -len(typed), display_meta=kind)
        words, functions = keywords()
        for group, kind in ((words, "keyword"), (functions, "function")):
            for word in group:
                if word.startswith(prefix) and word not in done:
                    done.add(word)
                    text = word.lower() if typed.islower() else word
                    yield Completion(text, -len(typed), display_meta=kind)
