"""``make bench``: every benchmark under ``bench/`` in one run, one table, ``bench/results.md``.

    .venv/bin/python bench/run_all.py [--only name,name] [--quick]

Runs each script of :data:`BENCHES` with ``--json`` (its rows, :class:`bench._common.Row`),
one after the other on an otherwise idle machine (the figures are ratios against anchors
measured in the same script's run; still, a busy machine makes them noisy), prints one table
of figures, anchors, ratios and targets (a miss prints as MISS) and writes it with the
machine's description to ``bench/results.md``. A script that fails is a row that says so.
``--quick`` passes each script its smaller sizes (a look in a few minutes, not the figures
of record). Exit status 1 when any target is missed or any script failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Row  # noqa: E402

#: ``(name, script, arguments of record, --quick arguments)``, in the order they run.
BENCHES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("ocr_accuracy", "bench/ocr_accuracy.py", ["--per-cell", "2"], ["--per-cell", "1"]),
    ("kyc_speed", "bench/kyc_speed.py", [], ["--documents", "8"]),
    ("face_search", "bench/face_search.py", [], ["--faces", "20000"]),
    ("screening", "bench/screening.py", [], ["--rows", "20000"]),
    ("dashboards", "bench/dashboards.py", [], ["--rows", "100000"]),
    ("loan_submit", "bench/loan_submit.py", [], ["--rows", "2000,20000", "--seconds", "6"]),
    ("registration_submit", "bench/registration_submit.py", [], ["--seconds", "6", "--pool", "80"]),
    ("identity_reads", "bench/identity_reads.py", [], []),
)
PG = "postgres://smartbank:smartbank@127.0.0.1:5432"
#: The run's generated secrets (smartbank/secrets_file.py), never make run's var/secrets.env.
SECRETS = Path(tempfile.gettempdir()) / "smartbank-bench-secrets.env"


def machine() -> str:
    """One line about this machine: CPUs, memory, OS, Python, PostgreSQL."""
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cpu = ""
    try:
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = f" ({names[0]})" if names else ""
    except OSError:
        pass
    postgres = subprocess.run(  # noqa: S603 - a fixed query to our own database
        ["psql", f"{PG}/postgres", "-tAc", "SHOW server_version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs{cpu}{memory}; {platform.platform()}; Python "
        f"{platform.python_version()}; PostgreSQL {postgres or 'unknown'}"
    )


def database_fresh(name: str) -> str:
    """A database of its own for one script (made anew); its URL."""
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)  # noqa: S603, S607
    return f"{PG}/{name}"


def run_one(name: str, script: str, arguments: list[str]) -> tuple[list[Row], float]:
    """The rows of one script and its seconds; a failed script is one MISS row."""
    if not (ROOT / script).exists():
        return [Row(name, f"{name}: not written yet", "", "", None, "runs", False)], 0.0
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OMP_THREAD_LIMIT": "1",
        "DATABASE_URL": database_fresh(f"smartbank_bench_{name}"),
        # Production settings (DEBUG off: no query log growing in memory) with the run's own
        # secrets, plain HTTP on loopback, the Django test client's host allowed.
        "DJANGO_SECRETS_FILE": str(SECRETS),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
    }
    started = time.monotonic()
    process = subprocess.run(  # noqa: S603 - our own scripts
        [sys.executable, script, *arguments, "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - started
    try:
        rows = [Row(**row) for row in json.loads(out.read_text() or "[]")]
    except (OSError, ValueError, TypeError):
        rows = []
    finally:
        out.unlink(missing_ok=True)
    if process.returncode not in (0, 1) or not rows:
        rows.append(Row(name, f"{name}: exited {process.returncode}", "", "", None, "runs", False))
    return rows, seconds


def table(rows: list[Row]) -> list[str]:
    """The rows as a Markdown table."""
    lines = [
        "| bench | what | figure | anchor | ratio | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        verdict = "" if row.met is None else ("met" if row.met else "**MISS**")
        cells = (row.bench, row.what, row.figure, row.anchor, ratio, row.target, verdict)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated names of BENCHES")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a quick look")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"))
    args = parser.parse_args()
    chosen = {n for n in args.only.split(",") if n}
    SECRETS.unlink(missing_ok=True)
    secrets_command = [sys.executable, "-m", "smartbank.secrets_file", str(SECRETS)]
    subprocess.run(secrets_command, cwd=ROOT, check=True)  # noqa: S603 - our own module
    started = time.monotonic()
    rows: list[Row] = []
    timings: list[str] = []
    for name, script, record, quick in BENCHES:
        if chosen and name not in chosen:
            continue
        print(f"=== {name} ({script})", flush=True)
        found, seconds = run_one(name, script, quick if args.quick else record)
        rows += found
        timings.append(f"{name} {seconds:.0f} s")
    total = time.monotonic() - started
    misses = sum(1 for row in rows if row.met is False)
    lines = table(rows)
    print("\n".join(lines))
    print(f"{misses} misses; {total / 60:.1f} min in all (target: under 20 min)")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        "# Benchmark results",
        "",
        f"`make bench`{' --quick' if args.quick else ''} on {when}; {machine()}.",
        "",
        "Each figure is measured against its anchor in the same script's run (see each script's",
        "docstring under `bench/`); a miss is printed as **MISS**, never hidden.",
        "",
        *lines,
        "",
        f"{misses} targets missed. Run time: {', '.join(timings)}; {total / 60:.1f} min in all "
        "(target: under 20 min).",
        "",
    ]
    notes = ROOT / "bench" / "results-notes.md"
    if notes.exists():
        report += ["", notes.read_text()]
    Path(args.out).write_text("\n".join(report))
    print(f"written to {args.out}")
    sys.exit(1 if misses else 0)


if __name__ == "__main__":
    main()
