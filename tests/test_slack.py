"""Slack, offline: signed Events API and interactivity requests go to the running
assistant; its replies go to the fake Slack Web API (tests/fake_slack.py)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests
import yaml

from bot.settings import PROJECT_ROOT
from tests.servers import TEST_SLACK_SIGNING_SECRET, TEST_SLACK_TOKEN

BOT_USER = "UBOT0001"
QUIET_SECONDS = 3  # how long "no reply" is watched for after the control reply came


def sign(body: bytes, content_type: str, timestamp: int | None = None, secret: str = TEST_SLACK_SIGNING_SECRET) -> dict:
    """Headers as Slack sends them: v0 HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def new_ids() -> tuple[str, str]:
    """A fresh user and direct-message channel, so tests don't share a conversation."""
    suffix = uuid.uuid4().hex[:10].upper()
    return f"U{suffix}", f"D{suffix}"


def event(text: str, user: str, channel: str, event_id: str | None = None, kind: str = "message") -> dict:
    now = time.time()
    message = {
        "type": kind,
        "user": user,
        "text": text,
        "ts": f"{now:.6f}",
        "channel": channel,
        "event_ts": f"{now:.6f}",
    }
    if kind == "message":
        message["channel_type"] = "im"
    return {
        "token": "unused",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": int(now),
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
        "event": message,
    }


class SlackClient:
    """Sends what Slack would send to the assistant's webhook."""

    def __init__(self, rasa_url: str):
        self.url = f"{rasa_url}/webhooks/slack/webhook"

    def send_event(self, body: dict, headers: dict | None = None, **sign_args) -> requests.Response:
        raw = json.dumps(body).encode()
        all_headers = sign(raw, "application/json", **sign_args)
        all_headers.update(headers or {})
        return requests.post(self.url, data=raw, headers=all_headers, timeout=15)

    def click(self, user: str, channel: str, message, button: dict) -> requests.Response:
        """A Block Kit button click (block_actions interactive payload) on a posted message."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "tester", "team_id": "T0001"},
            "team": {"id": "T0001"},
            "channel": {"id": channel, "name": "directmessage"},
            "container": {"type": "message", "message_ts": message.ts, "channel_id": channel},
            "message": {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks},
            "trigger_id": f"{uuid.uuid4().int % 10**12}.1.abc",
            "response_url": "http://127.0.0.1:9/unused",
            "actions": [{**button, "block_id": "b1", "action_ts": f"{time.time():.6f}"}],
        }
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        return requests.post(self.url, data=raw, headers=sign(raw, "application/x-www-form-urlencoded"), timeout=15)


@pytest.fixture(scope="module")
def slack(assistant) -> SlackClient:
    return SlackClient(assistant.rasa_url)


@pytest.fixture(scope="module")
def iso_overview(sqlite_store) -> str:
    facts = sqlite_store.facts(topic="overview", framework_key="iso9001")
    assert facts, "the store has no ISO 9001 overview"
    return facts[0].text


@pytest.fixture(scope="module")
def cmmi_overview(sqlite_store) -> str:
    facts = sqlite_store.facts(topic="overview", framework_key="cmmi")
    assert facts, "the store has no CMMI overview"
    return facts[0].text


def outcome_titles() -> list[str]:
    rows = yaml.safe_load((PROJECT_ROOT / "content" / "outcomes.yml").read_text())
    return [row["title"] for row in rows]


def test_a_question_in_a_direct_message_is_answered_in_that_channel(slack, fake_slack, iso_overview):
    user, channel = new_ids()
    resp = slack.send_event(event("what is ISO 9001?", user, channel))
    assert resp.status_code == 200
    posts = fake_slack.wait_for_post(channel)
    assert iso_overview in posts[0].readable()
    assert posts[0].token == TEST_SLACK_TOKEN


def test_a_mention_in_a_channel_is_answered_without_the_mention(slack, fake_slack, iso_overview):
    user, _ = new_ids()
    channel = f"C{uuid.uuid4().hex[:10].upper()}"
    resp = slack.send_event(event(f"<@{BOT_USER}> what is ISO 9001?", user, channel, kind="app_mention"))
    assert resp.status_code == 200
    assert iso_overview in fake_slack.wait_for_post(channel)[0].readable()


def test_a_content_type_with_charset_is_not_ignored(slack, fake_slack, iso_overview):
    user, channel = new_ids()
    raw = json.dumps(event("what is ISO 9001?", user, channel)).encode()
    resp = requests.post(slack.url, data=raw, headers=sign(raw, "application/json; charset=utf-8"), timeout=15)
    assert resp.status_code == 200
    assert iso_overview in fake_slack.wait_for_post(channel)[0].readable()


def test_url_verification_challenge_is_answered(slack):
    challenge = uuid.uuid4().hex
    resp = slack.send_event({"token": "unused", "challenge": challenge, "type": "url_verification"})
    assert resp.status_code == 200
    assert resp.json() == {"challenge": challenge}


def test_url_verification_without_a_valid_signature_is_refused(slack):
    body = json.dumps({"token": "unused", "challenge": "abc", "type": "url_verification"}).encode()
    headers = sign(body, "application/json", secret="not-the-secret")
    resp = requests.post(slack.url, data=body, headers=headers, timeout=15)
    assert resp.status_code == 401
    assert "abc" not in resp.text


@pytest.mark.parametrize(
    "forgery",
    ["wrong secret", "timestamp 6 minutes old", "body changed after signing", "no signature"],
)
def test_an_unauthentic_request_is_rejected_and_gets_no_reply(slack, fake_slack, forgery, iso_overview, cmmi_overview):
    user, channel = new_ids()
    raw = json.dumps(event("what is ISO 9001?", user, channel)).encode()
    if forgery == "wrong secret":
        headers = sign(raw, "application/json", secret="guessed-secret")
    elif forgery == "timestamp 6 minutes old":
        headers = sign(raw, "application/json", timestamp=int(time.time()) - 360)
    elif forgery == "body changed after signing":
        headers = sign(raw, "application/json")
        raw = raw.replace(b"what is ISO 9001?", b"what is CMMI?   ")
    else:
        headers = {"Content-Type": "application/json"}
    resp = requests.post(slack.url, data=raw, headers=headers, timeout=15)
    assert resp.status_code == 401

    # A genuine message in the same conversation is answered; the forged one never is.
    assert slack.send_event(event("what is CMMI?", user, channel)).status_code == 200
    fake_slack.wait_for_post(channel)
    time.sleep(QUIET_SECONDS)
    posts = fake_slack.posts(channel)
    assert len(posts) == 1, [p.readable() for p in posts]
    assert cmmi_overview in posts[0].readable()
    assert iso_overview not in posts[0].readable()


@pytest.mark.parametrize("reason", ["http_timeout", "http_error", "connection_failed"])
def test_a_slack_retry_produces_no_duplicate_reply(slack, fake_slack, reason, iso_overview, cmmi_overview):
    user, channel = new_ids()
    original = event("what is ISO 9001?", user, channel)
    assert slack.send_event(original).status_code == 200
    fake_slack.wait_for_post(channel)

    for attempt in (1, 2):
        resp = slack.send_event(original, headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason})
        assert resp.status_code == 200
        assert resp.headers.get("X-Slack-No-Retry") == "1"

    assert slack.send_event(event("what is CMMI?", user, channel)).status_code == 200
    fake_slack.wait_for(lambda: any(cmmi_overview in p.readable() for p in fake_slack.posts(channel)))
    time.sleep(QUIET_SECONDS)
    answers = [p for p in fake_slack.posts(channel) if iso_overview in p.readable()]
    assert len(answers) == 1, [p.readable() for p in fake_slack.posts(channel)]


def test_a_retry_of_an_event_that_never_arrived_is_answered(slack, fake_slack, iso_overview):
    """The first delivery was lost (e.g. the bot was restarting): the retry is the only copy."""
    user, channel = new_ids()
    resp = slack.send_event(
        event("what is ISO 9001?", user, channel),
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert resp.status_code == 200
    assert iso_overview in fake_slack.wait_for_post(channel)[0].readable()


def test_buttons_are_posted_as_block_kit(fake_slack):
    """The Slack output channel: text as mrkdwn, every button (more than Slack's old
    limit of 5) with its Rasa payload as value."""
    from channels.slack import SlackOutput

    _, channel = new_ids()
    buttons = [{"title": f"Option {n}", "payload": f'/choose{{"n": {n}}}'} for n in range(7)]
    output = SlackOutput(TEST_SLACK_TOKEN, api_url=fake_slack.url)
    asyncio.run(
        output.send_text_with_buttons(
            channel, "Which **one** fits? See [the guide](https://example.org/a?b=1&c=2)", buttons
        )
    )

    post = fake_slack.wait_for_post(channel, timeout=10)[0]
    section = post.blocks[0]
    assert section["type"] == "section"
    assert section["text"] == {
        "type": "mrkdwn",
        "text": "Which *one* fits? See <https://example.org/a?b=1&amp;c=2|the guide>",
    }
    assert [(b["text"]["text"], b["value"]) for b in post.buttons()] == [(b["title"], b["payload"]) for b in buttons]
    assert "Which one fits?" in post.text  # the notification fallback, without markup


def test_sources_go_in_a_context_block_under_the_answer(fake_slack):
    """An answer's footnotes are small: a context block, not part of the answer's section."""
    from channels.slack import SlackOutput

    _, channel = new_ids()
    output = SlackOutput(TEST_SLACK_TOKEN, api_url=fake_slack.url)
    answer = "No: there is no CMMI certificate. [1]\nSources:\n[1] CMMI vs ISO 9001 (consultancy article, 24 Sep 2023)"
    asyncio.run(output.send_text_message(channel, answer))

    post = fake_slack.wait_for_post(channel, timeout=10)[0]
    assert [b["type"] for b in post.blocks] == ["section", "context"]
    assert post.blocks[0]["text"]["text"] == "No: there is no CMMI certificate. [1]"
    assert post.blocks[1]["elements"][0]["text"] == "Sources: [1] CMMI vs ISO 9001 (consultancy article, 24 Sep 2023)"
    assert post.text == "No: there is no CMMI certificate. [1]"


def test_bot_text_cannot_form_slack_markup(fake_slack):
    """Text is escaped before it goes to Slack: no @channel pings or disguised links."""
    from channels.slack import SlackOutput

    _, channel = new_ids()
    output = SlackOutput(TEST_SLACK_TOKEN, api_url=fake_slack.url)
    asyncio.run(output.send_text_message(channel, "Costs <!channel> vary & <https://evil.example|click>\n\n**Note**"))

    post = fake_slack.wait_for_post(channel, timeout=10)[0]
    assert post.text == "Costs &lt;!channel&gt; vary &amp; &lt;https://evil.example|click&gt;\n\n*Note*"


def test_full_recommendation_via_interactive_payloads(slack, fake_slack):
    """Say hi, then click the first button offered each time until the result comes.
    Needs the guided recommendation (branch rec)."""
    titles = outcome_titles()
    user, channel = new_ids()
    assert slack.send_event(event("hi", user, channel)).status_code == 200
    fake_slack.wait_for_post(channel)

    def result_posted() -> bool:
        return any(p.readable().lstrip().startswith(tuple(titles)) for p in fake_slack.posts(channel))

    for _click in range(15):
        if fake_slack.wait_for(result_posted, timeout=3):
            break
        with_buttons = [p for p in fake_slack.posts(channel) if p.buttons()]
        assert with_buttons, "no message with buttons: " + " | ".join(p.readable() for p in fake_slack.posts(channel))
        message = with_buttons[-1]
        seen = len(fake_slack.posts(channel))
        assert slack.click(user, channel, message, message.buttons()[0]).status_code == 200
        assert fake_slack.wait_for(lambda seen=seen: len(fake_slack.posts(channel)) > seen, timeout=60), (
            "no reply to a click"
        )
        # The clicked message's buttons are replaced by the choice, so it can't be clicked twice.
        assert fake_slack.wait_for(
            lambda message=message: any(u.ts == message.ts for u in fake_slack.posts(channel, "chat.update")), 10
        )
        update = [u for u in fake_slack.posts(channel, "chat.update") if u.ts == message.ts][-1]
        assert not update.buttons()
    assert result_posted(), "no recommendation after 15 clicks: " + " | ".join(
        p.readable() for p in fake_slack.posts(channel)
    )


def test_manifest_points_slack_at_the_webhook_the_channel_serves():
    manifest = yaml.safe_load((PROJECT_ROOT / "slack" / "manifest.yml").read_text())
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/webhooks/slack/webhook")
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith("/webhooks/slack/webhook")
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert {"chat:write", "app_mentions:read", "im:history"} <= set(manifest["oauth_config"]["scopes"]["bot"])


def test_without_slack_secrets_the_channel_loads_unconfigured(monkeypatch):
    """./run start works with no Slack configured: the channel loads and reports it."""
    from channels.slack import SlackInput

    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    channel = SlackInput.from_credentials({"conversation_granularity": "sender"})
    assert not channel.configured


def test_secrets_in_credentials_yml_are_refused():
    from rasa.shared.exceptions import InvalidConfigException

    from channels.slack import SlackInput

    with pytest.raises(InvalidConfigException, match="SLACK_SIGNING_SECRET"):
        SlackInput.from_credentials({"slack_token": "xoxb-1", "slack_signing_secret": "s"})


def test_an_overlong_message_gets_a_polite_reply(slack, fake_slack):
    from channels.guard import MAX_MESSAGE_CHARS, too_long_reply

    user, channel = new_ids()
    text = "why " * (MAX_MESSAGE_CHARS // 4 + 10)
    assert slack.send_event(event(text, user, channel)).status_code == 200
    assert fake_slack.wait_for_post(channel)[0].readable() == too_long_reply(len(text.strip()))


def test_a_turn_that_fails_tells_the_slack_user_instead_of_going_silent(fake_slack):
    """What the user sees when Rasa fails on their message (e.g. the action server is down)."""
    from channels.guard import UNAVAILABLE_REPLY
    from channels.slack import SlackInput

    channel_input = SlackInput(
        slack_token=TEST_SLACK_TOKEN, slack_signing_secret=TEST_SLACK_SIGNING_SECRET, api_url=fake_slack.url
    )
    user, channel = new_ids()

    async def failing_rasa(message):
        raise RuntimeError("the action server is unreachable")

    async def dispatch_and_wait():
        channel_input._dispatch(failing_rasa, "what is CMMI?", user, {"out_channel": channel, "users": []}, None)
        await asyncio.gather(*channel_input._background_tasks)

    asyncio.run(dispatch_and_wait())
    assert fake_slack.wait_for_post(channel, timeout=10)[0].readable() == UNAVAILABLE_REPLY
