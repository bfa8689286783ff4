"""OpenAPI documentation of request bodies for routes that read their body themselves (size-capped
and gzip-aware, limits.read_json), which FastAPI therefore cannot describe on its own. The
models here document; the routes keep their own, more forgiving parsing."""

from __future__ import annotations

import typing as t

from pydantic import BaseModel, ConfigDict, Field


def json_body(model: type[BaseModel]) -> dict[str, t.Any]:
    """`openapi_extra` for a route whose JSON body has `model`'s shape ($defs inlined, since the
    schema lands outside components), with the answers every body reader can give (app.py's
    MalformedBody and BodyTooLarge handlers), whatever protocol the route speaks."""
    schema = model.model_json_schema(by_alias=True)
    defs = schema.pop("$defs", {})

    def inline(node: t.Any) -> t.Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    content = {"application/json": {"schema": inline(schema)}}
    return {
        "requestBody": {"required": True, "content": content},
        "responses": {
            "400": {"description": "the body is not valid JSON (or not valid gzip)"},
            "413": {"description": "the body exceeds the server's --max-body-bytes"},
        },
    }


class Binding(BaseModel):
    type: str = Field(description="Snowflake type name: FIXED, REAL, TEXT, BOOLEAN, DATE, ...")
    value: t.Any = Field(None, description="the value as a string, or a list for array binds")


class LoginData(BaseModel):
    model_config = ConfigDict(extra="allow")  # drivers send many more fields; all are ignored

    LOGIN_NAME: str
    PASSWORD: str | None = None
    AUTHENTICATOR: str | None = Field(None, description="SNOWFLAKE or PROGRAMMATIC_ACCESS_TOKEN")
    TOKEN: str | None = Field(None, description="the programmatic access token")


class LoginRequest(BaseModel):
    """What snowflake-connector-python sends to /session/v1/login-request."""

    model_config = ConfigDict(extra="allow")

    data: LoginData


class QueryRequest(BaseModel):
    """What the drivers send to /queries/v1/query-request."""

    model_config = ConfigDict(extra="allow")

    sqlText: str
    bindings: dict[str, Binding] | None = Field(None, description='keyed by position: "1", ...')
    asyncExec: bool = False
    describeOnly: bool = False
    sequenceId: int | None = None
