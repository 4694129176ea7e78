"""Rasa's Slack channel, configured from the environment, with the fixes it needs.

credentials.yml names this class (`channels.slack.SlackInput`). Secrets come only
from the environment (`.env` via python-dotenv, loaded by bot.settings):

    SLACK_BOT_TOKEN        xoxb-... bot token
    SLACK_SIGNING_SECRET   the app's signing secret
    SLACK_API_URL          optional; another Slack Web API base URL (tests use a fake on loopback)

Without a token and a signing secret the webhook answers 503, so the assistant
starts without Slack. Compared with Rasa's SlackInput this class
- checks the signature (and its 5-minute window) before anything else, as Rasa does;
- accepts content types with parameters ("application/json; charset=utf-8"), which Rasa silently drops;
- drops a redelivered event by its event_id whatever X-Slack-Retry-Reason says
  (Rasa only drops http_timeout retries, so other retries produced duplicate replies);
  the event ids are kept in Redis (REDIS_HOST, with a TTL) when it is configured, so a
  retry that reaches another replica is dropped too; in process memory otherwise;
- answers url_verification with {"challenge": ...};
- sends markdown as Slack mrkdwn and buttons as Block Kit (more than 5 buttons too),
  and after a click replaces the buttons with the choice, so old buttons can't be clicked twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Text

import redis.asyncio as aioredis
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.shared.exceptions import InvalidConfigException
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import SOURCES_HEADING, split_sources
from bot.settings import RedisSettings, get_settings
from channels.guard import run_turn, text_problem

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
# Slack's Block Kit limits.
SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
BUTTONS_PER_ACTIONS_BLOCK = 25
# Slack redelivers an event up to 3 times within about 5 minutes.
EVENT_ID_TTL_SECONDS = 3600


# --- formatting -------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")


def to_mrkdwn(text: Text) -> Text:
    """The bot's simple markdown (**bold**, [label](http...)) as Slack mrkdwn.
    &, < and > are escaped first, as Slack requires, so text can't form Slack markup."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _BOLD.sub(r"*\1*", escaped)
    return _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1).replace('|', '/')}>", escaped)


def _plain(text: Text) -> Text:
    """Fallback text for notifications: markdown markers removed."""
    text = _BOLD.sub(r"\1", text)
    return _LINK.sub(r"\1 (\2)", text)


def _sections(mrkdwn: Text) -> List[Dict[Text, Any]]:
    """Section blocks, split at line ends to respect Slack's 3000-character limit."""
    chunks: List[Text] = []
    current = ""
    for line in mrkdwn.split("\n"):
        while len(line) > SECTION_TEXT_LIMIT:
            chunks.append(line[:SECTION_TEXT_LIMIT])
            line = line[SECTION_TEXT_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_TEXT_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks]


CONTEXT_TEXT_LIMIT = 2000


def text_blocks(text: Text) -> List[Dict[Text, Any]]:
    """The answer as section blocks, and its footnotes (bot.answers.split_sources) as a small context block."""
    answer, sources = split_sources(text)
    blocks = _sections(to_mrkdwn(answer)) if answer.strip() else []
    if sources and sources.strip():
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": to_mrkdwn(f"{SOURCES_HEADING} {sources.strip()}")[:CONTEXT_TEXT_LIMIT]}
                ],
            }
        )
    return blocks


def button_blocks(text: Text, buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Block Kit for a message with buttons: the text, then the buttons (value = Rasa payload)."""
    elements = [
        {
            "type": "button",
            "action_id": f"choice-{n}",
            "text": {"type": "plain_text", "text": str(b["title"])[:BUTTON_TEXT_LIMIT], "emoji": True},
            "value": str(b["payload"]),
        }
        for n, b in enumerate(buttons)
    ]
    blocks = text_blocks(text) if text.strip() else []
    for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]})
    return blocks


# --- output -----------------------------------------------------------------


class SlackOutput(SlackBot):
    """Posts to the Slack Web API at a configurable base URL."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Text = DEFAULT_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, proxy=proxy, base_url=api_url)
        self.sent = 0  # messages posted for this turn (the turn guard reads it)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        # as_user is for classic apps only; a bot token posts as the bot anyway.
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        self.sent += 1
        try:
            await super()._post_message(channel, **kwargs)
        except SlackApiError as exc:
            logger.error(f"Slack refused a message to {channel}: {exc.response.get('error')}")

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # One Slack message per bot message: paragraphs stay together; footnotes in a context block.
        text = text.strip()
        answer, sources = split_sources(text)
        if sources is not None:
            await self._post_message(self.slack_channel or recipient_id, text=_plain(answer), blocks=text_blocks(text))
            return
        await self._post_message(self.slack_channel or recipient_id, text=to_mrkdwn(text), mrkdwn=True)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._post_message(
            self.slack_channel or recipient_id,
            text=_plain(text.strip()) or "Choose an option",
            blocks=button_blocks(text.strip(), buttons),
        )


# --- input ------------------------------------------------------------------


class SeenIds(Protocol):
    async def seen_before(self, key: str) -> bool:
        """True if `key` was seen recently; otherwise remembers it and returns False."""


class RecentIds:
    """Ids seen in the last `ttl` seconds, bounded in size, in this process only."""

    def __init__(self, ttl: float = EVENT_ID_TTL_SECONDS, max_size: int = 10_000) -> None:
        self.ttl, self.max_size = ttl, max_size
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    async def seen_before(self, key: str) -> bool:
        """True if `key` was seen recently; otherwise remembers it and returns False."""
        now = time.monotonic()
        while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.max_size):
            self._seen.popitem(last=False)
        if key in self._seen:
            return True
        self._seen[key] = now
        return False


class RedisRecentIds:
    """Ids seen in the last `ttl` seconds, in Redis: shared by every replica.
    SET NX EX is atomic, so of two replicas receiving the same id only one sees it first."""

    def __init__(self, settings: RedisSettings, ttl: int = EVENT_ID_TTL_SECONDS) -> None:
        self.ttl = ttl
        self.prefix = f"{settings.key_prefix}:slack-event:"
        self.client = aioredis.Redis(
            host=settings.host, port=settings.port, db=settings.db, password=settings.password, socket_timeout=5
        )

    async def seen_before(self, key: str) -> bool:
        try:
            first = await self.client.set(self.prefix + key, "1", nx=True, ex=self.ttl)
        except RedisError as exc:
            # Better a possible duplicate reply than a lost message.
            logger.error(f"Redis unavailable for Slack event dedup ({exc}); handling event {key}")
            return False
        return not first


def recent_event_ids() -> SeenIds:
    redis_settings = get_settings().redis
    return RedisRecentIds(redis_settings) if redis_settings else RecentIds()


def _media_type(request: Request) -> Text:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


class SlackInput(RasaSlackInput):
    """Slack Events API and interactivity at /webhooks/slack/webhook."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SlackInput":
        credentials = credentials or {}
        secrets_in_file = {"slack_token", "slack_signing_secret"} & set(credentials)
        if secrets_in_file:
            raise InvalidConfigException(
                f"credentials.yml must not hold {', '.join(sorted(secrets_in_file))}: "
                "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment (.env) instead."
            )
        settings = get_settings()
        return cls(
            slack_token=settings.slack_bot_token,
            slack_channel=credentials.get("slack_channel"),
            proxy=credentials.get("proxy"),
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            use_threads=bool(credentials.get("use_threads", False)),
            slack_signing_secret=settings.slack_signing_secret,
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
            api_url=settings.slack_api_url or DEFAULT_API_URL,
        )

    def __init__(self, *args: Any, api_url: Text = DEFAULT_API_URL, **kwargs: Any) -> None:
        self.api_url = api_url
        self.recent_events = recent_event_ids()
        super().__init__(*args, **kwargs)

    @property
    def configured(self) -> bool:
        return bool(self.slack_token and self.slack_signing_secret)

    def _validate_credentials(self) -> None:
        # Rasa raises here; we start without Slack and say so instead.
        if not self.configured:
            logger.warning(
                "Slack is not configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET unset): "
                "/webhooks/slack/webhook answers 503."
            )

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        media_type = _media_type(request)
        if media_type == "application/json":
            return self._event_metadata(request.json or {})
        if media_type == "application/x-www-form-urlencoded":
            return self._interaction_metadata(json.loads(request.form.get("payload") or "{}"))
        return {}

    @staticmethod
    def _event_metadata(body: Dict[Text, Any]) -> Dict[Text, Any]:
        event = body.get("event") or {}
        users = list(body.get("authed_users") or [])
        if not users and body.get("authorizations"):
            users.append(body["authorizations"][0].get("user_id"))
        return {
            "out_channel": event.get("channel"),
            "thread_id": event.get("thread_ts", event.get("ts")),
            "users": users,
        }

    @staticmethod
    def _interaction_metadata(payload: Dict[Text, Any]) -> Dict[Text, Any]:
        message = payload.get("message") or {}
        user_id = (payload.get("user") or {}).get("id")
        return {
            "out_channel": (payload.get("channel") or {}).get("id"),
            "thread_id": message.get("thread_ts", message.get("ts")),
            "users": [user_id] if user_id else [],
        }

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.text(
                    "Slack is not configured on this assistant.", status=HTTPStatus.SERVICE_UNAVAILABLE
                )
            # First of all: the signature and its 5-minute window (replays).
            if not self.is_request_from_slack_authentic(request):
                return response.text("Invalid or expired Slack signature.", status=HTTPStatus.UNAUTHORIZED)
            media_type = _media_type(request)
            try:
                if media_type == "application/json":
                    return await self._handle_event(request, on_new_message)
                if media_type == "application/x-www-form-urlencoded":
                    return await self._handle_interaction(request, on_new_message)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                logger.warning(f"Malformed Slack request: {exc!r}")
                return response.text("Malformed Slack request.", status=HTTPStatus.BAD_REQUEST)
            return response.text("Unsupported content type.", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return slack_webhook

    async def _handle_event(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("event body is not an object")
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge", "")})
        event_id = body.get("event_id")
        if event_id and await self.recent_events.seen_before(str(event_id)):
            logger.info(
                f"Dropping redelivered Slack event {event_id} "
                f"(retry #{request.headers.get(self.retry_num_header)}, "
                f"{request.headers.get(self.retry_reason_header)})"
            )
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        if not self._is_user_message(body):
            return response.text("Not a user message: ignored.")
        metadata = self._event_metadata(body)
        if not self._is_supported_channel(body, metadata):
            return response.text("Channel not supported.")
        sender_id = body["event"].get("user", "")
        text = self._sanitize_user_message(body["event"].get("text", ""), metadata["users"])
        self._dispatch(on_new_message, text, sender_id, metadata, getattr(request.app.ctx, "agent", None))
        return response.text("")

    async def _handle_interaction(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        payload = json.loads(request.form.get("payload") or "{}")
        if not isinstance(payload, dict) or not self._is_interactive_message(payload):
            # Other interaction types (shortcuts, views): acknowledge, nothing to say.
            return response.text("")
        action = payload["actions"][0]
        value = self._get_interactive_response(action)
        if value is None:  # a link button: Slack opens the link itself
            return response.text("")
        metadata = self._interaction_metadata(payload)
        sender_id = payload["user"]["id"]
        if action.get("type") == "button":
            self._run_in_background(self._show_choice(payload, action))
        self._dispatch(on_new_message, value, sender_id, metadata, getattr(request.app.ctx, "agent", None))
        return response.text("")

    async def _show_choice(self, payload: Dict[Text, Any], action: Dict[Text, Any]) -> None:
        """Replace the clicked message's buttons with the choice, so they can't be clicked again."""
        channel = (payload.get("channel") or {}).get("id")
        message = payload.get("message") or {}
        if not channel or not message.get("ts"):
            return
        chosen = ((action.get("text") or {}).get("text")) or action.get("value", "")
        blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"You chose: *{to_mrkdwn(chosen)}*"}]}
        )
        client = AsyncWebClient(self.slack_token, proxy=self.proxy, base_url=self.api_url)
        try:
            await client.chat_update(
                channel=channel, ts=message["ts"], text=message.get("text") or chosen, blocks=blocks
            )
        except SlackApiError as exc:
            logger.warning(f"Could not update the clicked Slack message: {exc.response.get('error')}")

    def _dispatch(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Text,
        metadata: Dict[Text, Any],
        agent: Any,
    ) -> None:
        """Hand the message to Rasa in the background: Slack wants an answer within
        3 seconds. As on the other channels, an empty or overlong text gets a
        polite reply, and a turn that fails silently gets "temporarily unavailable"."""
        thread_id = metadata.get("thread_id") if self.use_threads else None
        conversation_id = self._get_conversation_id(sender_id, metadata.get("out_channel"), metadata.get("thread_id"))
        output = self.get_output_channel(metadata.get("out_channel"), thread_id)
        problem = text_problem(text)
        if problem:
            self._run_in_background(output.send_text_message(conversation_id, problem))
            return
        message = UserMessage(text, output, conversation_id, input_channel=self.name(), metadata=metadata)
        self._run_in_background(run_turn(on_new_message, message, lambda: output.sent, agent))

    def _run_in_background(self, coroutine: Awaitable[Any]) -> None:
        # Keep a reference so the task isn't garbage-collected before it ends.
        task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
