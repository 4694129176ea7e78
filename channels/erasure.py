"""Erasure of a whole conversation after "forget me".

The action server cannot reach the tracker store, so action_forget_me only
deletes the consultant requests; the channel, which runs in the Rasa process,
sees that the action erased (its slot `erased`) and deletes the conversation from the agent's
tracker store: the sender's rows of `events` for the SQL store (shared by all
replicas), the sender's key for the in-memory store. It holds the
conversation's lock meanwhile (Redis across replicas), so no replica is in
the middle of a turn that would save the old tracker again; the lock's key
holds no message content and is removed when it is released."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Iterator

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# Set by action_forget_me when it erased: running the action is not enough ("Will
# Forget" typed at the name prompt runs it, and is a name).
ERASED_SLOT = "erased"


def turn_requested_erasure(tracker: DialogueStateTracker) -> bool:
    """True if the latest turn (since the last user message) erased the user's data."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, SlotSet) and event.key == ERASED_SLOT and event.value:
            return True
    return False


def _stores(store: Any) -> Iterator[TrackerStore]:
    """The store and those it wraps (Rasa's fail-safe and awaitable wrappers, their fallback)."""
    while store is not None:
        yield store
        fallback = getattr(store, "_fallback_tracker_store", None)
        if fallback is not None:
            yield fallback
        store = getattr(store, "_tracker_store", None)


def _delete_sql_events(store: SQLTrackerStore, sender_id: str) -> int:
    with store.session_scope() as session:
        deleted = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
        session.commit()
        return deleted


async def erase_conversation(tracker_store: TrackerStore, sender_id: str) -> None:
    """Delete every stored event of the conversation; raise if a store holding it cannot."""
    for store in _stores(tracker_store):
        if isinstance(store, SQLTrackerStore):
            deleted = await asyncio.to_thread(_delete_sql_events, store, sender_id)
            logger.info("erased conversation %s: %d events deleted", sender_id, deleted)
        elif isinstance(store, InMemoryTrackerStore):
            store.store.pop(sender_id, None)
            logger.info("erased conversation %s from memory", sender_id)
        elif not hasattr(store, "_tracker_store"):
            raise NotImplementedError(f"erasing a conversation from {type(store).__name__} is not supported")


async def erase_if_requested(agent: Any, tracker: DialogueStateTracker) -> None:
    """After a turn in which action_forget_me erased, erase the conversation under its lock."""
    if not turn_requested_erasure(tracker):
        return
    async with agent.lock_store.lock(tracker.sender_id):
        await erase_conversation(agent.tracker_store, tracker.sender_id)
