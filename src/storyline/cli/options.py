"""Options shared by the commands, bundled the way sqlite-utils bundles its option groups.

``@read_options`` adds the reader's options (input format, field names, ``--on-error``,
``--rejects``, ``--encoding``) to a command and hands it one :class:`ReadConfig` as ``read``
(and the rejects path as ``rejects``), so the options and their defaults are written once.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.config import FieldMap, ReadConfig
from storyline.errors import ConfigError
from storyline.output import FORMATS

Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Input files, directories or globs: .jsonl .json .csv .tsv .parquet .txt .html "
        ".warc (optionally .gz/.zst compressed).",
    ),
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", help="Force a reader instead of guessing by extension."),
]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Field holding the article id.")]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="Field holding the body text.")]
TitleFieldOpt = Annotated[str, typer.Option("--title-field", help="Field holding the title.")]
DateFieldOpt = Annotated[
    str, typer.Option("--published-field", help="Field holding the publication date.")
]
OnErrorOpt = Annotated[
    str,
    typer.Option(
        "--on-error",
        help="fail: stop at the first bad record; skip: reject it, count it and go on.",
    ),
]
RejectsOpt = Annotated[
    Path | None, typer.Option("--rejects", help="Write every rejected record and why (JSONL).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of the inputs.")]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help=f"Result format: {'|'.join(FORMATS)}.")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or summary (the accounting line stays).")
]
LevelOpt = Annotated[
    str,
    typer.Option(
        "--level",
        help="story: reports of one event (the same-story probability, a 7-day window). topic: "
        "articles on one subject however far apart, WikiRef-style (graded similarity >= 0.2, "
        "plain average linkage, no window). Options given explicitly override the level's.",
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option("--engine", help="local (this process) or spark (same stories on Spark; batch only)."),
]
SparkMasterOpt = Annotated[
    str, typer.Option("--spark-master", help="--engine spark: master URL (local[N], yarn...).")
]
SingleFileOpt = Annotated[
    bool,
    typer.Option("--single-file", help="--engine spark: write OUT/NAME.jsonl files, as the local "
                 "engine does, instead of OUT/NAME/part-*.jsonl folders (the same lines)."),
]
SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option("--conf", help="--engine spark: a Spark setting key=value (repeatable)."),
]

# (name, annotation, default) of the reader's options, in --help order
_READ_PARAMS: list[tuple[str, Any, Any]] = [
    ("input_format", InputFormatOpt, None),
    ("id_field", IdFieldOpt, "id"),
    ("text_field", TextFieldOpt, "text"),
    ("title_field", TitleFieldOpt, "title"),
    ("published_field", DateFieldOpt, "published"),
    ("on_error", OnErrorOpt, "fail"),
    ("rejects", RejectsOpt, None),
    ("encoding", EncodingOpt, "utf-8"),
]
_READ_NAMES = {n for n, _, _ in _READ_PARAMS}


def read_config(
    input_format: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    published_field: str = "published",
    on_error: str = "fail",
    encoding: str = "utf-8",
) -> ReadConfig:
    fields = FieldMap(id=id_field, text=text_field, title=title_field, published=published_field)
    return ReadConfig(input_format=input_format, fields=fields, on_error=on_error, encoding=encoding)


def read_options(fn: Callable[..., None]) -> Callable[..., None]:
    """Replace the command's ``read: ReadConfig`` parameter by the reader's options (where
    ``read`` stands in its signature) and pass the built config; ``rejects`` is passed too."""
    sig = inspect.signature(fn, eval_str=True)
    hints = typing.get_type_hints(fn, include_extras=True)
    params: list[inspect.Parameter] = []
    for p in sig.parameters.values():
        p = p.replace(annotation=hints.get(p.name, p.annotation))
        if p.name == "read":
            params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d)
                       for n, a, d in _READ_PARAMS]
        elif p.name != "rejects":
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                          if p.default is not inspect.Parameter.empty else p)
    takes_rejects = "rejects" in sig.parameters

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        got = {n: kwargs.pop(n) for n in list(kwargs) if n in _READ_NAMES}
        rejects = got.pop("rejects", None)
        if takes_rejects:
            kwargs["rejects"] = rejects
        fn(*args, read=read_config(**got), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return wrapper


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")


READ = ReadConfig()  # the default of a command's ``read`` parameter; @read_options fills it
