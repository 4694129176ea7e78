"""Rasa actions for the guided recommendation and consultant contact. Thin:
parsing, the decision and the wording of facts live in bot/recommendation.py,
bot/contact.py and the knowledge store."""

from __future__ import annotations

import asyncio
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import (
    ASKS_IF_IT_CHANGES,
    OBJECTION,
    answer_question,
    answer_unrouted_question,
    asked_confidence,
    asks_clearly,
    asks_why,
    consultant_offer_open,
    consultant_request_reply,
    contact_answer,
    contact_outside_form,
    did_you_mean,
    explicit_erasure,
    is_real_question,
    profile_complete,
    profile_updates,
    why_this_question,
)
from bot import contact, leads
from bot import recommendation as rec
from bot.answers import Citations, month_count
from bot.nlu.questions import asking_sentences, reads_as_question
from bot.profile import (
    asks_for_recommendation,
    declines_recommendation,
    describe_found,
    is_buyer,
    requirement_after_correction,
    statements,
    states_own_industry,
)
from bot.store import default_store

FORM = "recommendation_form"
CONTACT_SLOTS = ("contact_name", "contact_email")


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


NOT_SURE = {"title": "Not sure", "value": rec.UNKNOWN}
# A question whose answer could not be used this many times is not asked again:
# the form goes on with an assumption it states ("no loops").
MAX_FAILED_ANSWERS = 2
FAILED_SLOT = "rec_failed"
# The fact said before a consultant is offered, or asked for CMMI work: the consultancy does
# no CMMI consulting (content/catalogue/fit.yml)
CMMI_CONSULTING_NOTE = "consultant_offer_cmmi_note"
# ...and the answer that says the same when asked ("do you do cmmi consulting?")
CMMI_CONSULTING_FACTS = (CMMI_CONSULTING_NOTE, "firm_cmmi_consulting_answer")
_CMMI_WORD = re.compile(r"\bcmmi\b", re.I)


def _failures(tracker: Tracker, slot: str) -> int:
    """How often the answer to `slot` could not be used (slot rec_failed: "rec_size:1")."""
    name, _, count = str(tracker.get_slot(FAILED_SLOT) or "").partition(":")
    return int(count) if name == slot and count.isdigit() else 0


def unusable_answer(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> tuple[Any, List[EventType]]:
    """An answer to the question of `slot` that could not be used: its re-ask line; the
    second time, go on with what "not sure" assumes ("no loops"). The value to set
    (None: ask again) and the events that count the failures."""
    failures = _failures(tracker, slot) + 1
    if failures >= MAX_FAILED_ANSWERS:
        dispatcher.utter_message(text='I\'ll go on assuming "not sure" for that; you can correct it later.')
        return rec.ASSUMED_WHEN_UNSURE.get(slot, rec.UNKNOWN), [SlotSet(FAILED_SLOT, None)]
    question = default_store().question(slot)
    if question is not None:
        dispatcher.utter_message(text=question.reask)
    return None, [SlotSet(FAILED_SLOT, f"{slot}:{failures}")]


def ask(dispatcher: CollectingDispatcher, slot: str, reask: bool = False, not_sure: bool = False) -> None:
    """Send a question with its buttons (and its re-ask line first if asked;
    a "Not sure" button too after an answer that could not be used)."""
    question = default_store().question(slot)
    if question is None:
        dispatcher.utter_message(response="utter_default")
        return
    buttons = []
    options = [{"title": o.title, "value": o.value} for o in question.options]
    if not_sure and slot not in CONTACT_SLOTS and all(o["value"] != rec.UNKNOWN for o in options):
        options.append(NOT_SURE)
    for option in options:
        if slot in CONTACT_SLOTS:
            payload = "/deny"
        else:
            payload = "/inform_recommendation" + json.dumps({"rec_choice": option["value"]})
        buttons.append({"title": option["title"], "payload": payload})
    text = f"{question.reask}\n\n{question.text}" if reask else question.text
    dispatcher.utter_message(text=text, buttons=buttons)


# Actions that answer a side question typed at a form prompt.
SIDE_ACTIONS = ("action_answer_question", "utter_i_am_a_bot", "action_complaint", "action_explain_recommendation")


def side_questions_in_a_row(tracker: Tracker) -> int:
    """How many side questions were answered since the form last took an answer (or started)."""
    count = 0
    for event in reversed(tracker.events):
        kind, name = event.get("event"), event.get("name")
        if kind == "action" and name in SIDE_ACTIONS:
            count += 1
        elif (kind == "slot" and name in rec.SLOTS) or kind == "active_loop":
            break
    return count


def _form_started_this_turn(tracker: Tracker) -> bool:
    """A form became active after the user's latest message (its first prompt)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name"):
            return True
    return False


def _make_ask_action(slot: str) -> type:
    def name(self) -> Text:
        return f"action_ask_{slot}"

    def run(self, dispatcher, tracker, domain):
        if slot == "contact_name" and _form_started_this_turn(tracker) and reads_as_question(_text(tracker)):
            # "can you guys help with both iso and cmmi prep? id like someone to call me":
            # the question's answer (no CMMI consulting) before the request is taken
            answer_unrouted_question(dispatcher, tracker)
        elif slot == "contact_name" and _form_started_this_turn(tracker) and _CMMI_WORD.search(_text(tracker)):
            # "ok get me a consultant, one who does cmmi": what the consultancy does not do, before the name
            _say_fact_once(dispatcher, tracker, CMMI_CONSULTING_NOTE, CMMI_CONSULTING_FACTS)
        if side_questions_in_a_row(tracker) >= 2:
            # a user asking question after question is not nagged with the same prompt and buttons
            question = default_store().question(slot)
            dispatcher.utter_message(response="utter_form_waiting", form_question=question.text if question else "")
            return []
        ask(dispatcher, slot, not_sure=_failures(tracker, slot) > 0)
        return []

    return type(f"ActionAsk_{slot}", (Action,), {"name": name, "run": run})


ASK_ACTIONS = [_make_ask_action(slot) for slot in rec.SLOTS + CONTACT_SLOTS]


def _profile(tracker: Tracker) -> rec.Profile:
    return rec.Profile.from_slots(tracker.slots)


def _complete(tracker: Tracker) -> bool:
    return profile_complete(tracker.slots)


# Words that make a new list of customers replace the old one rather than add to it.
_REPLACES = re.compile(r"\b(?:only|just|not|no longer|instead|rather|actually|wrong|correction|anymore)\b", re.I)


# "oops misclick, i meant iso 9001 not as9100": a correction of the answer given before this question
_MEANT_EARLIER = re.compile(
    r"\b(?:mis-?click\w*|wrong button|clicked (?:the )?wrong|i meant|meant to (?:say|click|pick|choose)|"
    r"typo|my (?:last|previous) answer|(?:change|fix|correct) my (?:last |previous )?answer)\b",
    re.I,
)


def _answered_before(tracker: Tracker, requested: str) -> Optional[str]:
    """The question answered just before the one asked now (the last recommendation slot set)."""
    for event in reversed(tracker.events):
        name = event.get("name")
        if event.get("event") == "slot" and name in rec.SLOTS and name != requested and event.get("value"):
            return str(name)
    return None


# ...but "also" adds, even after "actually", unless a word restricts ("only", "instead")
_ADDS = re.compile(r"\b(?:also|too|as well|additionally|in addition)\b", re.I)
_RESTRICTS = re.compile(r"\b(?:(?<!not )only|just|solely|instead|no longer|anymore)\b", re.I)


LIST_SLOTS = ("rec_customers", "rec_certifications")
_CANONICAL_LIST = re.compile(r"[a-z0-9_]+(?:,[a-z0-9_]+)*")


def merged(slot: str, previous: Any, value: str, text: str) -> str:
    """A list slot's new value: added to what was known ("we also sell to the DoD",
    "actually we also hold AS9100"), unless the message replaces it ("only private", "actually")."""
    replaces = bool(_REPLACES.search(text)) and not (_ADDS.search(text) and not _RESTRICTS.search(text))
    if (
        slot not in LIST_SLOTS
        or previous in (None, "", rec.UNKNOWN, rec.NONE)
        or value in (rec.UNKNOWN, rec.NONE)
        or replaces
        or not _CANONICAL_LIST.fullmatch(str(previous))
    ):
        return value  # (a previous value that is the raw text of this very answer is not kept)
    return ",".join(dict.fromkeys(str(previous).split(",") + value.split(",")))


@dataclass
class _FormTurn:
    """One request's state: slots beyond the form's (rasa-sdk returns only those) and whether it corrected."""

    extra: List[EventType] = field(default_factory=list)
    corrected: bool = False
    # a side question with the answer beside it ("cmmi l3 for sure. btw is cmmi a
    # certification?"): the question was answered here, and the answer is taken
    answered_aside: bool = False
    # "process maturity" typed at the timeline question: another question's answer, noted
    answered_another: bool = False


# Per request, never on the action instance, which concurrent requests share.
_turn: ContextVar[_FormTurn] = ContextVar("recommendation_form_turn")


class ValidateRecommendationForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_recommendation_form"

    async def run(self, dispatcher, tracker, domain):
        turn = _FormTurn()
        _turn.set(turn)
        events = await super().run(dispatcher, tracker, domain)
        return events + turn.extra

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Take every slot a message states, with the requested one read as the
        answer to its question ("none", "either one", "50"); a real question asked
        mid-form is answered instead (the rules run action_answer_question), or
        answered here when the message also answers the form ("cmmi l3 for sure.
        btw is cmmi even a certification?").
        Says what it understood ("Noted: 30 staff, ...") or changed."""
        text = _text(tracker)
        requested = tracker.get_slot("requested_slot")
        entities = tracker.latest_message.get("entities")
        if requested is not None and (
            declines_recommendation(text)
            or (
                _intent(tracker) == "stop_recommendation"
                # "none, we never had any" answers the question, whatever the NLU took it for
                and requested not in rec.extract_profile(default_store(), text, entities, asked=requested)
            )
        ):
            return []  # "please stop the questionnaire, that's not what I want": nothing taken, the stop rule runs
        if requested is not None and is_real_question(_intent(tracker), text):
            # "cmmi l3 for sure. btw is cmmi a certification?", "wait, not required. also: is
            # cmmi only for software?": what it states is taken, and the question answered here
            found = {
                slot: value
                for slot, value in statements(default_store(), text, entities, asked=requested).items()
                if tracker.get_slot(slot) != value
            }
            # "we DO have commercial clients too. does that change it?": the change is its answer
            about_the_change = all(ASKS_IF_IT_CHANGES.search(q) for q in asking_sentences(text))
            if not found or not (about_the_change or answer_unrouted_question(dispatcher, tracker, _turn.get().extra)):
                return []  # only a question (or nothing new beside it): the rules answer it, the form asks again
            _turn.get().answered_aside = True
        elif requested is None:  # the opening message: its statements, not its question
            found = statements(default_store(), text, entities)
        else:
            found = rec.extract_profile(default_store(), text, entities, asked=requested)
        earlier = _answered_before(tracker, requested) if requested and _MEANT_EARLIER.search(text) else None
        if earlier:
            # read as the answer it corrects; the question asked now is asked again
            found = {
                k: v
                for k, v in rec.extract_profile(default_store(), text, entities, asked=earlier).items()
                if k != requested
            }
        events: List[EventType] = []
        changes: dict[str, str] = {}
        noted: dict[str, str] = {}
        correcting = _intent(tracker) == "correct_recommendation" or bool(_REPLACES.search(text)) or earlier is not None
        for slot, value in found.items():
            previous = tracker.get_slot(slot)
            if previous not in (None, "") and slot != requested and slot not in LIST_SLOTS and not correcting:
                continue  # "bank RFPs asked for ISO 9001" names the customers' industry, not a new one of ours
            if slot == "rec_industry" and previous not in (None, "") and not states_own_industry(text):
                continue  # "not sure, some US bank RFPs ask for it": still not our industry
            value = merged(slot, previous, value, text)  # "we also want commercial work"
            if previous == value:
                continue
            if slot in rec.SLOTS:
                events.append(SlotSet(slot, value))
            else:
                _turn.get().extra.append(SlotSet(slot, value))
            if previous not in (None, "") and slot != requested:
                changes[slot] = value
            else:
                noted[slot] = value
        if changes:
            _turn.get().corrected = True
            # labels, not keys: "Updated: customers: Government / public sector.", never "federal"
            dispatcher.utter_message(text=describe_found(default_store(), changes, lead="Updated"))
        if noted and not text.startswith("/"):  # a button's value needs no echo
            dispatcher.utter_message(text=describe_found(default_store(), noted))
        _turn.get().answered_another = bool(noted or changes) and requested not in found
        return events

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if value is None:
            return {slot: None}
        requested = tracker.get_slot("requested_slot")
        if (
            requested is not None
            and is_real_question(_intent(tracker), _text(tracker))
            and not _turn.get().answered_aside
        ):
            return {slot: None}  # a question is never an answer (the opening's statements are read apart)
        parsed = rec.parse_answer(default_store(), slot, value)
        if parsed is not None:
            return {slot: parsed}
        turn = _turn.get(_FormTurn())
        if tracker.get_slot("requested_slot") != slot or turn.corrected or turn.answered_another:
            return {slot: None}  # (the form asks its question again, with no "couldn't tell")
        if reads_as_question(_text(tracker)) and answer_unrouted_question(dispatcher, tracker, _turn.get().extra):
            return {slot: None}  # a question after all: answered, and the form asks again
        failures = _failures(tracker, slot) + 1
        question = default_store().question(slot)
        wants_help = _intent(tracker) == "start_recommendation" or asks_for_recommendation(_text(tracker))
        if failures < MAX_FAILED_ANSWERS and question is not None and wants_help:
            # "help me choose" typed at a question of the form that is helping them choose:
            # why it is asked, and "Not sure" is offered (it counts as an unusable answer)
            dispatcher.utter_message(response="utter_form_help", why=question.why)
            _turn.get().extra.append(SlotSet(FAILED_SLOT, f"{slot}:{failures}"))
            return {slot: None}
        value, events = unusable_answer(dispatcher, tracker, slot)
        _turn.get().extra.extend(events)
        return {slot: value}

    def validate_rec_industry(self, value, dispatcher, tracker, domain):
        return self._validate("rec_industry", value, dispatcher, tracker)

    def validate_rec_customers(self, value, dispatcher, tracker, domain):
        return self._validate("rec_customers", value, dispatcher, tracker)

    def validate_rec_requirement(self, value, dispatcher, tracker, domain):
        result = self._validate("rec_requirement", value, dispatcher, tracker)
        level = rec.target_level(str(value or ""))
        if result["rec_requirement"] and "cmmi" in result["rec_requirement"] and level:
            _turn.get().extra.append(SlotSet("rec_target_level", level))
        return result

    def validate_rec_certifications(self, value, dispatcher, tracker, domain):
        return self._validate("rec_certifications", value, dispatcher, tracker)

    def validate_rec_size(self, value, dispatcher, tracker, domain):
        return self._validate("rec_size", value, dispatcher, tracker)

    def validate_rec_timeline(self, value, dispatcher, tracker, domain):
        return self._validate("rec_timeline", value, dispatcher, tracker)

    def validate_rec_goal(self, value, dispatcher, tracker, domain):
        return self._validate("rec_goal", value, dispatcher, tracker)


def _reset_events() -> List[EventType]:
    return [SlotSet(slot, None) for slot in rec.SLOTS + rec.EXTRA_SLOTS + ("rec_outcome", FAILED_SLOT)]


def _end_form() -> List[EventType]:
    """Ends the active form, whichever it is."""
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def _end_consultant_request() -> List[EventType]:
    """Ends the form and forgets the contact details typed so far."""
    return _end_form() + [SlotSet(s, None) for s in CONTACT_SLOTS]


def _typed_at_contact_prompt(tracker: Tracker) -> List[EventType]:
    """At the consultant's name or email prompt, what the user typed taken as their name
    or email and the form continued, whatever the NLU took it for ("Grace Stop",
    "Will Forget", "Nobody Noel"); [] for anything else."""
    answer = contact_answer(tracker)
    return answer + [FollowupAction("consultant_form")] if answer else []


# The question kind a buyer's "which one should we ask for?" asks (content/catalogue/certification.yml)
BUYER_QUESTION = "what_to_require_from_bidders"


class ActionResetRecommendation(Action):
    """Start the recommendation with what the user already said about their
    organization (the form asks only the rest), or start over from a clean profile."""

    def name(self) -> Text:
        return "action_reset_recommendation"

    def run(self, dispatcher, tracker, domain):
        # Always ends any active form (the rules say so), then the form starts afresh.
        restart = _intent(tracker) == "restart_recommendation"
        if not restart and declines_recommendation(_text(tracker)):
            # "stop. i dont need a recommendation for us. just tell me: ...": the question, no form
            if not (reads_as_question(_text(tracker)) and answer_unrouted_question(dispatcher, tracker)):
                dispatcher.utter_message(response="utter_recommendation_stopped")
            return _end_form() + [FollowupAction("action_listen")]
        if not restart and is_buyer(_text(tracker)):
            # "we're an NHS trust. help me choose which one to ask for": what a buyer may require, no form
            answer_unrouted_question(dispatcher, tracker, kind=BUYER_QUESTION)
            return _end_form() + [FollowupAction("action_listen")]
        if restart and tracker.active_loop.get("name") == FORM:
            dispatcher.utter_message(text="Starting over.")
        if not restart and reads_as_question(_text(tracker)) and not asks_for_recommendation(_text(tracker)):
            # "we only sell to businesses. do we need cmmi?": its answer, then the form
            answer_unrouted_question(dispatcher, tracker)
        kept = [] if restart else [SlotSet("rec_outcome", None), SlotSet(FAILED_SLOT, None)]
        return _end_form() + (_reset_events() if restart else kept)


class ActionStopRecommendation(Action):
    """ "stop": the form ended (and a question asked with it answered); outside the form,
    "cancel the consultant request" withdraws that instead."""

    def name(self) -> Text:
        return "action_stop_recommendation"

    def run(self, dispatcher, tracker, domain):
        if tracker.active_loop.get("name") == FORM:
            # "please stop the questionnaire. how long is a cmmi rating valid?": stopped, and its answer
            dispatcher.utter_message(response="utter_recommendation_stopped")
            if reads_as_question(_text(tracker)) and not answer_unrouted_question(dispatcher, tracker):
                # the stop took the NLU's confidence: the likeliest questions, to pick from
                ranking = tracker.latest_message.get("question_ranking") or []
                did_you_mean(dispatcher, [r["question"] for r in ranking[:3]])
            return _end_form()
        contact_events = contact_outside_form(dispatcher, tracker, "stop_recommendation")
        if contact_events is not None:
            return contact_events  # "Please have a consultant reach out. Will Stop, will.stop@x.us"
        if not consultant_request_reply(dispatcher, tracker):
            dispatcher.utter_message(response="utter_recommendation_stopped")
        return [ActiveLoop(None)]  # (no form is active: the rules expect it said)


# The brief result's buttons: the reasons and the full plan, one click away.
RESULT_BUTTONS = [
    {"title": "Why this recommendation?", "payload": "/explain_recommendation"},
    {"title": "The full plan", "payload": "/show_recommendation"},
]


def show_result(dispatcher: CollectingDispatcher, tracker: Tracker, profile: rec.Profile) -> List[EventType]:
    store = default_store()
    result = rec.recommend(store, profile)
    dispatcher.utter_message(text=rec.render_brief(result, profile), buttons=RESULT_BUTTONS)
    if profile.deadline_months and rec.misses_deadline(result, profile):
        dispatcher.utter_message(response="utter_deadline_missed", deadline=month_count(profile.deadline_months))
    if rec.pursues_cmmi_now(result) and not tracker.get_slot("rec_outcome"):
        # said once, before the consultant is offered: the consultancy does not do the CMMI part
        _say_fact_once(dispatcher, tracker, CMMI_CONSULTING_NOTE, CMMI_CONSULTING_FACTS)
    return [SlotSet("rec_outcome", result.key)]


def _say_fact(dispatcher: CollectingDispatcher, key: str) -> None:
    """One store fact as a message of its own, cited."""
    fact = default_store().fact(key)
    if fact is not None:
        cite = Citations()
        dispatcher.utter_message(text=cite.below(f"{fact.text} {cite.mark(fact.source)}"))


def _say_fact_once(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, same_point: Sequence[str]) -> None:
    """The fact `key`, unless this conversation was already told it or another fact of
    `same_point` (a disclaimer said three times reads as nagging)."""
    store = default_store()
    texts = [f.text for f in (store.fact(k) for k in same_point) if f is not None]
    told = (str(e.get("text") or "") for e in tracker.events if e.get("event") == "bot")
    if not any(t in said for said in told for t in texts):
        _say_fact(dispatcher, key)


def _no_result_yet(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text="I haven't made a recommendation yet.",
        buttons=[{"title": "Help me choose", "payload": "/start_recommendation"}],
    )


class ActionShowRecommendation(Action):
    def name(self) -> Text:
        return "action_show_recommendation"

    def run(self, dispatcher, tracker, domain):
        if not _complete(tracker):
            _no_result_yet(dispatcher)
            return []
        if _intent(tracker) == "show_recommendation":  # "show the summary", "The full plan"
            profile = _profile(tracker)
            result = rec.recommend(default_store(), profile)
            dispatcher.utter_message(text=rec.render(result, profile))
            return [SlotSet("rec_outcome", result.key)]
        return show_result(dispatcher, tracker, profile=_profile(tracker))


class ActionExplainRecommendation(Action):
    def name(self) -> Text:
        return "action_explain_recommendation"

    async def run(self, dispatcher, tracker, domain):
        why = await asyncio.to_thread(why_this_question, tracker)
        if why:
            dispatcher.utter_message(text=why)  # "why?" at a form question: why it is asked
            return []
        if not _complete(tracker):
            if tracker.get_slot("last_question"):  # "why?" after an answer, in the form or not: its detail
                return await answer_question(dispatcher, tracker, "more_detail")
            _no_result_yet(dispatcher)
            return []
        profile = _profile(tracker)
        dispatcher.utter_message(text=rec.render_reasons(rec.recommend(default_store(), profile)))
        return []


def _answering_questions(tracker: Tracker) -> bool:
    """True when the conversation is about a question answered, not a recommendation."""
    return (
        bool(tracker.get_slot("last_question"))
        and not tracker.get_slot("rec_outcome")
        and tracker.active_loop.get("name") != FORM
    )


class ActionCorrectRecommendation(Action):
    """ "Actually we're 50 people": update what the user corrected and, when a
    result was given, give the updated result."""

    def name(self) -> Text:
        return "action_correct_recommendation"

    async def run(self, dispatcher, tracker, domain):
        if consultant_request_reply(dispatcher, tracker):
            return []  # "I don't want a consultant to contact me" changes nothing in the profile
        if asks_clearly(tracker) and answer_unrouted_question(dispatcher, tracker):
            return []  # "my colleague says DoD doesn't require CMMI anymore. True?" asks; it corrects nothing
        answer = _typed_at_contact_prompt(tracker)
        if answer:  # "Nobody Noel" or an email at the consultant's prompt, not a correction
            return answer
        return await correct(
            dispatcher,
            tracker,
            rec.parse_statement(default_store(), _text(tracker), tracker.latest_message.get("entities")),
        )


async def correct(dispatcher: CollectingDispatcher, tracker: Tracker, found: Dict[str, str]) -> List[EventType]:
    """Apply what the user corrected: after an answer, the answer again for it; in
    the form, go on; after a result, the updated result."""
    store = default_store()
    found = {slot: merged(slot, tracker.get_slot(slot), value, _text(tracker)) for slot, value in found.items()}
    if found.get("rec_requirement") == rec.NONE:
        # "why both? nobody asked us for iso": CMMI stays required
        kept = requirement_after_correction(store, tracker.get_slot("rec_requirement"), _text(tracker))
        if kept == tracker.get_slot("rec_requirement"):
            del found["rec_requirement"]
        elif kept:
            found["rec_requirement"] = kept
    in_form = tracker.active_loop.get("name") == FORM
    if not found:
        if _answering_questions(tracker):
            # "so you're saying YES we should wait??": about the last answer, not the profile
            return await answer_question(dispatcher, tracker, "nlu_fallback")
        contact_events = contact_outside_form(dispatcher, tracker, "correct_recommendation")
        if contact_events is not None:
            return contact_events
        dispatcher.utter_message(
            text="I couldn't tell what to change. Say it like \"actually we're 50 people\", "
            '"actually we\'re in aerospace" or "our contracts require ISO 9001".'
        )
        return []
    events: List[EventType] = [SlotSet(slot, value) for slot, value in found.items()]
    if _answering_questions(tracker):
        # "we're about 45 people" after an answer: note it and answer again for it
        dispatcher.utter_message(text=describe_found(store, found))
        return events + await answer_question(dispatcher, tracker, "ask_followup", known=found)
    updated = describe_found(store, found, lead="Updated")
    slots = dict(tracker.slots)
    slots.update(found)
    if not in_form and tracker.get_slot("rec_outcome") and asks_beside_correction(tracker):
        # "we are NOT government. ok different q: valid forever?": the result's new title, then the question
        profile = rec.Profile.from_slots(slots)
        result = await asyncio.to_thread(rec.recommend, store, profile)
        verb = "stays" if result.key == tracker.get_slot("rec_outcome") else "is now"
        dispatcher.utter_message(text=f"{updated} The recommendation {verb}: {result.outcome.title}.")
        events.append(SlotSet("rec_outcome", result.key))
        return events + await answer_question(dispatcher, tracker, "ask_question", known=found)
    dispatcher.utter_message(text=updated)
    if in_form:
        return events
    if all(slots.get(slot) not in (None, "") for slot in rec.SLOTS):
        profile = rec.Profile.from_slots(slots)
        return events + show_result(dispatcher, tracker, profile)
    # Not enough for a result yet: continue with the questions.
    return events + [FollowupAction(FORM)]


# A question asked this plainly beside a correction is answered, not only the result again
SIDE_QUESTION_CONFIDENCE = 0.5


def asks_beside_correction(tracker: Tracker) -> bool:
    """ "we are NOT government. ok different q: valid forever?" asks a question of its own;
    "we are not government, does that change anything?" and "why both??" ask about the result."""
    text = _text(tracker)
    if asks_why(text) or asked_confidence(tracker) < SIDE_QUESTION_CONFIDENCE:
        return False
    # "...closes in 4 months only. does that change your advice?" asks for the updated result
    return any(
        not OBJECTION.search(sentence) and not asks_for_recommendation(sentence) for sentence in asking_sentences(text)
    )


class ActionComplaint(Action):
    """ "You got that wrong, we are not government": a correction in it is applied
    (the last answer or the result again, for it); a bare complaint gets an apology
    and the options."""

    def name(self) -> Text:
        return "action_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        answer = _typed_at_contact_prompt(tracker)
        if answer:
            return answer
        updates = profile_updates(tracker, overwrite=True)
        if updates and (
            tracker.get_slot("last_question")
            or tracker.get_slot("rec_outcome")
            or tracker.active_loop.get("name") == FORM
        ):
            return await correct(dispatcher, tracker, updates)
        dispatcher.utter_message(response="utter_sorry_wrong")
        return [SlotSet(k, v) for k, v in updates.items()]


class ValidateConsultantForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_consultant_form"

    def _reask(self, slot: str, dispatcher: CollectingDispatcher) -> None:
        question = default_store().question(slot)
        if question is not None:
            dispatcher.utter_message(text=question.reask)

    def _withdrawn(self, dispatcher: CollectingDispatcher, reason: str = "utter_contact_not_stored") -> Dict[Text, Any]:
        """The request taken back at a prompt, or no email given: nothing stored, and the form ends."""
        dispatcher.utter_message(response=reason)
        return {"contact_name": None, "contact_email": None, "requested_slot": None}

    async def extract_contact_name(self, dispatcher, tracker, domain):
        # "I want a consultant. I'm Will Stop, will.stop@x.pl": the name with the email, in any
        # message; "i want talk to consultant please. my name is Faith Stop": a name stated as one
        name = contact.name_beside_email(_text(tracker)) or contact.stated_name(_text(tracker))
        return {"contact_name": name} if name and not tracker.get_slot("contact_name") else {}

    async def extract_contact_email(self, dispatcher, tracker, domain):
        email = contact.find_email(_text(tracker))
        return {"contact_email": email} if email and not tracker.get_slot("contact_email") else {}

    def validate_contact_name(self, value, dispatcher, tracker, domain):
        if contact.withdraws(_text(tracker)):
            return self._withdrawn(dispatcher)
        if contact.refuses_name(_text(tracker)):
            dispatcher.utter_message(response="utter_name_optional")
            return {"contact_name": contact.NO_NAME}
        email = contact.find_email(value)
        name = contact.name_beside_email(value) if email else contact.clean_name(value)
        if name is None:
            self._reask("contact_name", dispatcher)
        return {"contact_name": name, **({"contact_email": email} if name and email else {})}

    def validate_contact_email(self, value, dispatcher, tracker, domain):
        if contact.withdraws(_text(tracker)):
            return self._withdrawn(dispatcher)
        if contact.refuses_email(_text(tracker)):
            return self._withdrawn(dispatcher, "utter_email_needed")  # "no email. phone only": not asked again
        email = contact.find_email(value)
        if email is None:
            self._reask("contact_email", dispatcher)
        return {"contact_email": email}


class ActionSubmitConsultantRequest(Action):
    def name(self) -> Text:
        return "action_submit_consultant_request"

    def run(self, dispatcher, tracker, domain):
        store = default_store()
        name, email = tracker.get_slot("contact_name"), tracker.get_slot("contact_email")
        if not name or not email:
            return []  # the request was taken back at a prompt (ValidateConsultantForm)
        if _complete(tracker):
            profile = _profile(tracker)
            summary = rec.summary_line(store, rec.recommend(store, profile), profile)
        else:
            summary = "No recommendation given yet."
        contact.save_request(store.engine, tracker.sender_id, name, email, summary)
        leads.after_new_request(store.engine)  # emailed to the consultancy, or kept unsent for later
        # The address is never repeated back (it would be one more copy in the conversation).
        stored = "your request with your recommendation" if _complete(tracker) else "your request"
        thanks = "Thank you." if name == contact.NO_NAME else f"Thank you, {name}."
        dispatcher.utter_message(
            text=f"{thanks} I've stored {stored}, and a consultant "
            f'will write to the email address you gave. Say "forget me" at any time to delete these details.'
        )
        return []


class _ContactCommand:
    """A command ("stop", "forget me") that, typed at the consultant's name or email
    prompt, is a name ("Grace Stop", "Will Forget"): then it is taken as the name.
    A mixin, not an Action: rasa_sdk registers every subclass of Action as an action."""

    def run(self, dispatcher, tracker, domain):
        return _typed_at_contact_prompt(tracker) or self.command(dispatcher, tracker)

    def command(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        raise NotImplementedError


class ActionStopConsultantRequest(_ContactCommand, Action):
    def name(self) -> Text:
        return "action_stop_consultant_request"

    def command(self, dispatcher, tracker):
        dispatcher.utter_message(response="utter_contact_not_stored")
        return _end_consultant_request()


class ActionAnswerOffer(Action):
    """A yes or no that is not right after the consultant offer ("can we get ML3 in 4 months?"
    ... "yes please, a consultant"): the answer to the offer if it is still open, else "OK"."""

    def name(self) -> Text:
        return "action_answer_offer"

    def run(self, dispatcher, tracker, domain):
        if consultant_request_reply(dispatcher, tracker):
            return []  # "actually don't contact me, I'll ask our OEM first": a stored request is withdrawn
        if not consultant_offer_open(tracker):
            dispatcher.utter_message(response="utter_ok")
            return []
        if _intent(tracker) == "affirm":
            return [FollowupAction("consultant_form")]
        dispatcher.utter_message(response="utter_consultant_declined")
        return []


def forget_me_reply(deleted: int, already_sent: int) -> str:
    conversation = "this whole conversation, everything you typed included"
    if not deleted:
        return f"I had no contact details stored for you. I've deleted {conversation}."
    requests = "your consultant request" if deleted == 1 else f"your {deleted} consultant requests"
    reply = f"Done: I've deleted {requests} (your name, email and recommendation) and {conversation}."
    if already_sent:
        it, copy = ("it", "that copy is") if already_sent == 1 else ("them", "those copies are")
        reply += f" Our consultants had already received {it} by email; {copy} not deleted by this."
    return reply


# Something typed as an email address, valid or not ("dana.forget@gmail")
_ADDRESS_LIKE = re.compile(r"\S+@\S*")


def _mistyped_address(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """ "dana.forget@gmail", read as "forget me": an email address mistyped, never an
    erasure. At the email prompt it is re-asked, elsewhere it is not stored. None when
    the message is no such address, or also asks in words to be forgotten."""
    text = _text(tracker)
    if not _ADDRESS_LIKE.search(text) or explicit_erasure(_ADDRESS_LIKE.sub(" ", text)):
        return None
    if tracker.active_loop.get("name") == "consultant_form" and tracker.get_slot("requested_slot") == "contact_email":
        question = default_store().question("contact_email")
        if question is not None:
            dispatcher.utter_message(text=question.reask)
        return [FollowupAction("action_listen")]  # the form goes on asking for the email
    dispatcher.utter_message(response="utter_contact_outside_form")
    return []


class ActionForgetMe(_ContactCommand, Action):
    def name(self) -> Text:
        return "action_forget_me"

    def command(self, dispatcher, tracker):
        mistyped = _mistyped_address(dispatcher, tracker)
        if mistyped is not None:
            return mistyped
        if not explicit_erasure(_text(tracker)) and consultant_request_reply(dispatcher, tracker):
            return []  # "is my data still stored?" asks; it does not erase
        contact_events = (
            None if explicit_erasure(_text(tracker)) else contact_outside_form(dispatcher, tracker, "nlu_fallback")
        )
        if contact_events is not None:
            return contact_events  # "Hope Forget" with no prompt open: a name, and nothing is deleted
        engine = default_store().engine
        already_sent = contact.count_sent(engine, tracker.sender_id)
        dispatcher.utter_message(text=forget_me_reply(contact.forget(engine, tracker.sender_id), already_sent))
        # The Rasa server then deletes the whole conversation (channels/erasure.py).
        # Also ends any form in progress (the rules say so).
        return [SlotSet("erased", True)] + _end_consultant_request() + _reset_events()
