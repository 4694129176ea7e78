"""Question answering end to end over REST: trained model, action server, store.
Expected texts come from the content files (tests/test_answers.py reads them)."""

from __future__ import annotations

import shutil
import uuid

import yaml

from bot.store import get_engine
from bot.store.loader import load_content
from tests.conftest import CONTENT_DIR
from tests.expected import assert_answers, assert_not_out_of_scope
from tests.test_answers import FACTS, PREMISES, QUESTIONS, answer_keys


def ask(assistant, sender: str, message: str) -> tuple[str, list[dict]]:
    replies = assistant.send(sender, message)
    text = "\n".join(r.get("text", "") for r in replies)
    buttons = [b for r in replies for b in r.get("buttons", [])]
    return text, buttons


def new_sender() -> str:
    return f"qa-{uuid.uuid4().hex}"


def first(key: str, subject: str = "") -> str:
    return FACTS[answer_keys(QUESTIONS[key], subject)[0]]["text"]


def test_followup_keeps_the_framework_and_switches_it(assistant):
    user = new_sender()
    text, _ = ask(assistant, user, "what is iso9k?")
    assert text.startswith(first("what_is", "iso9001"))
    text, _ = ask(assistant, user, "how long does it take?")
    assert first("how_long", "iso9001") in text and first("how_long", "cmmi") not in text
    text, _ = ask(assistant, user, "and for cmmi?")
    assert first("how_long", "cmmi") in text and first("how_long", "iso9001") not in text


def test_question_without_framework_is_answered_side_by_side(assistant):
    text, _ = ask(assistant, new_sender(), "how much does the whole thing cost?")
    assert "ISO 9001: " in text and "CMMI: " in text
    assert first("cost", "iso9001") in text and first("cost", "cmmi") in text and "\nSources:\n" in text


def test_a_size_given_in_passing_picks_the_size_band(assistant):
    text, _ = ask(assistant, new_sender(), "we're about 45 people, how long would iso 9001 take us?")
    band = next(FACTS[k] for k in answer_keys(QUESTIONS["how_long"], "iso9001") if FACTS[k].get("min_staff") == 25)
    assert band["text"] in text


def test_out_of_date_article_statement_gives_what_is_current(assistant):
    text, _ = ask(assistant, new_sender(), "is cmmi v2.0 still the latest version?")
    assert text.startswith(first("current_version", "cmmi"))
    text, _ = ask(assistant, new_sender(), "we're implementing cmmi v2.0, the current version")  # a premise
    premise = next(p for p in PREMISES if p["key"] == "cmmi_v2_current")
    assert text.startswith(FACTS[premise["correction"][0]]["text"])


def test_a_false_premise_is_corrected_first(assistant):
    text, _ = ask(assistant, new_sender(), "how do we reach maturity level 7?")
    premise = next(p for p in PREMISES if p["key"] == "level_above_5")
    assert text.startswith(FACTS[premise["correction"][0]]["text"])


def test_two_questions_in_one_message_are_both_answered(assistant):
    text, _ = ask(assistant, new_sender(), "how much does iso 9001 cost and how long does it take?")
    assert QUESTIONS["cost"]["title"] in text and QUESTIONS["how_long"]["title"] in text
    assert first("cost", "iso9001") in text
    assert_not_out_of_scope(text)


def test_industry_fit_for_a_customer_type(assistant):
    text, _ = ask(assistant, new_sender(), "we sell to the DoD, do we need CMMI?")
    assert_answers(text, "industry_fit", "defense")


def test_a_question_without_a_sourced_answer_gets_the_honest_reply(assistant):
    text, buttons = ask(assistant, new_sender(), "is cmmi compatible with agile and scrum?")
    assert text.startswith("I don't have a sourced answer to that, and I won't guess.")
    assert buttons


def test_button_payload_asks_the_question(assistant):
    text, _ = ask(assistant, new_sender(), '/ask_question{"question": "what_is", "subject": "cmmi"}')
    assert text.startswith(first("what_is", "cmmi"))


def test_are_you_a_bot_is_answered_honestly(assistant):
    text, buttons = ask(assistant, new_sender(), "am I talking to a person?")
    assert text.startswith("I'm an automated assistant, not a person")
    assert {"title": "Talk to a consultant", "payload": "/request_consultant"} in buttons


def test_editing_content_and_reloading_changes_the_reply_without_retraining(assistant, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    key = answer_keys(QUESTIONS["how_long"], "cmmi")[0]
    for path in [content / "facts.yml", *sorted((content / "catalogue").glob("*.yml"))]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        rows = doc if isinstance(doc, list) else doc.get("facts") or []
        for fact in rows:
            if fact["key"] == key:
                fact["text"] = "The CMMI appraisal process takes 99 weeks (edited for a test)."
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    engine = get_engine(assistant.database_url)
    try:
        load_content(engine, content)
        text, _ = ask(assistant, new_sender(), "how long does a CMMI appraisal take?")
        assert "99 weeks (edited for a test)" in text
    finally:
        load_content(engine, CONTENT_DIR)
        engine.dispose()
