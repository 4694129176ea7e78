"""Serve the chat page and its widget: python -m web --port 8080 --rasa-url http://localhost:5005

Static files only, all from web/static (nothing from a CDN), the same files
nginx serves. The widget reads Rasa's URL from /config.json: here it names the
Rasa server (which has another origin than this page); the static config.json
that nginx serves says "same origin". Every response carries a
Content-Security-Policy that allows scripts and styles from this server only and
connections to this server and Rasa only."""

from __future__ import annotations

import argparse
import functools
import json
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import get_settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
WIDGET_CONFIG_PATH = "/config.json"


def content_security_policy(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    origin = f"{parts.scheme}://{parts.netloc}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {origin} {ws_scheme}://{parts.netloc}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class PageHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, rasa_url: str, **kwargs):
        self.rasa_url = rasa_url
        super().__init__(*args, directory=str(STATIC_DIR), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path.split("?", 1)[0] == WIDGET_CONFIG_PATH:
            self._send_widget_config()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802 - http.server API
        if self.path.split("?", 1)[0] == WIDGET_CONFIG_PATH:
            self._send_widget_config(head_only=True)
        else:
            super().do_HEAD()

    def _send_widget_config(self, head_only: bool = False) -> None:
        body = json.dumps({"rasaUrl": self.rasa_url}).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def list_directory(self, path):  # no directory listings
        self.send_error(HTTPStatus.NOT_FOUND)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the chat page.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--rasa-url",
        default=get_settings().rasa_public_url,
        help="the Rasa server as the browser reaches it (default $RASA_PUBLIC_URL or http://localhost:$RASA_PORT)",
    )
    args = parser.parse_args()
    handler = functools.partial(PageHandler, rasa_url=args.rasa_url.rstrip("/"))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    print(f"serving {STATIC_DIR} on http://{args.host}:{args.port} (widget talks to {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
