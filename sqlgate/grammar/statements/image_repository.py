"""Image repositories: https://docs.snowflake.com/en/sql-reference/sql/create-image-repository,
SHOW IMAGE REPOSITORIES and SHOW IMAGES IN IMAGE REPOSITORY."""

from __future__ import annotations

import typing as t

from sqlgate.grammar import options as opt
from sqlgate.grammar.nodes import (
    CREATE_ARGS,
    SqlgateStatement,
    create_header_sql,
    expect_words,
    parse_if_not_exists,
    parse_object_name,
)

if t.TYPE_CHECKING:
    from sqlglot.generators.snowflake import SnowflakeGenerator as Generator
    from sqlglot.parsers.snowflake import SnowflakeParser as Parser


class CreateImageRepository(SqlgateStatement):
    arg_types: t.ClassVar[dict[str, bool]] = CREATE_ARGS


class ShowImages(SqlgateStatement):
    """SHOW IMAGES IN IMAGE REPOSITORY <name>; `this` is the repository."""

    arg_types: t.ClassVar[dict[str, bool]] = {"this": True}


CREATE_OPTIONS: opt.OptionSpec = {
    "ENCRYPTION": opt.NESTED,
    "COMMENT": opt.STRING,
    "TAG": opt.TAGS,
}


def parse_create(self: Parser, replace: bool) -> CreateImageRepository:
    exists = parse_if_not_exists(self)
    this = parse_object_name(self, "image repository", qualified=True)
    options = opt.parse_options(self, CREATE_OPTIONS, "CREATE IMAGE REPOSITORY")
    return self.expression(
        CreateImageRepository(this=this, exists=exists, replace=replace, expressions=options)
    )


def parse_show_images(self: Parser) -> ShowImages:
    expect_words(self, "IN", "IMAGE", "REPOSITORY")
    return self.expression(
        ShowImages(this=parse_object_name(self, "image repository", qualified=True))
    )


def create_sql(self: Generator, expression: CreateImageRepository) -> str:
    header = create_header_sql(self, expression, "IMAGE REPOSITORY")
    return header + opt.options_sql(self, expression.expressions)


def show_images_sql(self: Generator, expression: ShowImages) -> str:
    return f"SHOW IMAGES IN IMAGE REPOSITORY {self.sql(expression, 'this')}"


CREATE_PARSERS = {"IMAGE REPOSITORY": parse_create}
SHOW_PARSERS = {"IMAGES": parse_show_images}
DROP_KINDS = ("IMAGE REPOSITORY",)
SHOW_KINDS = ("IMAGE REPOSITORIES",)
TRANSFORMS = {CreateImageRepository: create_sql, ShowImages: show_images_sql}
