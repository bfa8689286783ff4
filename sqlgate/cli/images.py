"""`sqlgate images ...`: the base image and model-version images (DESIGN §7)."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from sqlglot import exp

from sqlgate.errors import SqlgateError
from sqlgate.images.names import DEFAULT_BASE_IMAGE

images = typer.Typer(
    name="images",
    help="Build the base image and model-version images in the local Docker engine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _fail(e: Exception) -> typer.Exit:
    message = e.message if isinstance(e, SqlgateError) else str(e)
    typer.echo(f"sqlgate: error: {message}", err=True)
    return typer.Exit(1)


@images.command("build-base")
def build_base(
    tag: Annotated[
        str, typer.Option("--tag", help="The name to give it (the base image model images use).")
    ] = DEFAULT_BASE_IMAGE,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the tag exists.")] = False,
) -> None:
    """Build a stand-in for python:3.11-slim (Debian bookworm + Python 3.11, from this machine's
    apt sources) where no registry can be reached; does nothing if the tag exists."""
    from sqlgate.images import base, docker_engine

    try:
        built = base.build_base(docker_engine.client(), tag, force=force, progress=_progress)
    except SqlgateError as e:
        raise _fail(e) from None
    typer.echo(f"{built.tag}\t{built.image_id}\t{built.size}")


@images.command("build")
def build(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="The model: [db.][schema.]name.")],
    version: Annotated[str, typer.Argument(help="The version (or alias) to build.")],
    repo: Annotated[str, typer.Option("--repo", help="The image repository: [db.][schema.]name.")],
    integration: Annotated[
        str | None,
        typer.Option(
            "--integration",
            help="An external access integration whose rules let the build use package indexes.",
        ),
    ] = None,
    instance_family: Annotated[
        str | None,
        typer.Option("--instance-family", help="Pick the base image for this family (GPU)."),
    ] = None,
) -> None:
    """Build the Docker image of a model version into an image repository; prints the image."""
    import sqlgate
    from sqlgate.gateway.names import qualified
    from sqlgate.registry import Registry
    from sqlgate.registry.api import quote

    home = (ctx.obj or {}).get("home")
    try:
        with sqlgate.connect(home) as conn:
            name = qualified(conn.session, exp.to_table(model, dialect="snowflake"))
            registry = Registry(
                conn, database_name=quote(name.database), schema_name=quote(name.schema)
            )
            built = (
                registry.get_model(quote(name.name))
                .version(version)
                .build_image(
                    repo,
                    external_access_integration=integration,
                    instance_family=instance_family,
                    progress=_progress,
                )
            )
    except SqlgateError as e:
        raise _fail(e) from None
    typer.echo(built.image)


@images.command("build-gateway")
def build_gateway(
    base: Annotated[
        str, typer.Option("--base", help="The base image (see build-base).")
    ] = DEFAULT_BASE_IMAGE,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Show pip's and Docker's output too.")
    ] = False,
) -> None:
    """Build sqlgate/gateway, the image docker-compose.yml runs as gateway, Ray head and Ray
    workers, from this checkout and its locked dependencies (offline build); prints its name."""
    from sqlgate.images import docker_engine, gateway

    try:
        built = gateway.build_gateway(
            docker_engine.client(),
            base,
            progress=_progress,
            log=_progress if verbose else lambda _: None,
        )
    except SqlgateError as e:
        raise _fail(e) from None
    typer.echo(f"{built.image}\t{built.image_id}\t{built.size}")
