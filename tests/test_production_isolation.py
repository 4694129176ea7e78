"""Privacy in the production stack: nobody acts in another person's conversation.

The REST webhook takes any sender, so it answers only the server-to-server token;
the widget's session ids are issued and signed by the server; Slack conversations
(keyed by Slack user ids, which other members can see) are reached only with a
valid Slack signature. Slack's redeliveries are dropped across replicas (Redis)."""

from __future__ import annotations

import time

import pytest
import redis
import requests

from channels.rest import REST_TOKEN_NEEDED
from tests.production import texts
from tests.test_answers import FACTS, QUESTIONS, answer_keys
from tests.test_slack import QUIET_SECONDS, SlackClient, event, new_ids
from tests.widget_client import WidgetClient


def iso_answer() -> str:
    """The first words of the answer to "what is ISO 9001?" (from the catalogue)."""
    return FACTS[answer_keys(QUESTIONS["what_is"], "iso9001")[0]]["text"]


@pytest.fixture(scope="module")
def iso_overview() -> str:
    return iso_answer()


@pytest.fixture(scope="module")
def cmmi_overview() -> str:
    return FACTS[answer_keys(QUESTIONS["what_is"], "cmmi")[0]]["text"]


def test_a_forged_sender_cannot_read_or_delete_another_conversation(prod, fake_slack, iso_overview, cmmi_overview):
    # Two people: one on Slack (conversation id = their Slack user id), one in the widget.
    slack_user, slack_channel = new_ids()
    assert SlackClient(prod.proxy).send_event(event("what is ISO 9001?", slack_user, slack_channel)).status_code == 200
    assert iso_overview in fake_slack.wait_for_post(slack_channel)[0].readable()
    victim = WidgetClient(prod.proxy, prod.origin)
    try:
        assert cmmi_overview in texts(victim.say("what is CMMI?"))
    finally:
        victim.close()
    victims = [slack_user, victim.session_id]
    stored_before = {v: prod.events(v) for v in victims}

    # REST naming them: refused without the server-to-server token, through nginx and on a replica.
    for base in (prod.proxy, prod.replica(0)):
        for sender in victims:
            for message in ("forget me", "why?"):
                for headers in ({}, {"Authorization": "Bearer guessed"}):
                    resp = requests.post(
                        f"{base}/webhooks/rest/webhook",
                        json={"sender": sender, "message": message},
                        headers=headers,
                        timeout=60,
                    )
                    assert resp.status_code == 401, (base, sender, resp.status_code, resp.text[:200])
                    assert resp.json() == {"error": REST_TOKEN_NEEDED}

    # Slack naming the Slack user without Slack's signature: refused.
    forged = SlackClient(prod.proxy)
    raw_event = event("forget me", slack_user, slack_channel)
    assert forged.send_event(raw_event, secret="guessed-signing-secret").status_code == 401

    # socket.io: asking for their session ids (or a forged signature) gets a new session of one's own,
    # and a message naming their session still goes to one's own.
    token, signature = victim.session_id.split(".")
    for asked in (slack_user, victim.session_id.replace(signature, "0" * len(signature)), f"{token}.forged"):
        attacker = WidgetClient(prod.proxy, prod.origin, session_id=asked)
        try:
            assert attacker.session_id not in (asked, *victims)
            attacker.emit({"message": "why?", "session_id": victim.session_id})
            reply = texts(attacker.collect())
            assert reply and cmmi_overview not in reply
            attacker.emit({"message": "forget me", "session_id": slack_user})
            assert attacker.collect()
        finally:
            attacker.close()
        # the attacker's "forget me" erased the attacker's own conversation, nobody else's
        assert prod.user_texts(attacker.session_id) == []

    time.sleep(QUIET_SECONDS)
    assert {v: prod.events(v) for v in victims} == stored_before, "a victim's conversation changed"
    assert len(fake_slack.posts(slack_channel)) == 1, "a forged request was answered in Slack"


def test_the_widget_keeps_its_issued_session_across_reconnects_and_replicas(prod, cmmi_overview):
    first = WidgetClient(prod.replica(0), prod.origin)
    try:
        assert cmmi_overview in texts(first.say("what is CMMI?"))
    finally:
        first.close()
    again = WidgetClient(prod.replica(1), prod.origin, session_id=first.session_id)
    try:
        assert again.session_id == first.session_id
        # the same conversation: "and for ISO 9001?" follows the CMMI question
        assert iso_answer() in texts(again.say("and for ISO 9001?"))
    finally:
        again.close()
    assert prod.user_texts(first.session_id) == ["what is CMMI?", "and for ISO 9001?"]


def test_a_slack_event_delivered_to_both_replicas_is_answered_once(prod, fake_slack, iso_overview):
    user, channel = new_ids()
    original = event("what is ISO 9001?", user, channel)
    first = SlackClient(prod.replica(0)).send_event(original)
    assert first.status_code == 200
    retry = SlackClient(prod.replica(1)).send_event(
        original, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status_code == 200
    assert retry.headers.get("X-Slack-No-Retry") == "1"

    assert iso_overview in fake_slack.wait_for_post(channel)[0].readable()
    time.sleep(QUIET_SECONDS)
    assert len(fake_slack.posts(channel)) == 1, [p.readable() for p in fake_slack.posts(channel)]
    assert prod.user_texts(user) == ["what is ISO 9001?"]

    env = prod.stack.env
    client = redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), db=int(env["REDIS_DB"]))
    try:
        ttl = client.ttl(f"{prod.lock_prefix}:slack-event:{original['event_id']}")
    finally:
        client.close()
    assert 0 < ttl <= 3600, ttl
