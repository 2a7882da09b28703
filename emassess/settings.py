"""Settings for emassess: one module, configured only through environment variables.

Unset means production: DEBUG off, and start-up fails without a real DJANGO_SECRET_KEY, so a
deployment that forgets a variable fails closed instead of signing links with a public key.
Development says so explicitly with DJANGO_DEBUG=1 (`make run` and `make test` do): then the
app runs on its embedded defaults, SQLite, Celery tasks run eagerly in-process and email is
written to files under var/outbox. README lists every variable.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must bring its own.
_DEV_SECRET_KEY = "django-insecure-emassess-development-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set in production (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "for development on this machine, set DJANGO_DEBUG=1 instead (make run and make test do)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

# Absolute links in emails are built from this.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    # Listed from the bottom layer up (README's Layout; `lint-imports` checks it): each app
    # imports only those listed before it.
    "emassess.lib",
    "emassess.accounts",
    "emassess.framework",
    "emassess.orgs",
    "emassess.assessments",
    "emassess.reviews",
    "emassess.feedback",
    "emassess.reminders",
    "emassess.dashboards",
    "emassess.privacy",
    "emassess.home",
    "emassess.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "emassess.lib.middleware.private_pages_not_stored",
    "emassess.lib.middleware.sessions_end_when_idle",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emassess.urls"
WSGI_APPLICATION = "emassess.wsgi.application"

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
                "emassess.orgs.context_processors.membership",
            ],
        },
    },
]

# unset = a SQLite file in the project folder; postgres://user@host:port/name = PostgreSQL (psycopg 3)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Production keeps each process's database connection for up to ten minutes instead of opening one
# per request (3.5 ms each on a local PostgreSQL); the health check replaces one the database
# dropped before it is used. gunicorn's sync workers and Celery's prefork children serve one
# request or task at a time, so one kept connection per process is what a pool would hold; Celery
# closes the inherited ones after forking. Development opens one per request, so nothing lingers
# between test databases.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query it expects to be costly before running it: on the
    # dashboards' counts over tens of thousands of managers that took longer (over 100 ms) than
    # running them. Short web queries gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: a write-ahead log lets pages read while another request writes, and
    # commits append to it without waiting for the disk (synchronous=NORMAL: a power cut may lose
    # the last commits, never the file). Rollback-journal commits waited for the disk twice each,
    # and every request commits (ATOMIC_REQUESTS). The log lives beside the file (-wal and -shm),
    # so the folder must be local and writable. Tests' in-memory databases keep no log.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
# What HR's pages keep (emassess.dashboards.selectors.kept) lives in each process's memory, keyed by
# a version read from the database, so processes never disagree and nothing shared is needed. Room
# for a few dozen pages of many organisations (about 30 kB each): Django's default holds 300.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it counts failed logins and refuses a locked-out one before any password check.
# Then Django's password check, whose user of a session comes with their membership (MemberBackend).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "emassess.orgs.access.MemberBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock the pair (email, address), so nobody can lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form's field is Django's "username" (it holds the email address).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "emassess.accounts.axes.username_of"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A new-password link works for a day (Django's default is three): long enough to find the email,
# short enough that an old mailbox holds no live link. It also stops working once used.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production (needs collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


# Email: EMAIL_URL as django-environ reads it (smtp://user:pass@host:587, consolemail://,
# filemail:///path). Unset = one file per message under var/outbox.
def _email_settings(url: str) -> dict:
    settings = environ.Env.email_url_config(url)
    if url.startswith("filemail://"):
        # django-environ reads filemail:///tmp/x as the relative path tmp/x (it drops the root):
        # the folder is what follows the scheme, as README documents it.
        settings["EMAIL_FILE_PATH"] = url.removeprefix("filemail://").split("?")[0] or str(VAR_DIR / "outbox")
    return settings


if env.str("EMAIL_URL", default=""):
    vars().update(_email_settings(env.str("EMAIL_URL")))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="emassess <no-reply@emassess.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: unset broker = tasks run eagerly in the web process (development and the demo);
# redis://host:6379/0 = a real broker with separate `celery worker` and `celery beat`.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has finished, so a worker killed mid-task leaves it
# to be redelivered; tasks are written to be safe to run again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Idle sessions end: someone who leaves a browser open is logged out after this long without
# using it (default: a working day). emassess.lib.middleware.sessions_end_when_idle keeps a
# session in use alive, saving it at most every few minutes rather than on every request.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Every script and stylesheet is a file served from static/: no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; failures and lockouts are its warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
