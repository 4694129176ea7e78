"""The action server serves requests concurrently, each with its own state.

Twenty recommendation-form turns from twenty conversations go to rasa-sdk's
ActionExecutor at once, as its webhook handler passes them on, with a store
whose every call takes 50 ms (a slow database). Each turn must get its own
reply (its size, its CMMI level, its "Updated" line), and together they must
take far less than twenty turns one after another."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor

import actions.recommendation as rec_actions
from tests.test_recommendation_actions import DOMAIN

STORE_DELAY_S = 0.05
TURNS = 20


class SlowStore:
    """The knowledge store, each call delayed like a busy database (blocking, as SQLAlchemy is)."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def slow(*args, **kwargs):
            time.sleep(STORE_DELAY_S)
            return value(*args, **kwargs)

        return slow


@pytest.fixture
def executor(monkeypatch, sqlite_store) -> ActionExecutor:
    monkeypatch.setattr(rec_actions, "default_store", lambda: SlowStore(sqlite_store))
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


def form_turn(index: int) -> dict:
    """Even turns open the form with a statement; odd ones correct the size mid-form."""
    size, level = 20 + index, 2 + index % 4
    if index % 2 == 0:
        text, intent, slots, requested = (
            f"we're a {size}-person defense software company and our contracts require CMMI level {level}",
            "start_recommendation",
            {},
            None,
        )
    else:
        text, intent, slots, requested = (
            f"actually we're {size} people",
            "correct_recommendation",
            {"rec_industry": "software", "rec_size": "999"},
            "rec_timeline",
        )
    return {
        "next_action": "validate_recommendation_form",
        "sender_id": f"concurrent-{index}",
        "domain": DOMAIN,
        "tracker": {
            "sender_id": f"concurrent-{index}",
            "slots": {**slots, "requested_slot": requested},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            "events": [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "recommendation_form"},
            "latest_action_name": "action_listen",
        },
    }


def expected_reply(index: int) -> tuple[list[dict], list[dict]]:
    """Every event and every message of the turn."""
    size, level = str(20 + index), str(2 + index % 4)
    if index % 2 == 0:
        return [
            SlotSet("rec_industry", "defense"),
            SlotSet("rec_customers", "defense"),
            SlotSet("rec_requirement", "cmmi"),
            SlotSet("rec_size", size),
            SlotSet("rec_target_level", level),
        ], [
            {
                "response": None,
                "text": f"Noted: {size} staff, industry: Defense, customers: Defense / DoD, "
                f"contracts require CMMI (maturity level {level}).",
                "buttons": [],
            }
        ]
    return [SlotSet("rec_size", size)], [{"response": None, "text": f"Updated: {size} staff.", "buttons": []}]


def reply_of(response: dict) -> tuple[list[dict], list[dict]]:
    return response["events"], [{k: r[k] for k in ("response", "text", "buttons")} for r in response["responses"]]


def test_twenty_concurrent_form_turns_each_get_their_own_reply(executor):
    async def alone() -> float:
        start = time.monotonic()
        await executor.run(form_turn(0))
        return time.monotonic() - start

    async def together() -> tuple[list[dict], float]:
        start = time.monotonic()
        responses = await asyncio.gather(*(executor.run(form_turn(i)) for i in range(TURNS)))
        return responses, time.monotonic() - start

    one_turn = asyncio.run(alone())
    responses, elapsed = asyncio.run(together())
    for index, response in enumerate(responses):
        assert reply_of(response) == expected_reply(index), f"turn {index}"
    # One after another they would take TURNS * one_turn.
    assert elapsed < TURNS * one_turn / 4, f"{TURNS} turns took {elapsed:.2f} s, one alone {one_turn:.2f} s"
