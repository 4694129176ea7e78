"""Settings from the environment (.env via python-dotenv). One place for all of them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
load_dotenv(PROJECT_ROOT / ".env")


@dataclass(frozen=True)
class Settings:
    database_url: str
    content_dir: Path


def get_settings() -> Settings:
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'knowledge.db'}"
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_db,
        content_dir=Path(os.environ.get("CONTENT_DIR") or PROJECT_ROOT / "content"),
    )
