"""One exception hierarchy. Every message says what was wrong, where, and how to fix it."""

from __future__ import annotations

from typing import Any


class StorylineError(Exception):
    """Base class for all storyline errors.

    ``code`` is a short stable identifier (E0xx) that users can search for; ``where`` is
    ``file:line`` / ``file#record`` when known; ``hint`` says how to fix it.
    """

    code = "E000"

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"[{self.code}]"]
        if self.where:
            parts.append(f"{self.where}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f" (fix: {self.hint})"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its parts (the default would pass the formatted text back in as the
        # message, so an error raised in a worker process came back as "[E010] [E010] ...")
        return (_rebuild, (type(self), self.message, self.where, self.hint))

    def to_dict(self) -> dict[str, str | None]:
        return {
            "error": type(self).__name__,
            "code": self.code,
            "message": self.message,
            "where": self.where,
            "hint": self.hint,
        }


class ConfigError(StorylineError):
    """A configuration value or command-line option is invalid."""

    code = "E001"


class MissingDependencyError(StorylineError):
    """An optional dependency is not installed."""

    code = "E002"


class DamagedDataError(StorylineError):
    """Stored bytes do not decode: damaged, truncated, too large when inflated, or foreign."""

    code = "E021"


class InputError(StorylineError):
    """An input file or record could not be read or is not usable."""

    code = "E010"


class FormatError(InputError):
    """A file is not in the format its extension or --input-format says (broken JSON, CSV...)."""

    code = "E011"


class EncodingError(InputError):
    """Bytes are not valid in the declared text encoding."""

    code = "E012"


class RecordError(InputError):
    """A record is readable but not usable (missing or empty text, wrong type, too large)."""

    code = "E013"


class ExtractionError(InputError):
    """An HTML page had no extractable article text."""

    code = "E014"


def require(module: str, extra: str, feature: str) -> object:
    """Import an optional dependency or raise a clear install hint."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            f"{feature} needs the optional package '{module}', which is not installed",
            hint=f"pip install 'storyline[{extra}]'",
        ) from exc


def _rebuild(cls: type[StorylineError], message: str, where: str | None,
             hint: str | None) -> StorylineError:
    return cls(message, where=where, hint=hint)
