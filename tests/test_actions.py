"""Custom actions with rasa-sdk's CollectingDispatcher and Tracker.from_dict."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as rasa_actions


def make_tracker(intent: str, text: str, slots: dict | None = None, entities: list | None = None) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.99},
                "entities": entities or [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(autouse=True)
def use_test_store(monkeypatch, sqlite_store):
    monkeypatch.setattr(rasa_actions, "default_store", lambda: sqlite_store)


def test_answer_what_is_cmmi_cites_the_article(sqlite_store):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_what_is", "what is cmmi", slots={"framework": "cmmi"})
    events = rasa_actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    overview = sqlite_store.facts(topic="overview", framework_key="cmmi")
    assert overview[0].text in text
    assert "seed article" in text
    assert {"event": "slot", "name": "last_question", "value": "ask_what_is", "timestamp": None} in events


def test_answer_without_framework_answers_both_side_by_side():
    dispatcher = CollectingDispatcher()
    rasa_actions.ActionAnswerQuestion().run(dispatcher, make_tracker("ask_what_is", "what is it"), {})
    text = dispatcher.messages[0]["text"]
    assert text.startswith("ISO 9001:") and "\n\nCMMI:\n" in text


def test_followup_reasks_the_last_question_for_the_new_framework(sqlite_store):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ask_followup", "and for cmmi?", slots={"framework": "cmmi", "last_question": "ask_timeline"},
        entities=[{"entity": "framework", "value": "cmmi", "start": 8, "end": 12}],
    )
    rasa_actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    text = dispatcher.messages[0]["text"]
    assert sqlite_store.fact("cmmi_timeline_article").text in text
    assert sqlite_store.fact("iso9001_timeline_article").text not in text


def test_entity_in_the_message_wins_over_the_slot(sqlite_store):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ask_process", "steps for iso 9001", slots={"framework": "cmmi"},
        entities=[{"entity": "framework", "value": "iso9001", "start": 10, "end": 18}],
    )
    events = rasa_actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert sqlite_store.fact("iso9001_process_article").text in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "framework", "value": "iso9001", "timestamp": None} in events


def test_unanswerable_question_gets_the_honest_reply():
    dispatcher = CollectingDispatcher()
    rasa_actions.ActionAnswerQuestion().run(dispatcher, make_tracker("ask_unsupported", "is cmmi agile?"), {})
    assert dispatcher.messages[0]["response"] == "utter_cannot_answer"


def test_followup_with_only_an_industry_asks_about_industry_fit():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ask_followup", "what about manufacturing?", slots={"last_question": "ask_cost"},
        entities=[{"entity": "industry", "value": "manufacturing", "start": 11, "end": 24}],
    )
    events = rasa_actions.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert "Rarely needed" in dispatcher.messages[0]["text"]
    assert {"event": "slot", "name": "last_question", "value": "ask_industry_fit", "timestamp": None} in events
