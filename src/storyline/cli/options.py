"""Options shared by the commands, bundled the way sqlite-utils bundles its option groups.

``@read_options`` adds the reader's options (input format, field names, ``--on-error``,
``--rejects``, ``--encoding``) to a command and hands it one :class:`ReadConfig` as ``read``
(and the rejects path as ``rejects``); ``@engine_options(...)`` adds ``--engine``,
``--spark-master``, ``--conf`` and ``--single-file`` and hands it one :class:`Engine` as
``engine``; so the options and their defaults are written once.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
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


def _bundled(
    fn: Callable[..., None],
    name: str,
    options: list[tuple[str, Any, Any]],
    build: Callable[..., Any],
    passed: tuple[str, ...] = (),
) -> Callable[..., None]:
    """Replace ``fn``'s parameter ``name`` by ``options`` (name, annotation, default; where
    ``name`` stands in its signature) and call ``fn`` with ``name=build(**their values)``. An
    option also named in ``passed`` is handed to ``fn`` as itself (when ``fn`` takes it)."""
    sig = inspect.signature(fn, eval_str=True)
    hints = typing.get_type_hints(fn, include_extras=True)
    names = {n for n, _, _ in options}
    params: list[inspect.Parameter] = []
    for p in sig.parameters.values():
        p = p.replace(annotation=hints.get(p.name, p.annotation))
        if p.name == name:
            params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d)
                       for n, a, d in options]
        elif p.name not in names:
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                          if p.default is not inspect.Parameter.empty else p)
    takes = [n for n in passed if n in sig.parameters]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        got = {n: kwargs.pop(n) for n in list(kwargs) if n in names}
        for n in passed:
            value = got.pop(n, None)
            if n in takes:
                kwargs[n] = value
        fn(*args, **{name: build(**got)}, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return wrapper


def read_options(fn: Callable[..., None]) -> Callable[..., None]:
    """Replace the command's ``read: ReadConfig`` parameter by the reader's options (where
    ``read`` stands in its signature) and pass the built config; ``rejects`` is passed too."""
    return _bundled(fn, "read", _READ_PARAMS, read_config, passed=("rejects",))


ENGINES = ("local", "spark")


@dataclass(frozen=True, slots=True)
class Engine:
    """Where a command runs: ``name`` local or spark, and the Spark settings (``master``,
    ``conf`` items key=value, ``single_file`` outputs) that only --engine spark reads."""

    name: str = "local"
    master: str = "local[2]"
    conf: tuple[str, ...] = ()
    single_file: bool = False

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ConfigError(f"unknown --engine {self.name!r}",
                              hint=f"use one of {', '.join(ENGINES)}")

    @property
    def local(self) -> bool:
        return self.name == "local"


def engine_options(spark_does: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Replace the command's ``engine: Engine`` parameter by --engine (its help says what
    ``spark_does``), --spark-master, --conf and --single-file, and pass the built Engine."""
    engine_opt = Annotated[
        str, typer.Option("--engine", help=f"local (this process) or spark ({spark_does}).")
    ]
    options: list[tuple[str, Any, Any]] = [
        ("engine", engine_opt, "local"),
        ("spark_master", SparkMasterOpt, "local[2]"),
        ("spark_conf", SparkConfOpt, None),
        ("single_file", SingleFileOpt, False),
    ]

    def build(engine: str = "local", spark_master: str = "local[2]",
              spark_conf: list[str] | None = None, single_file: bool = False) -> Engine:
        return Engine(engine, spark_master, tuple(spark_conf or ()), single_file)

    return lambda fn: _bundled(fn, "engine", options, build)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")


READ = ReadConfig()  # the default of a command's ``read`` parameter; @read_options fills it
LOCAL = Engine()  # the default of a command's ``engine`` parameter; @engine_options fills it
