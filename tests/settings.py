"""Test settings: production settings with a fixed key and plain HTTP for the test client."""

import os

os.environ.setdefault("SECRET_KEY", "entente-tests-only-" + "x" * 40)
os.environ.setdefault("AUDIT_KEY", "entente-tests-only-audit-" + "k" * 40)

from drafting.settings import *  # noqa: F403
from drafting.settings import STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# whitenoise warns on every request while STATIC_ROOT does not exist.
STATIC_ROOT = VAR_DIR / "tests" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get(
    "ENTENTE_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("ENTENTE_TEST_EMAIL_DIR", "")

# Each test run has its own Celery queue, so a worker started for these tests takes only
# their tasks (and a development worker on the same broker never does).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ENTENTE_TEST_QUEUE", f"entente-tests-{os.getpid()}")

# Each test run gets its own SQLite file (a real worker process can open it; two runs on
# one machine do not collide). PostgreSQL runs use Django's usual test_<name> database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / "tests" / f"test-entente-{os.getpid()}.sqlite3")  # noqa: F405
    }
    (VAR_DIR / "tests").mkdir(parents=True, exist_ok=True)  # noqa: F405

# A Celery worker started by the tests opens the test database by this name.
if os.environ.get("ENTENTE_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["ENTENTE_TEST_DB_NAME"]  # noqa: F405

# Schemathesis calls the app in-process (WSGI) as "localhost", also while collecting tests.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost"]  # noqa: F405
