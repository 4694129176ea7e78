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
class Settings:
    database_url: str
    content_dir: Path
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


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value in (None, "") else value.strip().lower() in ("1", "true", "yes", "on")


def get_settings() -> Settings:
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'knowledge.db'}"
    env = os.environ.get
    return Settings(
        database_url=env("DATABASE_URL") or default_db,
        content_dir=Path(env("CONTENT_DIR") or PROJECT_ROOT / "content"),
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
    )
