"""Settings from the environment (.env via python-dotenv). One place for all of them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
    production: bool
    # REST_WEBHOOK_TOKEN: when set, the REST webhook answers only "Authorization: Bearer <token>".
    rest_webhook_token: Optional[str]
    # SESSION_SECRET: signs the socket.io session ids the server issues; every replica needs the same.
    session_secret: Optional[str]
    # REDIS_HOST (with REDIS_PORT, REDIS_DB, REDIS_PASSWORD, LOCK_KEY_PREFIX): Slack's event ids are
    # remembered there, shared by the replicas; unset: in process memory.
    redis: Optional[RedisSettings]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _optional(name: str) -> Optional[str]:
    return os.environ.get(name, "").strip() or None


def get_settings() -> Settings:
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'knowledge.db'}"
    redis_host = _optional("REDIS_HOST")
    redis = RedisSettings(
        host=redis_host,
        port=int(os.environ.get("REDIS_PORT") or 6379),
        db=int(os.environ.get("REDIS_DB") or 1),
        password=_optional("REDIS_PASSWORD"),
        key_prefix=_optional("LOCK_KEY_PREFIX") or "cmmiiso",
    ) if redis_host else None
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_db,
        content_dir=Path(os.environ.get("CONTENT_DIR") or PROJECT_ROOT / "content"),
        production=_flag("PRODUCTION"),
        rest_webhook_token=_optional("REST_WEBHOOK_TOKEN"),
        session_secret=_optional("SESSION_SECRET"),
        redis=redis,
    )
