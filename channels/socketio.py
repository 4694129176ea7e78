"""The socket.io channel of the web widget, guarded against bad input.

Same events and session handling as Rasa's SocketIOInput, plus: a malformed
event gets a polite reply instead of an exception in the server log; an empty
or overlong message is answered without reaching the assistant; frames larger
than MAX_BODY_BYTES are refused by the socket.io server; connections are only
accepted from the widget's origin(s) when WIDGET_ORIGIN is set; a failed turn
says so instead of leaving the user waiting.

It also fixes Rasa 3.6's channel for this stack: python-socketio 5.10+ made
AsyncServer.enter_room a coroutine, which Rasa calls without awaiting (the client
never joins its session's room, so no bot reply reaches a persistent session); and
Sanic 21.12's websocket code calls asyncio.wait() with bare coroutines, which
Python 3.11 forbids, so socket.io is served over HTTP long-polling only (the
client falls back to it without trying the upgrade)."""
from __future__ import annotations

import json
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.guard import MAX_BODY_BYTES, run_turn, text_problem

logger = logging.getLogger(__name__)

BAD_EVENT_REPLY = "Sorry, I could not read that message. Please type your question again."


def allowed_origins() -> list[str]:
    """WIDGET_ORIGIN: the origin(s) of the page that embeds the widget, comma-separated."""
    return [o.strip().rstrip("/") for o in os.environ.get("WIDGET_ORIGIN", "").split(",") if o.strip()]


class _CountingOutput(SocketIOOutput):
    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


class GuardedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = allowed_origins()
        sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_BODY_BYTES, transports=["polling"]
        )
        webhook = SocketBlueprint(sio, self.socketio_path, "guarded_socketio_webhook", __name__)
        self.sio = sio
        app_ref: Dict[str, Any] = {}

        @webhook.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            app_ref["app"] = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def say(sid: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = (environ.get("HTTP_ORIGIN") or "").rstrip("/")
            if origins and origin not in origins:
                logger.warning("refused a socket.io connection from origin %r", origin)
                return False
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not session_id.strip() or len(session_id) > 128:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                await say(sid, BAD_EVENT_REPLY)
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not isinstance(sender_id, str) or not sender_id.strip() or len(sender_id) > 128:
                    await say(sid, BAD_EVENT_REPLY)
                    return
            else:
                sender_id = sid
            text = data.get("message")
            if text is None:
                text = ""
            if not isinstance(text, str):
                await say(sid, BAD_EVENT_REPLY)
                return
            reply = text_problem(text)
            if reply:
                await say(sid, reply)
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            output = _CountingOutput(sio, self.bot_message_evt)
            message = UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
            app = app_ref.get("app")
            agent = getattr(app.ctx, "agent", None) if app is not None else None
            await run_turn(on_new_message, message, lambda: output.sent, agent)

        return webhook
