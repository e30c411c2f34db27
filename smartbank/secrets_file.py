"""The secrets file ``make run`` generates once: ``python -m smartbank.secrets_file PATH``.

Writes strong random values of the three secrets settings refuse to start without
(``DJANGO_SECRET_KEY``, ``FIELD_ENCRYPTION_KEYS``, ``ID_HASH_KEY``), and of the monitoring
credentials (``METRICS_TOKEN``, ``FLOWER_BASIC_AUTH``), to ``PATH`` (``make run``:
``var/secrets.env``, git-ignored), readable by its owner only. An existing file is never
rewritten: its keys decrypt the ID numbers already stored, so a variable it lacks is appended
and the rest is kept. ``smartbank/settings.py`` reads the file after ``.env``; variables set in
the environment win. Standard library only: it runs before the settings can load.
"""

import base64
import os
import secrets
import sys
from pathlib import Path


def _fernet_key() -> str:
    # What cryptography's Fernet.generate_key() returns: 32 random bytes, urlsafe base64.
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


GENERATORS = {
    "DJANGO_SECRET_KEY": lambda: secrets.token_urlsafe(50),  # 67 characters
    "FIELD_ENCRYPTION_KEYS": _fernet_key,
    "ID_HASH_KEY": lambda: secrets.token_urlsafe(32),
    # Monitoring (issue 14, smartbank/monitoring.py): Prometheus's bearer token for /metrics,
    # and Flower's basic-auth login (`user:password`, read by Flower as FLOWER_BASIC_AUTH).
    "METRICS_TOKEN": lambda: secrets.token_urlsafe(32),
    "FLOWER_BASIC_AUTH": lambda: f"flower:{secrets.token_urlsafe(24)}",
}
HEADER = (
    "# SmartBank secrets, generated once by `make run` (smartbank/secrets_file.py). Keep this\n"
    "# file: FIELD_ENCRYPTION_KEYS and ID_HASH_KEY unlock the ID numbers already stored.\n"
    "# Variables set in the environment or in .env take precedence.\n"
)


def secrets_file_ensure(path: Path) -> list[str]:
    """Create ``path`` (mode 0600) with every secret, or append those an existing file lacks.
    Returns the names written: empty when the file already had them all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two make runs at once cannot both write; the loser reads the winner's file.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text()
        present = {
            line.split("=", 1)[0].strip().removeprefix("export ").strip()
            for line in text.splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        }
        missing = [name for name in GENERATORS if name not in present]
        if missing:
            with path.open("a") as file:
                file.write("" if text.endswith("\n") or not text else "\n")
                file.write("".join(f"{name}={GENERATORS[name]()}\n" for name in missing))
        return missing
    with os.fdopen(fd, "w") as file:
        file.write(HEADER + "".join(f"{name}={make()}\n" for name, make in GENERATORS.items()))
    return list(GENERATORS)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python -m smartbank.secrets_file PATH")
    path = Path(sys.argv[1])
    written = secrets_file_ensure(path)
    if written:
        print(f"Generated {', '.join(written)} into {path} (keep it: it decrypts stored data).")


if __name__ == "__main__":
    main()
