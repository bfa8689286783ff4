"""Image repositories in the catalog: where the Docker executor will push the images it builds
for model versions. Docker builds arrive with a later issue, so until then a repository is a
catalog row that holds no images.
https://docs.snowflake.com/en/sql-reference/sql/create-image-repository"""

from __future__ import annotations

import typing as t

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
from sqlgate.gateway.result import TEXT, TIMESTAMP, Result, table
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
    _require(session, node.this)
    # Images are built and pushed by the Docker executor, which arrives with a later issue;
    # until then every repository is empty, and the table still has Snowflake's typed columns.
    return Result(table(IMAGE_COLUMNS, []))
