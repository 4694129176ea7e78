"""Check the shared stores before Rasa starts: python -m deploy.preflight

Rasa's SQL tracker store retries an unreachable database forever (every 5 s),
so a wrong host or a stopped PostgreSQL would look like a hang. This check
fails within seconds with a message naming what is wrong. It also creates the
tracker database and POSTGRESQL_SCHEMA if they are missing. No Rasa here."""

from __future__ import annotations

import os
import re
import sys
from typing import Mapping

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

CONNECT_TIMEOUT_S = 5


class PreflightError(RuntimeError):
    """A shared store is unusable; the message is safe to print (no passwords)."""


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]


def tracker_db_url(env: Mapping[str, str], database: str | None = None) -> URL:
    return URL.create(
        "postgresql",
        username=env.get("TRACKER_DB_USER") or None,
        password=env.get("TRACKER_DB_PASSWORD") or None,
        host=env.get("TRACKER_DB_HOST") or None,
        port=int(env["TRACKER_DB_PORT"]) if env.get("TRACKER_DB_PORT") else None,
        database=database or env.get("TRACKER_DB_NAME") or None,
    )


def check_tracker_db(env: Mapping[str, str]) -> str:
    """Connect to the tracker database (creating it and the schema if missing)."""
    url = tracker_db_url(env)
    where = url.render_as_string(hide_password=True)
    args = {"connect_timeout": CONNECT_TIMEOUT_S}
    engine = create_engine(url, future=True, connect_args=args, isolation_level="AUTOCOMMIT")
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError as exc:
            if not re.search(r'database ".*" does not exist', _reason(exc)):
                raise
            _create_database(env, url.database, args)
            conn = engine.connect()
        with conn:
            schema = env.get("POSTGRESQL_SCHEMA")
            if schema:
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema):
                    raise PreflightError(f"POSTGRESQL_SCHEMA {schema!r} is not a plain SQL identifier")
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    except SQLAlchemyError as exc:
        raise PreflightError(
            f"Cannot reach the tracker store (PostgreSQL) at {where}: {_reason(exc)}. "
            "Check TRACKER_DB_HOST, TRACKER_DB_PORT, TRACKER_DB_NAME, TRACKER_DB_USER and TRACKER_DB_PASSWORD."
        ) from exc
    finally:
        engine.dispose()
    return where


def _create_database(env: Mapping[str, str], name: str, args: dict) -> None:
    admin = create_engine(tracker_db_url(env, "postgres"), future=True, connect_args=args, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def check_lock_store(env: Mapping[str, str]) -> str:
    import redis

    host, port = env.get("REDIS_HOST", "127.0.0.1"), int(env.get("REDIS_PORT") or 6379)
    where = f"redis://{host}:{port}/{env.get('REDIS_DB') or 1}"
    prefix = env.get("LOCK_KEY_PREFIX", "")
    if not prefix.isalnum():
        raise PreflightError(f"LOCK_KEY_PREFIX must be letters and digits only, not {prefix!r}")
    client = redis.Redis(
        host=host,
        port=port,
        db=int(env.get("REDIS_DB") or 1),
        password=env.get("REDIS_PASSWORD") or None,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=CONNECT_TIMEOUT_S,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise PreflightError(
            f"Cannot reach the lock store (Redis) at {where}: {exc}. Check REDIS_HOST, REDIS_PORT and REDIS_PASSWORD."
        ) from exc
    finally:
        client.close()
    return where


def main() -> int:
    env = os.environ
    try:
        print(f"tracker store reachable: {check_tracker_db(env)}")
        print(f"lock store reachable: {check_lock_store(env)}")
    except PreflightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
