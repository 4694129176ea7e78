"""Rasa's socket.io channel, fixed for this stack (credentials.yml: channels.socketio.SocketIOInput).

Rasa 3.6's own SocketIOInput does not work here:
- python-socketio 5.10+ made AsyncServer.enter_room a coroutine, which Rasa calls
  without awaiting: the client never joins its session's room, so with
  session_persistence no bot reply ever reaches the browser;
- Sanic 21.12's websocket code calls asyncio.wait() with bare coroutines, which
  Python 3.11 forbids: every websocket upgrade fails ("Invalid frame header").
This channel awaits enter_room and serves socket.io over HTTP long-polling only
(the client falls back to it without trying the upgrade). Events, payloads and the
/socket.io path are Rasa's: session_request / session_confirm, user_uttered, bot_uttered.
"""
from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

logger = logging.getLogger(__name__)


class SocketIOInput(RasaSocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_allowed_origins=[]: CORS is left to Sanic (rasa run --cors), as in Rasa.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], transports=["polling"])
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not session_id.strip():
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                logger.warning("Ignoring a socket.io message that is not {message: text}.")
                return
            if self.session_persistence:
                if not isinstance(data.get("session_id"), str) or not data["session_id"]:
                    logger.warning("Ignoring a socket.io message without a session_id (send session_request first).")
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(
                data.get("message", ""),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        return blueprint
