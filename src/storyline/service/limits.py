"""The pure-ASGI layer in front of the app: request body limit, security headers, read token.

The body is buffered (up to the limit) before the app sees it, so an oversized or endless
chunked upload is cut off without reaching validation or the store (413 JSON error). Every
response, errors included, carries the security headers. With ``token_reads`` every path but
``/healthz`` needs the bearer token (writes are checked by the app itself in any case).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]


# pages: no script at all, styles inline, nothing may frame them; /docs (only when enabled)
# loads Swagger UI from its CDN, so it gets its own policy
CSP = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
            "https://fastapi.tiangolo.com; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")


async def send_json(send: Any, status: int, payload: dict[str, Any],
                    headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_warnings(host: str, token: str | None, token_reads: bool) -> list[str]:
    """What `storyline serve` warns about before it binds to ``host``."""
    if is_loopback(host):
        return []
    if token is None:
        return [f"warning: serving on {host} without a token: anyone who can reach it can read "
                "and write (pass --token, and --token-reads to guard reads too)"]
    if not token_reads:
        return [f"warning: serving on {host}: writes need the token but reads (articles, stories, "
                "pages) are open to anyone who can reach it (pass --token-reads to guard them)"]
    return []


class BodyLimit:
    def __init__(self, app: Any, max_bytes: int, *, token: str | None = None,
                 token_reads: bool = False, docs: bool = False):
        self.app = app
        self.max_bytes = max_bytes
        self.read_token = f"Bearer {token}".encode() if token_reads and token else None
        self.docs = docs

    def _too_large(self) -> dict[str, Any]:
        return {
            "error": "PayloadTooLarge",
            "code": "E031",
            "message": f"request body is larger than {self.max_bytes} bytes",
            "where": "body",
            "hint": "send fewer or smaller articles per request (start the server with a larger --max-body)",
        }

    async def __call__(self, scope: Scope, receive: Any, app_send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, app_send)
            return
        extra = [*SECURITY_HEADERS, (b"content-security-policy",
                                     (DOCS_CSP if self.docs and scope.get("path") in DOCS_PATHS else CSP).encode())]

        async def send(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                msg = msg | {"headers": [*msg.get("headers", []), *extra]}
            await app_send(msg)

        headers = dict(scope.get("headers") or [])
        if self.read_token is not None and scope.get("path") != "/healthz":
            got = headers.get(b"authorization", b"")
            if not secrets.compare_digest(got, self.read_token):
                await send_json(send, 401, {
                    "error": "Unauthorized", "code": "E401", "message": "missing or wrong bearer token",
                    "where": "Authorization header",
                    "hint": "this server guards reads too (--token-reads): send 'Authorization: Bearer <token>'",
                }, [(b"www-authenticate", b"Bearer")])
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await send_json(send, 400, {"error": "BadRequest", "code": "E030",
                                            "message": "invalid Content-Length header",
                                            "where": "headers", "hint": None})
                return
            if too_big:
                await send_json(send, 413, self._too_large())
                return
        chunks: list[bytes] = []
        total = 0
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return
            body = msg.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await send_json(send, 413, self._too_large())
                return
            chunks.append(body)
            if not msg.get("more_body", False):
                break
        data = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
