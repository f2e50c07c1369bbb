"""Progress of long work (kg.progress): lines with the count, the rate and the time left at the interval off a
terminal, a rich bar on one, and `oihkg load` showing them."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from kg.cli import app
from kg.progress import EVERY_ENV, MODE_ENV, Progress, Reading, loading, track

#: A progress line: label, count of the total (percent), rate, time left.
LINE = re.compile(r"^loading x\.nt: [\d.]+ (?:kB|MB) of 4\.0 MB \(\d+%\), [\d.]+ (?:kB|MB)/s, \d+ (?:s|min \d+ s) left$")


@pytest.fixture(autouse=True)
def _auto_mode(monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)  # the mode chosen by the stream, whatever the caller's environment
    monkeypatch.delenv(EVERY_ENV, raising=False)


def clock(step: float):
    """A fake clock: each reading is ``step`` seconds after the last."""
    return itertools.count(0.0, step).__next__


def test_lines_come_at_the_interval_with_the_count_the_rate_and_the_time_left():
    out = io.StringIO()  # not a terminal
    with Progress("loading x.nt", total=4_000_000, unit="bytes", stream=out, every=5, clock=clock(1.0)) as p:
        for _ in range(11):  # one second and 100 kB a step: 11 s, a line at 5 s and at 10 s
            p.advance(100_000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines  # two at the interval, then the last
    assert all(LINE.match(line) for line in lines[:2]), lines
    assert lines[0] == "loading x.nt: 500.0 kB of 4.0 MB (12%), 100.0 kB/s, 35 s left"
    assert lines[1] == "loading x.nt: 1.0 MB of 4.0 MB (25%), 100.0 kB/s, 30 s left"
    assert lines[2].startswith("loading x.nt: done, 1.1 MB in 12 s")


def test_short_work_prints_nothing_and_unknown_work_says_so():
    out = io.StringIO()
    with Progress("quick", total=10, stream=out, every=5, clock=clock(1.0)) as p:
        p.advance(10)
    assert out.getvalue() == ""
    with Progress("materialising", unit="rounds", stream=out, every=1, clock=clock(1.0)) as p:
        p.advance()
    assert out.getvalue().splitlines()[0] == "materialising: 1 rounds, 1.0 rounds/s, time left unknown"


def test_the_interval_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(EVERY_ENV, "0.5")
    assert Progress("x", stream=io.StringIO()).every == 0.5
    monkeypatch.setenv(MODE_ENV, "off")
    out = io.StringIO()
    with Progress("x", stream=out, every=0, clock=clock(1.0)) as p:
        p.advance()
    assert out.getvalue() == ""


def test_on_a_terminal_a_rich_bar_is_drawn():
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with Progress("loading x.nt", total=4_000_000, unit="bytes", console=console, clock=clock(0.5)) as p:
        assert p.show == "bar"
        for _ in range(8):
            p.advance(500_000)
    drawn = buf.getvalue()
    assert "\x1b[" in drawn and "━" in drawn  # terminal codes and the bar itself
    assert "loading x.nt" in drawn and "4.0 MB of 4.0 MB" in drawn and "kB/s" in drawn
    assert re.search(r"\d:\d\d:\d\d", drawn)  # the time left
    assert not re.search(r"^loading x\.nt: ", drawn, re.M)  # no log lines on a terminal


def test_reading_counts_the_bytes_a_library_reads(tmp_path):
    import pyoxigraph as ox

    data = tmp_path / "x.nt"
    data.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(2000)))
    out = io.StringIO()
    ended = []
    with data.open("rb") as raw, Progress("x", total=data.stat().st_size, unit="bytes", stream=out, every=0) as p:
        assert sum(1 for _ in ox.parse(Reading(raw, p, lambda: ended.append(p.done)), format=ox.RdfFormat.N_TRIPLES)) == 2000
        assert p.done == data.stat().st_size and ended == [p.done]
    assert list(track(range(3), "t", stream=out)) == [0, 1, 2]


def test_a_bulk_load_shows_the_bytes_read_then_those_written(tmp_path):
    import pyoxigraph as ox

    data = tmp_path / "x.nt"
    data.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(20_000)))
    store, out = ox.Store(str(tmp_path / "db")), io.StringIO()
    with loading(data, tmp_path / "db", "x.nt", stream=out, every=0) as fh:
        store.bulk_load(fh, format=ox.RdfFormat.N_TRIPLES)
    said = out.getvalue()
    assert re.search(r"^reading x\.nt: .* of .*\(\d+%\), .*/s, \d+ s left$", said, re.M), said
    assert re.search(r"^writing x\.nt into the store: .*, time left unknown$", said, re.M), said
    assert said.index("reading x.nt: done") < said.index("writing x.nt into the store")  # read whole, then written
    assert len(store) == 20_000


def _nt(path, n: int):
    path.write_text("".join(f"<https://w3id.org/oihkg/syn/e{i}> <http://www.w3.org/2000/01/rdf-schema#label> "
                            f'"entity {i}" .\n' for i in range(n)))
    return path


def test_cli_load_on_a_non_terminal_prints_progress_lines_past_the_interval(tmp_path):
    data = _nt(tmp_path / "big.nt", 20_000)
    runner = CliRunner()
    quick = runner.invoke(app, ["load", str(data), "--store", str(tmp_path / "a")], env={EVERY_ENV: "3600"})
    assert quick.exit_code == 0, quick.output
    assert "big.nt:" not in quick.output  # ran shorter than the interval: no progress
    slow = runner.invoke(app, ["load", str(data), "--store", str(tmp_path / "b")], env={EVERY_ENV: "0.000001"})
    assert slow.exit_code == 0, slow.output
    lines = [line for line in slow.output.splitlines() if "big.nt" in line and line.endswith(" s left")]
    assert any(line.startswith("checking big.nt: ") for line in lines), slow.output
    assert any(line.startswith("reading big.nt: ") for line in lines), slow.output
    assert all(re.search(r" of [\d.]+ (?:kB|MB) \(\d+%\), [\d.]+ (?:bytes|kB|MB)/s, \d+ s left$", line) for line in lines)
    assert "loaded 20,000 triples" in slow.output


def test_a_process_without_standard_error_works_on_unshown():
    """A process started with its standard error closed (``2>&-``, some daemons) has ``sys.stderr`` None: the work
    goes on, shown nowhere."""
    import subprocess
    import sys

    code = ("from kg.progress import Progress\n"
            "p = Progress('x', 10, every=0.0, show='lines')\n"
            "q = Progress('y', 10, every=0.0)\n"
            "for _ in range(10): p.advance(1); q.advance(1)\n"
            "print('done', p.show, q.show)")
    ran = subprocess.run(["bash", "-c", f'"{sys.executable}" -c "$0" 2>&-', code], capture_output=True, text=True,
                         timeout=60)
    assert ran.returncode == 0 and ran.stdout.split() == ["done", "off", "off"], ran.stdout + ran.stderr
