"""Benchmark the book: execute every chapter and check it against the time and memory budgets.

Run by ``make bench`` (``python tools/bench.py`` from the repository root, with the Makefile's
environment: the pinned CPU code path ``MKL_CBWR``/``ATEN_CPU_CAPABILITY``, which every kernel
inherits). Each ``chapters/*.ipynb`` is executed, in sorted order, in a fresh kernel (the kernel
named in the notebook's metadata, working directory ``chapters/``). The notebook is read into
memory and executed there; nothing is written back, so the stored outputs stay as they are.

Per chapter it measures

* the wall time of the whole execution, kernel start and shutdown included;
* the slowest code cell: its number among the code cells (1-based), the first line of its
  source, and its wall time;
* the peak memory of the kernel: after the last cell one extra cell runs in the kernel and
  prints the peak resident set size (``ru_maxrss``) of the kernel and of its waited-for
  children, whichever is larger.

It prints a Markdown table and one PASS/FAIL line per budget, writes everything to
``_build/bench.json``, and exits with status 1 if a budget is exceeded or a chapter fails
(a cell raises, times out or the kernel dies; the other chapters still run), 0 otherwise,
and 2 on a usage error (an unknown chapter, no notebooks).

Usage::

    python tools/bench.py                      # every chapter
    python tools/bench.py 02-entropy 03-gan    # only these chapters (file stems)
    python tools/bench.py --chapters-dir /tmp/nbs --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

REPO = Path(__file__).resolve().parent.parent

#: The copy of a whole-book run that the page "How to use this book" shows.
BOOK_TABLE = REPO / "book" / "bench.json"

#: The budgets: the whole book, each chapter and each cell in seconds; peak memory in MB.
BOOK_SECONDS = 600.0
CHAPTER_SECONDS = 90.0
CELL_SECONDS = 60.0
PEAK_MEMORY_MB = 2048.0

#: Environment variables that decide the CPU code path (see code/ganbook/seed.py).
REPORTED_ENV = ("MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")

#: Printed by the memory probe in front of the peak RSS, so that it is found in the output.
RSS_MARKER = "__bench_peak_rss__"

#: Runs in the kernel after the chapter's last cell. ``ru_maxrss`` is in KiB on Linux (bytes
#: on macOS); RUSAGE_CHILDREN covers children that have exited and been waited for.
MEMORY_PROBE = (
    f"print({RSS_MARKER!r}, max(__import__('resource').getrusage(r).ru_maxrss"
    " for r in (__import__('resource').RUSAGE_SELF, __import__('resource').RUSAGE_CHILDREN)))"
)


@dataclass
class ChapterResult:
    """What executing one chapter measured. ``None`` where nothing could be measured."""

    chapter: str
    seconds: float
    slowest_cell: int | None
    slowest_cell_source: str | None
    slowest_cell_seconds: float | None
    peak_memory_mb: float | None
    error: str | None = None


@dataclass
class BudgetCheck:
    """One budget: its description, whether it holds, and what exceeded it."""

    name: str
    passed: bool
    detail: str


def first_line(source: str) -> str:
    """The first non-blank line of a cell's source, stripped."""
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def parse_peak_rss_mb(cell: NotebookNode) -> float | None:
    """The peak RSS in MB printed by the memory probe cell, or ``None`` if it is missing."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "stream":
            continue
        for line in output.get("text", "").splitlines():
            if line.startswith(RSS_MARKER):
                value = int(line.split()[1])
                kib = value / 1024 if sys.platform == "darwin" else value
                return kib / 1024
    return None


def describe_error(error: Exception, cell_number: int | None, cell_timeout: int | None) -> str:
    """A one-line description of why a chapter failed."""
    where = f"cell {cell_number}: " if cell_number is not None else ""
    if isinstance(error, CellExecutionError):
        return f"{where}{error.ename}: {error.evalue}"
    if isinstance(error, CellTimeoutError):
        return f"{where}timed out after {cell_timeout} s (--timeout)"
    return f"{where}{type(error).__name__}: {error}"


def execute_cells(
    client: NotebookClient, nb: NotebookNode, cell_timeout: int | None
) -> tuple[list[tuple[float, int, str]], str | None, bool]:
    """Execute the code cells in order, timing each, until the first error.

    Returns the timings as ``(seconds, code cell number, first line)``, the error (or ``None``)
    and whether the kernel can still answer (not after a timeout or when it died).
    """
    timings: list[tuple[float, int, str]] = []
    code_cells = [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for number, (index, cell) in enumerate(code_cells, start=1):
        error: str | None = None
        kernel_usable = True
        cell_start = time.perf_counter()
        try:
            client.execute_cell(cell, index)
        except CellExecutionError as exc:
            error = describe_error(exc, number, cell_timeout)
        except (CellTimeoutError, DeadKernelError) as exc:
            error, kernel_usable = describe_error(exc, number, cell_timeout), False
        timings.append((time.perf_counter() - cell_start, number, first_line(cell.source)))
        if error:
            return timings, error, kernel_usable
    return timings, None, True


def measure_peak_memory(client: NotebookClient, nb: NotebookNode) -> float | None:
    """Run the memory probe as an extra cell in the kernel; its peak RSS in MB."""
    probe = nbformat.v4.new_code_cell(MEMORY_PROBE)
    nb.cells.append(probe)
    client.execute_cell(probe, len(nb.cells) - 1)
    return parse_peak_rss_mb(probe)


def run_chapter(path: Path, cell_timeout: int | None) -> ChapterResult:
    """Execute one notebook in a fresh kernel (in memory only, never written back); measure it."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        timeout=cell_timeout,
        resources={"metadata": {"path": str(path.parent)}},  # the kernel's working directory
    )
    timings: list[tuple[float, int, str]] = []
    error: str | None = None
    peak_memory_mb: float | None = None

    start = time.perf_counter()
    try:
        with client.setup_kernel():
            timings, error, kernel_usable = execute_cells(client, nb, cell_timeout)
            if kernel_usable:  # after an exception in a cell the kernel still answers
                peak_memory_mb = measure_peak_memory(client, nb)
    except Exception as exc:  # the kernel did not start, the probe failed, ...
        error = error or describe_error(exc, None, cell_timeout)
    seconds = time.perf_counter() - start

    slowest = max(timings, default=None)
    return ChapterResult(
        chapter=path.stem,
        seconds=seconds,
        slowest_cell=slowest[1] if slowest else None,
        slowest_cell_source=slowest[2] if slowest else None,
        slowest_cell_seconds=slowest[0] if slowest else None,
        peak_memory_mb=peak_memory_mb,
        error=error,
    )


def check_budgets(results: list[ChapterResult]) -> list[BudgetCheck]:
    """Check the results against every budget."""
    total = sum(r.seconds for r in results)

    def over(values: dict[str, float | None], limit: float, unit: str, strict: bool) -> str:
        exceeded = [
            f"{name} {value:.1f} {unit}"
            for name, value in values.items()
            if value is not None and (value >= limit if strict else value > limit)
        ]
        unknown = [name for name, value in values.items() if value is None]
        parts = exceeded + ([f"not measured: {', '.join(unknown)}"] if unknown else [])
        return "; ".join(parts)

    chapters = over({r.chapter: r.seconds for r in results}, CHAPTER_SECONDS, "s", False)
    cells = over(
        {f"{r.chapter} cell {r.slowest_cell}": r.slowest_cell_seconds for r in results
         if r.slowest_cell is not None},
        CELL_SECONDS, "s", False,
    )
    memory = over({r.chapter: r.peak_memory_mb for r in results}, PEAK_MEMORY_MB, "MB", True)
    errors = "; ".join(f"{r.chapter}: {r.error}" for r in results if r.error)
    return [
        BudgetCheck(f"whole book <= {BOOK_SECONDS:g} s", total <= BOOK_SECONDS, f"{total:.1f} s"),
        BudgetCheck(f"each chapter <= {CHAPTER_SECONDS:g} s", not chapters, chapters),
        BudgetCheck(f"each cell <= {CELL_SECONDS:g} s", not cells, cells),
        BudgetCheck(f"peak memory < {PEAK_MEMORY_MB:g} MB", not memory, memory),
        BudgetCheck("every chapter executes without error", not errors, errors),
    ]


def _fmt(value: float | None, digits: int = 1) -> str:
    """A number for the table; a dash when it was not measured."""
    return "—" if value is None else f"{value:.{digits}f}"


def render_table(results: list[ChapterResult]) -> str:
    """The results as an aligned Markdown table, with a total row."""
    header = ["chapter", "seconds", "slowest cell", "cell seconds", "peak memory (MB)"]
    right = [False, True, False, True, True]
    rows = []
    for r in results:
        cell = "—"
        if r.slowest_cell is not None:
            source = r.slowest_cell_source or ""
            source = source if len(source) <= 40 else source[:39] + "…"
            cell = f"#{r.slowest_cell} `{source}`" if source else f"#{r.slowest_cell}"
        name = f"{r.chapter} (ERROR)" if r.error else r.chapter
        rows.append([name, _fmt(r.seconds), cell.replace("|", "\\|"),
                     _fmt(r.slowest_cell_seconds), _fmt(r.peak_memory_mb, 0)])
    slowest = max((r.slowest_cell_seconds for r in results if r.slowest_cell_seconds is not None),
                  default=None)
    peak = max((r.peak_memory_mb for r in results if r.peak_memory_mb is not None), default=None)
    rows.append(["**total**", _fmt(sum(r.seconds for r in results)), "", _fmt(slowest),
                 _fmt(peak, 0)])

    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(("-" * (w - 1) + ":") if r else "-" * w
                             for w, r in zip(widths, right)) + " |"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def platform_record() -> dict[str, Any] | None:
    """``ganbook.seed.platform_record()`` as a kernel sees it: processor, MKL branch, torch.

    Computed in a child interpreter with this environment (the one every kernel inherits),
    so that this process never imports torch; ``None`` if it cannot be computed.
    """
    import subprocess

    code = "import json, ganbook.seed as s; print(json.dumps(s.platform_record()))"
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, timeout=120)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None


def machine_info() -> dict[str, Any]:
    """CPU count, torch version (without importing torch), the env and the platform."""
    try:
        torch_version: str | None = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_version = None
    return {
        "cpu_count": os.cpu_count(),
        "torch": torch_version,
        "env": {name: os.environ.get(name) for name in REPORTED_ENV},
        "platform": platform_record(),
    }


def select_notebooks(chapters_dir: Path | None, stems: list[str]) -> list[Path]:
    """The notebooks to run; all of them when ``stems`` is empty.

    Without ``chapters_dir``, the book's notebooks (``notebooks.notebook_sources``: the
    chapters, then the back matter that executes code); with it, every ``.ipynb`` there.
    """
    if chapters_dir is None:
        from notebooks import notebook_sources

        notebooks = [md.with_suffix(".ipynb") for md in notebook_sources()]
    else:
        notebooks = sorted(chapters_dir.glob("*.ipynb"))
    if not stems:
        return notebooks
    known = {path.stem: path for path in notebooks}
    unknown = [stem for stem in stems if stem not in known]
    if unknown:
        raise ValueError(f"no such chapter in {chapters_dir}: {', '.join(unknown)}"
                         f" (have: {', '.join(known) or 'none'})")
    return [known[stem] for stem in dict.fromkeys(stems)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: chapter stems and options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER",
                        help="chapter file stems to run, e.g. 02-entropy (default: all)")
    parser.add_argument("--chapters-dir", type=Path, default=None,
                        help="directory of the notebooks (default: the book's notebooks, "
                             "in chapters/ and book/)")
    parser.add_argument("--json", type=Path, default=REPO / "_build" / "bench.json",
                        help="where to write the results (default: _build/bench.json)")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds after which a single cell is abandoned (default: 600)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chapters, report, write the JSON; the exit status (0 within budget, 1, 2)."""
    args = parse_args(argv)
    try:
        notebooks = select_notebooks(args.chapters_dir, args.chapters)
    except ValueError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    if not notebooks:
        print(f"bench: no notebooks in {args.chapters_dir or 'the book'}", file=sys.stderr)
        return 2
    info = machine_info()
    env = ", ".join(f"{name}={value}" for name, value in info["env"].items())
    print(f"CPUs: {info['cpu_count']}   torch: {info['torch']}   {env}\n")

    results = []
    for path in notebooks:
        print(f"executing {path.stem} ...", file=sys.stderr, flush=True)
        result = run_chapter(path, args.timeout)
        if result.error:
            print(f"ERROR in {result.chapter}: {result.error}", file=sys.stderr, flush=True)
        results.append(result)

    checks = check_budgets(results)
    print(render_table(results))
    print()
    for check in checks:
        status = "PASS" if check.passed else "FAIL"
        print(f"{status}  {check.name}" + (f": {check.detail}" if check.detail else ""))

    within_budget = all(check.passed for check in checks)
    report = {
        "chapters": [asdict(r) for r in results],
        "total_seconds": sum(r.seconds for r in results),
        "budgets": {
            "book_seconds": BOOK_SECONDS,
            "chapter_seconds": CHAPTER_SECONDS,
            "cell_seconds": CELL_SECONDS,
            "peak_memory_mb": PEAK_MEMORY_MB,
        },
        "checks": [asdict(check) for check in checks],
        "within_budget": within_budget,
        **info,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    text = json.dumps(report, indent=2) + "\n"
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(text)
    print(f"\nwritten to {args.json}")
    if args.chapters_dir is None and not args.chapters:  # the whole book: the site's table
        BOOK_TABLE.write_text(text)
        print(f"written to {BOOK_TABLE} (the table of 'How to use this book'; commit it)")
    return 0 if within_budget else 1


if __name__ == "__main__":
    sys.exit(main())
