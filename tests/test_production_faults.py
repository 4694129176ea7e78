"""Faults: the action server killed mid-conversation, a replica killed, the
shared stores unreachable at start."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import requests

from bot.settings import PROJECT_ROOT
from channels.guard import UNAVAILABLE_REPLY
from tests.expected import assert_answers, response_text
from tests.production import stack_env, texts, tracker_db_env
from tests.servers import base_env, free_port
from tests.widget_client import WidgetClient


def test_action_server_down_gets_a_polite_reply_and_the_conversation_resumes(prod):
    sender = f"fault-actions-{uuid.uuid4().hex}"
    widget = WidgetClient(prod.proxy, prod.origin)
    try:
        assert_answers(texts(prod.send(prod.proxy, sender, "what is ISO 9001?")), "what_is", "iso9001")
        prod.stack.stop_actions(kill=True)

        assert texts(prod.send(prod.proxy, sender, "what is CMMI?")) == UNAVAILABLE_REPLY
        assert texts(widget.say("what is CMMI?")) == UNAVAILABLE_REPLY
        # Replies that need no action server still work meanwhile.
        assert texts(prod.send(prod.proxy, sender, "am I talking to a person?")).startswith(
            response_text("utter_i_am_a_bot")
        )

        prod.stack.start_actions()
        assert_answers(texts(prod.send(prod.proxy, sender, "what is CMMI?")), "what_is", "cmmi")
        assert_answers(texts(widget.say("what is CMMI?")), "what_is", "cmmi")
    finally:
        widget.close()
    assert prod.user_texts(sender) == [
        "what is ISO 9001?",
        "what is CMMI?",
        "am I talking to a person?",
        "what is CMMI?",
    ]


def _upstream(resp: requests.Response) -> str:
    return resp.headers["X-Upstream"].split(",")[-1].strip()


def test_killed_replica_the_other_continues_the_same_conversation(prod):
    sender = f"fault-replica-{uuid.uuid4().hex}"
    ports = {f"127.0.0.1:{p}": i for i, p in enumerate(prod.stack.rasa_ports)}
    first = requests.post(
        f"{prod.proxy}/webhooks/rest/webhook",
        json={"sender": sender, "message": "what is ISO 9001?"},
        headers=prod.rest_headers,
        timeout=120,
    )
    assert first.status_code == 200
    assert_answers(texts(first.json()), "what_is", "iso9001")
    # The widget's socket lives on the replica nginx hashes this client to.
    handshake = requests.get(f"{prod.proxy}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=30)
    socket_replica = ports[_upstream(handshake)]
    widget = WidgetClient(prod.proxy, prod.origin)
    try:
        assert_answers(texts(widget.say("what is ISO 9001?")), "what_is", "iso9001")

        prod.stack.stop_replica(socket_replica, kill=True)
        survivor = 1 - socket_replica

        for _ in range(3):  # whichever replica nginx would have picked, the survivor answers
            resp = requests.post(
                f"{prod.proxy}/webhooks/rest/webhook",
                json={"sender": sender, "message": "what is CMMI?"},
                headers=prod.rest_headers,
                timeout=120,
            )
            assert resp.status_code == 200, resp.text[:200]
            assert_answers(texts(resp.json()), "what_is", "cmmi")
            assert ports[_upstream(resp)] == survivor
        assert prod.tracker(survivor, sender)["slots"]["subject"] == "cmmi"
    finally:
        widget.close()
    # The widget reconnects (to the survivor) with its session id and goes on.
    again = WidgetClient(prod.proxy, prod.origin, session_id=widget.session_id)
    try:
        assert_answers(texts(again.say("what is CMMI?")), "what_is", "cmmi")
    finally:
        again.close()
    assert prod.user_texts(sender) == ["what is ISO 9001?"] + ["what is CMMI?"] * 3
    assert prod.user_texts(widget.session_id) == ["what is ISO 9001?", "what is CMMI?"]


def _start_stack_expecting_failure(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = base_env(**{**stack_env(tmp_path, "t_unused", "tunused"), **overrides})
    return subprocess.run(
        [sys.executable, "-m", "deploy.stack"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_postgresql_unreachable_at_start_is_a_clear_error_not_a_hang(tmp_path):
    dead_port = free_port()
    started = time.monotonic()
    result = _start_stack_expecting_failure(tmp_path, TRACKER_DB_PORT=str(dead_port))
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "Cannot reach the tracker store (PostgreSQL)" in result.stderr
    assert f"127.0.0.1:{dead_port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgresql_wrong_password_hides_the_password(tmp_path):
    db = tracker_db_env("t_unused")
    result = _start_stack_expecting_failure(
        tmp_path, TRACKER_DB_USER="nosuchuser", TRACKER_DB_PASSWORD="s3cr3t-pw", TRACKER_DB_HOST=db["TRACKER_DB_HOST"]
    )
    assert result.returncode == 1
    assert "Cannot reach the tracker store (PostgreSQL)" in result.stderr
    assert "s3cr3t-pw" not in result.stderr + result.stdout


def test_redis_unreachable_at_start_is_a_clear_error(tmp_path):
    result = _start_stack_expecting_failure(tmp_path, REDIS_PORT=str(free_port()))
    assert result.returncode == 1
    assert "Cannot reach the lock store (Redis)" in result.stderr
