"""The model version directory format, "sqlgate.model/1".

A version directory holds `manifest.json` and the files it lists:

    {
      "format": "sqlgate.model/1",
      "flavor": "custom",                      # how the runtime loads it (sklearn, onnx, ...)
      "python_version": "3.11",
      "requirements": ["numpy>=1.26"],         # pip requirement strings
      "functions": [                           # what SQL can call: m!predict(a, b)
        {"name": "predict", "target_method": "predict",
         "inputs": [{"name": "a", "type": "DOUBLE"}, {"name": "b", "type": "DOUBLE"}],
         "outputs": [{"name": "output", "type": "DOUBLE"}]}
      ],
      "files": [{"path": "model/weights.json", "size": 42, "sha256": "<64 hex digits>"}],
      "libraries": {"scikit-learn": "1.9.1"},  # optional: versions the model was saved with
      "options": {}                            # optional: flavor-specific settings
    }

Column types are snowflake-ml-python's signature types (INT8 ... DOUBLE, STRING, ...), each with
an Arrow type for the runtime and a SQL type for SHOW FUNCTIONS. Validation is strict (unknown
keys included) so that a typo is an error at CREATE MODEL time, not a surprise at inference time;
a new field means a new format version.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa

from sqlgate.errors import InvalidValue

FORMAT = "sqlgate.model/1"
MANIFEST_FILE = "manifest.json"

# signature type -> (Arrow type, SQL type shown by SHOW FUNCTIONS IN MODEL)
TYPES: dict[str, tuple[pa.DataType, str]] = {
    "INT8": (pa.int8(), "NUMBER"),
    "INT16": (pa.int16(), "NUMBER"),
    "INT32": (pa.int32(), "NUMBER"),
    "INT64": (pa.int64(), "NUMBER"),
    "UINT8": (pa.uint8(), "NUMBER"),
    "UINT16": (pa.uint16(), "NUMBER"),
    "UINT32": (pa.uint32(), "NUMBER"),
    "UINT64": (pa.uint64(), "NUMBER"),
    "FLOAT": (pa.float32(), "FLOAT"),
    "DOUBLE": (pa.float64(), "FLOAT"),
    "BOOL": (pa.bool_(), "BOOLEAN"),
    "STRING": (pa.string(), "VARCHAR"),
    "BYTES": (pa.binary(), "BINARY"),
    "TIMESTAMP_NTZ": (pa.timestamp("us"), "TIMESTAMP_NTZ"),
}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_PYTHON_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PYTHON_VERSION = re.compile(r"3\.\d+(\.\d+)?")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class InvalidManifest(InvalidValue):
    def __init__(self, directory: Path | str, problem: str) -> None:
        super().__init__(f"Invalid model version directory '{directory}': {problem}")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of TYPES

    @property
    def arrow_type(self) -> pa.DataType:
        return TYPES[self.type][0]

    @property
    def sql_type(self) -> str:
        return TYPES[self.type][1]


@dataclass(frozen=True)
class Function:
    name: str  # the SQL method name: an unquoted identifier, called case-insensitively
    target_method: str  # the Python method of the model object it calls
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]

    @classmethod
    def from_catalog(cls, data: dict[str, Any]) -> Function:
        """One entry of the catalog's model_versions.functions (see functions_json)."""
        return cls(
            name=data["name"],
            target_method=data["target_method"],
            inputs=tuple(Column(c["name"], c["type"]) for c in data["inputs"]),
            outputs=tuple(Column(c["name"], c["type"]) for c in data["outputs"]),
        )


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, '/'-separated, inside the version directory
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    flavor: str
    python_version: str
    requirements: tuple[str, ...]
    functions: tuple[Function, ...]
    files: tuple[FileEntry, ...]
    format: str = FORMAT
    libraries: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def function(self, name: str) -> Function | None:
        """The function SQL calls as `name` (SQL method names are case-insensitive)."""
        return next((f for f in self.functions if f.name.upper() == name.upper()), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def functions_json(self) -> list[dict[str, Any]]:
        """The catalog's model_versions.functions value."""
        return [asdict(f) for f in self.functions]


def load(directory: Path) -> tuple[Manifest, bytes]:
    """Read and validate `directory`/manifest.json; also returns its bytes, so a caller can copy
    exactly what was validated."""
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise InvalidManifest(directory, f"{MANIFEST_FILE} is missing")
    raw = path.read_bytes()
    return parse(raw, directory), raw


def parse(raw: bytes, directory: Path | str) -> Manifest:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidManifest(directory, f"{MANIFEST_FILE} is not valid JSON ({e})") from None
    return _Reader(directory).manifest(data)


class _Reader:
    """Validates a decoded manifest; each error names the field it is about."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = directory

    def fail(self, where: str, problem: str) -> InvalidManifest:
        return InvalidManifest(self.directory, f"{MANIFEST_FILE}: {where} {problem}")

    def obj(
        self, value: Any, where: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a JSON object")
        missing = [k for k in keys if k not in value]
        if missing:
            raise self.fail(where, f"is missing {', '.join(repr(k) for k in missing)}")
        unknown = sorted(set(value) - set(keys) - set(optional))
        if unknown:
            raise self.fail(where, f"has unknown key {', '.join(repr(k) for k in unknown)}")
        return value

    def string(self, value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "must be a non-empty string")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(where, f"is not valid: {value!r}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "must be a JSON array")
        return value

    def manifest(self, data: Any) -> Manifest:
        keys = ("format", "flavor", "python_version", "requirements", "functions", "files")
        data = self.obj(data, "the manifest", keys, optional=("libraries", "options"))
        if data["format"] != FORMAT:
            raise self.fail("format", f"must be {FORMAT!r}, got {data['format']!r}")
        requirements = self.array(data["requirements"], "requirements")
        functions = self.array(data["functions"], "functions")
        if not functions:
            raise self.fail("functions", "must list at least one function")
        manifest = Manifest(
            flavor=self.string(data["flavor"], "flavor"),
            python_version=self.string(data["python_version"], "python_version", _PYTHON_VERSION),
            requirements=tuple(
                self.requirement(r, f"requirements[{i}]") for i, r in enumerate(requirements)
            ),
            functions=tuple(self.function(f, f"functions[{i}]") for i, f in enumerate(functions)),
            files=tuple(
                self.file(f, f"files[{i}]")
                for i, f in enumerate(self.array(data["files"], "files"))
            ),
        )
        libraries = data.get("libraries", {})
        if not isinstance(libraries, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in libraries.items()
        ):
            raise self.fail("libraries", "must map library names to version strings")
        options = data.get("options", {})
        if not isinstance(options, dict):
            raise self.fail("options", "must be a JSON object")
        manifest = Manifest(
            **{**asdict_shallow(manifest), "libraries": dict(libraries), "options": options}
        )
        _unique(self, [f.name.upper() for f in manifest.functions], "functions", "name")
        _unique(self, [f.path for f in manifest.files], "files", "path")
        return manifest

    def requirement(self, value: Any, where: str) -> str:
        text = self.string(value, where)
        if "\n" in text or "\r" in text:
            raise self.fail(where, "must be a single line")
        return text

    def function(self, value: Any, where: str) -> Function:
        data = self.obj(value, where, ("name", "target_method", "inputs", "outputs"))
        inputs = self.columns(data["inputs"], f"{where}.inputs")
        outputs = self.columns(data["outputs"], f"{where}.outputs")
        if not outputs:
            raise self.fail(f"{where}.outputs", "must list at least one output")
        return Function(
            name=self.string(data["name"], f"{where}.name", _IDENTIFIER),
            target_method=self.string(
                data["target_method"], f"{where}.target_method", _PYTHON_NAME
            ),
            inputs=inputs,
            outputs=outputs,
        )

    def columns(self, value: Any, where: str) -> tuple[Column, ...]:
        columns = tuple(
            self.column(c, f"{where}[{i}]") for i, c in enumerate(self.array(value, where))
        )
        _unique(self, [c.name for c in columns], where, "name")
        return columns

    def column(self, value: Any, where: str) -> Column:
        data = self.obj(value, where, ("name", "type"))
        type_name = data["type"]
        if not isinstance(type_name, str) or type_name.upper() not in TYPES:
            known = ", ".join(TYPES)
            raise self.fail(f"{where}.type", f"must be one of {known}, got {type_name!r}")
        return Column(name=self.string(data["name"], f"{where}.name"), type=type_name.upper())

    def file(self, value: Any, where: str) -> FileEntry:
        data = self.obj(value, where, ("path", "size", "sha256"))
        path = self.string(data["path"], f"{where}.path")
        problem = path_problem(path)
        if problem:
            raise self.fail(f"{where}.path", f"{path!r} {problem}")
        size = data["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise self.fail(f"{where}.size", "must be a non-negative integer")
        sha256 = self.string(data["sha256"], f"{where}.sha256")
        if not _SHA256.fullmatch(sha256):
            raise self.fail(f"{where}.sha256", "must be 64 lower-case hex digits")
        return FileEntry(path=path, size=size, sha256=sha256)


def asdict_shallow(manifest: Manifest) -> dict[str, Any]:
    """The dataclass's fields, without converting nested dataclasses to dicts."""
    return {name: getattr(manifest, name) for name in manifest.__dataclass_fields__}


def dump(manifest: Manifest) -> bytes:
    """The manifest as written to disk (stable key order, so it hashes the same every time)."""
    return json.dumps(manifest.to_dict(), indent=2, sort_keys=True).encode() + b"\n"


def path_problem(path: str) -> str | None:
    """Why a listed path cannot name a file inside the version directory, or None."""
    pure = PurePosixPath(path)
    if "\\" in path or "\0" in path:
        return "must use '/' as its only separator"
    if pure.is_absolute() or re.match(r"[A-Za-z]:", path):
        return "must be relative to the version directory"
    if any(part == ".." for part in pure.parts):
        return "must not contain '..'"
    if pure.parts != tuple(p for p in path.split("/")):  # '', '.', or a doubled '/'
        return "must be a normalized path (no empty or '.' parts)"
    if str(pure) == MANIFEST_FILE:
        return f"must not list {MANIFEST_FILE} itself"
    return None


def _unique(reader: _Reader, values: list[str], where: str, key: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise reader.fail(where, f"has two entries with {key} {value!r}")
        seen.add(value)
