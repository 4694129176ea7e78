"""Rasa custom actions. Thin: they read the tracker, ask bot/ for the answer
and send it. All content comes from the knowledge store."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import AnswerComposer
from bot.store import default_store

FOLLOWUP_INTENT = "ask_followup"
# A follow-up with no earlier question re-asks this one.
DEFAULT_QUESTION = "ask_what_is"
# Question kinds that use an industry / customer type, or a maturity level.
INDUSTRY_QUESTIONS = ("ask_industry_fit",)
LEVEL_QUESTIONS = ("ask_timeline", "ask_maturity_level", "ask_cost", "ask_industry_fit")


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e["value"]) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _level(values: list[str]) -> Optional[int]:
    for value in values:
        if value.isdigit():
            return int(value)
    return None


class ActionAnswerQuestion(Action):
    """Answers every ask_* intent from the store; "and for CMMI?" (ask_followup)
    re-asks the previous question with the new framework, industry or level."""

    def name(self) -> Text:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        store = default_store()
        composer = AnswerComposer(store)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or DEFAULT_QUESTION
        if intent == FOLLOWUP_INTENT:
            intent = tracker.get_slot("last_question") or DEFAULT_QUESTION
            # "what about manufacturing?" / "and level 4?" after an unrelated question
            if (_entity_values(tracker, "industry") or _entity_values(tracker, "customer_type")) and \
                    intent not in INDUSTRY_QUESTIONS:
                intent = "ask_industry_fit"
            elif _entity_values(tracker, "maturity_level") and intent not in LEVEL_QUESTIONS:
                intent = "ask_maturity_level"

        frameworks = [k for k in _entity_values(tracker, "framework") if store.framework(k)]
        if not frameworks and tracker.get_slot("framework") and store.framework(tracker.get_slot("framework")):
            frameworks = [tracker.get_slot("framework")]
        industries = _entity_values(tracker, "industry")
        customers = _entity_values(tracker, "customer_type")
        answer = composer.answer(
            intent,
            frameworks=frameworks,
            industry=industries[0] if industries else None,
            customer_type=customers[0] if customers else None,
            maturity_level=_level(_entity_values(tracker, "maturity_level")),
        )
        events: List[Dict[Text, Any]] = []
        if composer.answers(intent):
            events.append(SlotSet("last_question", intent))
        if len(frameworks) == 1:
            events.append(SlotSet("framework", frameworks[0]))
        if not answer.found:
            dispatcher.utter_message(response="utter_cannot_answer")
            return events
        dispatcher.utter_message(text=answer.render(), buttons=answer.buttons or None)
        return events
