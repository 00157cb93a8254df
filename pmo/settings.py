"""PMO Desk settings: one module, every value from the environment (django-environ)."""

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the shape logging.dictConfig checks, from typeshed
    from logging.config import _DictConfigArgs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key exists only for DEBUG; production must bring its own.
_DEVELOPMENT_SECRET_KEY = "django-insecure-pmo-desk-development-only-never-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "pmo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "projects",
    "procurement",
    "quality",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pmo.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "pmo.urls"
WSGI_APPLICATION = "pmo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pmo.context_processors.navigation",
            ],
        },
    },
]

# The embedded default is SQLite; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Our server-side cursors (exports, sweeps) always read to the end: plan them for all their rows,
    # not for the first 10 % (PostgreSQL's default, which picked nested loops over 50,000 lines).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c cursor_tuple_fraction=1")
    _test_name = env.str("TEST_DATABASE_NAME", default="")
    if _test_name:
        DATABASES["default"]["TEST"] = {"NAME": _test_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Scaling out (docs/scaling.md): a read replica of PostgreSQL for the dashboards. Django writes and reads
# on "default"; only the views wrapped with pmo.lib.db.replica_view read from "replica". In tests the
# replica is the primary itself (MIRROR), so the suite runs the same code path on one database.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **{key: value for key, value in DATABASES["default"].items() if key != "TEST"},
        **env.db_url_config(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["pmo.lib.db.ReplicaRouter"]

AUTH_USER_MODEL = "pmo.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pmo:home"
LOGOUT_REDIRECT_URL = "login"

# Languages: English, French, Dutch, with Belgian date and number formats for all three.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
FORMAT_MODULE_PATH = ["pmo.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads are never served from MEDIA_URL (no URL pattern maps it): a view checks access first.
# It still needs a value because Django's live test server wraps a media handler around it.
MEDIA_URL = "/media/"
# Uploads on the local disk (MEDIA_ROOT), or in S3-compatible object storage once several web and worker
# machines need the same files: STORAGE_BACKEND=s3 with the AWS_* variables (docs/scaling.md).
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND not in ("filesystem", "s3"):
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
_DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # Private objects: downloads go through a view that checks the user's right first.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)

# Django 6.1 configures email through MAILERS; EMAIL_URL (console by default) fills it.
_email_url = env.str("EMAIL_URL", default="consolemail://")
_email = env.email_url_config(_email_url)
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of filemail:///abs/dir (it becomes ./abs/dir): the directory
    # is everything after "//", absolute when it starts with "/".
    _email_parts = urlsplit(_email_url)
    _email["EMAIL_FILE_PATH"] = _email_parts.netloc + _email_parts.path
_EMAIL_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_FILE_PATH": "file_path",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {option: _email[key] for key, option in _EMAIL_OPTIONS.items() if _email.get(key)},
    }
}
if _email["EMAIL_BACKEND"].endswith(("console.EmailBackend", "locmem.EmailBackend")):
    MAILERS["default"]["OPTIONS"] = {}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PMO Desk <pmo-desk@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: without a broker, tasks run in-process so that `make run` needs nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Workers per queue (docs/scaling.md): PDF rendering and the connectors can each get their own queue and
# workers (`celery -A pmo worker -Q reports`), so that a batch of reports never delays an e-mail. By default
# every task goes to the default queue, which one worker serves.
# Only queues that are named get a route: without one, tasks follow the default queue as it is at send
# time (the worker tests give each worker a queue of its own at run time).
CELERY_REPORTS_QUEUE = env.str("CELERY_REPORTS_QUEUE", default="")
CELERY_CONNECTORS_QUEUE = env.str("CELERY_CONNECTORS_QUEUE", default="")
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {}
if CELERY_REPORTS_QUEUE:
    CELERY_TASK_ROUTES["reporting.tasks.highlight_report_render_task"] = {"queue": CELERY_REPORTS_QUEUE}
    CELERY_TASK_ROUTES["reporting.tasks.weekly_batch_task"] = {"queue": CELERY_REPORTS_QUEUE}
if CELERY_CONNECTORS_QUEUE:
    CELERY_TASK_ROUTES["*connector*"] = {"queue": CELERY_CONNECTORS_QUEUE}  # ServiceNow and Dynamics 365

# Security: production values by default; DEBUG relaxes only what local HTTP needs.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING: "_DictConfigArgs" = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

PAGINATE_BY = 25

# Registers (issue 5): risk owners are reminded when a risk's review date comes, every morning.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["risk-review-reminders"] = {
    "task": "projects.tasks.risk_review_reminders_task",
    "schedule": crontab(hour=7, minute=0),
    "options": {"expires": 60 * 60 * 12},
}

# Reporting: the weekly highlight-report batch (day and hour from the environment) and the sweep that
# puts reports back in the queue when their worker died mid-render. Beat reads this schedule.
from celery.schedules import crontab  # noqa: E402

REPORTING_COMPANY_NAME = env.str("REPORTING_COMPANY_NAME", default="PMO Desk")
REPORTING_WEEKLY_DAY = env.str("REPORTING_WEEKLY_DAY", default="mon")
REPORTING_WEEKLY_HOUR = env.int("REPORTING_WEEKLY_HOUR", default=6)
CELERY_BEAT_SCHEDULE["reporting-weekly-highlight-reports"] = {
    "task": "reporting.tasks.weekly_batch_task",
    "schedule": crontab(minute=0, hour=REPORTING_WEEKLY_HOUR, day_of_week=REPORTING_WEEKLY_DAY),
}
CELERY_BEAT_SCHEDULE["reporting-sweep-stale-reports"] = {
    "task": "reporting.tasks.highlight_reports_sweep_task",
    "schedule": 300.0,
}
# WeasyPrint and fontTools narrate every step at INFO; only their warnings matter.
LOGGING["loggers"].update({"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}})
# REST API (issue 8): token per user for scripts, the session for the browser; page pagination.
INSTALLED_APPS += [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pmo.lib.api.PagePagination",
    "PAGE_SIZE": PAGINATE_BY,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PMO Desk API",
    "DESCRIPTION": "Customers, projects and their plan, money and registers, scoped to the caller's roles.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set where several models share a field name ("status", "kind", "language").
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "projects.models.core.Language",
        "PurchaseOrderStatusEnum": "procurement.models.orders.PurchaseOrderStatus",
        "SyncRunStatusEnum": "reporting.models.connectors.SyncRun.Status",
        "RiskKindEnum": "projects.models.registers.Risk.Kind",
        "RfqStatusEnum": "procurement.models.tenders.RfqStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pmo.lib.api.document_error_responses",
    ],
}

# Connectors (issue 8): every value from the environment; an empty URL means "not configured".
SERVICENOW = {
    "INSTANCE_URL": env.str("SERVICENOW_INSTANCE_URL", default=""),
    "AUTH": env.str("SERVICENOW_AUTH", default="basic"),  # basic | password | client_credentials
    "USERNAME": env.str("SERVICENOW_USERNAME", default=""),
    "PASSWORD": env.str("SERVICENOW_PASSWORD", default=""),
    "CLIENT_ID": env.str("SERVICENOW_CLIENT_ID", default=""),
    "CLIENT_SECRET": env.str("SERVICENOW_CLIENT_SECRET", default=""),
    "PAGE_SIZE": env.int("SERVICENOW_PAGE_SIZE", default=200),
    "TIMEOUT": env.float("SERVICENOW_TIMEOUT", default=30.0),
    "MAX_RETRIES": env.int("SERVICENOW_MAX_RETRIES", default=3),
    "PUSH_REGISTERS": env.bool("SERVICENOW_PUSH_REGISTERS", default=False),
}
DYNAMICS365 = {
    "ENVIRONMENT_URL": env.str("D365_ENVIRONMENT_URL", default=""),
    "TOKEN_URL": env.str("D365_TOKEN_URL", default=""),  # default: the tenant's Entra v2.0 endpoint
    "TENANT_ID": env.str("D365_TENANT_ID", default=""),
    "CLIENT_ID": env.str("D365_CLIENT_ID", default=""),
    "CLIENT_SECRET": env.str("D365_CLIENT_SECRET", default=""),
    "PAGE_SIZE": env.int("D365_PAGE_SIZE", default=500),
    "TIMEOUT": env.float("D365_TIMEOUT", default=30.0),
    "MAX_RETRIES": env.int("D365_MAX_RETRIES", default=3),
    # Which apps the environment has (issue 12), comma-separated: project_operations (projects, actuals,
    # opportunities), supply_chain (the Supply Chain Management dual-write solution: msdyn_vendors and the
    # purchase order statuses it adds), field_service (Field Service purchase orders). See
    # reporting/connectors/README.md for the tables and columns of each.
    "EDITION": env.list("D365_EDITION", default=["project_operations"]),
    # Also pull approved time entries (msdyn_timeentry) as approved hours (reporting.connectors.time_entries);
    # the Time actuals then stay out of the P&L, being the cost of those same hours.
    "TIME_ENTRIES": env.bool("D365_TIME_ENTRIES", default=False),
    # Our cost category per Dynamics figure: "actual:<msdyn_transactionclassification value>" and
    # "purchase_order"; a JSON object in D365_COST_CATEGORIES replaces these defaults.
    "COST_CATEGORIES": env.json(
        "D365_COST_CATEGORIES",
        default={
            "actual:192350000": "internal_labour",  # Time
            "actual:192350001": "travel",  # Expense
            "actual:192350002": "equipment",  # Material
            "purchase_order": "equipment",
        },
    ),
    # Purchase order statuses that commit nothing (Field Service: 690970000 Draft, 690970002 Canceled).
    "PO_IGNORED_STATUSES": env.list("D365_PO_IGNORED_STATUSES", default=["690970000", "690970002"]),
}
CELERY_BEAT_SCHEDULE |= {
    "servicenow-push": {
        "task": "reporting.connector_tasks.servicenow_push_task",
        "schedule": env.int("SERVICENOW_PUSH_EVERY_SECONDS", default=3600),
    },
    "dynamics365-pull": {
        "task": "reporting.connector_tasks.dynamics_pull_task",
        "schedule": env.int("D365_PULL_EVERY_SECONDS", default=3600),
    },
}


# Quotations past their validity become expired (issue 4, helper "money").
CELERY_BEAT_SCHEDULE["quotation-expire-overdue"] = {
    "task": "projects.tasks.quotation_expire_overdue_task",
    "schedule": 3600.0,
}

# ----------------------------------------------------------------------------------------------------
# Production shape (issue 20, helper "prod"): job recovery, health probes, request logs, Sentry.
# ----------------------------------------------------------------------------------------------------
# Job rows (pmo.lib.jobs): the holder beats every JOB_HEARTBEAT_SECONDS; silent for JOB_STALE_AFTER_SECONDS
# means its worker is gone; every worker looks for such rows every JOB_CHECK_SECONDS, beat too. A dead
# worker's job is back in the queue within STALE_AFTER + CHECK seconds (75 s by default).
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=10)
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=45)
JOB_CHECK_SECONDS = env.int("JOB_CHECK_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["reporting-sweep-stale-reports"]["schedule"] = float(JOB_CHECK_SECONDS)
CELERY_BEAT_SCHEDULE["reporting-sweep-stale-reports"]["options"] = {"expires": JOB_CHECK_SECONDS}
# Redis redelivers an unacknowledged message after the visibility timeout. It must outlast the longest
# task (the weekly batch: 600 s) or a running task is delivered twice; recovery of a dead worker's job
# does not wait for it (the rows above do that), a late redelivery finds the job taken and does nothing.
_LONGEST_TASK_SECONDS = max(CELERY_TASK_TIME_LIMIT, 600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _LONGEST_TASK_SECONDS + 300}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
CELERY_WORKER_SEND_TASK_EVENTS = False

# Source maps (vendor/*.map, ~2 MB) are for a developer's browser only: brotli at its best quality
# would spend most of collectstatic's time on them.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# /healthz answers probes from these networks before host checks and the HTTPS redirect.
HEALTHZ_PROBE_NETWORKS = env.list("HEALTHZ_PROBE_NETWORKS", default=["127.0.0.0/8", "::1/128"])
MIDDLEWARE = [
    "pmo.lib.observability.RequestLogMiddleware",
    "pmo.lib.observability.HealthProbeMiddleware",
    *MIDDLEWARE,
]

# One JSON line per request (and per log record) with LOG_FORMAT=json, the default with DEBUG off.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING["formatters"] = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
    "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
}
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["pmo.requests"] = {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")}
# gunicorn's access log would say the same a second time.
LOGGING["loggers"]["django.server"] = {"level": "WARNING"}

# Error tracking: only when SENTRY_DSN is set.
from pmo.lib.observability import sentry_init  # noqa: E402

SENTRY_DSN = env.str("SENTRY_DSN", default="")
sentry_init(
    SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)


# ---------------------------------------------------------------------------------------------------------
# Accounts and API security (issue 20, helper "accounts"). Every value from the environment.
# ---------------------------------------------------------------------------------------------------------
import datetime as _dt  # noqa: E402

# Sessions end after SESSION_COOKIE_AGE seconds (default 8 hours: a working day), or when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# Failed sign-ins (django-axes): a user name and an address are each locked after AXES_FAILURE_LIMIT
# failures for AXES_COOLOFF_MINUTES. Reset: admin > Access attempts, or `manage.py axes_reset[_username|_ip]`.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT (and the trusted proxies) so the client's address,
# not the proxy's, is counted.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_IPWARE_PROXY_TRUSTED_IPS", default=None)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sign-in with Microsoft Entra ID (or any OpenID Connect provider), on when OIDC_RP_CLIENT_ID is set.
# Entra endpoints: https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration.
OIDC_ENABLED = bool(env.str("OIDC_RP_CLIENT_ID", default=""))
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
# The claim that carries the user's Entra app roles or group ids, and how its values map to our roles:
# OIDC_ROLE_MAP="<group-or-app-role>=<role>,..." with a role of pmo.roles.Role (e.g. "PMO.Finance=finance").
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="roles")
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
OIDC_USERNAME_ALGO = "pmo.oidc.username_from_email"
OIDC_CALLBACK_CLASS = "pmo.oidc.CallbackView"
OIDC_AUTHENTICATE_CLASS = "pmo.oidc.AuthenticateView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS += ["pmo.oidc.EntraIDBackend"]

# API tokens (django-rest-knox): stored as hashes, expire after API_TOKEN_TTL_DAYS, revocable one by one.
INSTALLED_APPS.remove("rest_framework.authtoken")
INSTALLED_APPS += ["knox"]
REST_KNOX = {
    "TOKEN_TTL": _dt.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "TOKEN_LIMIT_PER_USER": env.int("API_TOKEN_LIMIT_PER_USER", default=5),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "knox.auth.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
# Per-user throttling; anonymous callers only ever get 401s, throttled by address all the same.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.UserRateThrottle",
    "rest_framework.throttling.AnonRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "user": env.str("API_THROTTLE_USER", default="1200/minute"),
    "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
}
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "pmo.lib.api.exception_handler"
CSRF_FAILURE_VIEW = "pmo.views.csrf_failure"
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = [
    "pmo.lib.api.StrictFilterBackend",  # django-filter, refusing empty and ill-typed filter values
    "rest_framework.filters.OrderingFilter",
]  # JSON under /api/, the usual page elsewhere
# The API speaks JSON only: form and multipart bodies cannot carry the schema's booleans and numbers.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["rest_framework.parsers.JSONParser"]
# Official UBL schemas and Peppol rules (issue 11), vendored unchanged with their provenance README.
PEPPOL_STANDARDS_DIR = Path(env.str("PEPPOL_STANDARDS_DIR", default=str(BASE_DIR / "tests" / "standards")))
# Timesheets (issue 15, helper "timesheets"): on Monday morning, one reminder per person whose last week
# is not submitted.
CELERY_BEAT_SCHEDULE["timesheet-reminders"] = {
    "task": "projects.tasks.timesheet_reminders_task",
    "schedule": crontab(hour=8, minute=0, day_of_week=1),
    "options": {"expires": 60 * 60 * 12},
}

# Notifications (issue 16, branch feature/meetings): the daily digest, late afternoon, once per user.
CELERY_BEAT_SCHEDULE["notification-daily-digest"] = {
    "task": "pmo.tasks.notification_digests_task",
    "schedule": crontab(hour=17, minute=30),
    "options": {"expires": 60 * 60 * 6},
}
