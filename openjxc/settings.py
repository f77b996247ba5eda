"""Django settings. A data folder (or a database URL) holds exactly one set of books.

The CLI sets OPENJXC_DATA_DIR / OPENJXC_DATABASE_URL before Django starts.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OPENJXC_DATA_DIR", BASE_DIR.parent / "data")).resolve()
DATABASE_URL = os.environ.get("OPENJXC_DATABASE_URL", "")


def _secret_key() -> str:
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    return os.environ.get(
        "OPENJXC_SECRET_KEY", "openjxc-insecure-key-for-tests-and-unset-data-dirs"
    )


def database_from_url(url: str) -> dict:
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"unsupported database URL scheme: {u.scheme!r} (use postgresql://)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(u.path.lstrip("/")) or "postgres",
        "USER": unquote(u.username or "postgres"),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "127.0.0.1",
        "PORT": str(u.port or 5432),
        "CONN_MAX_AGE": 60,
        # parameters bound by the server, and psycopg prepares a statement the connection has run
        # five times (its default; Django turns it off for connection poolers, which OpenJXC does
        # not use): PostgreSQL then skips parsing and planning it
        "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5},
        "TEST": {"NAME": os.environ.get("OPENJXC_TEST_DB_NAME", "test_openjxc")},
    }


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "openjxc.core.sqlite",
        "NAME": str(path),
        # Tests use a file (not :memory:) so that parallel connections see one database.
        "TEST": {"NAME": os.environ.get("OPENJXC_TEST_SQLITE", "/tmp/openjxc-test.sqlite3")},
        # Each server thread keeps its connection: closing the last connection to a WAL database
        # checkpoints and deletes the WAL file, which cost ~12 ms per write request.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # Writers queue on the database lock instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 60,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("OPENJXC_DEBUG") == "1"
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",  # background work (backup verification): its queue is a table in the books
    "ninja",  # its API docs page then uses its own static files: no CDN, no inline script (CSP)
    "openjxc.core",
    "openjxc.users",
    "openjxc.catalog",
    "openjxc.partners",
    "openjxc.documents",
    "openjxc.inventory",
    "openjxc.ledger",
    "openjxc.audit",
    "openjxc.posting",
    "openjxc.backup",
    "openjxc.closing",
    "openjxc.reports",
    "openjxc.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openjxc.core.middleware.ApiRequestGuard",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openjxc.core.archive_guard.ReadOnlyArchive",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openjxc.core.middleware.ContentSecurityPolicy",
    "django_htmx.middleware.HtmxMiddleware",
    "openjxc.web.middleware.FormTextGuard",
    "openjxc.core.middleware.ApiErrorFormat",
]

# Limits (README "Limits"): a request body over this answers 413 too_large on the API.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated so that docs can cite it

# No page may be framed (clickjacking), and pages run only this site's own scripts: every
# script is a static file, so no inline script or event handler is allowed. Styles may be
# inline (print pages carry their own <style>; htmx adds its indicator style).
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "openjxc.urls"
WSGI_APPLICATION = "openjxc.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "openjxc.web.context.shell",
            ],
            "builtins": ["openjxc.core.templatetags.numbers"],
        },
    }
]

DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(DATA_DIR / "openjxc.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("OPENJXC_FAST_HASHER") == "1":  # tests only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background work runs on django-tasks' database backend; `jxc serve` starts its worker next to
# gunicorn. OPENJXC_TASKS=immediate runs a task inside the call that enqueues it (tests), and
# OPENJXC_TASKS=dummy only queues it.
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }.get(os.environ.get("OPENJXC_TASKS", ""), "django_tasks_db.DatabaseBackend")
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"  # committed (may be empty); app static files come via finders
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 4xx answers are the API working as designed (errors with codes), not server problems.
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
