"""The Python registry API, shaped like snowflake-ml-python's so that code written for it ports
by changing the imports:

    from sqlgate.registry import Registry

    reg = Registry(session=sqlgate.connect())
    mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X)
    mv.run(X_test, function_name="predict")
    reg.get_model("my_model").default = "v1"

It is a thin layer over SQL: every change is a CREATE / ALTER / DROP MODEL statement run in the
given session, so the catalog's invariants, the artifact store's checks and privileges apply
exactly as they do to SQL. State is read back with SHOW statements (and, where SHOW has no
column for it, the catalog row: tags, signatures and a version's files). Names follow
snowflake-ml's identifier rules: a name that is a valid unquoted identifier means its upper-case
form ("my_model" is MY_MODEL), a double-quoted name keeps its case ('"My Model"'), and any other
name is used exactly as given.

Metrics live in the version's metadata under "metric", where seed 002's SQL puts them
(`SET METADATA = '{"metric": {"accuracy": 0.769}}'`), so `metadata:metric:accuracy` in a query
reads what `set_metric("accuracy", 0.769)` wrote.

Differences from snowflake-ml-python: show_models() and show_versions() return DataFrames as it
does, and show_tags(), show_metrics() and show_functions() return a dict, a dict and a list of
dicts, also as it does; a generated version name is V<n> (one more than the highest V<n>), not a
random one; ModelVersion.run() runs in this process (there is no warehouse to send it to).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectNotFound, SqlgateError
from sqlgate.gateway import access
from sqlgate.gateway.names import ObjectName
from sqlgate.gateway.result import Result
from sqlgate.registry import signature as signatures_module
from sqlgate.registry import store, version_dir
from sqlgate.registry.manifest import Column, Function
from sqlgate.registry.signature import ModelSignature
from sqlgate.runtime.loaded import LoadedModel

if TYPE_CHECKING:
    from sqlgate.dbapi import Connection
    from sqlgate.executors.docker_build import BuiltImage
    from sqlgate.gateway.session import Session

METRICS_KEY = "metric"  # seed 002's metadata:metric:accuracy
_UNQUOTED = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_GENERATED = re.compile(r"V([0-9]+)")
_LIKE_SPECIAL = re.compile(r"[%_\\]")


# --- names and SQL text -------------------------------------------------------------------------


def resolve_name(name: str, what: str = "name") -> str:
    """The catalog spelling of a name given to the API (see the module docstring)."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidValue(f"A {what} must be a non-empty string, got {name!r}")
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        if len(name) == 2:
            raise InvalidValue(f"A {what} must not be empty")
        return name[1:-1].replace('""', '"')
    if _UNQUOTED.fullmatch(name):
        return name.upper()
    return name


def _split_parts(name: str) -> list[str]:
    """'db.schema.tag' -> parts, keeping dots inside double quotes."""
    parts, current, quoted = [], "", False
    for ch in name:
        if ch == '"':
            quoted = not quoted
        if ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def quote(name: str) -> str:
    """A catalog name as a quoted SQL identifier (it then means exactly `name`)."""
    return exp.to_identifier(name, quoted=True).sql("sqlgate")


def literal(text: str) -> str:
    """A SQL string literal for `text`, escaped as the dialect reads it back."""
    return exp.Literal.string(text).sql("sqlgate")


def _session_of(session: Connection | Session) -> Session:
    """snowflake-ml takes a Snowpark session; here a sqlgate.connect() connection (or its
    gateway Session) plays that part."""
    inner = getattr(session, "session", session)
    if not hasattr(inner, "execute") or not hasattr(inner, "catalog"):
        raise InvalidValue(
            f"Registry needs a sqlgate.connect() connection, got {type(session).__name__}"
        )
    return inner


def _jsonable(value: Any) -> Any:
    """json.dumps' fallback: NumPy scalars and arrays as plain values; anything else refused."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON-serialisable")


def _to_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, default=_jsonable, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InvalidValue(f"{what} must be JSON-serialisable: {e}") from None


def _conda_as_pip(dependency: str) -> str:
    """A conda dependency as a pip requirement: channel dropped, `name=1.2` as `name==1.2`."""
    spec = dependency.split("::", 1)[-1].strip()
    return re.sub(r"(?<![<>=!~])=(?!=)", "==", spec, count=1)


# --- Registry -----------------------------------------------------------------------------------


class Registry:
    """The models of one schema (the session's current one unless named)."""

    def __init__(
        self,
        session: Connection | Session,
        database_name: str | None = None,
        schema_name: str | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self._session = _session_of(session)
        if database_name is not None:
            database = resolve_name(database_name, "database name")
            # snowflake-ml: a named database without a schema means its PUBLIC schema
            schema = resolve_name(schema_name, "schema name") if schema_name else "PUBLIC"
        else:
            database = self._session.require_database()
            schema = (
                resolve_name(schema_name, "schema name")
                if schema_name
                else self._session.require_schema()
            )
        self.database_name, self.schema_name = database, schema
        self._show("SHOW MODELS")  # fails now, clearly, if the schema does not exist
        # `options` is accepted for snowflake-ml compatibility; none of its options apply here

    @property
    def location(self) -> str:
        return f"{self.database_name}.{self.schema_name}"

    # --- SQL --------------------------------------------------------------------------------
    def _sql(self, sql: str) -> Result:
        return self._session.execute(sql)[-1]

    def _show(self, show: str, like: str | None = None) -> pa.Table:
        """`SHOW <what> [LIKE ...] IN SCHEMA <this schema>`."""
        pattern = ""
        if like is not None:  # only a first cut (callers compare names exactly): escape wildcards
            pattern = " LIKE " + literal(_LIKE_SPECIAL.sub(lambda m: "\\" + m.group(0), like))
        scope = f"{quote(self.database_name)}.{quote(self.schema_name)}"
        return self._sql(f"{show}{pattern} IN SCHEMA {scope}").table

    def _object(self, name: str) -> ObjectName:
        return ObjectName(self.database_name, self.schema_name, name)

    def _model_row(self, name: str) -> dict[str, Any] | None:
        rows = self._show("SHOW MODELS", like=name).to_pylist()
        return next((r for r in rows if r["name"] == name), None)

    # --- models -----------------------------------------------------------------------------
    def get_model(self, model_name: str) -> Model:
        name = resolve_name(model_name, "model name")
        if self._model_row(name) is None:
            raise ObjectNotFound("Model", str(self._object(name)))
        return Model(self, name)

    def models(self) -> list[Model]:
        return [Model(self, name) for name in self._show("SHOW MODELS").column("name").to_pylist()]

    def show_models(self) -> pd.DataFrame:
        return self._show("SHOW MODELS").to_pandas()

    def delete_model(self, model_name: str) -> None:
        name = resolve_name(model_name, "model name")
        self._sql(f"DROP MODEL {_sql_name(self._object(name))}")

    # --- logging ----------------------------------------------------------------------------
    def log_model(
        self,
        model: Any,
        *,
        model_name: str,
        version_name: str | None = None,
        comment: str | None = None,
        metrics: Mapping[str, Any] | None = None,
        conda_dependencies: Sequence[str] | None = None,
        pip_requirements: Sequence[str] | None = None,
        signatures: Mapping[str, ModelSignature] | None = None,
        sample_input_data: Any = None,
        target_methods: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ModelVersion:
        """Log `model` as a new version of `model_name` (created if it does not exist) and
        return it. `model` may also be a ModelVersion, from this registry or another schema's:
        its files, comment and metadata are copied (CREATE MODEL ... FROM MODEL).

        Functions are `target_methods`, else the methods `signatures` names, else the model's
        inference methods; signatures not given are inferred from `sample_input_data`. The
        version's requirements are `pip_requirements`, `conda_dependencies` (as pip names) and
        the flavor's libraries, pinned from the installed major.minor to the next major
        (`options={"relax_version": False}` pins the exact version); other snowflake-ml options
        are accepted and ignored.

        Nothing is left behind when this fails: the version is created by one statement, and
        if setting its comment or metrics fails afterwards, the version (or the model it
        created) is dropped again.
        """
        name = resolve_name(model_name, "model name")
        target = self._object(name)
        existing = self._model_row(name)
        if version_name is not None:
            version = resolve_name(version_name, "version name")
        else:
            version = _next_version_name(
                self._show_versions(target).column("name").to_pylist() if existing else []
            )
        label = f"Model {target} version {version}"
        if isinstance(model, ModelVersion):
            if model._registry._session.engine is not self._session.engine:
                raise InvalidValue(
                    f"{label} cannot be copied from {model!r}: it is in another data directory"
                )
            source = f"FROM MODEL {_sql_name(model._model.object_name)}"
            self._create(target, version, f"{source} VERSION {quote(model.version_name)}", existing)
        else:
            requirements = [*(pip_requirements or ())]
            requirements += [_conda_as_pip(d) for d in conda_dependencies or ()]
            relax = bool((options or {}).get("relax_version", True))
            with tempfile.TemporaryDirectory(prefix="sqlgate-log-model-") as tmp:
                version_dir.save_model(
                    model,
                    Path(tmp),
                    label=label,
                    sample_input_data=sample_input_data,
                    signatures=signatures,
                    target_methods=target_methods,
                    requirements=requirements,
                    relax_version=relax,
                )
                self._create(target, version, f"FROM {literal(tmp)}", existing)
        logged = ModelVersion(Model(self, name), version)
        try:
            if comment is not None:
                logged.comment = comment
            if metrics:
                logged._update_metrics(dict(metrics))
        except BaseException as e:
            self._undo(target, version, created_model=existing is None, error=e)
            raise
        return logged

    def _create(
        self, target: ObjectName, version: str, source: str, existing: dict[str, Any] | None
    ) -> None:
        if existing is None:
            self._sql(f"CREATE MODEL {_sql_name(target)} WITH VERSION {quote(version)} {source}")
        else:
            self._sql(f"ALTER MODEL {_sql_name(target)} ADD VERSION {quote(version)} {source}")

    def _undo(
        self, target: ObjectName, version: str, *, created_model: bool, error: BaseException
    ) -> None:
        try:
            if created_model:
                self._sql(f"DROP MODEL IF EXISTS {_sql_name(target)}")
            else:
                self._sql(f"ALTER MODEL {_sql_name(target)} DROP VERSION {quote(version)}")
        except SqlgateError as undo_error:  # keep the original error; say what is left
            error.add_note(f"Removing {target} version {version} again failed: {undo_error}")

    def _show_versions(self, target: ObjectName) -> pa.Table:
        return self._sql(f"SHOW VERSIONS IN MODEL {_sql_name(target)}").table

    def __repr__(self) -> str:
        return f"Registry(database_name={self.database_name!r}, schema_name={self.schema_name!r})"


def _sql_name(name: ObjectName) -> str:
    return f"{quote(name.database)}.{quote(name.schema)}.{quote(name.name)}"


def _next_version_name(existing: Sequence[str]) -> str:
    numbers = [int(m.group(1)) for n in existing if (m := _GENERATED.fullmatch(n))]
    return f"V{max(numbers, default=0) + 1}"


# --- Model --------------------------------------------------------------------------------------


class Model:
    """A model of the registry; every property reads the catalog afresh."""

    def __init__(self, registry: Registry, name: str) -> None:
        self._registry = registry
        self.name = name

    @property
    def object_name(self) -> ObjectName:
        return self._registry._object(self.name)

    @property
    def fully_qualified_name(self) -> str:
        return str(self.object_name)

    @property
    def _sql_name(self) -> str:
        return _sql_name(self.object_name)

    def _row(self) -> dict[str, Any]:
        row = self._registry._model_row(self.name)
        if row is None:
            raise ObjectNotFound("Model", self.fully_qualified_name)
        return row

    def _alter(self, clause: str) -> None:
        self._registry._sql(f"ALTER MODEL {self._sql_name} {clause}")

    # --- comment and default version --------------------------------------------------------
    @property
    def comment(self) -> str | None:
        return self._row()["comment"]

    @comment.setter
    def comment(self, comment: str) -> None:
        self._alter(f"SET COMMENT = {literal(comment)}")

    description = comment

    @property
    def default(self) -> ModelVersion:
        return ModelVersion(self, self._row()["default_version_name"])

    @default.setter
    def default(self, version: str | ModelVersion) -> None:
        name = (
            version.version_name
            if isinstance(version, ModelVersion)
            else resolve_name(version, "version name")
        )
        self._alter(f"SET DEFAULT_VERSION = {literal(name)}")

    # --- versions ---------------------------------------------------------------------------
    def show_versions(self) -> pd.DataFrame:
        return self._registry._show_versions(self.object_name).to_pandas()

    def versions(self) -> list[ModelVersion]:
        names = self._registry._show_versions(self.object_name).column("name").to_pylist()
        return [ModelVersion(self, name) for name in names]

    def version(self, version_or_alias: str) -> ModelVersion:
        """The version named `version_or_alias`, or the one that alias (user-set, or DEFAULT,
        FIRST, LAST) points at."""
        wanted = resolve_name(version_or_alias, "version name or alias")
        rows = self._registry._show_versions(self.object_name).to_pylist()
        for row in rows:
            if row["name"] == wanted:
                return ModelVersion(self, row["name"])
        for row in rows:
            if wanted in json.loads(row["aliases"]):
                return ModelVersion(self, row["name"])
        names = [r["name"] for r in rows] + [a for r in rows for a in json.loads(r["aliases"])]
        near = [n for n in names if n.upper() == wanted.upper()]
        hint = f" Did you mean {near[0]!r}? Quoted names are case-sensitive." if near else ""
        raise _version_not_found(self.fully_qualified_name, wanted, hint)

    def first(self) -> ModelVersion:
        return self.version("FIRST")

    def last(self) -> ModelVersion:
        return self.version("LAST")

    def delete_version(self, version_name: str) -> None:
        self._alter(f"DROP VERSION {quote(resolve_name(version_name, 'version name'))}")

    def rename(self, model_name: str) -> None:
        new = resolve_name(model_name, "model name")
        self._alter(f"RENAME TO {_sql_name(self._registry._object(new))}")
        self.name = new

    # --- tags -------------------------------------------------------------------------------
    def show_tags(self) -> dict[str, str]:
        """Tag name -> value (SHOW has no column for a model's tags; the catalog keeps them)."""
        database, schema, name = (
            self.object_name.database,
            self.object_name.schema,
            self.object_name.name,
        )
        session = self._registry._session
        access.require_model(session, (database, schema, name), "call")
        row = session.catalog.one(
            "SELECT tags FROM models WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        if row is None:
            raise ObjectNotFound("Model", self.fully_qualified_name)
        tags = row["tags"]
        return dict(json.loads(tags) if isinstance(tags, str) else tags or {})

    def get_tag(self, tag_name: str) -> str | None:
        return self.show_tags().get(_tag_key(tag_name))

    def set_tag(self, tag_name: str, tag_value: str) -> None:
        self._alter(f"SET TAG {_tag_sql(tag_name)} = {literal(str(tag_value))}")

    def unset_tag(self, tag_name: str) -> None:
        self._alter(f"UNSET TAG {_tag_sql(tag_name)}")

    def __repr__(self) -> str:
        return f"Model(name={self.fully_qualified_name!r})"


def _version_not_found(model: str, version: str, hint: str = "") -> ObjectNotFound:
    """SQL's message for a missing version (ObjectNotFound's own names no model)."""
    error = ObjectNotFound("Version", version)
    error.message = f"Version '{version}' of model '{model}' does not exist or not authorized."
    error.message += hint
    error.args = (error.message,)
    return error


def _tag_parts(tag_name: str) -> list[str]:
    return [resolve_name(p, "tag name") for p in _split_parts(tag_name)]


def _tag_key(tag_name: str) -> str:
    return ".".join(_tag_parts(tag_name))


def _tag_sql(tag_name: str) -> str:
    return ".".join(quote(p) for p in _tag_parts(tag_name))


# --- ModelVersion -------------------------------------------------------------------------------


class ModelVersion:
    """One version of a model: metrics, comment, functions, and running it in this process."""

    def __init__(self, model: Model, version_name: str) -> None:
        self._model = model
        self.version_name = version_name
        self._loaded: tuple[str, LoadedModel] | None = None  # (artifact, model) cache

    @property
    def model_name(self) -> str:
        return self._model.name

    @property
    def fully_qualified_model_name(self) -> str:
        return self._model.fully_qualified_name

    @property
    def _label(self) -> str:
        return f"Model {self.fully_qualified_model_name} version {self.version_name}"

    @property
    def _registry(self) -> Registry:
        return self._model._registry

    def _row(self) -> dict[str, Any]:
        for row in self._registry._show_versions(self._model.object_name).to_pylist():
            if row["name"] == self.version_name:
                return row
        raise self._missing()

    def _missing(self) -> ObjectNotFound:
        return _version_not_found(self.fully_qualified_model_name, self.version_name)

    def _catalog_row(self) -> dict[str, Any]:
        """The version's catalog row: its signatures and files (SHOW lists function names
        only)."""
        name = self._model.object_name
        # the same check SQL makes: USAGE reads signatures and runs the model, no more
        session = self._registry._session
        access.require_model(session, (name.database, name.schema, name.name), "call")
        row = session.catalog.one(
            "SELECT functions, artifact FROM model_versions WHERE database_name = ?"
            " AND schema_name = ? AND model_name = ? AND name = ?",
            [name.database, name.schema, name.name, self.version_name],
        )
        if row is None:
            raise self._missing()
        return row

    def _modify(self, clause: str) -> None:
        self._model._alter(f"MODIFY VERSION {quote(self.version_name)} {clause}")

    # --- comment ----------------------------------------------------------------------------
    @property
    def comment(self) -> str | None:
        return self._row()["comment"]

    @comment.setter
    def comment(self, comment: str) -> None:
        self._modify(f"SET COMMENT = {literal(comment)}")

    description = comment

    # --- metrics ----------------------------------------------------------------------------
    def _metadata(self) -> dict[str, Any]:
        return dict(json.loads(self._row()["metadata"] or "{}"))

    def show_metrics(self) -> dict[str, Any]:
        return dict(self._metadata().get(METRICS_KEY) or {})

    def get_metric(self, metric_name: str) -> Any:
        metrics = self.show_metrics()
        if metric_name not in metrics:
            raise KeyError(f"{self._label} has no metric {metric_name!r}")
        return metrics[metric_name]

    def set_metric(self, metric_name: str, value: Any) -> None:
        self._update_metrics({metric_name: value})

    def delete_metric(self, metric_name: str) -> None:
        metadata = self._metadata()
        metrics = dict(metadata.get(METRICS_KEY) or {})
        if metric_name not in metrics:
            raise KeyError(f"{self._label} has no metric {metric_name!r}")
        del metrics[metric_name]
        self._write_metadata({**metadata, METRICS_KEY: metrics})

    def _update_metrics(self, changes: dict[str, Any]) -> None:
        metadata = self._metadata()
        metrics = {**(metadata.get(METRICS_KEY) or {}), **changes}
        self._write_metadata({**metadata, METRICS_KEY: metrics})

    def _write_metadata(self, metadata: dict[str, Any]) -> None:
        text = _to_json(metadata, f"The metrics of {self._label}")
        self._modify(f"SET METADATA = {literal(text)}")

    # --- functions and running --------------------------------------------------------------
    def show_functions(self) -> list[dict[str, Any]]:
        """The version's functions as snowflake-ml lists them (name in SQL's upper case)."""
        functions = json.loads(self._catalog_row()["functions"])
        return [
            {
                "name": f["name"].upper(),
                "target_method": f["target_method"],
                "target_method_function_type": "FUNCTION",
                "signature": ModelSignature.from_columns(
                    _columns(f["inputs"]), _columns(f["outputs"])
                ),
                "is_partitioned": False,
            }
            for f in functions
        ]

    def _load(self) -> LoadedModel:
        artifact = self._catalog_row()["artifact"]
        if self._loaded is None or self._loaded[0] != artifact:
            directory = store.resolve(self._registry._session.engine.models_dir, artifact)
            self._loaded = (artifact, LoadedModel.load(directory, self._label))
        return self._loaded[1]

    def load(self, *, force: bool = False, options: Mapping[str, Any] | None = None) -> Any:
        """The Python model object, loaded from the registry's copy (`force` and `options` are
        accepted for snowflake-ml compatibility: models always load in this process). Needs
        OWNERSHIP or READ on the model: USAGE may run it, never take its artifacts."""
        name = self._model.object_name
        access.require_model(
            self._registry._session, (name.database, name.schema, name.name), "read"
        )
        return self._load().model

    def run(
        self,
        X: pd.DataFrame | Any,
        *,
        function_name: str | None = None,
        service_name: str | None = None,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Call a function of the version on `X`: in this process, or with `service_name` on
        that service (seed 000), through the path its SQL service functions take. The result is
        `X` with the function's output columns added. Columns are matched to the signature's
        inputs by name (exactly, else ignoring case). `function_name` may be left out only when
        the version has one function."""
        unsupported = sorted(set(kwargs) - {"strict_input_validation"})
        if unsupported:
            raise InvalidValue(f"run() does not support {', '.join(unsupported)} in sqlgate")
        functions = [Function.from_catalog(f) for f in json.loads(self._catalog_row()["functions"])]
        if function_name is None:
            if len(functions) != 1:
                names = ", ".join(f.name.upper() for f in functions)
                raise InvalidValue(
                    f"{self._label} has several functions ({names}); pass function_name"
                )
            function = functions[0]
        else:
            found = [f for f in functions if f.name.upper() == function_name.upper()]
            if not found:
                names = ", ".join(f.name.upper() for f in functions)
                raise InvalidValue(
                    f"{self._label} has no function {function_name.upper()}; it has {names}"
                )
            function = found[0]
        frame = signatures_module.as_frame(X, "The data to run on")
        inputs = signatures_module.to_table(
            frame, function.inputs, f"{self._label} {function.name.upper()}"
        )
        if service_name is None:
            outputs = self._load().call(function.name, inputs)
        else:
            outputs = self._run_on_service(service_name, function.name, inputs)
        result = frame.copy()
        for name, column in zip(outputs.column_names, outputs.columns, strict=True):
            result[name] = column.to_numpy(zero_copy_only=False)
        return result

    # --- images ---------------------------------------------------------------------------------
    def build_image(
        self,
        image_repo: str,
        *,
        external_access_integration: str | None = None,
        instance_family: str | None = None,
        progress: bool | Callable[[str], None] = True,
    ) -> BuiltImage:
        """Build this version's Docker image into the image repository `image_repo` ([db.]
        [schema.]name, resolved like the model's own name) and return it; a no-op when the
        image of the same content exists. `external_access_integration` lets the build fetch
        what the host-resolved wheelhouse lacks from the package indexes it allows; without it
        the build has no network. `progress` prints each step to stderr (or calls a callable).
        """
        from sqlgate.executors.docker_build import build_model_image

        parts = [resolve_name(p, "image repository name") for p in _split_parts(image_repo)]
        if len(parts) > 3:
            raise InvalidValue(f"Invalid image repository name {image_repo!r}")
        registry = self._registry
        database, schema = registry.database_name, registry.schema_name
        repository = ObjectName(*([database, schema][: 3 - len(parts)] + parts))
        if callable(progress):
            report = progress
        elif progress:
            report = _print_progress
        else:
            report = _quiet
        return build_model_image(
            registry._session,
            self._model.object_name,
            self.version_name,
            repository,
            external_access_integration=(
                resolve_name(external_access_integration, "integration name")
                if external_access_integration
                else None
            ),
            instance_family=instance_family,
            progress=report,
        )

    # --- services (seed 000: Model Serving) --------------------------------------------------
    def _service(self, service_name: str) -> ObjectName:
        registry = self._registry
        parts = _split_parts(service_name)
        if len(parts) > 3:
            raise InvalidValue(f"Invalid service name {service_name!r}")
        names = [resolve_name(p, "service name") for p in parts]
        database = names[-3] if len(names) == 3 else registry.database_name
        schema = names[-2] if len(names) >= 2 else registry.schema_name
        return ObjectName(database, schema, names[-1])

    def _describe_service(self, name: ObjectName) -> dict[str, Any] | None:
        try:
            rows = self._registry._sql(f"DESCRIBE SERVICE {_sql_name(name)}").table.to_pylist()
        except ObjectNotFound:
            return None
        return rows[0] if rows else None

    def _hosts_me(self, described: dict[str, Any]) -> bool:
        spec = json.loads(described["spec"])
        return spec["model"] == self.fully_qualified_model_name and (
            spec["version"] == self.version_name or spec["version_ref"] == self.version_name
        )

    def create_service(
        self,
        *,
        service_name: str,
        service_compute_pool: str,
        image_repo: str | None = None,
        ingress_enabled: bool = False,
        max_instances: int = 1,
        gpu_requests: str | int | None = None,
        num_workers: int | None = None,
        max_batch_rows: int | None = None,
        block: bool = True,
        run_in_image: bool | None = None,
        **kwargs: Any,
    ) -> str:
        """Deploy this version as a service (seed 000's `mv.create_service`): MIN_INSTANCES =
        MAX_INSTANCES = `max_instances`, GPUs from `gpu_requests` (an error for CPU-only
        flavors), workers per instance 2 x CPUs + 1 (CPU) or 1 (GPU) unless `num_workers`.
        Idempotent: a service of that name hosting this version is left as it is. With `block`
        (the default) it returns once the service answers. `image_repo` names the image
        repository the version's image is built in when the service runs its replicas there:
        when `run_in_image` is True, or on its own when the gateway's environment lacks one of
        the model's requirements (else the replicas run on Ray workers with the gateway's
        environment, and no image is built). `build_external_access_integration(s)` name the
        integrations whose network rules let that build reach package indexes (offline
        without). The other build options and `force_rebuild` are accepted for compatibility."""
        accepted = {
            "build_external_access_integration",
            "build_external_access_integrations",
            "image_build_compute_pool",
            "force_rebuild",
            "cpu_requests",
            "memory_requests",
        }
        unknown = sorted(set(kwargs) - accepted)
        if unknown:
            raise InvalidValue(f"create_service() got unexpected arguments: {', '.join(unknown)}")
        if not isinstance(max_instances, int) or max_instances < 1:
            raise InvalidValue(f"max_instances must be a positive integer, got {max_instances!r}")
        name = self._service(service_name)
        pool = resolve_name(service_compute_pool, "compute pool name")
        existing = self._describe_service(name)
        if existing is not None:
            if not self._hosts_me(existing):
                raise InvalidValue(
                    f"Service {name} already exists and hosts another model version"
                    f" ({json.loads(existing['spec'])['model']} version"
                    f" {json.loads(existing['spec'])['version']})"
                )
        else:
            options = [f"MIN_INSTANCES = {max_instances}", f"MAX_INSTANCES = {max_instances}"]
            if gpu_requests not in (None, "", 0, "0"):
                try:
                    gpus = int(str(gpu_requests))
                except ValueError:
                    raise InvalidValue(
                        f"gpu_requests must be a number of GPUs, got {gpu_requests!r}"
                    ) from None
                options.append(f"GPU_REQUESTS = {gpus}")
            if num_workers is not None:
                options.append(f"NUM_WORKERS = {int(num_workers)}")
            if max_batch_rows is not None:
                options.append(f"MAX_BATCH_ROWS = {int(max_batch_rows)}")
            options.append(f"INGRESS_ENABLED = {'TRUE' if ingress_enabled else 'FALSE'}")
            if run_in_image is not None:
                options.append(f"RUN_IN_IMAGE = {'TRUE' if run_in_image else 'FALSE'}")
            if image_repo:
                parts = [resolve_name(p, "image repository name") for p in _split_parts(image_repo)]
                if len(parts) > 3:
                    raise InvalidValue(f"Invalid image repository name {image_repo!r}")
                options.append(f"IMAGE_REPOSITORY = {'.'.join(quote(p) for p in parts)}")
            integrations = list(kwargs.get("build_external_access_integrations") or [])
            if kwargs.get("build_external_access_integration"):
                integrations.insert(0, kwargs["build_external_access_integration"])
            if integrations:
                listed = ", ".join(quote(resolve_name(i, "integration name")) for i in integrations)
                options.append(f"EXTERNAL_ACCESS_INTEGRATIONS = ({listed})")
            self._registry._sql(
                f"CREATE SERVICE IF NOT EXISTS {_sql_name(name)} IN COMPUTE POOL {quote(pool)}"
                f" FOR MODEL {_sql_name(self._model.object_name)}"
                f" VERSION {quote(self.version_name)} {' '.join(options)}"
            )
        if block:
            self._wait_running(name)
        return str(name)

    def _wait_running(self, name: ObjectName) -> None:
        """Wait for the service to be RUNNING, printing its status while it builds its image
        (minutes: each build step shows), as GET_SERVICE_STATUS would report it."""
        from sqlgate.executors.ray_serve import START_TIMEOUT_S

        services = self._registry._session.engine.services
        deadline = time.monotonic() + START_TIMEOUT_S
        shown = None
        while True:
            row = services.row(name)
            if row is None:
                raise ObjectNotFound("Service", str(name))
            status, message, running = services.status(row)
            if status == "RUNNING" and running:
                return
            if status != "PENDING" or time.monotonic() >= deadline:
                raise SqlgateError(f"Service {name} did not start: {status}: {message}")
            if message != shown and "Building image" in message:
                _print_progress(f"{name}: {status}: {message}")
                shown = message
            time.sleep(0.2)

    def list_services(self) -> pd.DataFrame:
        """The services hosting this version: name, status, inference_endpoint."""
        shown = self._registry._sql("SHOW SERVICES IN ACCOUNT").table.to_pylist()
        rows = []
        for service in shown:
            name = ObjectName(service["database_name"], service["schema_name"], service["name"])
            described = self._describe_service(name)
            if described is None or not self._hosts_me(described):
                continue
            endpoints = self._registry._sql(f"SHOW ENDPOINTS IN SERVICE {_sql_name(name)}")
            url = endpoints.table.column("ingress_url")[0].as_py()
            rows.append({"name": str(name), "status": service["status"], "inference_endpoint": url})
        return pd.DataFrame(rows, columns=["name", "status", "inference_endpoint"])

    def delete_service(self, service_name: str) -> None:
        name = self._service(service_name)
        described = self._describe_service(name)
        if described is None or not self._hosts_me(described):
            raise InvalidValue(f"Service {name} does not host {self._label}")
        self._registry._sql(f"DROP SERVICE {_sql_name(name)}")

    def _run_on_service(self, service_name: str, function: str, inputs: pa.Table) -> pa.Table:
        from sqlgate.runtime.batch import ABORT

        name = self._service(service_name)
        described = self._describe_service(name)
        if described is None:
            raise ObjectNotFound("Service", str(name))
        if not self._hosts_me(described):
            raise InvalidValue(f"Service {name} does not host {self._label}")
        services = self._registry._session.engine.services
        # ABORT: as run() in this process, a row the model fails on raises
        struct = services.call(name, function, ABORT, inputs)
        outputs = pa.Table.from_struct_array(struct)
        return outputs.drop_columns([outputs.column_names[-1]])  # the ERROR field

    def __repr__(self) -> str:
        return (
            f"ModelVersion(model_name={self.fully_qualified_model_name!r},"
            f" version_name={self.version_name!r})"
        )


def _print_progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _quiet(message: str) -> None:
    pass


def _columns(specs: list[dict[str, str]]) -> list[Column]:
    return [Column(s["name"], s["type"]) for s in specs]
