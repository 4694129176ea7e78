"""The web chat widget in a real browser (Debian's headless Chromium via Playwright).

Against the running assistant: a question, a whole recommendation by clicking
buttons, history after a reload, phone width, keyboard, labels. Against a scripted
socket.io server standing in for Rasa: how bot text, links, buttons and the typing
indicator are rendered. Screenshots go to screenshots/ (ignored by git)."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
import yaml
from playwright.sync_api import Page, expect, sync_playwright

from bot.settings import PROJECT_ROOT
from tests.servers import free_port, start_web

SCREENSHOTS = PROJECT_ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str, viewport: dict = DESKTOP) -> Page:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    return page


@pytest.fixture
def chat(browser, web_page):
    page = open_page(browser, web_page.url)
    yield page
    page.context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def message_box(page: Page):
    return page.get_by_role("textbox", name="Your message")


def ask(page: Page, text: str) -> None:
    message_box(page).fill(text)
    message_box(page).press("Enter")


def bot_messages(page: Page):
    return page.locator(".cw-msg--bot")


def overview(store, framework: str) -> str:
    facts = store.facts(topic="overview", framework_key=framework)
    assert facts, f"the store has no {framework} overview"
    return facts[0].text


# --- against the running assistant --------------------------------------------


def test_a_question_is_answered_in_the_widget(chat, sqlite_store):
    ask(chat, "what is ISO 9001?")
    expect(chat.locator(".cw-msg--user").last).to_have_text(re.compile("what is ISO 9001\\?"))
    expect(bot_messages(chat).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(
        1, timeout=ANSWER_TIMEOUT_MS
    )
    screenshot(chat, "desktop-question-answered.png")


def test_history_survives_a_reload(chat, sqlite_store):
    ask(chat, "what is ISO 9001?")
    expect(bot_messages(chat).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(
        1, timeout=ANSWER_TIMEOUT_MS
    )
    before = chat.locator(".cw-msg").all_inner_texts()
    session = chat.evaluate("localStorage.getItem('cmmi-advisor:session')")
    assert session

    chat.reload()
    expect(chat.locator(".cw-msg")).to_have_count(len(before))
    assert chat.locator(".cw-msg").all_inner_texts() == before
    # The conversation goes on in the same session.
    ask(chat, "what is CMMI?")
    expect(bot_messages(chat).filter(has_text=overview(sqlite_store, "cmmi"))).to_have_count(
        1, timeout=ANSWER_TIMEOUT_MS
    )
    assert chat.evaluate("localStorage.getItem('cmmi-advisor:session')") == session
    screenshot(chat, "desktop-after-reload.png")


def test_complete_a_whole_recommendation_by_clicking_buttons(chat):
    """Say hi, then click the first button offered each time until the result comes.
    Needs the guided recommendation (branch rec)."""
    titles = [row["title"] for row in yaml.safe_load((PROJECT_ROOT / "content" / "outcomes.yml").read_text())]

    def result_shown() -> bool:
        return any(
            t.lstrip().startswith(tuple(titles)) for t in chat.locator(".cw-msg--bot .cw-text").all_inner_texts()
        )

    ask(chat, "hi")
    expect(bot_messages(chat)).not_to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    for _click in range(15):
        if result_shown():
            break
        enabled = chat.locator(".cw-reply:not([disabled])")
        expect(enabled.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        count = bot_messages(chat).count()
        enabled.first.click()
        expect(bot_messages(chat)).not_to_have_count(count, timeout=ANSWER_TIMEOUT_MS)
        chat.wait_for_timeout(500)  # the rest of a multi-part reply
    assert result_shown(), "no recommendation after 15 clicks: " + " | ".join(chat.locator(".cw-msg").all_inner_texts())
    screenshot(chat, "desktop-recommendation.png")


def test_it_works_at_phone_width(browser, web_page, sqlite_store):
    page = open_page(browser, web_page.url, PHONE)
    try:
        ask(page, "what is ISO 9001?")
        expect(bot_messages(page).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(
            1, timeout=ANSWER_TIMEOUT_MS
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
        for target in (
            page.locator(".cw-panel"),
            message_box(page),
            page.get_by_role("button", name="Send"),
            *bot_messages(page).all(),
        ):
            box = target.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (
                f"{target} is cut off: {box}"
            )
        send = page.get_by_role("button", name="Send").bounding_box()
        assert send["y"] + send["height"] <= PHONE["height"], "the send button is below the screen"
        screenshot(page, "phone-question-answered.png")
    finally:
        page.context.close()


def test_it_works_by_keyboard_alone(chat, sqlite_store):
    chat.keyboard.press("Tab")
    for _ in range(8):
        if chat.evaluate("document.activeElement.id") == "cw-input":
            break
        chat.keyboard.press("Tab")
    assert chat.evaluate("document.activeElement.id") == "cw-input", "the message box can't be reached by Tab"
    chat.keyboard.type("what is ISO 9001?")
    chat.keyboard.press("Enter")
    expect(bot_messages(chat).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(
        1, timeout=ANSWER_TIMEOUT_MS
    )

    chat.keyboard.press("Escape")  # closes the chat, focus back on the launcher
    launcher = chat.get_by_role("button", name="Chat with our advisor")
    expect(launcher).to_be_focused()
    chat.keyboard.press("Enter")  # reopens it, ready to type
    expect(message_box(chat)).to_be_focused()
    expect(bot_messages(chat).filter(has_text=overview(sqlite_store, "iso9001"))).to_have_count(1)


def test_controls_have_accessible_labels(chat):
    expect(chat.get_by_role("region", name="CMMI or ISO 9001 advisor")).to_be_visible()
    expect(chat.get_by_role("log", name="Conversation")).to_be_visible()
    expect(message_box(chat)).to_be_visible()
    expect(chat.get_by_role("button", name="Send")).to_be_visible()
    expect(chat.get_by_role("button", name="Close chat")).to_be_visible()
    expect(chat.get_by_role("button", name="New conversation")).to_be_visible()
    unnamed = chat.evaluate(
        """[...document.querySelectorAll('button, input, a')]
             .filter(e => !e.hidden && !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim()))
             .map(e => e.outerHTML)"""
    )
    assert unnamed == []


def test_the_development_server_serves_the_same_page_and_names_rasa_in_config_json(tmp_path):
    """One page for every server: the development server changes no byte of it; the
    widget learns Rasa's URL (another origin here) from /config.json."""
    import requests

    from web.__main__ import STATIC_DIR

    web = start_web(tmp_path, free_port(), "http://rasa.example:5005")
    try:
        page = requests.get(f"{web.url}/", timeout=10)
        assert page.content == (STATIC_DIR / "index.html").read_bytes()
        assert (
            "connect-src 'self' http://rasa.example:5005 ws://rasa.example:5005;"
            in page.headers["Content-Security-Policy"]
        )
        assert requests.get(f"{web.url}/config.json", timeout=10).json() == {"rasaUrl": "http://rasa.example:5005"}
    finally:
        web.stop()


# --- rendering, against a scripted socket.io server ------------------------------

HOSTILE_TEXT = (
    "**Bold claim** and a [guide](https://example.org/guide) and a [trap](javascript:window.__clicked=1)\n"
    '<img src=x onerror="window.__xss=1"> second line, see https://example.org/plain.'
)


class ScriptedRasa:
    """Speaks Rasa's socket.io protocol with canned replies, and records what it receives."""

    def __init__(self) -> None:
        import socketio
        from aiohttp import web

        self.port = free_port()
        self.received: list[dict] = []
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        self.app = web.Application()
        self.sio.attach(self.app)
        self.sio.on("session_request", self.session_request)
        self.sio.on("user_uttered", self.user_uttered)
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(self.app, shutdown_timeout=1.0)  # long-polls end at once
        self.web = web

    async def session_request(self, sid, data):
        session_id = (data or {}).get("session_id") or "scripted-session"
        await self.sio.enter_room(sid, session_id)
        await self.sio.emit("session_confirm", session_id, room=sid)

    async def user_uttered(self, sid, data):
        self.received.append(data)
        message = data.get("message", "")
        await asyncio.sleep(1.5)  # long enough to see the typing indicator
        if message == "markup":
            reply = {"text": HOSTILE_TEXT}
        elif message == "sources":
            reply = {"text": "About 2–6 months. [1]\nSources:\n[1] CMMI vs ISO 9001 (consultancy article, 24 Sep 2023)"}
        elif message == "buttons":
            reply = {
                "text": "Pick one",
                "quick_replies": [
                    {"content_type": "text", "title": "First", "payload": "/first"},
                    {"content_type": "text", "title": "Second", "payload": "/second"},
                ],
            }
        else:
            reply = {"text": f"got {message}"}
        await self.sio.emit("bot_uttered", reply, room=data.get("session_id"))

    def start(self) -> "ScriptedRasa":
        async def serve():
            await self.runner.setup()
            await self.web.TCPSite(self.runner, "127.0.0.1", self.port).start()

        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(serve())
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        assert ready.wait(10), "scripted socket.io server did not start"
        return self

    def stop(self) -> None:
        async def shutdown():
            await self.runner.cleanup()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:  # engine.io's pingers
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def scripted_page(tmp_path_factory):
    rasa = ScriptedRasa().start()
    web = start_web(tmp_path_factory.mktemp("scripted-web"), free_port(), f"http://127.0.0.1:{rasa.port}")
    yield web.url, rasa
    web.stop()
    rasa.stop()


@pytest.fixture
def scripted_chat(browser, scripted_page):
    url, rasa = scripted_page
    page = open_page(browser, url)
    yield page, rasa
    page.context.close()


def test_bot_text_is_rendered_as_text_with_simple_markdown(scripted_chat):
    page, _ = scripted_chat
    ask(page, "markup")
    reply = bot_messages(page).last.locator(".cw-text")
    expect(reply).to_contain_text("second line", timeout=10_000)

    expect(reply.locator("strong")).to_have_text("Bold claim")
    expect(reply.get_by_role("link", name="guide")).to_have_attribute("href", "https://example.org/guide")
    expect(reply.get_by_role("link", name="https://example.org/plain")).to_have_attribute(
        "href", "https://example.org/plain"
    )
    expect(reply.get_by_role("link", name="trap")).to_have_count(0)  # javascript: is no link
    expect(reply.locator("br")).to_have_count(1)
    expect(reply.locator("img")).to_have_count(0)
    expect(reply).to_contain_text('<img src=x onerror="window.__xss=1">')  # shown, not run
    reply.get_by_text("trap").click()
    assert page.evaluate("window.__xss === undefined && window.__clicked === undefined")
    screenshot(page, "desktop-markdown-rendering.png")


def test_sources_are_small_footnotes_in_the_answers_bubble(scripted_chat):
    page, _ = scripted_chat
    ask(page, "sources")
    bubble = bot_messages(page).last
    expect(bubble.locator(".cw-sources")).to_contain_text("[1] CMMI vs ISO 9001 (consultancy article", timeout=10_000)
    expect(bubble.locator(".cw-text")).to_have_count(1)  # one bubble: the answer and its footnotes
    size = bubble.locator(".cw-sources").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size < 14


def test_a_typing_indicator_shows_while_the_bot_answers(scripted_chat):
    page, _ = scripted_chat
    typing = page.get_by_role("status").filter(has_text="The advisor is typing")
    expect(typing).to_be_hidden()
    ask(page, "hello")
    expect(typing).to_be_visible()
    screenshot(page, "desktop-typing-indicator.png")
    expect(bot_messages(page).last).to_contain_text("got hello", timeout=10_000)
    expect(typing).to_be_hidden()


def test_buttons_can_be_chosen_by_keyboard_and_send_their_payload(scripted_chat):
    page, rasa = scripted_chat
    ask(page, "buttons")
    second = page.get_by_role("group", name="Suggested replies").get_by_role("button", name="Second")
    expect(second).to_be_enabled(timeout=10_000)
    screenshot(page, "desktop-buttons.png")
    message_box(page).focus()
    page.keyboard.press("Shift+Tab")
    expect(second).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".cw-msg--user").last).to_have_text(re.compile("Second"))
    expect(bot_messages(page).last).to_contain_text("got /second", timeout=10_000)
    assert rasa.received[-1]["message"] == "/second"
    # A choice is made once: the buttons are closed, and the keyboard user is back in the message box.
    expect(page.get_by_role("button", name="First")).to_be_disabled()
    expect(message_box(page)).to_be_focused()
