"""Leads reach the consultancy: each consultant request is emailed over SMTP to
a local server started here (aiosmtpd); a request made while the mail server
is down stays stored and is sent later; `./run leads` lists, exports and
resends them; old ones are deleted. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import uuid

import pytest

import actions.recommendation as rec_actions
from bot import contact
from bot.settings import PROJECT_ROOT
from bot.store import session_scope
from bot.store.models import ConsultantRequest
from tests.servers import base_env, free_port
from tests.smtp_server import MailCatcher
from tests.test_recommendation_actions import MANUFACTURER_40_STAFF as ANSWERS
from tests.test_recommendation_actions import run, tracker

LEADS_TO = "leads@consultancy.example"


@pytest.fixture
def mail_server():
    server = MailCatcher().start()
    yield server
    server.stop()


def smtp_env(port: int) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "false",
        "SMTP_FROM": "assistant@consultancy.example",
        "LEADS_EMAIL_TO": LEADS_TO,
    }


@pytest.fixture
def use_store(monkeypatch, store):
    monkeypatch.setattr(rec_actions, "default_store", lambda: store)
    return store


def submit(monkeypatch, smtp_port: int, name: str, email: str) -> tuple[str, str]:
    for key, value in smtp_env(smtp_port).items():
        monkeypatch.setenv(key, value)
    sender = f"lead-{uuid.uuid4().hex}"
    slots = {**ANSWERS, "contact_name": name, "contact_email": email}
    messages, _ = run(
        rec_actions.ActionSubmitConsultantRequest(),
        tracker("inform_recommendation", email, slots=slots, loop=None, sender=sender),
    )
    return sender, messages[0]["text"]


def unique_email() -> str:
    return f"jane-{uuid.uuid4().hex[:8]}@example.com"


def test_a_new_request_is_emailed_to_the_consultancy(monkeypatch, use_store, mail_server):
    email = unique_email()
    sender, reply = submit(monkeypatch, mail_server.port, "Jane Smith", email)
    assert reply.startswith("Thank you, Jane Smith. I've stored your request")
    [mail] = mail_server.mails_to(email)
    [stored] = contact.requests_for(use_store.engine, sender)
    assert mail["To"] == LEADS_TO and mail["From"] == "assistant@consultancy.example"
    assert mail["Subject"] == f"Consultant request #{stored.id}: Jane Smith"
    body = mail.get_content().replace("\r\n", "\n")
    assert "Name: Jane Smith\n" in body and f"Email: {email}\n" in body
    assert f"Recommendation: {stored.recommendation}\n" in body
    assert stored.recommendation.startswith("ISO 9001 only (industry: Manufacturing; ")  # content/outcomes.yml
    assert f"conversation {sender}" in body
    assert stored.sent_at is not None


def test_a_request_made_while_the_mail_server_is_down_is_kept_and_sent_with_the_next(
    monkeypatch, use_store, mail_server
):
    first = unique_email()
    sender, reply = submit(monkeypatch, free_port(), "Ann Down", first)  # nothing listens there
    assert reply.startswith("Thank you, Ann Down. I've stored your request")
    [stored] = contact.requests_for(use_store.engine, sender)
    assert stored.email == first and stored.sent_at is None

    second = unique_email()
    submit(monkeypatch, mail_server.port, "Bob Up", second)
    assert len(mail_server.mails_to(first)) == 1 and len(mail_server.mails_to(second)) == 1
    [stored] = contact.requests_for(use_store.engine, sender)
    assert stored.sent_at is not None


def leads_command(store, *args: str, **env: str) -> subprocess.CompletedProcess:
    url = store.engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "bot.leads", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=base_env(DATABASE_URL=url, **env),
    )


def test_leads_command_resends_lists_exports_and_deletes_expired_requests(store, mail_server):
    email, old_email = unique_email(), unique_email()
    sender = f"lead-{uuid.uuid4().hex}"
    request_id = contact.save_request(store.engine, sender, "Carla Late", email, "CMMI (appraisal)")
    old_id = contact.save_request(store.engine, sender, "Old Lead", old_email, "ISO 9001 only")
    with session_scope(store.engine) as session:
        session.get(ConsultantRequest, old_id).created_at = dt.datetime.utcnow() - dt.timedelta(days=31)

    down = leads_command(store, "--resend", **smtp_env(free_port()), LEADS_RETENTION_DAYS="30")
    assert down.returncode == 1 and "not sent" in down.stderr
    assert mail_server.mails_to(email) == []
    assert "deleted 1 request(s) older than 30 days" in down.stderr
    assert [r.id for r in contact.requests_for(store.engine, sender)] == [request_id]

    listing = leads_command(store, LEADS_RETENTION_DAYS="30")
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if line.startswith(f"#{request_id} "))
    assert f"Carla Late <{email}>  CMMI (appraisal)  [NOT SENT]" in line

    resent = leads_command(store, "--resend", **smtp_env(mail_server.port), LEADS_RETENTION_DAYS="30")
    assert resent.returncode == 0, resent.stderr
    [mail] = mail_server.mails_to(email)
    assert mail["Subject"] == f"Consultant request #{request_id}: Carla Late"

    exported = leads_command(store, "--csv", "-", LEADS_RETENTION_DAYS="30")
    assert exported.returncode == 0, exported.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    assert str(old_id) not in rows
    row = rows[str(request_id)]
    assert (row["name"], row["email"], row["recommendation"], row["conversation_id"]) == (
        "Carla Late",
        email,
        "CMMI (appraisal)",
        sender,
    )
    assert row["sent_at"]


def test_a_store_created_before_leads_were_mailed_gets_the_sent_column(tmp_path):
    from sqlalchemy import create_engine, inspect, text

    from bot.store import get_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url, future=True)
    with old.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE consultant_requests (id INTEGER PRIMARY KEY, conversation_id VARCHAR(200) "
                "NOT NULL, name VARCHAR(200) NOT NULL, email VARCHAR(320) NOT NULL, "
                "recommendation TEXT NOT NULL, created_at DATETIME NOT NULL)"
            )
        )
    old.dispose()
    engine = get_engine(url)
    assert "sent_at" in {c["name"] for c in inspect(engine).get_columns("consultant_requests")}
    contact.save_request(engine, "c-1", "Old Store", "old@example.com", "ISO 9001 only")
    assert contact.requests_for(engine, "c-1")[0].sent_at is None
