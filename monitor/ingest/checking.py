"""A data file's rows, read and checked a chunk at a time: here, or in a worker process.

Reading and checking a row costs about as much as writing it to the staging table, so a big
file is read and checked in a worker process while this process writes the chunks already
checked: the two halves overlap, on two cores. The worker only reads the file and the plan; it
never touches the database, so a worker that dies leaves nothing behind, and this process
reports it as an error instead of a half-read file.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path

from monitor.ingest.limits import DEFAULTS, Limits
from monitor.ingest.problems import Problem
from monitor.ingest.readers import FileError, Line, Note, Row, reading
from monitor.ingest.rows import RowChecker, Shape, Staged
from monitor.ingest.shown import cause
from rules import Plan

CHUNK = 20_000
MAX_KEPT_ERRORS = 2_000  # bad cells kept with their details; the rest are counted
ASIDE_FROM_BYTES = 4 << 20  # from this size (about 100,000 CSV rows), check in a worker process


@dataclass
class Checked:
    """One chunk of a file's rows, checked."""

    rows: int = 0  # data rows read
    staged: list[Staged] = field(default_factory=list)  # good rows, until the file has a bad one
    errors: list[Problem] = field(default_factory=list)
    more_errors: int = 0  # bad cells beyond those kept
    shapes: list[Shape] = field(default_factory=list)  # shapes first used in this chunk, in id order
    unordered: bool = False  # (the last chunk) a series came out of the order of its periods: see `FileOrder`
    notes: list[Note] = field(default_factory=list)  # (the last chunk) how the file was read: see `reading_notes`


class CheckingError(RuntimeError):
    """The worker process checking a file ended without finishing it."""


def checked_chunks(
    plan: Plan, path: Path, limits: Limits = DEFAULTS, writer: str | None = None, number_format: str = ""
) -> Generator[Checked, None, None]:
    """The rows of `path`, checked against `plan` (and the rights of the department `writer`
    sending it), a chunk at a time; `FileError` for an unreadable file, or one beyond `limits`.
    `number_format` is the sending department's declared one.

    Files of `ASIDE_FROM_BYTES` or more are read and checked in a worker process.
    """
    if path.stat().st_size >= ASIDE_FROM_BYTES:
        return _aside(plan, path, limits, writer, number_format)
    return _here(plan, path, limits, writer, number_format)


def _here(
    plan: Plan, path: Path, limits: Limits, writer: str | None = None, number_format: str = ""
) -> Generator[Checked, None, None]:
    checker = RowChecker(plan, writer, number_format)
    failing = False
    kept = shapes_sent = 0
    chunk = Checked()
    staged = chunk.staged
    read = reading(path, limits, plan)
    for result in _results(checker, read.lines):
        if result is None:  # held until the file's end: counted then
            continue
        if not isinstance(result, list):
            if not failing:
                staged.append(result)
        else:
            failing = True
            if kept < MAX_KEPT_ERRORS:
                chunk.errors += result
                kept += len(result)
            else:
                chunk.more_errors += len(result)
        chunk.rows += 1
        if chunk.rows == CHUNK:
            chunk.shapes, shapes_sent = checker.shapes[shapes_sent:], len(checker.shapes)
            yield chunk
            chunk = Checked()
            staged = chunk.staged
    chunk.shapes = checker.shapes[shapes_sent:]
    chunk.unordered = checker.order.unordered
    chunk.notes = read.notes
    yield chunk


def _results(checker: RowChecker, items: Iterator[Row | Line]) -> Iterator[Staged | list[Problem] | None]:
    """Each item checked (None for one held), then the rows held, once the whole file is read."""
    check, check_line = checker.check, checker.check_line
    for item in items:
        yield check(item) if isinstance(item, Row) else check_line(item)
    yield from checker.finish()


def _context() -> ForkContext | SpawnContext:
    """Fork, the quickest start, from a process with one thread; otherwise a fresh interpreter.

    A fork copies locks that other threads may hold at that moment (the daemon's scheduler threads
    render emails with Babel, whose locale cache has a lock the checker also needs).
    """
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _aside(
    plan: Plan, path: Path, limits: Limits, writer: str | None, number_format: str
) -> Generator[Checked, None, None]:
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    # A forked worker inherits this end too, and must close it: a pipe whose only reader has died
    # then fails the worker's next write, instead of blocking it for ever.
    inherited = receiver if context.get_start_method() == "fork" else None
    worker = context.Process(
        target=_work,
        args=(plan, path, limits, writer, number_format, sender, inherited),
        name="plan-monitor-check",
        daemon=True,
    )
    worker.start()
    sender.close()  # the worker holds the sending end: when it ends, this end reads EOF
    ended = False
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                ended = True
                worker.join()
                raise CheckingError(
                    f"the process checking {path.name} ended unexpectedly (exit code {worker.exitcode})"
                ) from None
            if kind == "chunk":
                yield payload
                continue
            ended = True
            if kind == "file-error":
                raise FileError(payload)
            if kind == "failed":
                raise CheckingError(f"the process checking {path.name} failed: {payload}")
            return
    finally:
        receiver.close()
        if not ended:  # the reader stopped early: the rest of the file is of no use
            worker.kill()
        worker.join()


def _work(
    plan: Plan,
    path: Path,
    limits: Limits,
    writer: str | None,
    number_format: str,
    sender: Connection,
    inherited: Connection | None,
) -> None:
    """The worker process: check `path` and send each chunk; then done, or why not."""
    if inherited is not None:
        inherited.close()
    # Its objects are rows and chunks, without cycles, and it ends with the file: collecting
    # garbage would only cost time, and could finalize objects copied from the parent.
    gc.disable()
    try:
        for chunk in _here(plan, path, limits, writer, number_format):
            sender.send(("chunk", chunk))
        sender.send(("done", None))
    except BrokenPipeError:
        pass  # the reading process is gone, and with it any use for the rest
    except FileError as exc:
        sender.send(("file-error", str(exc)))
    except Exception as exc:
        sender.send(("failed", cause(exc)))
    finally:
        sender.close()
