"""A socket.io client that behaves like the web widget (events user_uttered /
bot_uttered, a persistent session id issued by the server), for the production tests."""

from __future__ import annotations

import queue
import threading
from typing import Any, Optional

import socketio


class WidgetClient:
    def __init__(
        self, base_url: str, origin: str, session_id: Optional[str] = None, transports: tuple[str, ...] = ("polling",)
    ):
        """session_id: the one to ask for (e.g. from an earlier connection); the
        server confirms it or issues another, which becomes self.session_id."""
        self.session_id: Optional[str] = None
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.confirmed = threading.Event()
        # websocket-client adds an Origin of its own (the server's): send only the page's.
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", self._confirm)
        self.sio.connect(base_url, headers={"Origin": origin}, transports=list(transports), wait_timeout=30)
        self.sio.emit("session_request", {"session_id": session_id})
        if not self.confirmed.wait(30):
            self.close()
            raise TimeoutError("no session_confirm from the socket.io server")

    def _confirm(self, session_id: str) -> None:
        self.session_id = session_id
        self.confirmed.set()

    @property
    def transport(self) -> str:
        return self.sio.transport()

    def emit(self, data: Any) -> None:
        self.sio.emit("user_uttered", data)

    def say(self, text: str, timeout: float = 90) -> list[dict]:
        self.emit({"message": text, "session_id": self.session_id})
        return self.collect(timeout)

    def collect(self, timeout: float = 90, quiet: float = 1.5) -> list[dict]:
        """The replies to one message: the first within timeout, then any that follow it closely."""
        try:
            out = [self.replies.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                out.append(self.replies.get(timeout=quiet))
            except queue.Empty:
                return out

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - closing a broken socket
            pass
