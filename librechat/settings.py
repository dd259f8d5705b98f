"""Django settings: the only module that reads the environment.

With no environment at all this is the embedded default: SQLite, in-memory channel layer,
Celery tasks run in process, local files, database search. Each production service is switched
on by one variable (DATABASE_URL, REDIS_URL, ...); see `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)
# The embedded default runs without a SECRET_KEY; production must set one (check --deploy says so).
SECRET_KEY = env("SECRET_KEY") or "insecure-embedded-default-key-change-me-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Production hardening, switched on by HTTPS=true (the Docker image and compose file set it).
HTTPS = envbool("HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        # The operator opted out of the browser preload list on purpose.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "daphne",
    "librechat.apps.LibreChatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "allauth",
    "allauth.account",
    "accounts",
    "providers",
    "chat",
    "files",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "presets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
]

ROOT_URLCONF = "librechat.urls"
WSGI_APPLICATION = "librechat.wsgi.application"
ASGI_APPLICATION = "librechat.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
# Connections are kept: reopening SQLite per call folds its write-ahead log each time (measured:
# it doubles the time to store a message), and PostgreSQL connections are costly to open.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 600), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the streaming writer and page readers work at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery --------------------------------------------------
REDIS_URL = env("REDIS_URL")
REDIS_PREFIX = env("REDIS_PREFIX", "librechat")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi", "capacity": 1000},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL) or None
# Without a broker the tasks run in process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", "default")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "chat:index"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "none")
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ALLOW_REGISTRATION = envbool("ALLOW_REGISTRATION", True)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "LibreChat <noreply@localhost>")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The SQLite file, uploads and collected static files need their folders before first use.
for _folder in (DATA_DIR, STATIC_ROOT):
    try:
        _folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = True

# --- Uploaded files: local by default, S3 (or an S3-compatible service) with FILE_STRATEGY=s3 ---
FILE_STRATEGY = env("FILE_STRATEGY", "local").strip().lower()
if FILE_STRATEGY == "s3":
    _FILES_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_BUCKET_NAME"),
            "region_name": env("AWS_REGION") or None,
            "endpoint_url": env("AWS_ENDPOINT_URL") or None,
            # Empty keys fall back to boto3's own chain (instance role, ~/.aws, ...).
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "location": env("AWS_LOCATION", "files"),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
else:
    _FILES_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: files are only ever served through the owner-checked download view.
        "OPTIONS": {"location": str(MEDIA_ROOT / "files")},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "files": _FILES_STORAGE,
}
# Uploads are refused above this size whatever librechat.yaml says (MB; fileConfig may lower it).
FILE_SERVER_SIZE_LIMIT_MB = envfloat("FILE_SERVER_SIZE_LIMIT_MB", 100.0)

# --- The chat product -----------------------------------------------------------------------
LIBRECHAT_CONFIG = env("LIBRECHAT_CONFIG", str(BASE_DIR / "librechat.yaml"))
DEMO_ENDPOINT_ENABLED = envbool("DEMO_ENDPOINT", True)
DEMO_TOKENS_PER_SECOND = envfloat("DEMO_TOKENS_PER_SECOND", 40.0)
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_BASE_URL = env("OPENAI_REVERSE_PROXY") or None
OPENAI_MODELS = envlist("OPENAI_MODELS", "gpt-4o,gpt-4o-mini,gpt-4.1,o4-mini")
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = env("ANTHROPIC_REVERSE_PROXY") or None
ANTHROPIC_MODELS = envlist("ANTHROPIC_MODELS", "claude-sonnet-4-5,claude-opus-4-5,claude-3-5-haiku-latest")

# Google: Gemini API with GOOGLE_KEY, or Vertex AI with a service-account file (GOOGLE_SERVICE_KEY_FILE).
GOOGLE_KEY = env("GOOGLE_KEY")
GOOGLE_BASE_URL = env("GOOGLE_REVERSE_PROXY") or None
GOOGLE_MODELS = envlist("GOOGLE_MODELS", "gemini-2.5-flash,gemini-2.5-pro,gemini-2.5-flash-lite,gemini-2.0-flash")
GOOGLE_TITLE_MODEL = env("GOOGLE_TITLE_MODEL") or None
GOOGLE_SERVICE_KEY_FILE = env("GOOGLE_SERVICE_KEY_FILE")
GOOGLE_CLOUD_PROJECT = env("GOOGLE_CLOUD_PROJECT")  # default: the project_id of the service-account file
GOOGLE_LOCATION = env("GOOGLE_LOC", "us-central1")
# AWS Bedrock (Converse API): a region switches it on; credentials from these, a profile, or AWS's usual chain.
BEDROCK_REGION = env("BEDROCK_AWS_DEFAULT_REGION")
BEDROCK_ACCESS_KEY_ID = env("BEDROCK_AWS_ACCESS_KEY_ID")
BEDROCK_SECRET_ACCESS_KEY = env("BEDROCK_AWS_SECRET_ACCESS_KEY")
BEDROCK_SESSION_TOKEN = env("BEDROCK_AWS_SESSION_TOKEN")
BEDROCK_PROFILE = env("BEDROCK_AWS_PROFILE")
BEDROCK_ENDPOINT_URL = env("BEDROCK_ENDPOINT_URL") or None
BEDROCK_MODELS = envlist(
    "BEDROCK_AWS_MODELS",
    "anthropic.claude-3-5-sonnet-20241022-v2:0,anthropic.claude-3-5-haiku-20241022-v1:0,"
    "meta.llama3-1-8b-instruct-v1:0,mistral.mistral-large-2407-v1:0,amazon.titan-text-premier-v1:0",
)
# Keys users enter for `user_provided` endpoints are encrypted with a key derived from CREDS_KEY
# (any long random string); without it, from SECRET_KEY (fine for a laptop, not for production).
CREDS_KEY = env("CREDS_KEY")
# How long a fetched model list (`models.fetch: true`) is reused, in seconds.
MODELS_FETCH_TTL = envint("MODELS_FETCH_TTL", 600)
MESSAGE_MAX_CHARS = envint("MESSAGE_MAX_CHARS", 100_000)
# Seconds without a single event from a provider before the reply is failed as timed out.
PROVIDER_IDLE_TIMEOUT = envfloat("PROVIDER_IDLE_TIMEOUT", 120.0)
PROVIDER_CONNECT_TIMEOUT = envfloat("PROVIDER_CONNECT_TIMEOUT", 30.0)
# How often coalesced text deltas go out to sockets, and how often progress is saved.
STREAM_FLUSH_INTERVAL = envfloat("STREAM_FLUSH_INTERVAL", 0.03)
STREAM_SAVE_INTERVAL = envfloat("STREAM_SAVE_INTERVAL", 1.0)
TIKTOKEN_CACHE_DIR = env("TIKTOKEN_CACHE_DIR", str(DATA_DIR / "tiktoken"))

# --- The OpenAI-compatible API (api/) and its OpenAPI document ----------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LibreChat API",
    "DESCRIPTION": "OpenAI-compatible chat completions over every configured endpoint (see docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page works offline: Swagger UI is served from drf-spectacular-sidecar's files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "google_genai": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}
