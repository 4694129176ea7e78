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
    assert events == []


def test_answer_without_framework_asks_to_rephrase():
    dispatcher = CollectingDispatcher()
    rasa_actions.ActionAnswerQuestion().run(dispatcher, make_tracker("ask_what_is", "what is it"), {})
    assert dispatcher.messages[0]["response"] == "utter_default"
