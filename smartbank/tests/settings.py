"""The test suite's settings (pytest.ini): ``smartbank.settings`` as production reads it, with
fixed test-only secrets and make run's plain-HTTP switches.

The values go into ``os.environ`` (unless already set) before the production settings load, so
the processes tests start (Celery workers, ``manage.py``) inherit the same secrets and decrypt
what the test wrote. ``make test`` and a bare ``.venv/bin/python -m pytest`` run alike, and
neither reads ``var/secrets.env``: the environment wins over it.
"""

import os

TEST_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",  # production settings, whatever a developer's .env says
    "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-any-deployment-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZlcm5ldC1rZXktbm90LXNlY3JldCE=",
    "ID_HASH_KEY": "test-only-id-hash-key",
    # The test client and live servers speak plain HTTP, as make run does (Makefile LOOPBACK_HTTP).
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}
for _name, _value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)

from smartbank.settings import *  # noqa: E402, F403

# Tests render templates without running collectstatic: plain static URLs, no manifest; WhiteNoise
# finds files where they live (smartbank/tests/test_deploy.py checks the collected setup).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test process closes its connections after each request, as Django's own test runner
# expects (threads of the concurrency tests would otherwise keep theirs into the database's
# teardown). The processes tests start keep production's persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
