"""Deploy-safe defaults (issue #10): production settings unless told otherwise, secrets required,
Django's deployment checklist clean, HTTPS only, static files served by WhiteNoise.

Each test boots a fresh process as a server would start, with only the variables it names:
settings are read once per process, so the test process's own settings cannot show this.
``DJANGO_DEBUG`` is never set unless a test says so: production is the default. The secrets
file points into the test's folder, so a ``var/secrets.env`` of ``make run`` never fills in.
"""

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

from smartbank.secrets_file import secrets_file_ensure
from smartbank.tests.make_run import loopback_http_environment

SECRETS = ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ID_HASH_KEY")
# What make run's secrets file holds: the secrets and the monitoring credentials (issue 14).
GENERATED = (*SECRETS, "METRICS_TOKEN", "FLOWER_BASIC_AUTH")


def _bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No configuration at all, beyond a throw-away database and document folder."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "smartbank.settings",
        "DJANGO_SECRETS_FILE": str(tmp_path / "absent-secrets.env"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'smartbank.sqlite3'}",
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Production: the bare environment with strong generated secrets."""
    return _bare_env(
        tmp_path,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ID_HASH_KEY=secrets.token_urlsafe(32),
        **extra,
    )


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


def _error(result: subprocess.CompletedProcess[str]) -> str:
    """The exception line a failed start ends with."""
    return result.stderr.strip().splitlines()[-1]


def test_without_its_secrets_the_app_refuses_to_start_and_names_them(tmp_path):
    result = _run(["manage.py", "check"], _bare_env(tmp_path))
    assert result.returncode == 1
    error = _error(result)
    assert error.startswith(
        "django.core.exceptions.ImproperlyConfigured: "
        "DJANGO_SECRET_KEY, FIELD_ENCRYPTION_KEYS, ID_HASH_KEY not set"
    ), error
    assert "`make run` generates them" in error
    assert "python -m smartbank.secrets_file" in error

    # An empty value is no secret either; only the missing ones are named.
    env = _bare_env(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), ID_HASH_KEY="")
    error = _error(_run(["manage.py", "check"], env))
    assert "ImproperlyConfigured: FIELD_ENCRYPTION_KEYS, ID_HASH_KEY not set" in error, error


def test_with_django_debug_true_it_starts_on_development_stand_ins(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SECRET_KEY.startswith('dev-only'))"
    )
    result = _run(["-c", probe], _bare_env(tmp_path, DJANGO_DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def _secrets_of(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs if not name.startswith("#")}


def test_make_run_generates_its_secrets_once_and_reuses_them(tmp_path):
    path = tmp_path / "var" / "secrets.env"
    generate = ["-m", "smartbank.secrets_file", str(path)]  # what make run calls

    first = _run(generate, {"PATH": os.environ.get("PATH", "")})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Generated {', '.join(GENERATED)} into {path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = _secrets_of(path)
    assert set(values) == set(GENERATED)
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert Fernet(values["FIELD_ENCRYPTION_KEYS"].encode())  # a valid key, one key
    assert len(values["ID_HASH_KEY"]) >= 32
    assert len(values["METRICS_TOKEN"]) >= 32
    user, password = values["FLOWER_BASIC_AUTH"].split(":")
    assert user == "flower" and len(password) >= 32
    content = path.read_text()

    second = _run(generate, {"PATH": os.environ.get("PATH", "")})
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""
    assert path.read_text() == content

    # and the app starts on the file alone, its key strong enough for the deploy checks
    env = _bare_env(tmp_path, DJANGO_SECRETS_FILE=str(path))
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr


def test_a_secrets_file_lacking_a_variable_gets_it_appended_and_keeps_the_rest(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("# mine\nDJANGO_SECRET_KEY=kept-as-it-is")

    assert secrets_file_ensure(path) == list(GENERATED[1:])

    lines = path.read_text().splitlines()
    assert lines[:2] == ["# mine", "DJANGO_SECRET_KEY=kept-as-it-is"]
    assert set(_secrets_of(path)) == set(GENERATED)
    assert secrets_file_ensure(path) == []


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


def test_production_redirects_to_https_and_sends_hsts(tmp_path, collected_static):
    result = _run(["-c", PROBE], _production_env(tmp_path, STATIC_ROOT=str(collected_static)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://testserver/accounts/login/",
        "200 max-age=31536000; includeSubDomains; preload",
        "301",  # no proxy header configured: a client's X-Forwarded-Proto is not trusted
    ]


def test_behind_a_tls_proxy_its_forwarded_proto_header_counts_as_https(tmp_path, collected_static):
    env = _production_env(
        tmp_path,
        STATIC_ROOT=str(collected_static),
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


PLAIN_HTTP_PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
page = Client().get("/accounts/login/")
print(settings.DEBUG, page.status_code, page.has_header("Strict-Transport-Security"),
      bool(page.cookies["csrftoken"]["secure"]))
"""


def test_make_runs_loopback_switches_serve_plain_http_with_debug_off(tmp_path, collected_static):
    env = _production_env(
        tmp_path, STATIC_ROOT=str(collected_static), **loopback_http_environment()
    )
    result = _run(["-c", PLAIN_HTTP_PROBE], env)
    assert result.returncode == 0, result.stderr
    # no redirect to an https:// nobody serves, no HSTS, a cookie the browser sends back
    assert result.stdout.split() == ["False", "200", "False", "False"]


STATIC_PROBE = """
import django
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
css = static("admin/css/base.css")
print(css)
page = client.get("/accounts/login/")
print(page.status_code, static("css/site.css") in page.content.decode())
hashed = client.get(css, headers={"accept-encoding": "gzip"})
print(hashed.status_code, hashed["Content-Encoding"], hashed["Cache-Control"])
print(b"".join(hashed.streaming_content)[:2] == b"\\x1f\\x8b")
plain = client.get("/static/css/site.css")
print(plain.status_code, plain["Cache-Control"])
"""


def test_whitenoise_serves_collected_static_files_with_debug_off(tmp_path, collected_static):
    env = _production_env(
        tmp_path, STATIC_ROOT=str(collected_static), **loopback_http_environment()
    )
    result = _run(["-c", STATIC_PROBE], env)
    assert result.returncode == 0, result.stderr
    css, page, hashed, gzipped, plain = result.stdout.splitlines()
    assert re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", css)
    assert page == "200 True"  # pages link the hashed copies
    assert hashed == "200 gzip max-age=315360000, public, immutable"
    assert gzipped == "True"
    assert plain == "200 max-age=60, public"
