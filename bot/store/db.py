"""Engine creation with a fail-fast connectivity check.

The engine is safe to share between threads (the action server runs actions
in worker threads): SQLAlchemy gives file-based SQLite a NullPool (a
connection per use) and PostgreSQL a thread-safe QueuePool."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.store.models import Base


class StoreUnavailable(RuntimeError):
    """The knowledge store cannot be reached; the message is safe to print."""


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, for messages and logs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<unparseable database URL>"
    if parsed.password is None:
        return str(parsed)
    return parsed.set(password="***").render_as_string(hide_password=False)


def get_engine(url: str, connect_timeout: int = 5) -> Engine:
    """Create the engine and check it connects; raise StoreUnavailable if not."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(f"DATABASE_URL is not a valid database URL: {mask_url(url)}") from exc
    connect_args = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = connect_timeout
    engine = create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreUnavailable(f"Cannot connect to the knowledge store at {mask_url(url)}: {reason}") from exc
    _upgrade_content_tables(engine)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def _upgrade_content_tables(engine: Engine) -> None:
    """Content tables hold nothing that a reload does not rebuild: when one
    lacks a column of the current schema, drop them all so create_all makes them
    anew (user data tables are never dropped)."""
    from bot.store.models import CONTENT_MODELS

    existing = inspect(engine)
    names = set(existing.get_table_names())
    for model in CONTENT_MODELS:
        table = model.__table__
        if table.name in names:
            columns = {c["name"] for c in existing.get_columns(table.name)}
            if set(table.columns.keys()) - columns:
                Base.metadata.drop_all(engine, tables=[m.__table__ for m in reversed(CONTENT_MODELS)])
                return


# Columns added to existing tables since they were first created: (table, column, SQL type).
_ADDED_COLUMNS = [("consultant_requests", "sent_at", "TIMESTAMP")]


def _add_missing_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    for table, column, sql_type in _ADDED_COLUMNS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, future=True) as session:
        with session.begin():
            yield session
