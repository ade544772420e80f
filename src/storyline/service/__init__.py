"""HTTP API and web pages over a story store (FastAPI; install ``storyline[service]``).

Import :func:`create_app` from :mod:`storyline.service.app`; this package itself imports no
web framework, so the rest of storyline works without the extra installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storyline.errors import require

if TYPE_CHECKING:
    from pathlib import Path


def check_installed() -> None:
    """Raise a clear install hint when the service extra is missing."""
    for module in ("fastapi", "uvicorn", "jinja2"):
        require(module, "service", "storyline serve")


def create_app(db: Path | str, **kwargs: Any) -> Any:
    """The FastAPI app serving ``db`` (see :func:`storyline.service.app.create_app`)."""
    check_installed()
    from storyline.service.app import create_app as _create

    return _create(db, **kwargs)


__all__ = ["check_installed", "create_app"]
