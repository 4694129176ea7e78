"""Rasa custom actions for questions. Thin: they read the tracker, ask bot/ for
the reply and send it. All content comes from the knowledge store.

One action answers every question: `ask_question` (the NLU component names the
catalogue question kinds as `question` entities), the follow-ups `ask_followup`
("and for CMMI?", "I meant CMMI"), `more_detail` ("tell me more", "why?"),
`ask_shorter` ("too long"), and messages the NLU could not place
(`nlu_fallback`, `out_of_scope`), which get the closest stored fact or the
honest no-answer reply."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import AnswerComposer, Reply, Situation, subjects_in_parts
from bot.lookup import closest_fact
from bot.profile import user_statements
from bot.recommendation import Profile, recommend, render_reasons, size_range
from bot.store import default_store
from bot.store.snapshot import SnapshotCache

# Intents that continue the last question: a new subject or size ("and for CMMI?",
# "we're 45 people"), its detail ("tell me more", "why?") or its short form.
FOLLOWUP_INTENTS = ("ask_followup", "more_detail", "ask_shorter", "explain_recommendation",
                    "correct_recommendation", "inform_recommendation")
DETAIL_INTENTS = ("more_detail", "explain_recommendation")
UNPLACED_INTENTS = ("nlu_fallback", "out_of_scope")
# A question kind guessed below this confidence is answered only if the
# closest-fact lookup agrees it is on topic; else it is treated as unplaced.
QUESTION_CONFIDENCE = 0.2
RECOMMENDATION_ACTIONS = ("action_show_recommendation", "action_explain_recommendation")
RECOMMENDATION_FORM = "recommendation_form"
# A decision question ("which one should we do?") that comes with this many facts
# about the user's organization starts the recommendation with them filled in.
PROFILE_FACTS_TO_START = 2

_snapshots: Optional[SnapshotCache] = None


def snapshot_cache() -> SnapshotCache:
    global _snapshots
    if _snapshots is None:
        _snapshots = SnapshotCache(default_store())
    return _snapshots


def _entities(tracker: Tracker, entity: str) -> list[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e["value"]) for e in _entities(tracker, entity)]


def named_subjects(tracker: Tracker) -> list[str]:
    """The subjects the message names: a payload's subject, frameworks, a CMMI
    maturity level (ml3), industries and customer types, in that order."""
    subjects = _values(tracker, "subject") + _values(tracker, "framework")
    subjects += [f"ml{v}" for v in _values(tracker, "maturity_level") if v.isdigit()]
    subjects += _values(tracker, "industry") + _values(tracker, "customer_type")
    return list(dict.fromkeys(subjects))


def profile_updates(tracker: Tracker) -> dict[str, str]:
    """Profile slots the message fills: a size button, or what the user says
    about their own organization ("we're 45 people and already have ISO 9001")."""
    found = user_statements(default_store(), tracker.latest_message.get("text"),
                            tracker.latest_message.get("entities"))
    size = _values(tracker, "size")
    if size:
        found["rec_size"] = size[0]
    return {slot: value for slot, value in found.items() if tracker.get_slot(slot) != value}


def situation(slots: Dict[str, Any]) -> Situation:
    staff = size_range(slots.get("rec_size"))
    held = str(slots.get("rec_certifications") or "")
    return Situation(staff=staff, held=frozenset(k for k in held.split(",") if k and k not in ("none", "unknown")))


def _last_answer_was_recommendation(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "action":
            name = event.get("name")
            if name == "action_answer_question":
                return False
            if name in RECOMMENDATION_ACTIONS:
                return True
    return False


async def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str,
                          known: Optional[Dict[str, Any]] = None) -> List[EventType]:
    """Answer the message as `intent` (a question or a follow-up of the last one),
    with the profile slots in `known` set just before (e.g. by a correction)."""
    if intent in DETAIL_INTENTS and not _entities(tracker, "question") and _last_answer_was_recommendation(tracker):
        profile = Profile.from_slots(tracker.slots)
        reasons = await asyncio.to_thread(lambda: render_reasons(recommend(default_store(), profile)))
        dispatcher.utter_message(text=reasons)
        return []
    # the store is a database: keep its I/O off the action server's event loop
    known = known or {}
    updates = {k: v for k, v in (await asyncio.to_thread(profile_updates, tracker)).items() if k not in known}
    slots = {**tracker.slots, **known, **updates}
    reply = await asyncio.to_thread(compose, tracker, intent, slots)
    events: List[EventType] = [SlotSet(slot, value) for slot, value in updates.items()]
    if reply is None:
        dispatcher.utter_message(response="utter_ask_away")
        return events
    if not reply.found:
        dispatcher.utter_message(response="utter_cannot_answer")
        return events
    if reply.closest:
        dispatcher.utter_message(response="utter_closest_match", closest=reply.text)
        return events
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    if reply.questions:
        events.append(SlotSet("last_question", reply.questions[-1]))
    events.append(SlotSet("subject", reply.subject))
    if reply.starts_recommendation and len(updates) >= PROFILE_FACTS_TO_START and not tracker.active_loop:
        return events + [FollowupAction(RECOMMENDATION_FORM)]
    if reply.needs_size:
        dispatcher.utter_message(response="utter_ask_size_for_answer")
    return events


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return await answer_question(dispatcher, tracker, intent)


def compose(tracker: Tracker, intent: str, slots: Dict[str, Any]) -> Optional[Reply]:
    snapshot = snapshot_cache().get()
    composer = AnswerComposer(snapshot)
    text = tracker.latest_message.get("text") or ""
    message = "" if text.startswith("/") else text
    guesses = _entities(tracker, "question")
    questions = [str(g["value"]) for g in guesses]
    last = tracker.get_slot("last_question")
    if intent in FOLLOWUP_INTENTS and not questions and last:
        questions = [last]
    confident = any(float(g.get("confidence_entity", 1.0)) >= QUESTION_CONFIDENCE for g in guesses)
    if intent in UNPLACED_INTENTS or (guesses and not confident):
        fact = closest_fact(snapshot, message) if message else None
        if fact is not None:
            return composer.closest(fact)
        if not (guesses and composer.premises(message)):
            return Reply(text="", found=False)
    if not questions and not composer.premises(message):
        return None if intent == "ask_question" else Reply(text="", found=False)
    return composer.reply(
        questions,
        message=message,
        named=named_subjects(tracker),
        current_subject=tracker.get_slot("subject"),
        situation=situation(slots),
        detail=intent in DETAIL_INTENTS,
        short=intent == "ask_shorter",
        part_subjects=subjects_in_parts(tracker.latest_message.get("entities", []), guesses),
    )
