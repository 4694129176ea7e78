"""Settings from the environment (.env via python-dotenv). One place for all of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MAX_BODY_BYTES = 64 * 1024
load_dotenv(PROJECT_ROOT / ".env")


@dataclass(frozen=True)
class RedisSettings:
    host: str
    port: int
    db: int
    password: Optional[str]
    key_prefix: str


@dataclass(frozen=True)
class Settings:
    database_url: str
    content_dir: Path
    # PRODUCTION=1 (set by deploy/stack.py, compose, Kubernetes): the REST webhook is off unless
    # REST_WEBHOOK_TOKEN is set.
    production: bool = False
    # REST_WEBHOOK_TOKEN: when set, the REST webhook answers only "Authorization: Bearer <token>".
    rest_webhook_token: Optional[str] = None
    # SESSION_SECRET: signs the socket.io session ids the server issues; every replica needs the same.
    session_secret: Optional[str] = None
    # REDIS_HOST (with REDIS_PORT, REDIS_DB, REDIS_PASSWORD, LOCK_KEY_PREFIX): Slack's event ids are
    # remembered there, shared by the replicas; unset: in process memory.
    redis: Optional[RedisSettings] = None
    # Consultant requests (leads) are emailed to the consultancy (bot/leads.py).
    smtp_host: Optional[str] = None
    smtp_port: int = 587
    smtp_user: Optional[str] = None
    smtp_password: Optional[str] = None
    smtp_from: str = "assistant@localhost"
    smtp_starttls: bool = True
    smtp_timeout: float = 10.0
    leads_email_to: tuple[str, ...] = ()
    leads_retention_days: int = 90
    # Worker threads of the action server: actions served at the same time.
    action_server_threads: int = 16
    # Channels: a longer message is refused before NLU; a larger request body outright
    # (nginx has the same limit, set from this variable by deploy/stack.py).
    max_message_chars: int = 2000
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: Optional[str] = None
    # WIDGET_ORIGIN: the origin(s) of the page that embeds the widget, comma-separated.
    widget_origins: tuple[str, ...] = ()
    # The Rasa server as the chat page's browser reaches it (RASA_PUBLIC_URL, else RASA_PORT on localhost).
    rasa_public_url: str = "http://localhost:5005"
    # TRACKER_DB_URL: the SQL tracker store `./run report` reads.
    tracker_db_url: Optional[str] = None
    nginx: str = "/usr/sbin/nginx"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.strip().lower() in ("1", "true", "yes", "on")


def _optional(name: str) -> Optional[str]:
    return os.environ.get(name, "").strip() or None


def get_settings() -> Settings:
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'knowledge.db'}"
    env = os.environ.get
    redis_host = _optional("REDIS_HOST")
    redis = (
        RedisSettings(
            host=redis_host,
            port=int(env("REDIS_PORT") or 6379),
            db=int(env("REDIS_DB") or 1),
            password=_optional("REDIS_PASSWORD"),
            key_prefix=_optional("LOCK_KEY_PREFIX") or "cmmiiso",
        )
        if redis_host
        else None
    )
    return Settings(
        database_url=env("DATABASE_URL") or default_db,
        content_dir=Path(env("CONTENT_DIR") or PROJECT_ROOT / "content"),
        production=_flag("PRODUCTION"),
        rest_webhook_token=_optional("REST_WEBHOOK_TOKEN"),
        session_secret=_optional("SESSION_SECRET"),
        redis=redis,
        smtp_host=env("SMTP_HOST") or None,
        smtp_port=int(env("SMTP_PORT") or 587),
        smtp_user=env("SMTP_USER") or None,
        smtp_password=env("SMTP_PASSWORD") or None,
        smtp_from=env("SMTP_FROM") or "assistant@localhost",
        smtp_starttls=_flag("SMTP_STARTTLS", True),
        smtp_timeout=float(env("SMTP_TIMEOUT") or 10),
        leads_email_to=tuple(a.strip() for a in (env("LEADS_EMAIL_TO") or "").split(",") if a.strip()),
        leads_retention_days=int(env("LEADS_RETENTION_DAYS") or 90),
        action_server_threads=int(env("ACTION_SERVER_THREADS") or 16),
        max_message_chars=int(env("MAX_MESSAGE_CHARS") or 2000),
        max_body_bytes=int(env("MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES),
        slack_bot_token=(env("SLACK_BOT_TOKEN") or "").strip(),
        slack_signing_secret=(env("SLACK_SIGNING_SECRET") or "").strip(),
        slack_api_url=_optional("SLACK_API_URL"),
        widget_origins=tuple(o.strip().rstrip("/") for o in (env("WIDGET_ORIGIN") or "").split(",") if o.strip()),
        rasa_public_url=_optional("RASA_PUBLIC_URL") or f"http://localhost:{env('RASA_PORT') or 5005}",
        tracker_db_url=_optional("TRACKER_DB_URL"),
        nginx=_optional("NGINX") or "/usr/sbin/nginx",
    )
