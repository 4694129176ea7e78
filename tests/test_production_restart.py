"""Conversations survive restarts: both replicas stopped and started again,
and each conversation continues where it was, slots included.

To cover another kind of state (e.g. a half-finished recommendation form),
add a Scenario: the messages before the restart, what the restarted replica
must load (slots, active_loop), the message after it and what its reply must
contain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Optional

import yaml

from tests.conftest import CONTENT_DIR
from tests.expected import OUT_OF_SCOPE, answer_text, response_text
from tests.production import texts


def _question_text(slot: str) -> str:
    """The recommendation form's question for a slot, as the store has it."""
    questions = yaml.safe_load((CONTENT_DIR / "questions.yml").read_text(encoding="utf-8"))
    return next(q["text"] for q in questions if q["slot"] == slot)


@dataclass
class Scenario:
    name: str
    before: list[str]
    expected_slots: dict
    after: str
    reply_contains: str
    expected_active_loop: Optional[str] = None
    sender: str = field(default_factory=lambda: f"restart-{uuid.uuid4().hex}")


SCENARIOS = [
    Scenario(
        "subject slot from a question",
        ["hello", "what is ISO 9001?"],
        {"subject": "iso9001"},
        "what is CMMI?",
        answer_text("what_is", "cmmi"),
    ),
    Scenario(
        "subject slot, then thanks",
        ["what is CMMI?"],
        {"subject": "cmmi"},
        "thanks",
        response_text("utter_you_are_welcome"),
    ),
    Scenario(
        "half-finished recommendation form",
        ["/start_recommendation", '/inform_recommendation{"rec_choice": "software"}'],
        {"rec_industry": "software"},
        '/inform_recommendation{"rec_choice": "defense"}',
        _question_text("rec_requirement"),
        expected_active_loop="recommendation_form",
    ),
]


def test_conversations_continue_after_both_replicas_restart(prod):
    for scenario in SCENARIOS:
        for message in scenario.before:
            assert prod.send(prod.proxy, scenario.sender, message), f"{scenario.name}: no reply to {message!r}"

    for index in range(len(prod.stack.rasa_ports)):
        prod.stack.stop_replica(index)
    for index in range(len(prod.stack.rasa_ports)):
        prod.stack.start_replica(index, wait=False)
    for index in range(len(prod.stack.rasa_ports)):
        prod.stack.wait_replica(index)

    for scenario in SCENARIOS:
        for replica in range(len(prod.stack.rasa_ports)):
            tracker = prod.tracker(replica, scenario.sender)
            slots = {k: tracker["slots"].get(k) for k in scenario.expected_slots}
            assert slots == scenario.expected_slots, scenario.name
            if scenario.expected_active_loop:
                assert tracker["active_loop"].get("name") == scenario.expected_active_loop, scenario.name
        reply = texts(prod.send(prod.proxy, scenario.sender, scenario.after))
        assert scenario.reply_contains in reply and OUT_OF_SCOPE not in reply, f"{scenario.name}: {reply!r}"
        assert prod.user_texts(scenario.sender) == [*scenario.before, scenario.after], scenario.name
