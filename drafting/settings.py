"""Entente settings: everything comes from environment variables (see README "Configuration").

The defaults are safe for production (DEBUG off, secure cookies, HSTS); the embedded
development set-up (SQLite, a filesystem Celery broker) is what you get when no
DATABASE_URL or CELERY_BROKER_URL is given.
"""

from __future__ import annotations

import os
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "import_export",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "drafting.views.errors.ApplicationErrorMiddleware",
    "drafting.views.errors.InputGuardMiddleware",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("ja", "日本語")]
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

# Celery. Without CELERY_BROKER_URL the broker is a folder on disk (kombu's filesystem
# transport), so a first run needs no server; production uses Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
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
CELERY_BEAT_SCHEDULE = {
    "consultation-deadlines": {
        "task": "drafting.tasks.consultation_deadlines_run",
        "schedule": float(os.environ.get("ENTENTE_DEADLINE_CHECK_SECONDS", "300")),
    },
    "edit-sessions-prune": {"task": "drafting.tasks.edit_sessions_prune", "schedule": 3600.0},
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
        "rest_framework.authentication.TokenAuthentication",
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
    "ENUM_NAME_OVERRIDES": {
        "DelegationEnum": "drafting.models.Delegation",
        "DraftingDelegationEnum": [("UK", "United Kingdom"), ("JP", "Japan")],
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
