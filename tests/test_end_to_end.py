"""End to end over REST with the trained model, the action server and the store."""

from __future__ import annotations

import uuid

from tests.test_answers import FACTS, QUESTIONS, answer_keys


def test_what_is_iso_9001_is_answered_from_the_store(assistant):
    replies = assistant.send(f"e2e-{uuid.uuid4().hex}", "what is ISO 9001?")
    text = replies[0]["text"]
    assert text.startswith(FACTS[answer_keys(QUESTIONS["what_is"], "iso9001")[0]]["text"])
    assert "(consultancy article, 24 Sep 2023)" in text  # the answer names its source
