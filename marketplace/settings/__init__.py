"""TrustFair settings: one module, read from environment variables with development defaults.

Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; `manage.py check --deploy`
must pass with those. Nothing secret is a production default: with DEBUG off and no SECRET_KEY the
app refuses to start.
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "marketplace.core",
    "marketplace.companies",
    "marketplace.notifications",
    "marketplace.fairs",
    "marketplace.catalog",
    "marketplace.deals",
    "marketplace.showcases",
    "marketplace.matchmaking",
    "marketplace.payments",
    "marketplace.insurance",
    "marketplace.financing",
    "marketplace.demo",
    "credit",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts: sign-up, email confirmation, TOTP, login throttling
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_countries",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.companies.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "marketplace.companies.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: needs the language, the user and the messages the middleware above set up.
    "marketplace.core.pagecache.VisitorPageCacheMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marketplace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.companies.context_processors.viewer",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL through DATABASE_URL (an empty value counts as unset).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a background worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work goes through Django's Tasks API. With REDIS_URL the queue lives in Redis (RQ; run
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default`), otherwise in the
# database (`manage.py db_worker`).
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The recurring tasks: each names the function that queues its next run (`manage.py start_schedules` starts
# them all; each run then queues the one after).
SCHEDULED_TASKS = [
    "marketplace.catalog.tasks.schedule_next",  # daily: documents and certificates past their validity
    "marketplace.deals.tasks.schedule_next",  # daily: milestones falling due and overdue
    "marketplace.matchmaking.rfq_tasks.schedule_next",  # daily: RFQs and quotations past their dates
    "marketplace.matchmaking.ranking_tasks.schedule_next",  # daily: the ranking's supplier signals
    "marketplace.matchmaking.meetings_tasks.schedule_next",  # every 5 min: expiries and reminders
    "marketplace.insurance.tasks.schedule_next",  # daily: the insured's duties
    "marketplace.financing.tasks.schedule_next",  # daily: repayments overdue
    "marketplace.payments.tasks.schedule_next",  # hourly: card payments reconciled with the provider
]

AUTH_USER_MODEL = "companies.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 first (the hasher Django and OWASP recommend; here half the time of PBKDF2's 1.5 million
# rounds per sign-up or sign-in); PBKDF2 hashes made before still verify and are upgraded on sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Login-restricted Wagtail pages send visitors to the site's own sign-in page, not Wagtail's bare one.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "companies:role_home"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email + password, mandatory email confirmation, TOTP, rate limits on by default.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TrustFair] "
ACCOUNT_ADAPTER = "marketplace.companies.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "TrustFair"
# Risk officers and operators must sign in with TOTP. Only a local demo may turn this off.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", True)

# Django 6.1 mailers; the console backend prints emails (confirmation links included) where the server runs.
# In production SMTP, configured by EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD.
if DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "TrustFair <no-reply@trustfair.localhost>")

# Internationalisation: English and Simplified Chinese.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Verification documents are private: they live outside MEDIA_ROOT and are served by a guarded view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
VERIFICATION_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Deals: files attached to a deal's messages (private, checked by content), and the currency of a new inquiry
# when its source names none.
DEALS_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The largest proof of payment (bank slip, L/C copy) a buyer may upload for a milestone.
DEALS_PROOF_MAX_BYTES = int(os.environ.get("DEALS_PROOF_MAX_BYTES", 10 * 1024 * 1024))
DEALS_DEFAULT_CURRENCY = "USD"
# Booth meetings: the fair's daily opening hours in the fair city's time zone (each booth's meeting
# table is open from the first day's opening to the last day's closing of its phase).
FAIRS_TIME_ZONE = os.environ.get("FAIRS_TIME_ZONE", "Asia/Shanghai")
FAIRS_BOOTH_HOURS = (
    os.environ.get("FAIRS_BOOTH_OPENS", "09:30"),
    os.environ.get("FAIRS_BOOTH_CLOSES", "18:00"),
)
# The deal page's order section includes this template under each payment milestone (deals stands below
# payments and names it only here): the payment line and the buyer's "Pay by card" link.
DEALS_MILESTONE_PANEL = "payments/includes/milestone_row.html"
# Payments (marketplace/payments): the methods a buyer may pay a milestone with, in the order shown
# (stripe = card, protected payment; tt, lc, dp, da = manual, with proof and the payee's confirmation).
PAYMENTS_METHODS = env_list("PAYMENTS_METHODS", "stripe,tt,lc,dp,da")
# Stripe keys (test keys in development; empty = card payments off). STRIPE_API_BASE points the client at
# another server that speaks Stripe's API (localstripe in the tests); empty = Stripe itself.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "").rstrip("/")
# Seconds a webhook signature stays valid (Stripe's default tolerance).
STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))
# Days a card authorisation holds when the provider does not say (Stripe: 7 days for online card payments).
PAYMENTS_AUTHORISATION_DAYS = int(os.environ.get("PAYMENTS_AUTHORISATION_DAYS", "7"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = "TrustFair"
# No Gravatar: it breaks offline and sends a hash of every editor's email address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The public address of the site (scheme and host, no path): every link in an email starts with it.
# Required in production (a system check refuses to start without it); the development default is
# the address `make run` serves.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt"]
# Editors' documents live in the private root and are served only by Wagtail's view, which checks the
# collection's privacy (never from /media/, where a password-protected file would be public).
WAGTAILDOCS_DOCUMENT_MODEL = "cms.SiteDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# The credit engine scores subjects of this model, the way AUTH_USER_MODEL names the user model.
CREDIT_SUBJECT_MODEL = "companies.Company"
# credit's pages draw their charts with these (credit imports nothing from marketplace; see credit/charts.py).
CREDIT_CHARTS = {
    "line": "marketplace.core.charts.line_chart_svg",
    "bars": "marketplace.core.charts.bar_chart_svg",
}
# ...and converts money to USD with the rates this callable gives: (as_of: date) -> {currency: USD per unit}.
CREDIT_FX_RATES = "marketplace.core.fx.usd_rates"
# The governing clauses printed on sales contracts: a callable () -> [{title_en, title_zh, text_en, text_zh}]
# that cms provides (operators edit them in Wagtail); deals stands below cms and reads them through this.
DEALS_CONTRACT_CLAUSES = "cms.contracts.governing_clauses"
# Gating (credit/gating.py): what a company owes or is lent on credit — callables (subject) -> iterable of
# (Decimal, currency), each app above deals adding its own (insurance limits in force, financing) — imported
# when a decision is made; and the override amount (gating policy's base currency) above which a
# second risk officer must approve.
CREDIT_EXPOSURE = [
    "marketplace.deals.exposure.outstanding",
    # Financing asked for, approved or outstanding with partner banks (the supplier's borrowing).
    "marketplace.financing.exposure.outstanding",
]
# Financing (marketplace/financing/policy.py): the advance rate TrustFair suggests by the supplier's
# grade ({grade: rate}, at most 0.90); None: the defaults in policy.DEFAULT_ADVANCE_RATES.
FINANCING_ADVANCE_RATES = None
CREDIT_OVERRIDE_FOUR_EYES_AMOUNT = Decimal(os.environ.get("CREDIT_OVERRIDE_FOUR_EYES_AMOUNT", "50000"))
# ...asks this predicate (user, subject_id) -> bool who works for a company (fact disputes), and gives
# a dispute's reviewers this many days (shown to both sides as a countdown).
CREDIT_SUBJECT_MEMBER = "marketplace.companies.permissions.is_member"
CREDIT_DISPUTE_REVIEW_DAYS = int(os.environ.get("CREDIT_DISPUTE_REVIEW_DAYS", "30"))

# Security: production values follow from DEBUG=false.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview frames our own pages, so frames stay allowed from the same origin only.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# REST APIs (partner data feeds): schema by drf-spectacular, limited to our own API paths.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TrustFair partner API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["marketplace.api_schema.only_platform_apis"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
