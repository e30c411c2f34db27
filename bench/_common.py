"""What every benchmark under ``bench/`` reports to ``make bench`` (``bench/run_all.py``).

Each script prints its own table and, given ``--json PATH``, also writes its rows there as a
JSON list of :class:`Row` objects; ``bench/run_all.py`` runs every script, collects the rows
into one table and writes ``bench/results.md``.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


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


def postgres_cpu_seconds() -> float:
    """User + system CPU-seconds of every PostgreSQL process on this machine so far (the
    server's backends of every database, its writers): the difference over a measured
    window is what the database spent on it, when nothing else uses it meanwhile."""
    import psutil

    return cpu_seconds(
        p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")
    )


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU-seconds so far of process ``pid`` and its children (gunicorn's
    master and workers)."""
    import psutil

    root = psutil.Process(pid)
    return cpu_seconds((root, *root.children(recursive=True)))


def cpu_seconds(processes: Iterable[Any]) -> float:
    """User + system CPU-seconds so far of the psutil ``processes`` (those gone are left out)."""
    import psutil

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def clients_run(
    host: str,
    port: int,
    *,
    clients: int,
    seconds: float,
    send: Callable[[http.client.HTTPConnection], http.client.HTTPResponse | None],
    ok: tuple[int, ...],
    rate: float | None = None,
) -> dict[str, Any]:
    """``clients`` threads, each on a keep-alive connection of its own, call ``send`` (one
    request; its response, or ``None`` when nothing is left to send) for ``seconds``: at
    ``rate`` requests per second in all when given, else each as fast as it is answered.

    Returns ``{"requests", "errors" (statuses not in ``ok``), "rps", "p50_ms", "p99_ms",
    "statuses", "exhausted"}``.
    """
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    exhausted = threading.Event()
    start = time.perf_counter()
    deadline = start + seconds
    interval = clients / rate if rate else 0.0

    def client(offset: float) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine: list[float] = []
        codes: dict[int, int] = {}
        next_at = start + offset
        while True:
            now = time.perf_counter()
            if now >= deadline:
                break
            if interval:
                if next_at > now:
                    time.sleep(next_at - now)
                next_at += interval
            began = time.perf_counter()
            response = send(connection)
            if response is None:
                exhausted.set()
                break
            response.read()
            mine.append(time.perf_counter() - began)
            codes[response.status] = codes.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [
        threading.Thread(target=client, args=(i * interval / clients if interval else 0,))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": sum(n for code, n in statuses.items() if code not in ok),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.5) if latencies else float("nan"),
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else float("nan"),
        "statuses": statuses,
        "exhausted": exhausted.is_set(),
    }
