"""A fake Slack Web API on loopback: records what the bot posts, answers like Slack.

Serves POST /api/<method> (chat.postMessage, chat.update), JSON or form bodies,
and checks the bearer token as Slack does (invalid_auth otherwise)."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional
from urllib.parse import parse_qs

KNOWN_METHODS = {"chat.postMessage", "chat.update"}


@dataclass
class SlackCall:
    method: str
    args: dict
    token: str = ""
    ts: str = ""  # the message's timestamp, Slack's id for it

    @property
    def channel(self) -> str:
        return self.args.get("channel", "")

    @property
    def text(self) -> str:
        return self.args.get("text", "") or ""

    @property
    def blocks(self) -> list:
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    def buttons(self) -> list[dict]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    def readable(self) -> str:
        """The message as a person reads it in Slack (the blocks if any, else the text),
        with mrkdwn bold and escapes undone."""
        sections = [b["text"]["text"] for b in self.blocks if b.get("type") == "section"]
        sections += [e["text"] for b in self.blocks if b.get("type") == "context" for e in b.get("elements", [])]
        shown = "\n".join(sections) if sections else self.text
        return re.sub(r"\*([^*\n]+)\*", r"\1", html.unescape(shown))


@dataclass
class FakeSlack:
    token: str
    calls: list[SlackCall] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: Optional[ThreadingHTTPServer] = None
    _next_ts: int = 1

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> "FakeSlack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                method = self.path.rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
                self._reply(fake.record(method, args, token))

            def _reply(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def record(self, method: str, args: dict, token: str) -> dict:
        if token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        if method not in KNOWN_METHODS:
            return {"ok": False, "error": "unknown_method"}
        with self._lock:
            ts = args.get("ts") or f"{int(time.time())}.{self._next_ts:06d}"
            self._next_ts += 1
            self.calls.append(SlackCall(method, args, token, ts))
            self._lock.notify_all()
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"text": args.get("text")}}

    def posts(self, channel: str, method: str = "chat.postMessage") -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.channel == channel and c.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    def wait_for_post(self, channel: str, count: int = 1, timeout: float = 60) -> list[SlackCall]:
        """The first `count` messages posted to `channel` (fails the test if they don't come)."""
        if not self.wait_for(lambda: len(self.posts(channel)) >= count, timeout):
            raise AssertionError(f"no {count} posts to {channel} within {timeout} s; got {self.posts(channel)}")
        return self.posts(channel)
