"""Production settings pass Django's deployment checklist and serve HTTPS only.

Each test boots a fresh process with only production variables set (DJANGO_DEBUG=false, strong
generated secrets, a throw-away SQLite file), as a server would start: settings are read once
per process, so the test process's own settings cannot show this.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'smartbank.sqlite3'}",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


PROBE = """
import django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
proxied = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
print(plain.status_code, plain["Location"])
print(secure.status_code, secure["Strict-Transport-Security"])
print(proxied.status_code)
"""


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="smartbank.settings")
    result = _run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://testserver/accounts/login/",
        "200 max-age=31536000; includeSubDomains; preload",
        "301",  # no proxy header configured: a client's X-Forwarded-Proto is not trusted
    ]


def test_behind_a_tls_proxy_its_forwarded_proto_header_counts_as_https(tmp_path):
    env = _production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="smartbank.settings",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="false",
    )
    result = _run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://testserver/accounts/login/",
        "200 max-age=3600; includeSubDomains",
        "200",
    ]
