"""The production chat page through nginx in headless Chromium, and socket.io over
websocket (directly and through nginx), with long-polling as the fallback."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from tests.production import texts, wait_until
from tests.test_widget import ANSWER_TIMEOUT_MS, CHROMIUM_ARGS, ask, bot_messages, overview
from tests.widget_client import WidgetClient
from web.__main__ import STATIC_DIR

NGINX_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def shown(text: str) -> str:
    """A bot text as the widget shows it: **bold** and [label](url) rendered."""
    text = re.sub(r"\*\*([^*\n]+?)\*\*", r"\1", text)
    return re.sub(r"\[([^\]\n]+)\]\(([^)\s]+)\)", r"\1", text)


def test_nginx_serves_the_same_page_files_with_a_strict_policy(prod):
    page = requests.get(f"{prod.proxy}/", timeout=30)
    assert page.status_code == 200
    assert page.content == (STATIC_DIR / "index.html").read_bytes()
    assert "{{" not in page.text
    assert page.headers["Content-Security-Policy"] == NGINX_CSP
    config = requests.get(f"{prod.proxy}/config.json", timeout=30)
    assert config.status_code == 200 and config.json() == {"rasaUrl": ""}  # "": this page's own origin
    assert (
        requests.get(f"{prod.proxy}/widget/chat-widget.js", timeout=30).headers["Content-Security-Policy"] == NGINX_CSP
    )


def test_the_production_page_answers_a_question_and_a_button_in_chromium(prod, sqlite_store):
    # What the assistant says to "hi" and to its "Help me choose" button, over REST for comparison.
    reference = f"page-ref-{uuid.uuid4().hex}"
    greeting = prod.send(prod.replica(0), reference, "hi")
    help_me_choose = next(b for r in greeting for b in r.get("buttons", []) if b["title"] == "Help me choose")
    expected = prod.send(prod.replica(0), reference, help_me_choose["payload"])
    assert expected

    access_log = prod.stack.run_dir / "nginx-access.log"
    log_size = access_log.stat().st_size
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            response = page.goto(f"http://localhost:{prod.stack.proxy_port}/")
            assert response.status == 200
            assert response.headers["content-security-policy"] == NGINX_CSP

            ask(page, "what is ISO 9001?")
            expect(bot_messages(page).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(
                1, timeout=ANSWER_TIMEOUT_MS
            )
            expect(page.get_by_role("status").filter(has_text="can't be reached")).to_have_count(0)

            ask(page, "hi")
            button = page.get_by_role("button", name="Help me choose")
            expect(button).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
            before = bot_messages(page).count()
            button.click()
            expect(bot_messages(page)).to_have_count(before + len(expected), timeout=ANSWER_TIMEOUT_MS)
            answer = bot_messages(page).nth(before)
            expect(answer.locator(".cw-text").first).to_have_text(shown(expected[0]["text"]))
            titles = [b["title"] for b in expected[0].get("buttons", [])]
            assert answer.locator(".cw-reply").all_inner_texts() == titles
            assert not [m for m in console if "Content Security Policy" in m], console
        finally:
            browser.close()

    # The browser's socket.io went over websocket through nginx (101 Switching Protocols;
    # nginx logs it when the socket closes).
    def upgraded() -> bool:
        new_lines = access_log.read_bytes()[log_size:].decode(errors="replace").splitlines()
        return any("transport=websocket" in line and '" 101 ' in line for line in new_lines)

    assert wait_until(upgraded, timeout=30), access_log.read_text()[-2000:]


@pytest.mark.parametrize("target", ["replica", "nginx"])
def test_socketio_works_over_websocket(prod, target, sqlite_store):
    base = prod.replica(0) if target == "replica" else prod.proxy
    client = WidgetClient(base, prod.origin, transports=("websocket",))
    try:
        assert client.transport == "websocket"
        assert overview(sqlite_store, "iso9001") in texts(client.say("what is ISO 9001?"))
    finally:
        client.close()
    assert prod.user_texts(client.session_id) == ["what is ISO 9001?"]


@pytest.mark.parametrize("target", ["replica", "nginx"])
def test_socketio_upgrades_from_polling_to_websocket(prod, target, sqlite_store):
    base = prod.replica(0) if target == "replica" else prod.proxy
    handshake = requests.get(
        f"{base}/socket.io/", params={"EIO": "4", "transport": "polling"}, headers={"Origin": prod.origin}, timeout=30
    )
    assert json.loads(handshake.text[1:])["upgrades"] == ["websocket"]
    client = WidgetClient(base, prod.origin, transports=("polling", "websocket"))
    try:
        assert overview(sqlite_store, "cmmi") in texts(client.say("what is CMMI?"))
        assert client.transport == "websocket"
    finally:
        client.close()
