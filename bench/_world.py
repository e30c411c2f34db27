"""The world of a bench that runs the production stack (``bench/kyc_speed.py``,
``bench/loan_submit.py``): ``make loadtest``'s (``bench/loadtest/run.py``) with a
redis-server of its own, a PostgreSQL database made anew and migrated, generated secrets and
production settings, and Django set up in the bench's own process on the same environment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.loadtest import run as loadtest


@dataclass
class World:
    """What :func:`bench_world` made: the environment of every process it starts, the
    processes (stopped on the way out) and the scratch folder."""

    env: dict[str, str]
    processes: loadtest.Processes
    tmp: Path


@contextmanager
def bench_world(name: str, database: str, **env: str) -> Iterator[World]:
    """Start the world of bench ``name`` (logs in ``var/bench-<name>/``) on PostgreSQL
    database ``database`` (dropped and made anew), with ``env`` added to the environment;
    Django is set up in this process. Everything started is stopped on exit."""
    loadtest.OUT = Path(__file__).resolve().parent.parent / "var" / f"bench-{name}"
    if loadtest.OUT.exists():
        shutil.rmtree(loadtest.OUT)
    loadtest.OUT.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"smartbank-bench-{name}-"))
    (tmp / "static").mkdir()
    (tmp / "redis").mkdir()
    net = argparse.Namespace(
        database=database, redis_port=loadtest.free_port(), broker_db=0, cache_db=1,
        own_redis=True,
    )  # fmt: skip
    environment = {**loadtest.environment(net, tmp), **env}
    processes = loadtest.Processes(environment)
    try:
        processes.start(
            "redis",
            [loadtest.REDIS_SERVER, "--bind", loadtest.HOST, "--port", str(net.redis_port),
             "--save", "", "--appendonly", "no", "--dir", str(tmp / "redis")],
        )  # fmt: skip
        loadtest.wait_until("redis", lambda: loadtest.redis_ready(net), processes, timeout=30)
        loadtest.database_recreate(database)
        migrate = loadtest.manage(environment, "migrate", "--noinput")
        output, _ = migrate.communicate(timeout=900)
        if migrate.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{output[-3000:]}")
        os.environ.update(environment)
        os.environ["DJANGO_SETTINGS_MODULE"] = "smartbank.settings"
        import django

        django.setup()
        yield World(env=environment, processes=processes, tmp=tmp)
    finally:
        processes.stop_all()
        subprocess.run(["rm", "-rf", str(tmp)], check=False)  # noqa: S603, S607
