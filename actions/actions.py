"""Rasa custom actions. Thin: they read the tracker, ask bot/ for the answer
and send it. All content comes from the knowledge store."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import AnswerComposer
from bot.store import default_store


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        framework = tracker.get_slot("framework")
        composer = AnswerComposer(default_store())
        answer = composer.overview(framework) if framework else None
        if answer is None or not answer.found:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(text=answer.render(), buttons=answer.buttons or None)
        return []
