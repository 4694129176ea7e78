"""The socket.io channel of the web widget, guarded against bad input.

Same events and session handling as Rasa's SocketIOInput, plus: a malformed
event gets a polite reply instead of an exception in the server log; an empty
or overlong message is answered without reaching the assistant; frames larger
than MAX_BODY_BYTES are refused by the socket.io server; connections from a page
of another origin than the widget's (WIDGET_ORIGIN, when set) are refused; a failed turn
says so instead of leaving the user waiting.

It also fixes Rasa 3.6's channel for this stack: python-socketio 5.10+ made
AsyncServer.enter_room a coroutine, which Rasa calls without awaiting (the client
never joins its session's room, so no bot reply reaches a persistent session); and
Sanic 21.12's websocket code calls asyncio.wait() with bare coroutines, which
Python 3.11 forbids (TypeError, so every websocket connection failed): that call
is wrapped so the coroutines become tasks, and socket.io works over websocket,
with long-polling as the fallback.

Session ids are issued by the server, never chosen by the client: a new id is
random and signed with SESSION_SECRET (HMAC-SHA256), and a session_request
keeps the id it presents only if the signature is valid (a reload, another
replica). Messages go to the session this socket was confirmed, whatever
session_id they carry, so nobody can write into or read another conversation
by naming it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import sanic.server.websockets.impl as sanic_websockets
from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.settings import get_settings
from channels.guard import MAX_BODY_BYTES, run_turn, text_problem

logger = logging.getLogger(__name__)

BAD_EVENT_REPLY = "Sorry, I could not read that message. Please type your question again."


class _AsyncioForSanicWebsockets:
    """asyncio, with a wait() that accepts bare coroutines as it did before Python 3.11."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait(awaitables: Any, **kwargs: Any) -> Any:
        return await asyncio.wait([asyncio.ensure_future(a) for a in awaitables], **kwargs)


sanic_websockets.asyncio = _AsyncioForSanicWebsockets()  # type: ignore[assignment]

SIGNATURE_CHARS = 32


class SessionIds:
    """Session ids of the form <random>.<HMAC of it>: issued here, checked on reuse."""

    def __init__(self, secret: Optional[str]) -> None:
        if not secret:
            logger.warning(
                "SESSION_SECRET is unset: session ids are signed with a per-process key "
                "(fine for one process; replicas must share SESSION_SECRET)"
            )
        self._key = (secret or secrets.token_hex(32)).encode()

    def _signature(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_CHARS]

    def issue(self) -> str:
        token = secrets.token_hex(16)
        return f"{token}.{self._signature(token)}"

    def is_issued(self, session_id: Any) -> bool:
        if not isinstance(session_id, str) or session_id.count(".") != 1:
            return False
        token, signature = session_id.split(".")
        return bool(token) and hmac.compare_digest(signature, self._signature(token))


def allowed_origins() -> list[str]:
    """WIDGET_ORIGIN: the origin(s) of the page that embeds the widget, comma-separated."""
    return list(get_settings().widget_origins)


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
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_BODY_BYTES)
        session_ids = SessionIds(get_settings().session_secret)
        session_of_socket: Dict[Text, Text] = {}
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
            # Browsers send Origin with every cross-origin request and websocket, but not with
            # a same-origin GET (the page served by nginx opens its socket with one): no Origin
            # is no other site's page.
            origin = (environ.get("HTTP_ORIGIN") or "").rstrip("/")
            if origins and origin and origin not in origins:
                logger.warning("refused a socket.io connection from origin %r", origin)
                return False
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text, _reason: Any = None) -> None:
            session_of_socket.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not session_ids.is_issued(session_id):
                session_id = session_ids.issue()
            old_session = session_of_socket.get(sid)
            if old_session and old_session != session_id:
                await sio.leave_room(sid, old_session, namespace=self.namespace)
            session_of_socket[sid] = session_id
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                await say(sid, BAD_EVENT_REPLY)
                return
            if self.session_persistence:
                # The session this socket was confirmed, never one the message names.
                sender_id = session_of_socket.get(sid)
                if sender_id is None:
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
