"""Question answering end to end over REST: trained model, action server, store."""
from __future__ import annotations

import shutil
import uuid

import yaml

from bot.store import get_engine
from bot.store.loader import load_content
from tests.conftest import CONTENT_DIR


def ask(assistant, sender: str, message: str) -> tuple[str, list[dict]]:
    replies = assistant.send(sender, message)
    text = "\n".join(r.get("text", "") for r in replies)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    return text, buttons


def new_sender() -> str:
    return f"qa-{uuid.uuid4().hex}"


def test_followup_keeps_the_framework_and_switches_it(assistant, sqlite_store):
    user = new_sender()
    text, _ = ask(assistant, user, "what is iso9k?")
    assert sqlite_store.facts(topic="overview", framework_key="iso9001")[0].text in text
    text, _ = ask(assistant, user, "how long does it take?")
    assert sqlite_store.fact("iso9001_timeline_article").text in text
    assert sqlite_store.fact("cmmi_timeline_article").text not in text
    text, _ = ask(assistant, user, "and for cmmi?")
    assert sqlite_store.fact("cmmi_timeline_article").text in text
    assert sqlite_store.fact("iso9001_timeline_article").text not in text


def test_question_without_framework_is_answered_side_by_side(assistant, sqlite_store):
    text, _ = ask(assistant, new_sender(), "how much does the whole thing cost?")
    assert "ISO 9001:" in text and "CMMI:" in text
    assert "Estimate:" in text and "Sources:" in text
    assert sqlite_store.cost_drivers("cmmi")[0].text in text


def test_out_of_date_article_statement_is_corrected_with_date(assistant):
    text, buttons = ask(assistant, new_sender(), "is cmmi v2.0 still the latest version?")
    assert "The article (24 September 2023) states: Current version: CMMI V2.0" in text
    assert "CMMI V3.0 was released on 6 April 2023" in text
    assert {"title": "And for ISO 9001?", "payload": '/ask_followup{"framework": "iso9001"}'} in buttons


def test_maturity_level_by_abbreviation(assistant, sqlite_store):
    text, _ = ask(assistant, new_sender(), "what does ml4 mean?")
    assert sqlite_store.maturity_level(4).description in text


def test_industry_fit_for_a_customer_type(assistant):
    text, _ = ask(assistant, new_sender(), "we sell to the DoD, do we need CMMI?")
    assert "Since 2005, DoD guidance no longer mandates a CMMI maturity level" in text


def test_unsupported_question_gets_an_honest_reply_with_topic_buttons(assistant):
    text, buttons = ask(assistant, new_sender(), "can I get CMMI certified as an individual?")
    assert "I don't have a sourced answer" in text
    assert any(b["payload"] == "/ask_comparison" for b in buttons)


def test_button_payload_asks_the_question(assistant):
    text, _ = ask(assistant, new_sender(), '/ask_what_is{"framework": "cmmi"}')
    assert text.startswith("CMMI (Capability Maturity Model Integration)")


def test_editing_content_and_reloading_changes_the_reply_without_retraining(assistant, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    facts = yaml.safe_load((content / "facts.yml").read_text(encoding="utf-8"))
    for fact in facts:
        if fact["key"] == "cmmi_timeline_article":
            fact["text"] = "The CMMI appraisal process takes 99 weeks (edited for a test)."
    (content / "facts.yml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    engine = get_engine(assistant.database_url)
    try:
        load_content(engine, content)
        text, _ = ask(assistant, new_sender(), "how long does a CMMI appraisal take?")
        assert "99 weeks (edited for a test)" in text
    finally:
        load_content(engine, CONTENT_DIR)
        engine.dispose()
