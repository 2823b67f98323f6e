"""Settings for the EU-Russia STI Cooperation Portal.

Everything is read from the environment. The defaults are the embedded ones (a PostgreSQL server
from a pip package with its data under var/, a filesystem Celery broker, mail written to files) and
are meant for a laptop with DJANGO_DEBUG on.
Integrations switch on by the presence of their variable: DATABASE_URL, REDIS_URL, EMAIL_URL,
ORCID_CLIENT_ID/ORCID_SECRET.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY",
        default="django-insecure-local-development-key-only-used-when-DJANGO_DEBUG-is-on-0123",
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("PORTAL_SITE_URL", default="http://127.0.0.1:8000")
# The portal's name in each language (mails, page titles, the admin) and its domain, kept on the
# sites framework's Site row by a migration and after every `migrate` (portal/site.py).
SITE_NAMES = {
    "en": env("PORTAL_SITE_NAME_EN", default="EU–Russia STI Cooperation Portal"),
    "ru": env(
        "PORTAL_SITE_NAME_RU",
        default="Портал сотрудничества ЕС–Россия в сфере науки, технологий и инноваций",
    ),
}
SITE_DOMAIN = urlsplit(SITE_URL).netloc or "127.0.0.1:8000"

INSTALLED_APPS = [
    # Before the admin, so the admin sees the per-language fields (portal/bilingual.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Site-wide apps of the project package.
    "portal.reference",
    "portal.accounts",
    "portal.pages",
    "portal.mail",
    "portal.search",
    "portal.newsletter",
    # Domain apps.
    "cooperation",
    "events",
    "events.brokerage",
    "twinning",
    "fp7_contacts",
]

ORCID_CLIENT_ID = env("ORCID_CLIENT_ID", default="")
ORCID_SECRET = env("ORCID_SECRET", default="")
ORCID_ENABLED = bool(ORCID_CLIENT_ID and ORCID_SECRET)
if ORCID_ENABLED:
    INSTALLED_APPS.append("allauth.socialaccount.providers.orcid")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.FormCharsetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.AdminBadInputMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.pages.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL everywhere: DATABASE_URL's server, or else (development only) the embedded one of
# var/postgres, which this process then joins, starting it if needed (portal/embedded_db.py).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif not DEBUG:
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_DEBUG is off.")
else:
    from portal.embedded_db import EmbeddedPostgres

    DATABASES = {"default": EmbeddedPostgres(VAR_DIR).database_settings()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# Off by default: a health check is one more round trip (SELECT 1) at the start of every
# request; CONN_MAX_AGE plus Django's closing of connections that errored (and at the end
# of a request whose connection became unusable) already replaces broken connections.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
    # DJANGO_CACHED_SESSIONS: sessions are read from Redis and written through to the database,
    # which saves the session query of every logged-in request. Only with a shared cache: a
    # per-process cache would serve stale sessions (a logout in one worker would not be seen by
    # the others). Opt-in for now: the query counts pinned by the tests assume DB sessions.
    if env.bool("DJANGO_CACHED_SESSIONS", default=False):
        SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    # A broker that needs no server: kombu's filesystem transport under var/celery.
    for _sub in ("queue", "processed", "results", "control"):
        (CELERY_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=f"file://{CELERY_DIR / 'results'}")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_RESULT_EXPIRES = 3600
# Tasks are fire-and-forget (their effects are recorded in the database); a task whose caller
# waits for the result says so with ignore_result=False. Saves a result-channel subscription per
# enqueue on the Redis backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule is not set here: the apps register their periodic tasks (portal/schedule.py)
# and portal/celery_app.py hands them to beat.

# --- Mail -----------------------------------------------------------------------------------
# Under load the outbox publishes one send task per this many seconds (portal/mail/services.py);
# mail then leaves at most twice this long after the change that caused it. 0: a task per change.
MAIL_ENQUEUE_WINDOW_SECONDS = env.int("PORTAL_MAIL_ENQUEUE_WINDOW", default=1)
# The outbox's global rate limit: messages per second across every worker (counted in the shared
# cache, Redis when REDIS_URL is set); 0: as fast as the mail server accepts.
MAIL_RATE_LIMIT = env.int("PORTAL_MAIL_RATE_LIMIT", default=0)
# SMTP connections each worker process keeps busy at once (threads, each claiming and sending
# its own chunks): a message mostly waits for the server's replies, the others go out meanwhile.
MAIL_CONNECTIONS = env.int("PORTAL_MAIL_CONNECTIONS", default=2)
# The newsletter's bounce webhook (POST /<lang>/newsletter/bounces/) is off until this is set.
NEWSLETTER_WEBHOOK_SECRET = env("NEWSLETTER_WEBHOOK_SECRET", default="")
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="EU-Russia STI Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
# The outbox (portal.mail): rows per claim (one SMTP connection each), attempts before a message
# is marked failed, age after which a claim counts as its dead worker's (longer than
# CELERY_TASK_TIME_LIMIT), days sent mail is kept in the ledger.
MAIL_CHUNK = env.int("PORTAL_MAIL_CHUNK", default=50)
MAIL_MAX_ATTEMPTS = env.int("PORTAL_MAIL_MAX_ATTEMPTS", default=8)
MAIL_CLAIM_STALE_AFTER = env.int("PORTAL_MAIL_CLAIM_STALE_AFTER", default=300)
MAIL_KEEP_DAYS = env.int("PORTAL_MAIL_KEEP_DAYS", default=90)
# Contact points: an enquiry with no first answer after this many working days (Monday to
# Friday) is overdue, and its contact point's staff are reminded of it daily.
FP7_ENQUIRY_ANSWER_WORKING_DAYS = env.int("PORTAL_ENQUIRY_ANSWER_WORKING_DAYS", default=3)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the user with its role names (portal/accounts/backends.py)
    "portal.accounts.backends.PortalModelBackend",
    "portal.accounts.backends.PortalAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "pages:start"  # the personal start page, by role
LOGIN_URL = "account_login"

ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupProfileForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("PORTAL_HTTP_PROTOCOL", default="http" if DEBUG else "https")
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if ORCID_ENABLED:
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "APPS": [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_SECRET, "key": ""}],
        "BASE_DOMAIN": env("ORCID_BASE_DOMAIN", default="orcid.org"),
        "MEMBER_API": False,
    }

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Bilingual content (portal/bilingual.py): a column per language; a page shows its language's
# text and falls back to the other one (labelled as such by the templates).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ru"), "en": ("ru",), "ru": ("en",)}
# "title (in English)": the labels of the per-language fields in forms and the admin.
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, language: format_lazy(  # noqa: E731
    "{} ({})", verbose_name, {"en": _("in English"), "ru": _("in Russian")}[language]
)
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# One style of dates and times per language, 24-hour (portal/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from the portal
# itself, no inline script or style, no plugins, no framing; forms post to the portal (and to
# ORCID when "Sign in with ORCID" is on: its login redirects there after a POST).
_FORM_ACTION = [SELF]
if ORCID_ENABLED:
    _FORM_ACTION.append(f"https://{env('ORCID_BASE_DOMAIN', default='orcid.org')}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _FORM_ACTION,
    }
}
#: Browser features the portal may use: the camera on the check-in page (QR scanning), nothing
#: else (portal.middleware.SecurityHeadersMiddleware sends it).
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), accelerometer=(), gyroscope=(), magnetometer=(), "
    "display-capture=(), browsing-topics=()"
)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
