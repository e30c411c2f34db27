"""SmartBank settings, read from the environment with django-environ.

With no environment set, the portal runs embedded: SQLite in ``var/`` (WAL journal, writers
queued by a busy timeout), documents in a private local folder, Celery on the local Redis that
``make run`` starts (``redis://127.0.0.1:6380/0``, append-only file in ``var/redis``).
``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``STORAGE_BACKEND=s3`` (with the ``AWS_*`` variables)
switch to PostgreSQL, another Redis and S3-compatible storage. ``.env.example`` lists every
variable.

Production unless told otherwise: ``DJANGO_DEBUG`` defaults to false, so the secrets must be set
(``make run`` generates them once into ``var/secrets.env``) and HTTPS is required;
``DJANGO_DEBUG=true`` is development mode, with stand-in secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False, parse_comments=True)
# The secrets `make run` generates once (smartbank/secrets_file.py); the environment and .env
# come first, so production sets the secrets there and never needs the file.
SECRETS_FILE = Path(env.str("DJANGO_SECRETS_FILE", default=str(VAR_DIR / "secrets.env")))
environ.Env.read_env(SECRETS_FILE, overwrite=False)

# Production unless told otherwise (issue #10): DJANGO_DEBUG=true is for development only.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# With DEBUG off the app refuses to start without its secrets; only DEBUG has stand-ins.
_SECRETS = ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ID_HASH_KEY")
if not DEBUG and (_missing := [name for name in _SECRETS if not env.str(name, default="")]):
    raise ImproperlyConfigured(
        f"{', '.join(_missing)} not set (needed unless DJANGO_DEBUG=true). `make run` generates "
        f"them once into {SECRETS_FILE}, or run `python -m smartbank.secrets_file PATH` and set "
        "DJANGO_SECRETS_FILE=PATH; in production set them in the environment."
    )

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so its runserver (smartbank/management/commands) replaces staticfiles' one.
    "smartbank",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "django_otp",
    "axes",
    "kyc",
    "accounts",
    "loans",
    "waivers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic) in every server, gunicorn included.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartbank.urls"
WSGI_APPLICATION = "smartbank.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'smartbank.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (issue #13): a new PostgreSQL connection with SCRAM auth cost each
# request ~8 ms. Kept 60 s and checked before reuse; 0 turns them off.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that asks the socket, not the server, whether a
    # kept connection still stands (one round trip less per request: smartbank/postgresql).
    DATABASES["default"]["ENGINE"] = "smartbank.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker's processes write the same file. Django's defaults answer
    # "database is locked" at once to the second writer; Django's SQLite notes recommend this
    # for concurrent writers: readers never block (WAL), every transaction takes the write lock
    # when it begins (IMMEDIATE: no failing read-to-write upgrade) and waits up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The API's rate limits count here, so the cache must be one all web processes share: by
# default the Redis make run starts (database 1; the broker uses 0).
CACHES = {"default": env.cache_url("CACHE_URL", default="redis://127.0.0.1:6380/1")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, keeping its redis-py client between calls (smartbank/cache.py, issue 13).
    CACHES["default"]["BACKEND"] = "smartbank.cache.RedisCache"
# The dashboard's covering indexes (INCLUDE columns) are a PostgreSQL optimisation; the
# embedded SQLite setup builds them without the extra columns, which is fine for a demo.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "kyc:status"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Second factor and brute-force protection (issue #3) ------------------------------------
OTP_VALIDITY_SECONDS = env.int("OTP_VALIDITY_SECONDS", default=600)
OTP_MAX_FAILED_GUESSES = env.int("OTP_MAX_FAILED_GUESSES", default=5)
OTP_RESEND_COOLDOWN_SECONDS = env.int("OTP_RESEND_COOLDOWN_SECONDS", default=30)
OTP_MAX_CODES_PER_HOUR = env.int("OTP_MAX_CODES_PER_HOUR", default=5)
OTP_LOGIN_URL = "accounts:otp"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock the login name (the account, existing or not: the answer reveals nothing) and,
# separately, an address that fails against many names.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Every login (web, admin, API) passes the email to authenticate() as ``username``; axes
# would look under the user model's field (``email``) and record NULL: only addresses locked.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
# WhiteNoise serves STATIC_ROOT (STORAGES["staticfiles"] below) from the web processes, gzip and
# brotli copies made by collectstatic; source maps (10 MB, for browser dev tools only) are served
# as they are, which halves collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- Documents: private storage only, never under a public media URL -----------------------
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="local")
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=VAR_DIR / "private")
if STORAGE_BACKEND == "s3":
    _documents = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default="documents"),
            # Encrypted at rest by the bucket (issue #11): SSE-S3 (AES256) by default, or
            # "aws:kms" with AWS_S3_SSE_KMS_KEY_ID. Versioning is the bucket's own setting
            # (README, "Production"): with file_overwrite off no name is ever reused anyway.
            "object_parameters": {
                "ServerSideEncryption": env.str("AWS_S3_SERVER_SIDE_ENCRYPTION", default="AES256"),
                **(
                    {"SSEKMSKeyId": env.str("AWS_S3_SSE_KMS_KEY_ID")}
                    if env.str("AWS_S3_SSE_KMS_KEY_ID", default="")
                    else {}
                ),
            },
        },
    }
elif STORAGE_BACKEND == "local":
    # No URL: staff reach files only through a permission-checked view. Every file is a Fernet
    # token under FIELD_ENCRYPTION_KEYS (smartbank/storage.py; `manage.py encryption_rotate`).
    _documents = {
        "BACKEND": "smartbank.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
STORAGES = {
    "default": _documents,
    "documents": _documents,
    # Hashed, compressed copies for WhiteNoise to serve with far-future cache headers; needs
    # `collectstatic` before serving (make run does it), except with DEBUG on.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Nothing is served under MEDIA_URL: documents go only through permission-checked views.
MEDIA_URL = "/media-is-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- Identity data --------------------------------------------------------------------------
# Fernet key (urlsafe base64, 32 bytes) for ID numbers at rest; HMAC key for look-ups by hash.
_DEV_FERNET_KEY = "ZGV2LW9ubHktZmVybmV0LWtleS0wMDAwMDAwMDAwMDA="
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=[_DEV_FERNET_KEY] if DEBUG else []
)
ID_HASH_KEY = env.str("ID_HASH_KEY", default="dev-only-id-hash-key" if DEBUG else "")

# --- KYC rules (issue #2) -------------------------------------------------------------------
KYC_MAX_ATTEMPTS = env.int("KYC_MAX_ATTEMPTS", default=3)
KYC_MAX_UPLOAD_BYTES = env.int("KYC_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
KYC_FACE_MATCH_MAX = env.float("KYC_FACE_MATCH_MAX", default=0.50)
KYC_FACE_REVIEW_MAX = env.float("KYC_FACE_REVIEW_MAX", default=0.60)
KYC_FACE_DUPLICATE_MAX = env.float("KYC_FACE_DUPLICATE_MAX", default=0.45)
KYC_NAME_MAX_DISTANCE = env.int("KYC_NAME_MAX_DISTANCE", default=2)
KYC_OCR_LOW_CONFIDENCE = env.float("KYC_OCR_LOW_CONFIDENCE", default=60.0)
# Tesseract beside dlib in two threads (true), or after it (false, the default): side by side a
# lone case is decided ~20 % sooner, but takes 1.2 cores, so on a machine whose cores all have
# a busy worker (make run: two on two) it gains nothing and a second worker adds less
# (issue 13, smartbank/engines/overlap.py). True where cores outnumber busy workers.
KYC_ENGINES_SIDE_BY_SIDE = env.bool("KYC_ENGINES_SIDE_BY_SIDE", default=False)
KYC_TASK_MAX_RETRIES = env.int("KYC_TASK_MAX_RETRIES", default=3)

# --- Celery ---------------------------------------------------------------------------------
# make run starts this Redis (port 6380, append-only file in var/redis) if nothing answers
# there; make test's throw-away Redis on 6379 is another server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6380/0")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fix-up closes every database connection after each task unless told to keep
# them: a new PostgreSQL connection with SCRAM auth costs about 7 ms, more than a loan task in
# a batch of decisions (issue 13). Kept for this many tasks; smartbank.celery checks them before
# and after each task as Django does around a request (CONN_MAX_AGE, health checks, errors).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# No task runs longer than this (seconds): the child is killed, the task fails and the sweeper
# takes the record up. The soft limit raises inside the task first (an engine error, retried).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=270)
# Redis hands an unacknowledged message (a worker killed as a whole) to another worker after
# this many seconds. It must exceed the longest task (the limit above) plus the longest retry
# countdown (600 s, notifications), or a waiting retry would run twice: 300 + 600 + margin.
# A publish that cannot reach the broker gives up after two quick reconnects (~0.25 s, not
# kombu's 6 s): the message waits in the outbox and the request answers at once. Workers keep
# reconnecting on their own (broker_connection_max_retries).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=1200),
    "socket_connect_timeout": 3,
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues. What a person waits for on the screen (a one-time code, a decision's message, a
# face step-up) goes to "interactive"; document checks, loan decisions and housekeeping stay on
# Celery's default "celery". One queue had a customer's code wait behind every KYC card queued
# before it (0.3-1 s of OCR and dlib each); a worker consumes both, one message at a time
# (prefetch 1) and taking the queues in turn (kombu's round robin), so a code now waits for at
# most the tasks already running. Every worker consumes both unless started with -Q: a worker
# of its own for messages is `celery -A smartbank worker -Q interactive`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("interactive"))
CELERY_TASK_ROUTES = {
    "smartbank.tasks.notification_deliver_task": {"queue": "interactive"},
    "accounts.tasks.step_up_check_task": {"queue": "interactive"},
}

# --- Outbox and sweeper (issue #10, smartbank/outbox.py and smartbank/sweeper.py) ----------
# Celery beat runs the dispatcher and the sweeper; run exactly one beat per deployment
# (`celery -A smartbank beat`; make run starts it).
OUTBOX_DISPATCH_INTERVAL_SECONDS = env.float("OUTBOX_DISPATCH_INTERVAL_SECONDS", default=10.0)
# A message is the dispatcher's once it waited this long after its commit (seconds).
OUTBOX_DISPATCH_GRACE_SECONDS = env.float("OUTBOX_DISPATCH_GRACE_SECONDS", default=30.0)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=7)
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
# A record in flight (PENDING, PROCESSING, SUBMITTED, QUEUED, RUNNING) unchanged this long is
# stuck (seconds). Longer than a task may run plus its longest retry countdown (300 + 600 s).
SWEEP_STUCK_AFTER_SECONDS = env.float("SWEEP_STUCK_AFTER_SECONDS", default=900.0)
# Sweeps of one record before it goes to staff (MANUAL_REVIEW / REVIEW) or FAILED.
SWEEP_MAX_ATTEMPTS = env.int("SWEEP_MAX_ATTEMPTS", default=3)
# Deaths of a worker on one pipeline message (its child killed: a crash, memory) before the
# record goes to staff instead of being handed out again (smartbank.tasks.worker_lost_count).
TASK_MAX_WORKER_LOST = env.int("TASK_MAX_WORKER_LOST", default=3)
CELERY_BEAT_SCHEDULE = {
    "outbox-dispatch": {
        "task": "smartbank.tasks.outbox_dispatch_task",
        "schedule": OUTBOX_DISPATCH_INTERVAL_SECONDS,
        # A run nobody picked up before the next one is dropped, not piled up.
        "options": {"expires": OUTBOX_DISPATCH_INTERVAL_SECONDS},
    },
    "stuck-sweep": {
        "task": "smartbank.tasks.stuck_sweep_task",
        "schedule": SWEEP_INTERVAL_SECONDS,
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "housekeeping-purge": {"task": "smartbank.tasks.housekeeping_purge_task", "schedule": 86_400},
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "smartbank.authentication.OtpSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "smartbank.api.exception_handler",
    # The client address of rate limits: REMOTE_ADDR, or the X-Forwarded-For entry added by the
    # last API_NUM_PROXIES trusted proxies (never one the client wrote itself).
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
# Rate limits (smartbank/throttles.py): "<requests>/<second|minute|hour|day>" per client
# address and per account (email, user or registration). Past them: 429 with Retry-After.
API_RATE_LIMITS = {
    "registration_address": env.str("RATE_LIMIT_REGISTRATION_ADDRESS", default="60/hour"),
    "registration_account": env.str("RATE_LIMIT_REGISTRATION_ACCOUNT", default="10/hour"),
    "contact_address": env.str("RATE_LIMIT_CONTACT_ADDRESS", default="300/hour"),
    "contact_account": env.str("RATE_LIMIT_CONTACT_ACCOUNT", default="30/hour"),
    "token_address": env.str("RATE_LIMIT_TOKEN_ADDRESS", default="200/hour"),
    "token_account": env.str("RATE_LIMIT_TOKEN_ACCOUNT", default="30/hour"),
    "refresh_address": env.str("RATE_LIMIT_REFRESH_ADDRESS", default="600/hour"),
    "refresh_account": env.str("RATE_LIMIT_REFRESH_ACCOUNT", default="120/hour"),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=1)),
    # A refresh token is good for one refresh: the used one is blacklisted (token_blacklist).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SmartBank API",
    "DESCRIPTION": "KYC onboarding and banking for integrators.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: no PII. Messages carry ids and codes, never ID numbers or OCR text. -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)

# --- Transport security (issue #10): HTTPS only once DJANGO_DEBUG is off ---------------------
# `manage.py check --deploy --fail-level WARNING` is clean with these defaults
# (smartbank/tests/test_deploy.py). HSTS for a year, subdomains and preload, as the preload list
# asks; lower SECURE_HSTS_SECONDS for a first roll-out, since browsers remember it. make run
# serves plain HTTP on 127.0.0.1 and so turns the four HTTPS-only ones off (Makefile LOOPBACK_HTTP).
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a proxy that terminates TLS, e.g. "HTTP_X_FORWARDED_PROTO,https": the header that says
# the client's request was HTTPS. Unset by default: trusting it without a proxy that overwrites
# it would let any client claim HTTPS.
_proxy_ssl_header = env.tuple("SECURE_PROXY_SSL_HEADER", default=())
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. 'HTTP_X_FORWARDED_PROTO,https'."
    )
# --- end of transport security ---------------------------------------------------------------

# --- Notifications (issue #3): email through Django's backends, SMS through a gateway ------
# EMAIL_BACKEND (above) defaults to the console; set it to
# django.core.mail.backends.smtp.EmailBackend and the EMAIL_* variables for real mail.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SmartBank <no-reply@smartbank.local>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds; a hung SMTP server frees the worker
SMS_BACKEND = env.str("SMS_BACKEND", default="smartbank.sms.ConsoleSmsGateway")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_API_KEY = env.str("SMS_GATEWAY_API_KEY", default="")
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="SMTBNK")
SMS_GATEWAY_TIMEOUT = env.int("SMS_GATEWAY_TIMEOUT", default=10)  # seconds
NOTIFICATION_MAX_RETRIES = env.int("NOTIFICATION_MAX_RETRIES", default=5)
if SMS_BACKEND == "smartbank.sms.HttpSmsGateway" and not (SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY):
    raise ImproperlyConfigured(
        "SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY must be set when SMS_BACKEND is HttpSmsGateway."
    )
# --- end of notifications -------------------------------------------------------------------

# --- Bank accounts (issue #3) ---------------------------------------------------------------
# Amounts in INR with 2 decimal places, read as strings so they never pass through a float.
from decimal import Decimal  # noqa: E402 - kept inside this block

ACCOUNT_OPENING_DEPOSIT = Decimal(env.str("ACCOUNT_OPENING_DEPOSIT", default="1000.00"))
FD_MINIMUM_AMOUNT = Decimal(env.str("FD_MINIMUM_AMOUNT", default="10000.00"))
# --- end of bank accounts -------------------------------------------------------------------

# --- Loans (issue #4) -------------------------------------------------------------------------
# Fuzzy-match score (0-100, RapidFuzz) at or above which a name matches a watchlist or the senior
# relatives register; every compliance decision records the value it used.
SCREENING_THRESHOLD = env.int("SCREENING_THRESHOLD", default=88)
# Product of integrator submissions and the eligibility check when none is named.
LOANS_DEFAULT_PRODUCT_CODE = env.str("LOANS_DEFAULT_PRODUCT_CODE", default="personal-standard")
# Retries of the verification task (backoff from 5 s, doubling, at most 5 min) before REVIEW.
LOAN_TASK_MAX_RETRIES = env.int("LOAN_TASK_MAX_RETRIES", default=5)
# A loan task decides its application with up to this many - 1 others waiting, in one
# transaction (issue 13: decisions per second); 1 decides each on its own.
LOAN_DECISION_BATCH_SIZE = env.int("LOAN_DECISION_BATCH_SIZE", default=50)
# One OpenAPI enum for the PENDING / APPROVED / REJECTED of every stage and the final status.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["LoanStageStatusEnum"] = (
    "loans.models.StageStatus"
)
# --- end of loans -----------------------------------------------------------------------------

# --- Waivers (issue #5) -----------------------------------------------------------------------
# Staff approvals of a waiver above this amount (INR) need two different members of staff.
WAIVER_FOUR_EYES_AMOUNT = Decimal(env.str("WAIVER_FOUR_EYES_AMOUNT", default="100000.00"))
# Tesseract word confidence (0-100) below which a certificate number read goes to staff.
WAIVER_OCR_LOW_CONFIDENCE = env.float("WAIVER_OCR_LOW_CONFIDENCE", default=60.0)
# Largest certificate scan, in bytes (the KYC documents' limit).
WAIVER_MAX_UPLOAD_BYTES = env.int("WAIVER_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Retries of the verification task (backoff from 5 s, doubling, at most 5 min) before staff.
WAIVER_TASK_MAX_RETRIES = env.int("WAIVER_TASK_MAX_RETRIES", default=3)
# --- end of waivers ---------------------------------------------------------------------------

# --- Face step-up before critical actions (issue 14, accounts/services/step_up.py) -----------
# A loan application, a waiver request or an FD early payout asks the customer to confirm it is
# them: a short camera burst checked in Celery (one face, a blink, a match with their VERIFIED
# KYC face within KYC_FACE_MATCH_MAX), or a one-time code.
# Seconds a PASSED step-up may be used for its action, once.
STEP_UP_VALID_SECONDS = env.int("STEP_UP_VALID_SECONDS", default=300)
# Failed face step-ups within STEP_UP_LOCK_SECONDS that lock the face path (codes still work)
# for STEP_UP_LOCK_SECONDS from the last of them.
STEP_UP_MAX_FAILURES = env.int("STEP_UP_MAX_FAILURES", default=3)
STEP_UP_LOCK_SECONDS = env.int("STEP_UP_LOCK_SECONDS", default=3600)
# Eye aspect ratio (Soukupova & Cech 2016) below which an eye counts as closed, and at or above
# which as open; a blink is open, then closed, then open again within the burst.
STEP_UP_EAR_CLOSED_MAX = env.float("STEP_UP_EAR_CLOSED_MAX", default=0.20)
STEP_UP_EAR_OPEN_MIN = env.float("STEP_UP_EAR_OPEN_MIN", default=0.25)
# Frames a burst must have (the page sends 15 over 2 s), the largest frame in bytes, and the
# share of frames that must show exactly one face.
STEP_UP_MIN_FRAMES = env.int("STEP_UP_MIN_FRAMES", default=5)
STEP_UP_MAX_FRAMES = env.int("STEP_UP_MAX_FRAMES", default=30)
STEP_UP_FRAME_MAX_BYTES = env.int("STEP_UP_FRAME_MAX_BYTES", default=300 * 1024)
STEP_UP_MIN_FACE_SHARE = env.float("STEP_UP_MIN_FACE_SHARE", default=0.6)
# Engine-error retries of the check before it fails (the customer is waiting: then a code).
STEP_UP_TASK_MAX_RETRIES = env.int("STEP_UP_TASK_MAX_RETRIES", default=1)
# A fixed deposit paid out before maturity earns its rate less this many percentage points
# (% p.a.) for the whole months it was held (accounts/services/early_payout.py).
FD_EARLY_PAYOUT_PENALTY_PERCENT = Decimal(
    env.str("FD_EARLY_PAYOUT_PENALTY_PERCENT", default="1.00")
)
# --- end of face step-up ---------------------------------------------------------------------

# --- Virus scanning (issue #11): clamd over INSTREAM, first step of every document pipeline --
# clamd's socket: a unix socket path or host:port. make run and make test start one on this
# socket (.ci/clamd.sh) that knows only the EICAR test signature shipped in .ci/clamav/;
# production points it at a clamd whose databases freshclam keeps current.
CLAMAV_ADDRESS = env.str("CLAMAV_ADDRESS", default=str(VAR_DIR / "clamav" / "clamd.sock"))
# Seconds each socket operation of a scan may take (connect, each chunk, the verdict).
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)
# Retries of a pipeline task while clamd gives no verdict (backoff from 5 s, doubling, at most
# 5 min): 288 is about a day of waiting with the case in PROCESSING, far beyond the engine-error
# budgets, before it goes to staff with ENGINE_ERROR. It is never decided unscanned.
CLAMAV_UNAVAILABLE_MAX_RETRIES = env.int("CLAMAV_UNAVAILABLE_MAX_RETRIES", default=288)
# Infected uploads are moved here (smartbank.malware.document_quarantine): a private storage of
# its own, encrypted like the documents; on S3 the same bucket under another prefix.
QUARANTINE_STORAGE_ROOT = env.path(
    "QUARANTINE_STORAGE_ROOT", default=f"{PRIVATE_STORAGE_ROOT}-quarantine"
)
if STORAGE_BACKEND == "s3":
    STORAGES["quarantine"] = {
        **_documents,
        "OPTIONS": {
            **_documents["OPTIONS"],
            "location": env.str("AWS_QUARANTINE_LOCATION", default="quarantine"),
        },
    }
else:
    STORAGES["quarantine"] = {
        "BACKEND": "smartbank.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(QUARANTINE_STORAGE_ROOT), "file_permissions_mode": 0o600},
    }
# --- end of virus scanning -------------------------------------------------------------------

# --- Monitoring (issue 14): Prometheus metrics at /metrics, Flower for the workers ----------
# smartbank/monitoring.py. A scrape sends `Authorization: Bearer <METRICS_TOKEN>` (make run
# generates one into var/secrets.env); an OTP-verified staff session may read it too. Unset:
# staff sessions only. Several processes (gunicorn workers, Celery's pool) need one shared
# PROMETHEUS_MULTIPROC_DIR, emptied before they start (make run: var/prometheus).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Outermost, so a request's time includes every other middleware (WhiteNoise's files too).
MIDDLEWARE = ["smartbank.monitoring.RequestMetricsMiddleware", *MIDDLEWARE]
# --- end of monitoring -----------------------------------------------------------------------

# --- Approval log (issue 14, seed 001): /api/v1/approval-logs/ and its admin CSV export ----
# Named enums in the OpenAPI schema instead of drf-spectacular's generic ActionEnum/StepEnum.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ApprovalActionEnum"] = "loans.models.ApprovalAction"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ApprovalStepEnum"] = "loans.models.ApprovalStep"
# --- end of approval log ---------------------------------------------------------------------

# --- Passports (issue 11): ICAO 9303 TD3 data pages, kyc/passport_checks.py ---------------
# A failing MRZ check digit rejects only when the characters it covers were read at least this
# confident (Tesseract, 0-100) by a majority of readings, two of them alike; else review.
KYC_MRZ_HIGH_CONFIDENCE = env.float("KYC_MRZ_HIGH_CONFIDENCE", default=80.0)
# A passport expiring within this many days is verified with a warning to staff.
KYC_PASSPORT_EXPIRY_WARNING_DAYS = env.int("KYC_PASSPORT_EXPIRY_WARNING_DAYS", default=30)
# The registration's id_type is every ID type; seed 004's OCR flow reads the cards only.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["IdTypeEnum"] = "kyc.models.IdType"
# --- end of passports ------------------------------------------------------------------------

# --- Document reuse (issue 11): perceptual hashes of ID documents and certificates ----------
# Bits (of 256, smartbank/engines/image_hash.py) up to which two images count as one document
# re-saved. bench/document_hashes.py: re-saved copies (JPEG, PNG→JPEG, resized) within 6,
# different customers' cards on one template 26 or more apart.
DOCUMENT_REUSE_MAX_DISTANCE = env.int("DOCUMENT_REUSE_MAX_DISTANCE", default=12)
# --- end of document reuse -------------------------------------------------------------------

# --- One login, password reset, landing page (issue 12) -------------------------------------
# Customers and staff log in at accounts:login (password, then a code); /admin/ serves only a
# session past both (smartbank/admin_site.py). After the login "/" sends each to their next
# step (staff: the console); logging out ends on a confirmation page.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:logged-out"
# A password-reset link (Django's PasswordResetConfirmView) works for this long, once.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
# Password-reset emails asked for, per client address and per email (known or not), on the
# API's throttles (accounts.lockout.password_reset_allowed).
API_RATE_LIMITS["password_reset_address"] = env.str(
    "RATE_LIMIT_PASSWORD_RESET_ADDRESS", default="20/hour"
)
API_RATE_LIMITS["password_reset_account"] = env.str(
    "RATE_LIMIT_PASSWORD_RESET_ACCOUNT", default="5/hour"
)
# --- end of one login ------------------------------------------------------------------------

# --- OpenAPI schema (issue 12): the project's AutoSchema documents 401/403/404/409/429 in the
# error shape on every operation they can come from, and plain decimal examples. -----------
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "smartbank.api.SmartBankAutoSchema"
# --- end of OpenAPI schema --------------------------------------------------------------------

# --- Face 1:N search (issue 13): each process's face gallery (kyc/face_gallery.py) reads the
# cases changed since its last search; every this many seconds it reads all faces again
# (which also drops deleted cases). ------------------------------------------------------------
KYC_FACE_GALLERY_FULL_REFRESH = env.int("KYC_FACE_GALLERY_FULL_REFRESH", default=300)
# --- end of face 1:N search -------------------------------------------------------------------

# --- Loan submission speed (issue 13, target 6): loans.selectors.loan_product_default keeps the
# default product per process this many seconds (0: read it on every submission). A product
# saved in the same process is forgotten at once; other processes see it within this time. ----
LOANS_PRODUCT_CACHE_SECONDS = env.float("LOANS_PRODUCT_CACHE_SECONDS", default=30.0)
# The API's JWT authentication reads the caller's customer profile with the user, one query
# (accounts.authentication.JWTAuthentication, simplejwt's checks unchanged).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.JWTAuthentication"
    if name == "rest_framework_simplejwt.authentication.JWTAuthentication"
    else name
    for name in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
]
# --- end of loan submission speed ------------------------------------------------------------
