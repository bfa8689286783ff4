"""Request bodies are read with a size cap (also after gunzipping, so a small gzip bomb cannot
expand past it): above the cap the answer is 413 with a message saying how to send more."""

from __future__ import annotations

import json
import typing as t
import zlib

from fastapi import Request

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    @property
    def message(self) -> str:
        return (
            f"Request body exceeds this server's limit of {self.limit} bytes. Send large inputs"
            " in several requests, as Arrow IPC (Content-Type:"
            " application/vnd.apache.arrow.stream), or load them into a table and submit the SQL"
            " with async=true; the limit is `sqlgate serve --max-body-bytes`."
        )


class MalformedBody(Exception):
    pass


def max_body_bytes(request: Request) -> int:
    return getattr(request.app.state, "max_body_bytes", DEFAULT_MAX_BODY_BYTES)


async def read_body(request: Request) -> bytes:
    limit = max_body_bytes(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if "gzip" in request.headers.get("content-encoding", "").lower():
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(raw, limit + 1)
        except zlib.error as e:
            raise MalformedBody(f"Request body is not valid gzip: {e}") from None
        if len(raw) > limit or inflater.unconsumed_tail:
            raise BodyTooLarge(limit)
    return raw


async def read_json(request: Request) -> t.Any:
    raw = await read_body(request)
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise MalformedBody(f"Request body is not valid JSON: {e}") from None
