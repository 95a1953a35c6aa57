"""Test settings: production settings with a fixed key and plain HTTP for the test client."""

import os

os.environ.setdefault("SECRET_KEY", "entente-tests-only-" + "x" * 40)

from drafting.settings import *  # noqa: E402,F403
from drafting.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
