"""`storyline serve DB`: the HTTP API and web pages over a story store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, friendly
from storyline.errors import ConfigError


@app.command()
@friendly
def serve(
    db: Annotated[Path, typer.Argument(help="The store file (created with 'storyline index add').")],
    host: Annotated[str, typer.Option("--host", help="Address to bind; the default keeps it local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option("--token", help="Bearer token required on write endpoints (or env STORYLINE_TOKEN)."),
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest accepted request body, in bytes.")
    ] = 8_000_000,
    create: Annotated[bool, typer.Option("--create", help="Create the store if it does not exist.")] = False,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    prep_workers: Annotated[
        int,
        typer.Option(
            "--prep-workers",
            help="Processes that normalize, hash and featurize posted articles while the writer "
            "stores earlier ones (one process alone uses one core); 0: all in the writer.",
        ),
    ] = 1,
    token_reads: Annotated[
        bool, typer.Option("--token-reads", help="Require the token on reads and pages too (all but /healthz).")
    ] = False,
    docs: Annotated[
        bool, typer.Option("--docs", help="Serve Swagger UI at /docs (loads its scripts from a CDN).")
    ] = False,
) -> None:
    """Serve the JSON API (POST /articles, GET /stories, /compare, /healthz, schema at
    /openapi.json; Swagger UI at /docs with --docs) and the web pages (story list at /) for one store.

    Binds to 127.0.0.1 unless --host says otherwise; with a token (or STORYLINE_TOKEN set),
    writes need 'Authorization: Bearer TOKEN' (and reads too with --token-reads).
    """
    from storyline.service import check_installed

    check_installed()
    import uvicorn

    from storyline.service.app import create_app

    if not 0 < port < 65536:
        raise ConfigError(f"--port must be 1..65535, got {port}")
    if prep_workers < 0:
        raise ConfigError(f"--prep-workers must be >= 0, got {prep_workers}")
    if max_body < 1024:
        raise ConfigError(f"--max-body must be >= 1024 bytes, got {max_body}")
    token = token or os.environ.get("STORYLINE_TOKEN") or None
    from storyline.service.limits import exposure_warnings

    asgi = create_app(db, token=token, max_body=max_body, create=create,
                      prep_workers=prep_workers, token_reads=token_reads, docs=docs)
    for line in exposure_warnings(host, token, token_reads):
        typer.echo(line, err=True)
    uvicorn.run(asgi, host=host, port=port, log_level=log_level)
