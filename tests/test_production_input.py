"""Bad input over REST and socket.io, directly against a Rasa replica and
through nginx: a polite reply or a 4xx, never a 5xx, a crash or a lost
conversation; oversized input is refused with a clear message."""

from __future__ import annotations

import uuid

import pytest
import requests

from channels.guard import EMPTY_REPLY, MAX_MESSAGE_CHARS
from tests.expected import assert_answers
from tests.production import texts
from tests.widget_client import WidgetClient

HOSTILE_BUT_VALID = [
    "ما هو ISO 9001؟",  # right-to-left
    "what is ISO 9001? 🤔🏭✅",
    "<script>alert('x')</script> what is CMMI?",
    "<b>what</b> is <i>ISO 9001</i>?",
    "'; DROP TABLE events; --",
    "1 OR 1=1; SELECT * FROM events WHERE sender_id LIKE '%'",
    "zero\u200bwidth and \u202etext reversed",
    "what is ISO 9001?\x00",
]


@pytest.fixture(params=["replica", "nginx"])
def base(request, prod):
    return prod.replica(0) if request.param == "replica" else prod.proxy


def post_raw(prod, base: str, data: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(
        f"{base}/webhooks/rest/webhook",
        data=data,
        headers={"Content-Type": content_type, **prod.rest_headers},
        timeout=120,
    )


def test_rest_bad_input_gets_a_polite_reply_or_a_4xx_and_the_conversation_goes_on(prod, base):
    sender = f"bad-rest-{uuid.uuid4().hex}"
    assert_answers(texts(prod.send(base, sender, "what is ISO 9001?")), "what_is", "iso9001")

    for blank in ["", "   ", "\n\t  "]:
        assert texts(prod.send(base, sender, blank)) == EMPTY_REPLY

    long_reply = texts(prod.send(base, sender, "a" * 10_000))
    assert "too long" in long_reply and "10,000 characters" in long_reply
    assert f"{MAX_MESSAGE_CHARS:,}" in long_reply

    for text in HOSTILE_BUT_VALID:
        replies = prod.send(base, sender, text)
        assert replies and all(r.get("text") for r in replies), f"no reply to {text!r}"
        assert "<script>" not in texts(replies)

    # Malformed requests: clear 4xx errors, in JSON.
    cases = [
        (b"{not json", "must be JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"message": "hi"}', '"sender" is required'),
        (b'{"sender": "' + b"s" * 300 + b'", "message": "hi"}', "at most"),
        (b'{"sender": "x", "message": 42}', '"message" must be a string'),
        (b'{"sender": "x", "message": "hi", "metadata": [1]}', '"metadata"'),
        (b"\xff\xfe\x00garbage", "must be JSON"),
    ]
    for body, expected in cases:
        resp = post_raw(prod, base, body)
        assert resp.status_code == 400, (body[:40], resp.status_code, resp.text[:200])
        assert expected in resp.json()["error"]

    big = b'{"sender": "' + sender.encode() + b'", "message": "' + b"x" * 1_000_000 + b'"}'
    resp = post_raw(prod, base, big)
    assert resp.status_code == 413
    assert "too large" in resp.json()["error"]

    # The same conversation continues, with everything that reached the assistant stored in order.
    assert_answers(texts(prod.send(base, sender, "what is ISO 9001?")), "what_is", "iso9001")
    assert prod.user_texts(sender) == ["what is ISO 9001?", *HOSTILE_BUT_VALID, "what is ISO 9001?"]
    assert all(p.poll() is None for p in prod.stack.processes()), "a server died"


def test_socketio_bad_input_gets_a_polite_reply_and_the_conversation_goes_on(prod, base):
    client = WidgetClient(base, prod.origin)
    try:
        assert_answers(texts(client.say("what is ISO 9001?")), "what_is", "iso9001")
        for blank in ["", "   "]:
            assert texts(client.say(blank)) == EMPTY_REPLY
        assert "10,000 characters" in texts(client.say("a" * 10_000))
        for text in HOSTILE_BUT_VALID:
            replies = client.say(text)
            assert replies and all(r.get("text") for r in replies), f"no reply to {text!r}"
        for bad_event in ["just a string", ["a", "list"], {"message": 42, "session_id": client.session_id}]:
            client.emit(bad_event)
            assert "could not read that message" in texts(client.collect())
        assert_answers(texts(client.say("what is ISO 9001?")), "what_is", "iso9001")
    finally:
        client.close()
    assert prod.user_texts(client.session_id) == ["what is ISO 9001?", *HOSTILE_BUT_VALID, "what is ISO 9001?"]


def test_socketio_oversized_frame_is_refused_and_the_session_can_continue(prod, base):
    client = WidgetClient(base, prod.origin)
    session_id = client.session_id
    try:
        assert_answers(texts(client.say("what is ISO 9001?")), "what_is", "iso9001")
        try:
            client.emit({"message": "x" * 1_000_000, "session_id": session_id})
        except Exception:  # noqa: BLE001 - the server may drop the connection: that is the refusal
            pass
        assert client.collect(timeout=10) == [], "a 1 MB message must not be processed"
    finally:
        client.close()
    again = WidgetClient(base, prod.origin, session_id=session_id)
    try:
        assert_answers(texts(again.say("what is ISO 9001?")), "what_is", "iso9001")
    finally:
        again.close()
    assert prod.user_texts(session_id) == ["what is ISO 9001?", "what is ISO 9001?"]
    assert all(p.poll() is None for p in prod.stack.processes()), "a server died"
