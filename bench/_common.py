"""What every benchmark under ``bench/`` reports to ``make bench`` (``bench/run_all.py``).

Each script prints its own table and, given ``--json PATH``, also writes its rows there as a
JSON list of :class:`Row` objects; ``bench/run_all.py`` runs every script, collects the rows
into one table and writes ``bench/results.md``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path


@dataclasses.dataclass
class Row:
    """One measured figure against its anchor (measured in the same run) and its target.

    ``figure`` and ``anchor`` are human-readable (with units, e.g. ``"23 ms"``); ``ratio`` is
    figure ÷ anchor (or whatever the target compares, e.g. a scaling factor), ``None`` when
    there is no anchor; ``target`` says the goal in words (``"≤ 2×"``); ``met`` whether it was
    reached (``None`` when the row only informs)."""

    bench: str
    what: str
    figure: str
    anchor: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


def emit(rows: list[Row], json_path: str | None) -> None:
    """Print ``rows`` as a table and, when ``json_path`` is given, write them there as JSON."""
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        verdict = "" if row.met is None else ("met" if row.met else "MISS")
        cells = (row.what, row.figure, row.anchor, ratio, row.target, verdict)
        print("{:<58} {:>14} {:>14} {:>7} {:>12} {}".format(*cells))
    if json_path:
        Path(json_path).write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1))
