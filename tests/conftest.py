"""Shared fixtures: knowledge stores on SQLite and PostgreSQL.

PostgreSQL tests never skip: if the server is unreachable they fail, so CI
cannot pass without having run them."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.settings import PROJECT_ROOT
from bot.store import KnowledgeStore, get_engine
from bot.store.loader import load_content

CONTENT_DIR = PROJECT_ROOT / "content"
# The production stack fixtures (prod, prod_session), shared by tests/test_production_*.py.
pytest_plugins = ["tests.production"]

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# `slow`: needs a server (Rasa and the action server, nginx, Chromium, PostgreSQL,
# Redis, SMTP) or the trained model. `./run test -m "not slow"` runs the rest, with
# no servers, in under 2 minutes. Tests are marked here, by what they use:
# fixtures that start or need a server ...
SLOW_FIXTURES = {
    "assistant",
    "web_page",  # Rasa + action server (+ the web page)
    "prod_session",  # the production stack: PostgreSQL, Redis, 2 replicas, nginx
    "postgres_schema_url",  # PostgreSQL
    "mail_server",  # SMTP (tests/test_leads.py)
}
# ... markers that say so ...
SLOW_MARKERS = {"rasa_server", "postgres"}
# ... and whole modules.
SLOW_MODULES = {
    "test_nlu_heldout",  # evaluates the trained model
    "test_rasa_project",  # rasa data validate, rasa test core on the trained model
    "test_widget",  # Chromium, and the web page's own server
}
SLOW_MODULE_PREFIXES = ("test_production_",)  # the production stack, Redis


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rpartition(".")[2]
        params = getattr(item, "callspec", None)
        on_postgres = params is not None and params.params.get("loaded_engine") == "postgresql"
        if on_postgres:
            item.add_marker(pytest.mark.postgres)
        if (
            on_postgres
            or SLOW_FIXTURES.intersection(item.fixturenames)
            or SLOW_MARKERS.intersection(m.name for m in item.iter_markers())
            or module in SLOW_MODULES
            or module.startswith(SLOW_MODULE_PREFIXES)
        ):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def postgres_schema_url():
    """A throwaway schema in the test database, so parallel runs don't collide."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - any failure here must fail loudly
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required for these tests: {exc}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def loaded_engine(request, tmp_path_factory):
    """An engine with the repository's content loaded, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'knowledge.db'}"
    else:
        url = request.getfixturevalue("postgres_schema_url")
    engine = get_engine(url)
    load_content(engine, CONTENT_DIR)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def store(loaded_engine) -> KnowledgeStore:
    return KnowledgeStore(loaded_engine)


@pytest.fixture(scope="session")
def sqlite_store(tmp_path_factory) -> KnowledgeStore:
    """SQLite only, for tests that don't depend on the backend."""
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'knowledge.db'}")
    load_content(engine, CONTENT_DIR)
    return KnowledgeStore(engine)


@pytest.fixture(scope="session")
def fake_slack():
    """A fake Slack Web API on loopback that the assistant posts its Slack replies to."""
    from tests.fake_slack import FakeSlack
    from tests.servers import TEST_SLACK_TOKEN

    fake = FakeSlack(TEST_SLACK_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def web_port() -> int:
    from tests.servers import free_port

    return free_port()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, fake_slack, web_port):
    """The trained assistant (REST, socket.io for the web page on web_port, Slack
    posting to fake_slack), with its own SQLite knowledge store."""
    from tests.servers import TEST_SLACK_SIGNING_SECRET, TEST_SLACK_TOKEN, start_assistant

    workdir = tmp_path_factory.mktemp("assistant")
    url = f"sqlite:///{workdir / 'knowledge.db'}"
    load_content(get_engine(url), CONTENT_DIR)
    running = start_assistant(
        workdir / "logs",
        url,
        cors_origins=(f"http://127.0.0.1:{web_port}", f"http://localhost:{web_port}"),
        SLACK_BOT_TOKEN=TEST_SLACK_TOKEN,
        SLACK_SIGNING_SECRET=TEST_SLACK_SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
    )
    running.database_url = url  # tests may reload content into it (no retraining)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def web_page(assistant, web_port, tmp_path_factory):
    """The chat page served by python -m web, its widget talking to the assistant."""
    from tests.servers import start_web

    page = start_web(tmp_path_factory.mktemp("web"), web_port, assistant.rasa_url)
    yield page
    page.stop()
