"""Entente settings: everything comes from environment variables (see README "Configuration").

The defaults are safe for production (DEBUG off, secure cookies, HSTS); the embedded
development set-up (SQLite, a filesystem Celery broker) is what you get when no
DATABASE_URL or CELERY_BROKER_URL is given.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ENTENTE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Demo mode lists the demo personas on the login page; it follows DEBUG unless set.
DEMO_MODE = env_bool("ENTENTE_DEMO", default=DEBUG)
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "entente-demo")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value, "
            "or DEBUG=1 for a local development run."
        )
    SECRET_KEY = "entente-development-only-key-never-use-in-production-0123456789"

# The audit trail's checkpoints are signed with AUDIT_KEY (services.audit): someone who holds
# the database but not this key cannot rewrite the trail unnoticed. It is kept out of the
# database and apart from SECRET_KEY (which every web process needs and which is rotated for
# other reasons). A development run derives one from SECRET_KEY; with DEBUG off a missing key
# is a deploy check error (drafting/checks.py) and no checkpoint can be written.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
if not AUDIT_KEY and DEBUG:
    AUDIT_KEY = hmac.new(SECRET_KEY.encode(), b"entente audit key", hashlib.sha256).hexdigest()
# Retired audit keys (comma-separated): checkpoints signed before a rotation still verify.
AUDIT_KEY_FALLBACKS = env_list("AUDIT_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "treaties",
    "drafting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.htmx: panels refreshed by htmx get their fragment, a direct visit a whole page.
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "drafting.middleware.UserPreferenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: holds a signed-in session to its group's second-factor policy.
    "drafting.views.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "drafting.views.errors.ApplicationErrorMiddleware",
    "drafting.views.errors.InputGuardMiddleware",
    # Holds API query strings to the OpenAPI schema: a lenient read is a 400 (issue 15).
    "drafting.api.contract.QueryContractMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into drafting.views.lockout's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "drafting.urls"

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
                "drafting.context_processors.entente",
            ],
        },
    },
]

WSGI_APPLICATION = "drafting.wsgi.application"
ASGI_APPLICATION = "drafting.asgi.application"

DEFAULT_SQLITE_PATH = VAR_DIR / "entente.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL: server-side binding lets psycopg prepare the statements a worker repeats (every
# co-editing sync runs the same dozen), which spares the server planning them again: a quarter
# of a sync's time. Set DATABASE_PREPARE_THRESHOLD=0 to turn it off, e.g. behind a connection
# pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
POSTGRESQL_OPTIONS: dict[str, object] = {}
DATABASE_PREPARE_THRESHOLD = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "2"))
if DATABASE_PREPARE_THRESHOLD > 0:
    POSTGRESQL_OPTIONS = {
        "server_side_binding": True,
        "prepare_threshold": DATABASE_PREPARE_THRESHOLD,
    }
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["OPTIONS"] = dict(POSTGRESQL_OPTIONS)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The test database is a file, so that a real Celery worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-entente.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes' backend comes first: it refuses a locked-out client before any password check.
AUTHENTICATION_BACKENDS = [
    "drafting.authbackends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# How many reverse proxies of ours sit in front of the app. 0: X-Forwarded-For is ignored
# (anyone can write it); N: the N-th address from its right is the client's. Lockouts and
# the token endpoint's throttle both use drafting.clientaddress.client_address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Sign-in lockout (django-axes): LOGIN_FAILURE_LIMIT failed sign-ins for one username, or
# from one address, lock that username or address out for LOGIN_LOCKOUT_MINUTES, on the
# sign-in page, the admin and the token endpoint alike.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "drafting.clientaddress.client_address"
AXES_LOCKOUT_CALLABLE = "drafting.views.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429

# The optional second factor (django-otp, TOTP): the name authenticator apps show, and how
# often a session that needs no code checks again whether a group now requires one.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Entente")
OTP_RECHECK_SECONDS = int(os.environ.get("OTP_RECHECK_SECONDS", "300"))

# API tokens expire this many hours after they are issued (0: never).
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Each language names itself. Users pick one on any page (the switcher in base.html) and
# keep it as their preference (drafting.models.UserPreference).
LANGUAGES = [("en-gb", "English"), ("ja", "日本語")]
# The catalogues ship inside the package (drafting/locale/), compiled: `pip install .` and
# a fresh clone show Japanese without running compilemessages.
LOCALE_PATHS = [BASE_DIR / "drafting" / "locale"]
# Our own date formats per language (drafting/formats/<lang>/formats.py): the pages use
# |date:"DATE_FORMAT" and |date:"DATETIME_FORMAT", shown in the user's time zone.
FORMAT_MODULE_PATH = ["drafting.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS: list[Path] = []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("ENTENTE_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
if DEBUG:
    # A development run serves the app's static files through the finders; whitenoise still
    # looks at STATIC_ROOT and warns on every request while it does not exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Security: safe by default, relaxed only for a local DEBUG run over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: one file per email here.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "entente@localhost")
ENTENTE_BASE_URL = os.environ.get("ENTENTE_BASE_URL", "http://127.0.0.1:8000")

# Celery. Without CELERY_BROKER_URL the broker is a SQLite file of its own (kombu's
# SQLAlchemy transport), so a first run needs no server; production uses Redis. Not kombu's
# filesystem transport: its consumer can read a message file that a producer is still writing
# and die of a JSONDecodeError (tests/benchmarks/broker_soak.py shows both).
CELERY_BROKER_SQLITE_PATH = VAR_DIR / "celery-broker.sqlite3"
CELERY_BROKER_URL = os.environ.get(
    "CELERY_BROKER_URL", f"sqla+sqlite:///{CELERY_BROKER_SQLITE_PATH}"
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith(("sqla+sqlite://", "sqlalchemy+sqlite://")):
    _broker_file = CELERY_BROKER_URL.split(":///", 1)[-1]
    if _broker_file and _broker_file != ":memory:":
        Path(_broker_file).parent.mkdir(parents=True, exist_ok=True)
        # WAL (kept in the file once set): the web server's and the beat's inserts do not
        # wait for the worker's reads. A producer waits up to 30 s for the write lock
        # instead of SQLite's default 5 s, then fails loudly (kombu does not drop it).
        import sqlite3

        with sqlite3.connect(_broker_file, timeout=30) as _db:
            _db.execute("PRAGMA journal_mode=WAL")
        _db.close()
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}
CELERY_FILESYSTEM_QUEUE = Path(os.environ.get("CELERY_FILESYSTEM_QUEUE", VAR_DIR / "celery"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "processed", "control"):
        (CELERY_FILESYSTEM_QUEUE / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_QUEUE / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_QUEUE / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_QUEUE / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_QUEUE / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# What tasks print (the console email backend of a development run) is information, not a
# warning (Celery's default level for redirected output).
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_BEAT_SCHEDULE = {
    "consultation-deadlines": {
        "task": "drafting.tasks.consultation_deadlines_run",
        "schedule": float(os.environ.get("ENTENTE_DEADLINE_CHECK_SECONDS", "300")),
    },
    "edit-sessions-prune": {"task": "drafting.tasks.edit_sessions_prune", "schedule": 3600.0},
    "embedded-broker-prune": {
        "task": "drafting.brokerprune.embedded_broker_prune",
        "schedule": 3600.0,
    },
    # Library clause changes are queued when made; this catches any offer a lost task missed.
    "library-updates-sweep": {"task": "drafting.tasks.library_updates_sweep", "schedule": 3600.0},
}
CELERY_IMPORTS = ["drafting.brokerprune"]
# Sealing chains the per-draft audit chains' heads together (services.audit.audit_seal).
CELERY_BEAT_SCHEDULE["audit-seal"] = {
    "task": "drafting.tasks.audit_seal",
    "schedule": float(os.environ.get("ENTENTE_AUDIT_SEAL_SECONDS", "300")),
}
# Keyed checkpoints of every chain that moved (services.audit.audit_checkpoint_all).
# verify_audit warns when a chain has events older than twice this with no checkpoint after
# them: checkpoints stopped, or the newest were deleted.
AUDIT_CHECKPOINT_SECONDS = float(os.environ.get("ENTENTE_AUDIT_CHECKPOINT_SECONDS", "600"))
CELERY_BEAT_SCHEDULE["audit-checkpoint"] = {
    "task": "drafting.tasks.audit_checkpoint",
    "schedule": AUDIT_CHECKPOINT_SECONDS,
}

# No email lost (issue 15). A notification's email claim holds this long (doubled per
# attempt); a worker killed between claiming and sending leaves a claim that then expires,
# and the beat task below queues the email again. After the last attempt it fails visibly.
ENTENTE_EMAIL_CLAIM_SECONDS = int(os.environ.get("ENTENTE_EMAIL_CLAIM_SECONDS", "300"))
ENTENTE_EMAIL_MAX_ATTEMPTS = int(os.environ.get("ENTENTE_EMAIL_MAX_ATTEMPTS", "8"))
CELERY_BEAT_SCHEDULE["notification-emails-retry"] = {
    "task": "drafting.tasks.notification_emails_retry_run",
    "schedule": float(os.environ.get("ENTENTE_EMAIL_RETRY_SECONDS", "60")),
}
# On Redis an unacknowledged message (its worker was killed) is delivered again after the
# visibility timeout: an hour by default. 15 minutes: longer than any task runs and than
# the longest retry countdown (10 minutes), which Redis would otherwise deliver twice.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900"))
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
        "drafting.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "drafting.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drafting.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
    # A JSON parser with a depth limit that refuses NUL and lone surrogates (issue 15).
    "DEFAULT_PARSER_CLASSES": [
        "drafting.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Entente API",
    "DESCRIPTION": (
        "Drafts, articles, members and the clause library. Authenticate with a session "
        "cookie (the browser) or `Authorization: Token <token>` from `POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies are validated whole (no partial serializers): their required fields are
    # required, as the schema then says.
    "COMPONENT_SPLIT_PATCH": False,
    # The contract's bodies are JSON (what the browser and clients send); form-encoded bodies
    # are still parsed, but only the document uploads document multipart, explicitly.
    "PARSER_WHITELIST": ["drafting.api.parsers.StrictJSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "DelegationEnum": "drafting.models.Delegation",
        "DraftingDelegationEnum": [("UK", "United Kingdom"), ("JP", "Japan")],
        # The same two codes where a text field states them (drafting.api.parsing.text_choice).
        "DraftingDelegationCodeEnum": ["UK", "JP"],
        "ArticleKindEnum": "drafting.models.Article.Kind",
        "NotificationKindEnum": "drafting.models.Notification.Kind",
        "RevisionKindEnum": "drafting.models.Revision.Kind",
        "LanguageEnum": "drafting.models.Language",
        "VisibilityEnum": "drafting.models.Visibility",
    },
}
# Every operation documents the API's error responses (issue 15).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "drafting.api.schema.error_responses",
    "drafting.api.schema.request_rules",
]

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Real-time pushes (Django Channels, docs/protocol.md "Pushes"). With CHANNEL_LAYER_URL
# (redis://…) every ASGI server process shares one Redis channel layer, as production needs;
# without it, the in-memory layer, which reaches only the sockets of its own process: enough
# for `manage.py up`'s single server.
CHANNEL_LAYER_URL = os.environ.get("CHANNEL_LAYER_URL", "")
if CHANNEL_LAYER_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [CHANNEL_LAYER_URL], "capacity": 500, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Messages a second one socket may send (on average, and at once) before it is closed.
ENTENTE_SOCKET_RATE = float(os.environ.get("ENTENTE_SOCKET_RATE", "20"))
ENTENTE_SOCKET_BURST = float(os.environ.get("ENTENTE_SOCKET_BURST", "60"))

# Under ASGI (uvicorn, gunicorn's uvicorn workers) Django runs each request's synchronous code
# in a thread of its own, so a persistent connection (CONN_MAX_AGE) is one more open
# connection per request until it ages out: under load the server runs out of them
# (measured: 500s at 40 co-editors, 77 connections from one server). With
# DATABASE_POOL_MAX_SIZE set (PostgreSQL), each process keeps a psycopg pool of at most that
# many connections instead, and requests borrow one; CONN_MAX_AGE is then 0 (Django requires
# it). Set it for every ASGI deployment on PostgreSQL.
DATABASE_POOL_MAX_SIZE = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "0"))
if DATABASE_POOL_MAX_SIZE > 0 and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": 20,
    }
