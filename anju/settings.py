"""Django settings. Everything secret or site-specific comes from the environment.

Development defaults are safe for a laptop; `ANJU_ENV=production` turns on the deploy checks
and refuses to start without a real SECRET_KEY and data key.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured  # the `anju` command prints it as one line
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANJU_VAR_DIR", BASE_DIR / "var"))
PRODUCTION = os.environ.get("ANJU_ENV", "development") == "production"

# The development keys are public (they are in this file): production refuses them even when set explicitly.
DEV_SECRET_KEY = "dev-only-not-secret-anju-0b9f2c1e7a4d4e8f9a6b3c2d1e0f9a8b7c6d5e4f"
DEV_DATA_KEY = "dev-only-data-key-not-for-real-personal-data"
SECRET_KEY = os.environ.get("ANJU_SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
# Personal data (ID numbers, phones) is encrypted with this key and searched through an HMAC of it.
# Kept apart from SECRET_KEY so rotating sessions does not make the roster unreadable.
ANJU_DATA_KEY = os.environ.get("ANJU_DATA_KEY", "" if PRODUCTION else DEV_DATA_KEY)
if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured("ANJU_SECRET_KEY 是公开的开发密钥，生产环境不能使用，请换成 50 位以上的随机字符 / "
                                   "ANJU_SECRET_KEY is the public development key; production needs 50+ random characters")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("ANJU_ENV=production 时必须设置 ANJU_SECRET_KEY（50 位以上的随机字符） / "
                                   "ANJU_SECRET_KEY must be set (50+ random characters) when ANJU_ENV=production")
    if ANJU_DATA_KEY == DEV_DATA_KEY:
        raise ImproperlyConfigured("ANJU_DATA_KEY 是公开的开发密钥，生产环境不能用它加密个人信息，请换成 32 位以上的随机字符 / "
                                   "ANJU_DATA_KEY is the public development key; production needs 32+ random characters")
    if len(ANJU_DATA_KEY) < 32:
        raise ImproperlyConfigured("ANJU_ENV=production 时必须设置 ANJU_DATA_KEY（32 位以上的随机字符） / "
                                   "ANJU_DATA_KEY must be set (32+ random characters) when ANJU_ENV=production")

# Off unless ANJU_DEBUG=1, the demo (`make demo`, `anju serve`) included: a mistake then shows the
# app's own 404/500 page in the user's language (anju/core/errors_views.py), never settings and data.
DEBUG = os.environ.get("ANJU_DEBUG", "0") == "1"
# What DEBUG used to default to outside production; the development cache and audit defaults keep it.
_DEVELOPMENT = os.environ.get("ANJU_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ANJU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ANJU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "anju.accounts",  # first, so its createsuperuser (which checks DJANGO_SUPERUSER_PASSWORD too) wins
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
    "csp",
    "ninja",  # /api/docs from its own static files, not a CDN (the CSP allows only 'self')
    "anju.core",
    "anju.roster",
    "anju.elevators",
    "anju.consultations",
    "anju.programme",
    "anju.participation",
    "anju.stewardship",
    "anju.dashboard",
    "anju.field",
    "anju",  # the shell, last: its `demo` command loads every app's demo data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anju.core.replica.ReadYourWritesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads the request: NUL characters and broken multipart bodies are a 400.
    "anju.core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anju.core.middleware.IdleTimeoutMiddleware",
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

# A PostgreSQL streaming replica (anju/core/replica.py): dashboards and the annual report read from it;
# writes, every other page and a browser that wrote in the last ANJU_REPLICA_PIN_SECONDS use the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["anju.core.replica.ReplicaRouter"]
ANJU_REPLICA_PIN_SECONDS = int(os.environ.get("ANJU_REPLICA_PIN_SECONDS", "10"))
ANJU_REPLICA_CACHE_SECONDS = int(os.environ.get("ANJU_REPLICA_CACHE_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Background jobs (anju/core/jobs.py): `anju serve` runs a pool of task workers; each job runs in a
# child process that is stopped at the time limit or when it needs more memory than allowed, so one
# runaway file cannot hold the queue.
ANJU_TASK_WORKERS = int(os.environ.get("ANJU_TASK_WORKERS", "2"))
ANJU_JOB_TIME_LIMIT = int(os.environ.get("ANJU_JOB_TIME_LIMIT", "600"))  # seconds
ANJU_JOB_MEMORY_MB = int(os.environ.get("ANJU_JOB_MEMORY_MB", "2048"))  # beyond what the worker has loaded
# Exports, letters and problem reports hold personal data: deleted this many days after the job ends.
ANJU_JOB_FILE_DAYS = int(os.environ.get("ANJU_JOB_FILE_DAYS", "7"))
# Outgoing mail (staff invitations): through the SMTP relay named by ANJU_EMAIL_HOST; without one nothing
# is sent (the inviter hands over the link shown on the page) rather than trying a local port 25.
EMAIL_HOST = os.environ.get("ANJU_EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.dummy.EmailBackend")
EMAIL_PORT = int(os.environ.get("ANJU_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("ANJU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANJU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ANJU_EMAIL_TLS", "1") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ANJU_EMAIL_FROM", "anju@localhost")
# Reminders (the outbox, `anju.core.outbox`): how each channel delivers. "file" writes every message
# under ANJU_VAR_DIR/outbox/ (the default, for the demo); "smtp" sends staff e-mail through the relay
# above; "http" posts SMS to the provider at ANJU_SMS_URL with ANJU_SMS_KEY.
ANJU_OUTBOX_EMAIL = os.environ.get("ANJU_OUTBOX_EMAIL", "file")
ANJU_OUTBOX_SMS = os.environ.get("ANJU_OUTBOX_SMS", "file")
ANJU_OUTBOX_DIR = Path(os.environ.get("ANJU_OUTBOX_DIR", VAR_DIR / "outbox"))
ANJU_SMS_URL = os.environ.get("ANJU_SMS_URL", "")
ANJU_SMS_KEY = os.environ.get("ANJU_SMS_KEY", "")
ANJU_SMS_SIGN = os.environ.get("ANJU_SMS_SIGN", "安居")  # the 短信签名 the provider registered, e.g. 【安居】
# The site as residents reach it (https://anju.example.org): an SMS carries its opt-out link there; without
# it, the SMS says 回复TD退订 (the provider passes the reply on to staff, who record it on 消息记录).
ANJU_PUBLIC_URL = os.environ.get("ANJU_PUBLIC_URL", "").rstrip("/")
# No message leaves between these local times; one due inside waits for the end ("off": none).
ANJU_QUIET_HOURS = os.environ.get("ANJU_QUIET_HOURS", "21:00-08:00")
# A failed send is tried again after 1, 2, 4 … minutes (at most an hour), ANJU_OUTBOX_ATTEMPTS times in all.
ANJU_OUTBOX_ATTEMPTS = int(os.environ.get("ANJU_OUTBOX_ATTEMPTS", "5"))
ANJU_OUTBOX_BACKOFF_SECONDS = int(os.environ.get("ANJU_OUTBOX_BACKOFF_SECONDS", "60"))
ANJU_OUTBOX_BACKOFF_CAP_SECONDS = 3600
# `anju send-digests` records the day's digests from this local hour on (a run before it waits for the next).
ANJU_DIGEST_HOUR = int(os.environ.get("ANJU_DIGEST_HOUR", "8"))
# The web server (`anju serve`): gunicorn processes and threads per process.
ANJU_WORKERS = int(os.environ.get("ANJU_WORKERS", "2"))
ANJU_WEB_THREADS = int(os.environ.get("ANJU_WEB_THREADS", "16"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12+ characters and not one of Django's 20,000 common passwords, wherever a password is set:
    # the password page, the admin, createsuperuser (also non-interactive) and changepassword.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:work"  # 我的待办: what needs the signed-in user today
LOGOUT_REDIRECT_URL = "accounts:login"
# Locked accounts are refused by the backend too, so no login path (page, admin, API) lets them in.
AUTHENTICATION_BACKENDS = ["anju.accounts.backends.LockAwareModelBackend"]
# Limits against guessing (core.ratelimit): failures in a sliding window, counted in Redis when
# ANJU_CACHE_URL is set and in the database otherwise: one count for every worker and server.
# Failed logins per username, and per client address (an office shares one address), before a pause:
ANJU_LOGIN_MAX_FAILURES = int(os.environ.get("ANJU_LOGIN_MAX_FAILURES", "5"))
ANJU_LOGIN_LOCK_SECONDS = int(os.environ.get("ANJU_LOGIN_LOCK_SECONDS", "300"))
ANJU_LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("ANJU_LOGIN_ADDRESS_MAX_FAILURES", "20"))
# Failed logins of an account within the window after which it locks until staff unlock it:
ANJU_ACCOUNT_LOCK_FAILURES = int(os.environ.get("ANJU_ACCOUNT_LOCK_FAILURES", "10"))
ANJU_ACCOUNT_LOCK_WINDOW = int(os.environ.get("ANJU_ACCOUNT_LOCK_WINDOW", "86400"))
# Wrong bearer tokens per client address and window (s) before the API answers 429:
ANJU_API_TOKEN_MAX_FAILURES = int(os.environ.get("ANJU_API_TOKEN_MAX_FAILURES", "20"))
ANJU_API_TOKEN_WINDOW = int(os.environ.get("ANJU_API_TOKEN_WINDOW", "600"))
ANJU_TOKEN_DAYS = int(os.environ.get("ANJU_TOKEN_DAYS", "90"))  # an API token's life
# Public forms per address: (uses, window in s).
ANJU_PARTICIPATION_RATE_LIMITS = {
    "suggest": (int(os.environ.get("ANJU_SUGGEST_MAX", "5")), int(os.environ.get("ANJU_SUGGEST_WINDOW", "3600"))),
    "track": (int(os.environ.get("ANJU_RECEIPT_LOOKUP_MAX", "30")), int(os.environ.get("ANJU_RECEIPT_LOOKUP_WINDOW", "600"))),
}
# Working days (工作日) a residents' suggestion may wait for its first reply, and stay open, before it is overdue.
ANJU_SUGGESTION_REPLY_DAYS = int(os.environ.get("ANJU_SUGGESTION_REPLY_DAYS", "3"))
ANJU_SUGGESTION_CLOSE_DAYS = int(os.environ.get("ANJU_SUGGESTION_CLOSE_DAYS", "30"))

# A letter locks after this many failed owner checks (until staff unlock it); an address is paused
# after more failures (codes or checks) within its window: a building's residents may share a router.
ANJU_VOTE_LETTER_FAILURES = int(os.environ.get("ANJU_VOTE_LETTER_FAILURES", "5"))
ANJU_VOTE_LETTER_WINDOW = int(os.environ.get("ANJU_VOTE_LETTER_WINDOW", str(30 * 24 * 3600)))
ANJU_VOTE_ADDRESS_FAILURES = int(os.environ.get("ANJU_VOTE_ADDRESS_FAILURES", "30"))
ANJU_VOTE_ADDRESS_WINDOW = int(os.environ.get("ANJU_VOTE_ADDRESS_WINDOW", "3600"))
# A signed-in session ends after this many minutes without a request (0: never); residents' vote
# sessions from a letter link have no login and are not timed (core.middleware.IdleTimeoutMiddleware).
ANJU_SESSION_IDLE_MINUTES = int(os.environ.get("ANJU_SESSION_IDLE_MINUTES", "120"))
# An audit action that no app declares (anju/<app>/audit_actions.py) fails the write in development and
# tests; in production it is written and logged, so a forgotten declaration never loses a change.
ANJU_AUDIT_STRICT = os.environ.get("ANJU_AUDIT_STRICT", "1" if _DEVELOPMENT else "0") == "1"

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
# Whitenoise serves collected files (`anju demo` collects them) and, outside production, the apps'
# own static folders as well, so a page is styled with DEBUG off even before the first collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# The field app: days a phone keeps a downloaded building (encrypted) before deleting it unasked.
ANJU_FIELD_KEEP_DAYS = int(os.environ.get("ANJU_FIELD_KEEP_DAYS", "7"))
# Complete TTF files for WeasyPrint; the chunked web font prints wrong glyphs (recipes.md).
ANJU_PDF_FONT_DIR = Path(os.environ.get("ANJU_PDF_FONT_DIR", BASE_DIR / "node_modules" / "@expo-google-fonts" / "noto-sans-sc"))

ANJU_CACHE_URL = os.environ.get("ANJU_CACHE_URL", "")
ANJU_CACHE_KEY_PREFIX = os.environ.get("ANJU_CACHE_KEY_PREFIX", "anju")  # several sites (or test runs) on one Redis
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if ANJU_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ANJU_CACHE_URL,
                          "KEY_PREFIX": ANJU_CACHE_KEY_PREFIX}}
if not _DEVELOPMENT and not ANJU_CACHE_URL and "sqlite3" in DATABASES["default"]["ENGINE"]:
    # Cached figures are shared by the workers of one machine (rate limits have their own table).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "anju_cache"}}

# Content-Security-Policy (django-csp): only Anju's own files run or style a page. No inline
# <script>, event handler, javascript: link, style="" or <style> (templates use static files and
# data- attributes, core/static/core/anju.js); no eval (htmx's allowEval is off, see core/base.html).
# Bootstrap draws its icons (select arrows, check marks) from data: SVGs in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS-only cookies in production (anju.W005 warns when they are off); plain HTTP in development.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("ANJU_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("ANJU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every record of the process is scrubbed of ID numbers and phones, whichever logger writes it.
LOGGING_CONFIG = "anju.core.logging.configure"
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
