"""Wayfinder settings: one module, every deployment difference read from the environment.

See ``docs/operations.md`` for the full list of variables. Readers in
``wayfinder.lib.env`` refuse values they do not understand, so a typo stops the
server at start-up instead of running it in an unintended mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from wayfinder.lib.env import (
    ImproperEnvironment,
    checked_url,
    env_bool,
    env_choice,
    env_int,
    env_json_objects,
    env_list,
    env_str,
    env_url,
    load_local_env,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A development checkout's mode, written by `make run` (DEBUG=1, WAYFINDER_DEMO=1):
# the commands the README prints then work as printed. Variables set in the
# environment win; production has no such file. WAYFINDER_LOCAL_ENV="" reads none.
_local_env = env_str("WAYFINDER_LOCAL_ENV", str(BASE_DIR / "var" / "local.env"))
if _local_env:
    load_local_env(Path(_local_env))
DATA_DIR = Path(env_str("WAYFINDER_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("WAYFINDER_TESTING", False)
# Demo mode: the demo personas exist and ``demo_totp`` may print their codes.
DEMO_MODE = env_bool("WAYFINDER_DEMO", DEBUG)

# Deployment profile: the state this instance serves. Kentucky is the first.
WAYFINDER_STATE = env_choice("WAYFINDER_STATE", "KY", {"KY"})

_INSECURE_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", _INSECURE_KEY if (DEBUG or TESTING) else "")
if not DEBUG and not TESTING:
    if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or SECRET_KEY.startswith("insecure"):
        raise ImproperEnvironment("SECRET_KEY must be set to a real secret when DEBUG=0")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperEnvironment("SECRET_KEY must be at least 50 characters with at least 5 distinct characters")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "wayfinder.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles, minus unused files
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "wayfinder.audit",
    "wayfinder.accounts",
    "wayfinder.directory",
    "wayfinder.partners",
    "wayfinder.residents",
    "wayfinder.consent",
    "wayfinder.referrals",
    "wayfinder.assessments",
    "wayfinder.metrics",
    "wayfinder.notifications",
    "wayfinder.scheduling",
    "wayfinder.integrations.two11",
    "wayfinder.integrations.eligibility",
    "wayfinder.integrations.hie",
    "wayfinder.integrations.launch",
    "wayfinder.demo",
]

MIDDLEWARE = [
    "wayfinder.lib.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wayfinder.directory.middleware.HsdsCorsMiddleware",  # read-only CORS for /api/hsds/ only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wayfinder.accounts.middleware.NoStoreMiddleware",
    "wayfinder.accounts.middleware.SessionLimitsMiddleware",
    "wayfinder.accounts.middleware.StaffMfaRequiredMiddleware",
    "wayfinder.partners.middleware.PartnerOnboardingMiddleware",
    # Last, so it sees every refusal a view raises (one audit entry each).
    "wayfinder.accounts.access.AccessAuditMiddleware",
]

ROOT_URLCONF = "wayfinder.urls"
WSGI_APPLICATION = "wayfinder.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wayfinder" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "wayfinder.accounts.context_processors.roles",
                "wayfinder.navigation.menu",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
_db = parse_database_url(
    env_str(
        "DATABASE_URL",
        f"sqlite:///{DATA_DIR / 'wayfinder.sqlite3'}",  # DATA_DIR is absolute: sqlite:////abs/path
    ),
    base_dir=BASE_DIR,
)
if _db.engine == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _db.name,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN: measured, deferred
                # transactions lose updates or fail with "database is locked" when
                # a read lock must be upgraded (docs/decisions.md, docs/security.md, "Concurrency").
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_NAME", "") or None},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(_db.options or {}),
        }
    }
DATABASE_VENDOR = _db.engine
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache every server process shares: sign-in throttling and one-time TOTP codes
# must hold across processes, so the default is the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "wayfinder_cache",
    }
    if not TESTING
    # Tests run the live server in a thread of the same process, so a local cache
    # is shared with it and can be emptied between tests.
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered template fragments that depend on the page language alone (the anonymous
    # header links, the footer, the category tiles): kept in each process's memory, so
    # a lookup costs microseconds, and emptied by a restart, which is how new
    # translations and templates arrive.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wayfinder-fragments"},
}

# --- Accounts, sessions, MFA ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "wayfinder.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_choice("ACCOUNT_EMAIL_VERIFICATION", "mandatory", {"mandatory", "optional", "none"})
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Wayfinder] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if (DEBUG or TESTING) else "https"
# Failed sign-ins: per account first (5 in 15 minutes locks that account only),
# and a gentler per-IP limit (100 in 15 minutes): a clinic, library or shelter puts
# many people behind one address, and 20 per IP locked all of them out after a few
# mistyped passwords (issue #13). After a limit allauth refuses further attempts
# with a clear "too many failed attempts" message.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE", "100/15m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Wayfinder")
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
# TOTP set-up keeps one secret while it is open (a reload or second tab shows the
# same QR code): wayfinder.accounts.forms.ActivateTOTPForm.
MFA_FORMS = {"activate_totp": "wayfinder.accounts.forms.ActivateTOTPForm"}

# --- State single sign-on (OpenID Connect; docs/operations.md "Single sign-on") ---
# Off unless the issuer and client id are set. Password sign-in stays either way.
STATE_SSO_PROVIDER_ID = "state"
STATE_SSO_ISSUER = env_url("STATE_SSO_ISSUER", "", allow_http=DEBUG or TESTING or DEMO_MODE)
STATE_SSO_CLIENT_ID = env_str("STATE_SSO_CLIENT_ID", "")
STATE_SSO_CLIENT_SECRET = env_str("STATE_SSO_CLIENT_SECRET", "")
STATE_SSO_NAME = env_str("STATE_SSO_NAME", "Kentucky Online Gateway")
STATE_SSO_SCOPES = env_list("STATE_SSO_SCOPES", ["openid", "profile", "email"])
STATE_SSO_UID_CLAIM = env_str("STATE_SSO_UID_CLAIM", "sub")
STATE_SSO_EMAIL_CLAIM = env_str("STATE_SSO_EMAIL_CLAIM", "email")
STATE_SSO_NAME_CLAIM = env_str("STATE_SSO_NAME_CLAIM", "name")
# The provider's own MFA: an ID token whose ``acr`` is one of these values, or whose
# ``amr`` holds one of these methods (RFC 8176), counts as MFA for the session.
STATE_SSO_MFA_ACR_VALUES = env_list("STATE_SSO_MFA_ACR_VALUES", [])
STATE_SSO_MFA_AMR_VALUES = env_list("STATE_SSO_MFA_AMR_VALUES", ["mfa"])
STATE_SSO_ENABLED = bool(STATE_SSO_ISSUER and STATE_SSO_CLIENT_ID)
if STATE_SSO_ISSUER and not STATE_SSO_CLIENT_ID:
    raise ImproperEnvironment("STATE_SSO_CLIENT_ID must be set when STATE_SSO_ISSUER is")
SOCIALACCOUNT_ADAPTER = "wayfinder.accounts.sso.StateSsoAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "SCOPE": STATE_SSO_SCOPES,
        "APPS": [
            {
                "provider_id": STATE_SSO_PROVIDER_ID,
                "name": STATE_SSO_NAME,
                "client_id": STATE_SSO_CLIENT_ID,
                "secret": STATE_SSO_CLIENT_SECRET,
                "settings": {"server_url": STATE_SSO_ISSUER, "uid_field": STATE_SSO_UID_CLAIM},
            }
        ]
        if STATE_SSO_ENABLED
        else [],
    }
}
# A verified email from the state provider links the existing account (never a second
# one); unverified ones are refused when an account has that email (accounts/sso.py).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the provider button is a POST (no sign-in by a forged link)
SOCIALACCOUNT_STORE_TOKENS = False

# --- SMART App Launch from the exchange's clinician portal (docs/operations.md "Launch") ---
# The allow-list: only these issuers (``iss``, the exchange's FHIR base URL, exact
# match) may launch Wayfinder. Each entry: name, iss, client_id, and optionally
# client_secret (a confidential client), individual_id_system and medicaid_id_system
# (the Patient.identifier systems of the eligibility system's individual id and of
# the Medicaid id).
SMART_LAUNCH_EXCHANGES = env_json_objects(
    "SMART_LAUNCH_EXCHANGES",
    required={"name", "iss", "client_id"},
    optional={"client_secret", "individual_id_system", "medicaid_id_system"},
)
for _exchange in SMART_LAUNCH_EXCHANGES:
    _exchange["iss"] = checked_url("SMART_LAUNCH_EXCHANGES", _exchange["iss"], allow_http=DEBUG or TESTING or DEMO_MODE)
    if not _exchange["iss"] or not _exchange["name"] or not _exchange["client_id"]:
        raise ImproperEnvironment("SMART_LAUNCH_EXCHANGES: every entry needs a name, an iss URL and a client_id")
# A launch must come back from the exchange's authorization within this many seconds.
SMART_LAUNCH_MAX_AGE_SECONDS = env_int("SMART_LAUNCH_MAX_AGE_SECONDS", 300, minimum=30, maximum=1800)
SMART_LAUNCH_SCOPE = env_str("SMART_LAUNCH_SCOPE", "launch openid fhirUser patient/Patient.rs")
# Identifier systems used when an exchange entry names none.
SMART_INDIVIDUAL_ID_SYSTEM = env_str("SMART_INDIVIDUAL_ID_SYSTEM", "urn:wayfinder:ky:iees:individual-id")
SMART_MEDICAID_ID_SYSTEM = env_str("SMART_MEDICAID_ID_SYSTEM", "urn:wayfinder:ky:medicaid-id")
# Inbound exchange data (docs/exchange.md, "Needs from the exchange"): the client ids of
# Medicaid claims feeds (their encounter diagnoses are filed as "Medicaid claims").
HIE_MEDICAID_CLAIMS_CLIENTS = env_list("HIE_MEDICAID_CLAIMS_CLIENTS", [])
# A client's keys published at its jwks_url (docs/exchange.md, "Authentication"): https
# only; plain http to a loopback host only when this is on (development, tests).
HIE_JWKS_ALLOW_LOOPBACK_HTTP = env_bool("HIE_JWKS_ALLOW_LOOPBACK_HTTP", False)
HIE_JWKS_TIMEOUT_SECONDS = env_int("HIE_JWKS_TIMEOUT_SECONDS", 5, minimum=1, maximum=30)
HIE_JWKS_MAX_BYTES = env_int("HIE_JWKS_MAX_BYTES", 64 * 1024, minimum=1024, maximum=1024 * 1024)
HIE_JWKS_CACHE_SECONDS = env_int("HIE_JWKS_CACHE_SECONDS", 300, minimum=10, maximum=86400)
HIE_JWKS_REFETCH_SECONDS = env_int("HIE_JWKS_REFETCH_SECONDS", 60, minimum=10, maximum=3600)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute lifetime for everyone
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sessions: ended after this much inactivity and after the absolute limit.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60, maximum=30 * 60)
STAFF_SESSION_ABSOLUTE_SECONDS = env_int(
    "STAFF_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=600, maximum=12 * 60 * 60
)

# --- Email and text messages ----------------------------------------------------
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}[env_choice("EMAIL_BACKEND", "console" if DEBUG else "smtp", {"smtp", "console", "locmem"})]
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperEnvironment("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Wayfinder <no-reply@wayfinder.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PARTNER_SUPPORT_EMAIL = env_str("PARTNER_SUPPORT_EMAIL", "partners@wayfinder.example")
SMS_BACKEND = env_str("SMS_BACKEND", "wayfinder.notifications.sms.ConsoleSmsBackend")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
# How long a webhook delivery (FHIR rest-hook notification) waits for the subscriber.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1, maximum=60)
# How long the links in a referral's email or text let the receiving organization act
# on it without signing in (issue #21, docs/operations.md).
REFERRAL_LINK_DAYS = env_int("REFERRAL_LINK_DAYS", 30, minimum=1, maximum=90)
# Shared secret the SMS provider signs inbound texts with (POST /sms/inbound/,
# docs/operations.md). Unset: text consent requests carry the link only and the
# endpoint refuses everything.
SMS_INBOUND_SECRET = env_str("SMS_INBOUND_SECRET", "insecure-development-sms-secret" if (DEBUG or TESTING) else "")
_weak_sms_secret = len(SMS_INBOUND_SECRET) < 32 or SMS_INBOUND_SECRET.startswith("insecure")
if not DEBUG and not TESTING and SMS_INBOUND_SECRET and _weak_sms_secret:
    raise ImproperEnvironment("SMS_INBOUND_SECRET must be at least 32 characters (or unset to turn replies off)")

# --- Audit trail (docs/operations.md "Audit log") -------------------------------
# The chain's HMAC key and the checkpoint file live outside the database, so
# whoever can write the audit table can neither re-hash it nor hide a truncation.
_INSECURE_AUDIT_KEY = "insecure-development-audit-key-do-not-use-in-production"
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", _INSECURE_AUDIT_KEY if (DEBUG or TESTING) else "")
AUDIT_HMAC_PREVIOUS_KEYS = env_list("AUDIT_HMAC_PREVIOUS_KEYS", [])  # verify only, after a rotation
AUDIT_CHECKPOINT_FILE = Path(
    env_str("AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl") if (DEBUG or TESTING) else "")
)
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 15, minimum=1, maximum=24 * 60)
if not DEBUG and not TESTING:
    if len(AUDIT_HMAC_KEY) < 32 or AUDIT_HMAC_KEY.startswith("insecure") or len(set(AUDIT_HMAC_KEY)) < 5:
        raise ImproperEnvironment("AUDIT_HMAC_KEY must be set to a secret of at least 32 characters when DEBUG=0")
    if AUDIT_HMAC_KEY in (SECRET_KEY, SMS_INBOUND_SECRET):
        raise ImproperEnvironment("AUDIT_HMAC_KEY must be its own secret, not SECRET_KEY or SMS_INBOUND_SECRET")
    if not env_str("AUDIT_CHECKPOINT_FILE", ""):
        raise ImproperEnvironment("AUDIT_CHECKPOINT_FILE must name the append-only checkpoint file when DEBUG=0")

# --- Eligibility feed (docs/formats/eligibility-feed.md) -------------------------
# An import that would close more than this share of the active eligibility
# residents is refused unless --allow-mass-close names the count.
ELIGIBILITY_MAX_CLOSE_PERCENT = env_int("ELIGIBILITY_MAX_CLOSE_PERCENT", 5, minimum=0, maximum=100)

# --- Background tasks -----------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [BASE_DIR / "wayfinder" / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # collectstatic writes here
STATICFILES_DIRS = [BASE_DIR / "wayfinder" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security headers -----------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False
MAP_TILE_URL = env_str("MAP_TILE_URL", "")  # e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The "Sign in with <state provider>" and "Sign out" forms continue at the state
# identity provider (authorization, RP-initiated logout): browsers check form-action
# on those redirects too, so the provider's origin is allowed, and only that one.
if STATE_SSO_ENABLED:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(STATE_SSO_ISSUER.split("/")[:3]))
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if not ALLOWED_HOSTS:
        raise ImproperEnvironment("ALLOWED_HOSTS must be set when DEBUG=0")

# --- Logging --------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "wayfinder.lib.request_context.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "wayfinder": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- Search ---------------------------------------------------------------------
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(DATA_DIR / "search-index")))
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- HSDS feeds and API (docs/operations.md) --------------------------------------
# A zip feed is refused before it is read when its files would expand past this many bytes.
HSDS_MAX_UNZIPPED_BYTES = env_int("WAYFINDER_HSDS_MAX_UNZIPPED_BYTES", 2 * 1000**3, minimum=1)
# An import report lists this many problems, then only counts the rest.
HSDS_REPORT_MAX_ROWS = env_int("WAYFINDER_HSDS_REPORT_MAX_ROWS", 100_000, minimum=100)
# Unpaged HSDS API downloads (format=ndjson): anonymous clients get the daily dump file; every
# client may make this many unpaged requests per hour (per address, or per account when signed in).
HSDS_DUMP_DIR = Path(env_str("WAYFINDER_HSDS_DUMP_DIR", str(DATA_DIR / "hsds-dumps")))
HSDS_NDJSON_PER_HOUR = env_int("WAYFINDER_HSDS_NDJSON_PER_HOUR", 6, minimum=0)
