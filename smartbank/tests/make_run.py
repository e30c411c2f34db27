"""What ``make run`` gives its processes, read from the Makefile, so tests start them alike."""

import re
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _variable(name: str) -> str:
    match = re.search(rf"^{name} :?= (.*)$", MAKEFILE.read_text(), re.MULTILINE)
    assert match, f"no {name} in {MAKEFILE}"
    return match.group(1).strip()


def loopback_http_environment() -> dict[str, str]:
    """``LOOPBACK_HTTP``: the HTTPS-only settings make run turns off to serve plain HTTP."""
    return dict(pair.split("=", 1) for pair in _variable("LOOPBACK_HTTP").split())


def gunicorn_options() -> list[str]:
    """``GUNICORN_OPTIONS``: make run's workers, threads, backlog and access log."""
    return _variable("GUNICORN_OPTIONS").split()
