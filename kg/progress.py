"""Progress of long work: a rich bar on a terminal, otherwise a line every few seconds; each says the count, the
rate and the time left.

``oihkg load`` of a large file, ``oihkg materialise``, building the causal graph of a large store (the first
mechanism question a server answers) and the benchmarks' synthetic stores report through this module. Work is
measured by what can be counted: where a library gives no callback (pyoxigraph's bulk load and parser), by the bytes
of its input read through :class:`Reading`; otherwise by rows, edges or rounds. Nothing is estimated that was not
counted, and work of unknown size says "time left unknown" rather than draw a bar.

Where it goes: a bar when the stream is a terminal, lines otherwise (CI logs, a server's log), none with ``off``;
``OIHKG_PROGRESS`` (``bar``, ``lines``, ``off``) overrides the choice, ``OIHKG_PROGRESS_EVERY`` sets the seconds
between lines (5 by default). Lines start only once the work has run that long, so short work prints nothing.

Examples
--------
>>> import io
>>> out, ticks = io.StringIO(), iter([0.0, 2.0, 6.0, 8.0, 8.0]).__next__
>>> with Progress("loading x.nt", total=4_000_000, unit="bytes", stream=out, every=5, clock=ticks) as p:
...     p.advance(1_000_000)  # at 2 s: not yet a line
...     p.advance(2_000_000)  # at 6 s: a line
>>> print(out.getvalue(), end="")
loading x.nt: 3.0 MB of 4.0 MB (75%), 500.0 kB/s, 2 s left
loading x.nt: done, 3.0 MB in 8 s (375.0 kB/s)
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["Progress", "Reading", "reading", "track", "interval", "mode", "amount", "rate", "duration", "EVERY_ENV", "MODE_ENV"]

#: Seconds between progress lines (not on a terminal).
EVERY_ENV = "OIHKG_PROGRESS_EVERY"
#: ``bar``, ``lines`` or ``off``: how progress is shown, whatever the stream is.
MODE_ENV = "OIHKG_PROGRESS"
MODES = ("bar", "lines", "off")
#: Seconds between two redraws of a bar (rich also redraws on its own, ten times a second).
_DRAW_EVERY = 0.1
#: Seconds work runs before its bar is drawn: a command that takes less shows none.
BAR_AFTER = 1.0


def interval(default: float = 5.0) -> float:
    """The seconds between progress lines: ``OIHKG_PROGRESS_EVERY``, or ``default`` when unset or not a number."""
    try:
        return max(0.0, float(os.environ.get(EVERY_ENV, default)))
    except ValueError:
        return default


def mode(stream: IO | None = None, console: Any = None) -> str:
    """How progress is shown on ``stream`` (or a rich ``console``): ``OIHKG_PROGRESS`` when it names a mode, else
    ``bar`` on a terminal and ``lines`` anywhere else."""
    chosen = os.environ.get(MODE_ENV, "").strip().lower()
    if chosen in MODES:
        return chosen
    if console is not None:
        return "bar" if console.is_terminal else "lines"
    try:
        return "bar" if stream is not None and stream.isatty() else "lines"
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return "lines"


def amount(n: float, unit: str) -> str:
    """A count as people read it: bytes in kB, MB or GB (decimal, as rich shows them), anything else with its unit.

    >>> amount(12_345_678, "bytes"), amount(1234, "edges"), amount(1, "rounds")
    ('12.3 MB', '1,234 edges', '1 rounds')
    """
    if unit == "bytes":
        from rich.filesize import decimal

        return decimal(int(round(n)))
    return f"{n:,.0f} {unit}"


def rate(per_second: float, unit: str) -> str:
    """A rate as people read it: ``4.1 MB/s``, ``1,234 edges/s``, ``0.2 rounds/s``.

    >>> rate(4_100_000, "bytes"), rate(1234.4, "edges"), rate(0.25, "rounds")
    ('4.1 MB/s', '1,234 edges/s', '0.2 rounds/s')
    """
    if unit == "bytes":
        return f"{amount(per_second, unit)}/s"
    return f"{per_second:,.0f} {unit}/s" if per_second >= 100 else f"{per_second:.1f} {unit}/s"


def _of(done: float, total: float | None, unit: str) -> str:
    """``3.0 MB of 4.0 MB``, ``3 of 5 queries``, or the count alone without a total."""
    if not total:
        return amount(done, unit)
    if unit == "bytes":
        return f"{amount(done, unit)} of {amount(total, unit)}"
    return f"{done:,.0f} of {amount(total, unit)}"


def duration(seconds: float) -> str:
    """Seconds as people read them: ``42 s``, ``3 min 5 s``, ``2 h 10 min``.

    >>> duration(42.4), duration(185), duration(7800)
    ('42 s', '3 min 5 s', '2 h 10 min')
    """
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


class Progress:
    """The progress of one piece of work, shown as :func:`mode` says: a rich bar, a line every ``every`` seconds
    (once the work has run that long, then a last line when it ends), or nothing. Work that ends within
    ``every`` seconds (a second, for a bar) shows nothing.

    Parameters
    ----------
    label : str
        What is being done (``loading signor.nt``).
    total : float, optional
        How much there is to do, in ``unit``; None when unknown (then no time left is given).
    unit : str
        What is counted: ``bytes`` (shown in kB, MB, GB) or a plural noun (``edges``, ``rounds``).
    stream : file, optional
        Where lines or the bar go; standard error by default.
    console : rich.console.Console, optional
        The console for the bar, instead of one on ``stream``.
    every : float, optional
        Seconds between lines; :func:`interval` by default.
    show : str, optional
        ``bar``, ``lines`` or ``off``, instead of :func:`mode`'s choice.
    clock : callable
        Seconds, for the rate and the time left (a fake one in tests).
    """

    def __init__(self, label: str, total: float | None = None, unit: str = "items", *, stream: IO | None = None,
                 console: Any = None, every: float | None = None, show: str | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.label, self.total, self.unit, self.done = label, total, unit, 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every if every is not None else interval()
        self.show = show or mode(self.stream if console is None else None, console)
        if self.stream is None and console is None:  # a process started without standard error shows nothing
            self.show = "off"
        self.clock = clock
        self.started = clock()
        self.lines = 0  # progress lines written
        # the first line once the work has run ``every`` seconds, the bar once it has run BAR_AFTER: none for short work
        self._next = self.started + (self.every if self.show == "lines" else BAR_AFTER)
        self._console, self._bar, self._task = console, None, None
        self.closed = False

    def _start_bar(self, console: Any) -> None:
        """A rich bar: the label, the bar, the count and rate (:meth:`figures`), the time left."""
        from rich.console import Console
        from rich.progress import BarColumn, ProgressColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar
        from rich.text import Text

        me = self

        class Figures(ProgressColumn):
            def render(self, task) -> Text:
                return Text(me.figures(task.completed, task.speed), style="progress.download")

        console = console or Console(file=self.stream)
        self._bar = Bar(TextColumn("{task.description}"), BarColumn(), Figures(), TimeRemainingColumn(),
                        console=console, transient=False, get_time=self.clock, redirect_stdout=False,
                        redirect_stderr=False)
        self._task = self._bar.add_task(self.label, total=self.total)
        self._bar.start()

    def figures(self, done: float, speed: float | None) -> str:
        """The count (of the total, when known) and the rate: ``3.0 MB of 4.0 MB, 500.0 kB/s``."""
        return _of(done, self.total, self.unit) + (f", {rate(speed, self.unit)}" if speed else "")

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more done; a line or a redraw when one is due."""
        self.done += n
        if self.closed or self.show == "off":
            return
        now = self.clock()
        if now >= self._next:
            self._due(now)

    def update(self, done: float | None = None, total: float | None = None, label: str | None = None) -> None:
        """Set what is done, the total or the label (a new phase of the same work); a line or redraw when due."""
        if total is not None:
            self.total = total
        if label is not None:
            self.label = label
        self.advance(0 if done is None else done - self.done)

    def _write(self, text: str) -> None:
        """Write a line; a stream that cannot take it (closed, a broken pipe) ends the showing, never the work."""
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError, AttributeError):
            self.show = "off"

    def _due(self, now: float) -> None:
        """Show the progress now: redraw the bar (drawn the first time), or write a line."""
        if self.show == "bar":
            if self._bar is None:
                self._start_bar(self._console)
            self._bar.update(self._task, completed=self.done, total=self.total, description=self.label)
            self._next = now + _DRAW_EVERY
            return
        self._write(self.line(now))
        self.lines += 1
        self._next = now + self.every

    def line(self, now: float) -> str:
        """The progress line at ``now``: the count, the rate and the time left (unknown without a total)."""
        speed = self.done / max(now - self.started, 1e-9)
        count = _of(self.done, self.total, self.unit)
        if self.total:
            count += f" ({min(100, int(100 * self.done / self.total))}%)"
        left = ("time left unknown" if not self.total or not speed
                else f"{duration(max(0.0, self.total - self.done) / speed)} left")
        return f"{self.label}: {count}, {rate(speed, self.unit)}, {left}"

    def close(self) -> None:
        """End the work: the bar drawn at its last count, or a last line when lines were written; then nothing more
        is shown (a second close does nothing)."""
        if self.closed:
            return
        self.closed, now = True, self.clock()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, total=self.total if self.total else self.done,
                             description=self.label)
            self._bar.stop()
            self._bar = None
        elif self.show == "lines" and self.lines:
            elapsed = max(now - self.started, 1e-9)
            self._write(f"{self.label}: done, {amount(self.done, self.unit)} in {duration(elapsed)} "
                        f"({rate(self.done / elapsed, self.unit)})")
            self.lines = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class Reading(io.RawIOBase):
    """A binary file read through: each read advances ``progress`` by the bytes it gave. For a library that reads a
    file object but reports nothing (pyoxigraph's bulk load and parser, rdflib's N-Triples parser)."""

    def __init__(self, raw: IO[bytes], progress: Progress, at_end: Callable[[], None] | None = None):
        super().__init__()
        self._raw, self.progress, self._at_end = raw, progress, at_end
        self.name = getattr(raw, "name", None)  # a library may guess the format from it

    def readable(self) -> bool:
        return True

    def _count(self, n: int, asked: int) -> None:
        self.progress.advance(n)
        if not n and asked and self._at_end is not None:  # the end of the file: once
            end, self._at_end = self._at_end, None
            end()

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer) or 0
        self._count(n, len(buffer))
        return n

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        self._count(len(data), size or 0)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._raw.readline(-1 if size is None else size)
        self.progress.advance(len(data))
        return data

    def close(self) -> None:
        """Close this and the file read through."""
        if not self.closed:
            self._raw.close()
        super().close()


@contextmanager
def reading(path: Path | str, label: str, at_end: Callable[[], None] | None = None,
            **options: Any) -> Iterator[Reading]:
    """A file opened for reading in binary, its progress counted in bytes of its size (``options`` as for
    :class:`Progress`); ``at_end`` is called once the whole file has been read."""
    total = os.path.getsize(path)
    with open(path, "rb") as raw, Progress(label, total=total, unit="bytes", **options) as progress:
        yield Reading(raw, progress, at_end)


def _size(folder: Path) -> int:
    """Bytes of the files under ``folder`` now (a file gone while counted counts nothing)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                continue
    return total


@contextmanager
def loading(path: Path | str, folder: Path | str | None, name: str, **options: Any) -> Iterator[Reading]:
    """A file opened for a bulk loader that reads all its input first, then writes (pyoxigraph's: a quarter of the
    time reading, the rest writing): the bytes read of the file's size, then, once it is read, the bytes written
    into ``folder`` so far, with no total or time left, as the loader says nothing of how much it will write. The
    written bytes are polled by a thread (the loader lets Python run while it writes)."""
    import threading

    done = threading.Event()
    watcher = threading.Thread(target=lambda: _watch(Path(folder), name, done, options), name="oihkg-progress",
                               daemon=True)

    def read_all() -> None:
        data.progress.close()
        if folder is not None:
            watcher.start()

    try:
        with reading(path, f"reading {name}", read_all, **options) as data:
            yield data
    finally:
        done.set()
        if watcher.is_alive():
            watcher.join()


def _watch(folder: Path, name: str, done, options: dict) -> None:
    """Count the bytes written into ``folder`` until ``done`` is set (:func:`loading`)."""
    before = _size(folder)
    with Progress(f"writing {name} into the store", unit="bytes", **options) as wrote:
        while not done.wait(min(max(wrote.every, 0.05), 1.0)):  # a walk of the folder at most 20 times a second
            wrote.update(done=max(0, _size(folder) - before))


def track(items: Iterable, label: str, total: float | None = None, unit: str = "items", **options: Any) -> Iterator:
    """The items of ``items``, counted as they are taken (``total`` by ``len`` when it has one)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(label, total=total, unit=unit, **options) as progress:
        for item in items:
            yield item
            progress.advance()
