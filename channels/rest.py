"""The REST channel (POST /webhooks/rest/webhook), guarded against bad input.

Same URL and reply format as Rasa's RestInput. Differences: invalid JSON,
a wrong shape, a missing sender or an oversized body get a 4xx with a clear
message (Rasa's would answer 500 for some); an empty or overlong message gets
a polite reply without reaching the assistant; a failed turn says so.

The webhook takes any sender, so whoever can call it can act in any conversation.
With REST_WEBHOOK_TOKEN set it answers only requests with
"Authorization: Bearer <token>" (401 otherwise), for server-to-server use; in
production (PRODUCTION=1) without a token it is off (404)."""

from __future__ import annotations

import hmac
import json
from typing import Any, Awaitable, Callable, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings, get_settings
from channels.guard import MAX_BODY_BYTES, run_turn, sender_problem, text_problem


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


REST_OFF = "The REST webhook is off on this server."
REST_TOKEN_NEEDED = 'The REST webhook needs "Authorization: Bearer <REST_WEBHOOK_TOKEN>".'


def access_refusal(settings: Settings, authorization: Optional[str]) -> Optional[Tuple[int, str]]:
    """(status, error) when this request may not use the webhook, else None."""
    token = settings.rest_webhook_token
    if token is None:
        return (404, REST_OFF) if settings.production else None
    if not hmac.compare_digest((authorization or "").encode(), f"Bearer {token}".encode()):
        return 401, REST_TOKEN_NEEDED
    return None


class GuardedRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)
        settings = get_settings()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = access_refusal(settings, request.headers.get("authorization"))
            if refused:
                return _error(*refused)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return _error(
                    413, f"The request is too large ({len(body):,} bytes); the limit is {MAX_BODY_BYTES:,} bytes."
                )
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return _error(400, 'The body must be JSON like {"sender": "your-id", "message": "your question"}.')
            if not isinstance(payload, dict):
                return _error(
                    400, 'The body must be a JSON object like {"sender": "your-id", "message": "your question"}.'
                )
            sender = payload.get("sender")
            problem = sender_problem(sender)
            if problem:
                return _error(400, problem)
            sender = str(sender)
            text = payload.get("message")
            if text is None:
                text = ""
            if not isinstance(text, str):
                return _error(400, '"message" must be a string.')
            metadata = payload.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _error(400, '"metadata" must be a JSON object.')

            reply = text_problem(text)
            if reply:
                return response.json([{"recipient_id": sender, "text": reply}])
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            await run_turn(on_new_message, message, lambda: len(collector.messages), request.app.ctx.agent)
            return response.json(collector.messages)

        return webhook
