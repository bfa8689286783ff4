"""Image repositories in the catalog: where the Docker executor (docker_build.py) puts the images
it builds for model versions. There is no registry: a repository is a name prefix in the local
Docker engine, and its images are those labelled with its repository_url.
https://docs.snowflake.com/en/sql-reference/sql/create-image-repository"""

from __future__ import annotations

import typing as t
from datetime import datetime

from sqlglot import exp

from sqlgate.errors import InvalidValue, ObjectNotFound
from sqlgate.executors.common import (
    show_filter,
    tags_after,
)
from sqlgate.executors.registry import executes
from sqlgate.executors.schema_objects import (
    Kind,
    create_object,
    drop_object,
    get_object,
    rows_in_scope,
)
from sqlgate.gateway.names import ObjectName, qualified
from sqlgate.gateway.result import INT, TEXT, TIMESTAMP, Result, table
from sqlgate.grammar import options as opt
from sqlgate.grammar.statements.image_repository import CreateImageRepository, ShowImages

if t.TYPE_CHECKING:
    from sqlgate.gateway.catalog import Cursor
    from sqlgate.gateway.session import Session

KIND = "Image repository"
REPOSITORY = Kind(KIND, "image_repositories", "IMAGE REPOSITORY")
ENCRYPTION_TYPES = ("SNOWFLAKE_SSE", "SNOWFLAKE_FULL")
DEFAULT_ENCRYPTION = "SNOWFLAKE_SSE"

# https://docs.snowflake.com/en/sql-reference/sql/show-image-repositories
SHOW_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", TEXT),
    ("database_name", TEXT),
    ("schema_name", TEXT),
    ("repository_url", TEXT),
    ("owner", TEXT),
    ("owner_role_type", TEXT),
    ("comment", TEXT),
    ("encryption", TEXT),
    ("privatelink_repository_url", TEXT),
]
# https://docs.snowflake.com/en/sql-reference/sql/show-images-in-image-repository
IMAGE_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("image_name", TEXT),
    ("tags", TEXT),
    ("digest", TEXT),
    ("image_path", TEXT),
    ("size", INT),  # sqlgate's addition: bytes, as Docker reports the image's size
]


# --- image repositories ---------------------------------------------------------------------------
def repository_url(database: str, schema: str, name: str) -> str:
    """The local registry path the Docker executor pushes to; Docker wants lower-case names."""
    return f"{database}/{schema}/{name}".lower()


def _encryption(session: Session, node: CreateImageRepository) -> str:
    value = opt.option_dict(node.expressions).get("ENCRYPTION")
    if value is None:
        return DEFAULT_ENCRYPTION
    given = opt.to_py(value)
    if not isinstance(given, dict) or set(given) != {"TYPE"}:
        raise InvalidValue(
            "ENCRYPTION expects (TYPE = 'SNOWFLAKE_SSE') or (TYPE = 'SNOWFLAKE_FULL')",
            session.where(value.find(exp.Literal, exp.Identifier)),
        )
    kind = str(given["TYPE"]).upper()
    if kind not in ENCRYPTION_TYPES:
        raise InvalidValue(
            f"Unknown ENCRYPTION TYPE '{given['TYPE']}';"
            f" expected one of {', '.join(ENCRYPTION_TYPES)}",
            session.where(value.expressions[0].args["value"]),
        )
    return kind


def _check_url_free(session: Session, name: ObjectName, node: exp.Expr, cur: Cursor) -> None:
    """Names differing only in case ("Repo" and REPO) would share one registry path."""
    url = repository_url(name.database, name.schema, name.name)
    for other in session.catalog.rows(
        "SELECT database_name, schema_name, name FROM image_repositories", (), cur
    ):
        if repository_url(other["database_name"], other["schema_name"], other["name"]) == url:
            taken = ObjectName(other["database_name"], other["schema_name"], other["name"])
            raise InvalidValue(
                f"Image repository '{name}' would share the registry path '{url}' with"
                f" '{taken}'; repository names must differ in more than case",
                session.where(node),
            )


def _require(session: Session, node: exp.Expr, cur: Cursor | None = None) -> dict:
    name = qualified(session, node)
    repository = get_object(session, "image_repositories", name, cur)
    if repository is None:
        raise ObjectNotFound(KIND, str(name), session.where(node))
    return repository


@executes(CreateImageRepository)
def create(node: CreateImageRepository, session: Session) -> Result:
    name = qualified(session, node.this)
    comment = opt.to_py(opt.option_dict(node.expressions).get("COMMENT"))
    repository = {
        "database_name": name.database,
        "schema_name": name.schema,
        "name": name.name,
        "encryption": _encryption(session, node),
        "tags": tags_after(None, node),
        "owner": session.role,
        "comment": comment,
    }
    return create_object(
        session,
        node,
        REPOSITORY,
        repository,
        before_insert=lambda cur: _check_url_free(session, name, node.this, cur),
    )


@executes(("DROP", "IMAGE REPOSITORY"))
def drop(node: exp.Drop, session: Session) -> Result:
    return drop_object(session, node, REPOSITORY)


@executes(("SHOW", "IMAGE REPOSITORIES"))
def show(node: exp.Show, session: Session) -> Result:
    rows = rows_in_scope(session, node, "image_repositories", "*")
    for row in rows:
        row.update(
            repository_url=repository_url(row["database_name"], row["schema_name"], row["name"]),
            owner_role_type="ROLE",
            privatelink_repository_url=None,  # no private link to a local registry
        )
    return Result(table(SHOW_COLUMNS, show_filter(rows, node)))


@executes(ShowImages)
def show_images(node: ShowImages, session: Session) -> Result:
    """One row per tag of each image the Docker engine holds for this repository; digest is the
    local image id (images are never pushed, so they have no registry digest)."""
    repository = _require(session, node.this)
    url = repository_url(repository["database_name"], repository["schema_name"], repository["name"])
    rows = []
    for image in _docker_images(session, repository, url):
        created = _docker_time(image.attrs["Created"])
        for reference in image.tags:
            path, _, tag = reference.rpartition(":")
            rows.append(
                {
                    "created_on": created,
                    "image_name": path.rsplit("/", 1)[-1],
                    "tags": tag,
                    "digest": image.id,
                    "image_path": reference,
                    "size": image.attrs["Size"],
                }
            )
    rows.sort(key=lambda r: (r["image_name"], r["created_on"]))
    return Result(table(IMAGE_COLUMNS, rows))


def _docker_time(text: str) -> datetime:
    """Docker's RFC 3339 time with nanoseconds ('2026-11-22T07:11:26.123456789Z') in UTC."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction or '0')[:6]:0<6}+00:00")


def _docker_images(session: Session, repository: dict, url: str) -> list:
    """The engine's images of `url`; none when no engine answers and none were ever built."""
    from sqlgate.executors.docker_build import LABEL_REPOSITORY
    from sqlgate.images import docker_engine

    try:
        client = docker_engine.client()
    except docker_engine.DockerUnavailable:
        built = session.catalog.one(
            "SELECT 1 FROM model_builds WHERE repository_database = ? AND repository_schema = ?"
            " AND repository_name = ? AND status = 'DONE'",
            [repository["database_name"], repository["schema_name"], repository["name"]],
        )
        if built is None:
            return []
        raise
    return client.images.list(filters={"label": f"{LABEL_REPOSITORY}={url}"})
