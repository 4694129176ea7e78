"""The recommendation's wiring in domain.yml and data/: checks that keep
working after other branches add intents (every question intent mid-form is
answered and never taken as an answer)."""

from __future__ import annotations

import yaml

from bot import recommendation as rec
from bot.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
FORMS = ("recommendation_form", "consultant_form")


def _intents() -> list[str]:
    return [i if isinstance(i, str) else next(iter(i)) for i in DOMAIN["intents"]]


def _rules() -> list[dict]:
    rules = []
    for path in sorted((PROJECT_ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules.extend(data.get("rules") or [])
    return rules


def _question_intents() -> set[str]:
    """Intents answered by action_answer_question outside the forms (not the messages the NLU
    could not place or found out of scope, which the action answers only if they refer to the
    conversation: "what's it built on then?")."""
    found = {
        rule["steps"][0]["intent"]
        for rule in _rules()
        if not rule.get("condition")
        and len(rule.get("steps") or []) == 2
        and rule["steps"][1] == {"action": "action_answer_question"}
    }
    return found - {"nlu_fallback", "out_of_scope"}


def _digression_rules(form: str) -> set[str]:
    """Intents with a rule: (form active) intent -> action_answer_question -> form resumes."""
    found = set()
    for rule in _rules():
        conditions = rule.get("condition") or []
        if {"active_loop": form} not in conditions:
            continue
        steps = rule.get("steps") or []
        if len(steps) >= 3 and steps[1] == {"action": "action_answer_question"} and steps[2] == {"action": form}:
            found.add(steps[0].get("intent"))
    return found


def test_every_question_intent_has_a_digression_rule_in_both_forms():
    asks = _question_intents()
    assert asks == {"ask_question", "ask_followup", "more_detail", "ask_shorter", "ask_stored_data"}
    for form in FORMS:
        missing = asks - _digression_rules(form)
        assert not missing, f"question intents without a digression rule for {form}: {sorted(missing)}"


def test_no_question_intent_can_fill_a_form_slot():
    asks = _question_intents() | {"ask_bot", "complain_wrong"}
    for slot in rec.SLOTS + ("contact_name", "contact_email"):
        for mapping in DOMAIN["slots"][slot]["mappings"]:
            if mapping["type"] in ("from_text", "from_entity"):
                missing = asks - set(mapping.get("not_intent") or [])
                assert not missing, f"{slot} {mapping['type']} mapping would take {sorted(missing)} as an answer"


def test_free_text_fills_only_the_slot_being_asked():
    for slot in rec.SLOTS + ("contact_name", "contact_email"):
        form = "consultant_form" if slot.startswith("contact_") else "recommendation_form"
        for mapping in DOMAIN["slots"][slot]["mappings"]:
            if mapping["type"] == "custom":
                continue
            assert mapping.get("conditions") == [{"active_loop": form, "requested_slot": slot}], (slot, mapping)


def test_greeting_offers_help_me_choose():
    buttons = DOMAIN["responses"]["utter_greet"][0]["buttons"]
    assert {"title": "Help me choose", "payload": "/start_recommendation"} in buttons
