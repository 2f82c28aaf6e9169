"""Django settings. Everything secret or site-specific comes from the environment.

Development defaults are safe for a laptop; `ANJU_ENV=production` turns on the deploy checks
and refuses to start without a real SECRET_KEY and data key.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANJU_VAR_DIR", BASE_DIR / "var"))
PRODUCTION = os.environ.get("ANJU_ENV", "development") == "production"

_DEV_SECRET = "dev-only-not-secret-anju-0b9f2c1e7a4d4e8f9a6b3c2d1e0f9a8b7c6d5e4f"
SECRET_KEY = os.environ.get("ANJU_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("ANJU_SECRET_KEY must be set (50+ random characters) when ANJU_ENV=production")

# Personal data (ID numbers, phones) is encrypted with this key and searched through an HMAC of it.
# Kept apart from SECRET_KEY so rotating sessions does not make the roster unreadable.
ANJU_DATA_KEY = os.environ.get("ANJU_DATA_KEY", "" if PRODUCTION else "dev-only-data-key-not-for-real-personal-data")
if PRODUCTION and len(ANJU_DATA_KEY) < 32:
    raise RuntimeError("ANJU_DATA_KEY must be set (32+ random characters) when ANJU_ENV=production")

DEBUG = os.environ.get("ANJU_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ANJU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ANJU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "anju.core",
    "anju.accounts",
    "anju.roster",
    "anju.elevators",
    "anju.consultations",
    "anju.programme",
    "anju.participation",
    "anju.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads the request: NUL characters and broken multipart bodies are a 400.
    "anju.core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "anju.core.middleware.AnjuErrorMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anju.core.context.anju",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Turn `postgresql://user:pass@host:port/name` into a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise RuntimeError(f"DATABASE_URL: only postgresql:// is supported, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(os.environ.get("ANJU_SQLITE_PATH", VAR_DIR / "anju.sqlite3")),
            # IMMEDIATE: a second writer waits for the lock instead of failing half-way (recipes.md).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": os.environ.get("ANJU_TEST_SQLITE_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "roster:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed logins per username and per client address before a pause (see accounts.throttle).
ANJU_LOGIN_MAX_FAILURES = int(os.environ.get("ANJU_LOGIN_MAX_FAILURES", "5"))
ANJU_LOGIN_LOCK_SECONDS = int(os.environ.get("ANJU_LOGIN_LOCK_SECONDS", "300"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "anju" / "locale"]
FORMAT_MODULE_PATH = ["anju.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# `anju vendor` copies the few files we use out of node_modules into var/vendor.
STATICFILES_DIRS = [("vendor", VAR_DIR / "vendor")]
try:  # so the static check and whitenoise find their folders before the first `anju vendor`/collectstatic
    (VAR_DIR / "vendor").mkdir(parents=True, exist_ok=True)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Complete TTF files for WeasyPrint; the chunked web font prints wrong glyphs (recipes.md).
ANJU_PDF_FONT_DIR = Path(os.environ.get("ANJU_PDF_FONT_DIR", BASE_DIR / "node_modules" / "@expo-google-fonts" / "noto-sans-sc"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("ANJU_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["ANJU_CACHE_URL"]}}
if not DEBUG and not os.environ.get("ANJU_CACHE_URL") and "sqlite3" in DATABASES["default"]["ENGINE"]:
    # One process tree on one machine shares login throttles through the database cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "anju_cache"}}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("ANJU_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("ANJU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_personal": {"()": "anju.core.logging.ScrubPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub_personal"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANJU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ANJU_VERSION = "0.1.0"
ANJU_SITE_NAME = _("安居 · 老旧小区改造")
