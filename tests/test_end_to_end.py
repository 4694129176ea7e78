"""End to end over REST with the trained model, the action server and the store."""
from __future__ import annotations

import uuid

from bot.answers import AnswerComposer
from bot.store import KnowledgeStore, get_engine


def test_what_is_iso_9001_is_answered_from_the_store(assistant, sqlite_store):
    replies = assistant.send(f"e2e-{uuid.uuid4().hex}", "what is ISO 9001?")
    text = "\n".join(r.get("text", "") for r in replies)
    overview = sqlite_store.facts(topic="overview", framework_key="iso9001")
    assert overview, "the store has no ISO 9001 overview"
    assert overview[0].text in text
    assert "seed article" in text  # the answer names its source
