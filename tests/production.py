"""The production stack for tests: PostgreSQL tracker store (a schema of its
own), Redis lock store (a key prefix of its own), action server, two Rasa
replicas and nginx, all on free ports, started once per session and stopped
afterwards. Services the machine already runs (PostgreSQL, Redis) must be up:
these tests fail, never skip, without them."""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Optional

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import PROJECT_ROOT
from bot.store import get_engine
from bot.store.loader import load_content
from deploy.preflight import PreflightError
from deploy.stack import Stack, StackError
from tests.servers import MODEL_PATH, TEST_SLACK_SIGNING_SECRET, TEST_SLACK_TOKEN, free_port
from tests.smtp_server import MailCatcher

CONTENT_DIR = PROJECT_ROOT / "content"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class ProdStack:
    stack: Stack
    schema: str
    lock_prefix: str
    token: str
    origin: str
    mail: MailCatcher
    rest_token: str

    @property
    def rest_headers(self) -> dict:
        """What a server-to-server caller of the REST webhook sends (it is off for everyone else)."""
        return {"Authorization": f"Bearer {self.rest_token}"}

    @property
    def proxy(self) -> str:
        return self.stack.proxy_url

    def replica(self, index: int) -> str:
        return self.stack.replica_url(index)

    def send(self, base: str, sender: str, message: str, timeout: float = 120) -> list[dict]:
        resp = requests.post(
            f"{base}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            headers=self.rest_headers,
            timeout=timeout,
        )
        assert resp.status_code == 200, f"{resp.status_code}: {resp.text[:300]}"
        return resp.json()

    def query(self, sql: str, **params) -> list:
        """Rows of a query on the stack's PostgreSQL schema (tracker store and knowledge store)."""
        engine = create_engine(POSTGRES_URL, future=True)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'SET search_path TO "{self.schema}"'))
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()

    def events(self, sender: str) -> list[dict]:
        """The conversation as stored in the tracker store (PostgreSQL)."""
        engine = create_engine(POSTGRES_URL, future=True)
        try:
            with engine.connect() as conn:
                conn.execute(text(f'SET search_path TO "{self.schema}"'))
                rows = conn.execute(
                    text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
                ).all()
        finally:
            engine.dispose()
        return [json.loads(row.data) for row in rows]

    def user_texts(self, sender: str) -> list[str]:
        return [e.get("text") for e in self.events(sender) if e["event"] == "user"]

    def tracker(self, replica: int, sender: str) -> dict:
        """The tracker as a (restarted) replica loads it, over the token-protected API."""
        resp = requests.get(
            f"{self.replica(replica)}/conversations/{sender}/tracker", params={"token": self.token}, timeout=60
        )
        resp.raise_for_status()
        return resp.json()

    def ensure_running(self) -> None:
        """Restart whatever a previous test stopped or killed."""
        stack = self.stack
        if stack.actions is None or stack.actions.poll() is not None:
            stack.start_actions()
        for index, proc in enumerate(stack.replicas):
            if proc is None or proc.poll() is not None:
                stack.start_replica(index)


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def wait_until(predicate, timeout: float = 30, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def tracker_db_env(schema: str) -> dict:
    url = make_url(POSTGRES_URL)
    return {
        "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432),
        "TRACKER_DB_NAME": url.database or "postgres",
        "TRACKER_DB_USER": url.username or "postgres",
        "TRACKER_DB_PASSWORD": url.password or "",
        "POSTGRESQL_SCHEMA": schema,
    }


def knowledge_db_url(schema: str) -> str:
    """The knowledge store and consultant requests: the shared PostgreSQL, in the test's schema."""
    engine = create_engine(POSTGRES_URL, future=True)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


def stack_env(
    run_dir,
    schema: str,
    lock_prefix: str,
    token: Optional[str] = None,
    rest_token: Optional[str] = None,
    slack_api_url: Optional[str] = None,
) -> dict:
    proxy_port = free_port()
    knowledge = f"sqlite:///{run_dir / 'knowledge.db'}"
    load_content(get_engine(knowledge), CONTENT_DIR)
    env = {
        **tracker_db_env(schema),
        "LOCK_KEY_PREFIX": lock_prefix,
        "ACTION_PORT": str(free_port()),
        "RASA_PORTS": f"{free_port()},{free_port()}",
        "PROXY_PORT": str(proxy_port),
        "PROD_RUN_DIR": str(run_dir),
        "DATABASE_URL": knowledge,
        "WIDGET_ORIGIN": f"http://localhost:{proxy_port}",
    }
    if token:
        env["RASA_AUTH_TOKEN"] = token
    if rest_token:
        env["REST_WEBHOOK_TOKEN"] = rest_token
    if slack_api_url:
        env.update(
            SLACK_BOT_TOKEN=TEST_SLACK_TOKEN,
            SLACK_SIGNING_SECRET=TEST_SLACK_SIGNING_SECRET,
            SLACK_API_URL=slack_api_url,
        )
    return env


@pytest.fixture(scope="session")
def prod_session(tmp_path_factory, fake_slack):
    """The stack with Slack configured (posting to fake_slack) and the REST webhook token-protected."""
    assert MODEL_PATH.exists(), f"no trained model at {MODEL_PATH}: run ./run train first"
    run_id = uuid.uuid4().hex[:12]
    schema, lock_prefix, token = f"t_{run_id}", f"t{run_id}", secrets.token_urlsafe(24)
    rest_token = secrets.token_urlsafe(24)
    run_dir = tmp_path_factory.mktemp("prod")
    env = stack_env(run_dir, schema, lock_prefix, token, rest_token, fake_slack.url)
    # As in production: knowledge and consultant requests in the shared PostgreSQL, not a file.
    env["DATABASE_URL"] = knowledge_db_url(schema)
    engine = get_engine(env["DATABASE_URL"])
    load_content(engine, CONTENT_DIR)
    engine.dispose()
    mail = MailCatcher().start()  # the consultancy's mail server, for the leads
    env.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(mail.port),
        SMTP_STARTTLS="false",
        LEADS_EMAIL_TO="leads@consultancy.example",
    )
    stack = Stack(env, model=MODEL_PATH)
    try:
        try:
            stack.start()
        except (PreflightError, StackError) as exc:
            pytest.fail(f"the production stack did not start: {exc}")
        yield ProdStack(stack, schema, lock_prefix, token, stack.env["WIDGET_ORIGIN"], mail, rest_token)
    finally:
        stack.stop()
        mail.stop()
        _drop_test_data(schema, lock_prefix, stack.env)


def _drop_test_data(schema: str, lock_prefix: str, env: dict) -> None:
    import redis

    engine = create_engine(POSTGRES_URL, future=True)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()
    client = redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), db=int(env["REDIS_DB"]))
    for key in client.scan_iter(f"{lock_prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def prod(prod_session) -> ProdStack:
    """The running stack, with anything a previous test stopped started again."""
    prod_session.ensure_running()
    return prod_session
