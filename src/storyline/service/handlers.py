"""One error shape for every failure: ``{"error", "code", "message", "where", "hint"}``.

Covers validation (422), HTTP errors raised by the app *and* by routing (unknown path 404,
wrong method 405), storyline errors, and any other exception (500, logged with its traceback,
the client gets no internals). Under ``/ui/`` errors are small HTML pages instead, since a
person is reading them.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.errors import InputError, StorylineError

log = logging.getLogger("storyline.service")


def error_body(status: int, error: str, message: str, where: str | None = None,
               hint: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": error, "code": f"E{status}", "message": message, "where": where,
            "hint": hint} | extra


def _page(status: int, body: dict[str, Any]) -> HTMLResponse:
    from storyline.service.pages import render_page

    resp = render_page("error.html", status=status, phrase=HTTPStatus(status).phrase,
                       message=body["message"], hint=body.get("hint"))
    resp.status_code = status
    return resp


def respond(request: Request, status: int, body: dict[str, Any],
            headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/ui/"):
        resp: Response = _page(status, body)
    else:
        resp = JSONResponse(body, status_code=status)
    if headers:
        resp.headers.update(headers)
    return resp


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ()) if p not in ("article", "batch")),
             "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = details[0] if details else {"where": None, "message": "invalid request"}
        return respond(request, 422, error_body(
            422, "ValidationError", f"{first['where']}: {first['message']}", first["where"],
            "see 'details' and the schema at /openapi.json", details=details))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.detail, dict):
            detail = exc.detail
        elif exc.status_code in (404, 405):  # from routing: say what was asked for
            what = "no endpoint or page at" if exc.status_code == 404 else f"{request.method} is not allowed on"
            detail = {"message": f"{what} {request.url.path}", "where": request.url.path,
                      "hint": "the API is described at /openapi.json; the pages start at /ui/stories"}
        else:
            detail = {"message": str(exc.detail)}
        default = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        extra = {"details": detail["details"]} if "details" in detail else {}
        body = error_body(exc.status_code, detail.get("error", default), detail["message"],
                          detail.get("where"), detail.get("hint"), **extra)
        return respond(request, exc.status_code, body, dict(exc.headers or {}))

    @app.exception_handler(StorylineError)
    async def _storyline(request: Request, exc: StorylineError) -> Response:
        status = 400 if isinstance(exc, InputError) else 500
        if status == 500:
            log.error("storyline: %s %s failed: %s", request.method, request.url.path, exc)
        return respond(request, status, exc.to_dict())

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        # the server (uvicorn) logs the traceback: the exception is raised again after this
        log.error("storyline: %s %s failed: %r", request.method, request.url.path, exc)
        return respond(request, 500, error_body(
            500, "InternalError", f"the server failed on this request ({type(exc).__name__})",
            request.url.path, "this is a bug in storyline or a damaged store: see the server log"))
