"""Recommendation actions with rasa-sdk's CollectingDispatcher and Tracker.from_dict:
the full list of events each action returns and the messages it dispatches."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as rasa_actions
import actions.recommendation as rec_actions
from bot import contact
from bot import recommendation as rec
from tests.test_answers import FACTS

DOMAIN = {
    "forms": {
        "recommendation_form": {"required_slots": list(rec.SLOTS)},
        "consultant_form": {"required_slots": ["contact_name", "contact_email"]},
    },
    "slots": {},
}
# A complete profile: a 40-person manufacturer with commercial customers, no requirement, nothing held.
MANUFACTURER_40_STAFF = {
    "rec_industry": "manufacturing",
    "rec_customers": "commercial",
    "rec_requirement": "none",
    "rec_certifications": "none",
    "rec_size": "40",
    "rec_timeline": "flexible",
    "rec_goal": "customer_satisfaction",
}


def tracker(
    intent: str,
    text: str,
    slots: dict | None = None,
    set_now: dict | None = None,
    requested: str | None = None,
    loop: str | None = "recommendation_form",
    sender: str = "test-user",
) -> Tracker:
    """A tracker whose latest user message is `text`; `set_now` are slots extracted from it."""
    slots = dict(slots or {})
    slots["requested_slot"] = requested
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    for name, value in (set_now or {}).items():
        slots[name] = value
        events.append({"event": "slot", "name": name, "value": value})
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": loop} if loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    """The messages the action dispatches and every event it returns."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, DOMAIN)
    if asyncio.iscoroutine(events):
        events = asyncio.run(events)
    return dispatcher.messages, events


def typed_at(form, slot: str, text: str, intent: str = "inform_recommendation", **kwargs):
    """The form's validation of `text`, typed at its prompt for `slot` (and mapped to it)."""
    return run(form, tracker(intent, text, set_now={slot: text}, requested=slot, **kwargs))


def texts(messages: list[dict]) -> list:
    return [m["text"] for m in messages]


def buttons(message: dict) -> list[tuple[str, str]]:
    return [(b["title"], b["payload"]) for b in message["buttons"]]


@pytest.fixture(autouse=True)
def use_test_store(monkeypatch, sqlite_store):
    # both action modules read the store (the consultant request lives in actions.actions too)
    monkeypatch.setattr(rec_actions, "default_store", lambda: sqlite_store)
    monkeypatch.setattr(rasa_actions, "default_store", lambda: sqlite_store)


def test_unusable_size_is_reasked_with_examples(sqlite_store):
    messages, events = typed_at(rec_actions.ValidateRecommendationForm(), "rec_size", "lots")
    assert events == [SlotSet("rec_size", None), SlotSet("rec_failed", "rec_size:1")]
    assert texts(messages) == [sqlite_store.question("rec_size").reask]
    assert "50 people" in messages[0]["text"]


def test_free_text_answer_is_normalised(sqlite_store):
    messages, events = typed_at(rec_actions.ValidateRecommendationForm(), "rec_industry", "we make aircraft parts")
    assert events == [SlotSet("rec_industry", "aerospace")]
    assert texts(messages) == ["Noted: industry: Aerospace."]  # the industry's name in content/industries.yml


def test_a_question_is_never_taken_as_an_answer():
    messages, events = typed_at(
        rec_actions.ValidateRecommendationForm(), "rec_requirement", "what is cmmi?", intent="ask_question"
    )
    assert events == [SlotSet("rec_requirement", None)]
    assert messages == []


def test_opening_fills_what_it_states():
    messages, events = run(
        rec_actions.ValidateRecommendationForm(),
        tracker(
            "start_recommendation", "we're a 300-person defense software company and our contracts require CMMI level 3"
        ),
    )
    assert events == [
        SlotSet("rec_industry", "defense"),
        SlotSet("rec_customers", "defense"),
        SlotSet("rec_requirement", "cmmi"),
        SlotSet("rec_size", "300"),
        SlotSet("rec_target_level", "3"),
    ]  # nothing about the goal or the timeline
    assert texts(messages) == [
        "Noted: 300 staff, industry: Defense, customers: Defense / DoD, contracts require CMMI (maturity level 3)."
    ]


def test_correction_mid_form_updates_and_says_so():
    messages, events = run(
        rec_actions.ValidateRecommendationForm(),
        tracker(
            "correct_recommendation",
            "actually we're 50 people",
            slots={"rec_industry": "software", "rec_size": "300"},
            requested="rec_timeline",
        ),
    )
    assert events == [SlotSet("rec_size", "50")]
    assert texts(messages) == ["Updated: 50 staff."]


def test_a_misclick_corrects_the_answer_before_the_question_asked_now():
    t = tracker(
        "inform_recommendation",
        "oops misclick, i meant iso 9001 not as9100, the form says iso 9001 or similar",
        slots={"rec_industry": "software", "rec_customers": "commercial", "rec_requirement": "as9100"},
        requested="rec_certifications",
    )
    t.events.insert(0, {"event": "slot", "name": "rec_requirement", "value": "as9100"})
    messages, events = run(rec_actions.ValidateRecommendationForm(), t)
    # the requirement changes, and what is held is still to be asked (not "ISO 9001 held")
    assert events == [SlotSet("rec_requirement", "iso9001")]
    assert texts(messages) == ["Updated: contracts require ISO 9001."]


def test_every_question_comes_with_buttons(sqlite_store):
    for action in rec_actions.ASK_ACTIONS:
        slot = action().name().removeprefix("action_ask_")
        question = sqlite_store.question(slot)  # content/questions.yml
        messages, events = run(action(), tracker("inform_recommendation", "x"))
        assert events == [], slot
        assert [(m["text"], buttons(m)) for m in messages] == [
            (
                question.text,
                [
                    (
                        o.title,
                        "/deny" if o.value == "cancel" else '/inform_recommendation{"rec_choice": "%s"}' % o.value,
                    )
                    for o in question.options
                ],
            )
        ], slot


def test_correction_after_the_result_gives_the_updated_result(sqlite_store):
    answers = {
        "rec_industry": "software",
        "rec_customers": "defense",
        "rec_requirement": "cmmi",
        "rec_certifications": "none",
        "rec_size": "300",
        "rec_timeline": "flexible",
        "rec_goal": "market_access",
    }
    messages, events = run(
        rec_actions.ActionCorrectRecommendation(),
        tracker(
            "correct_recommendation",
            "actually we're 50 people",
            slots={**answers, "rec_outcome": "both_iso_first"},
            loop=None,
        ),
    )
    assert events == [SlotSet("rec_size", "50"), SlotSet("rec_outcome", "both_iso_first")]
    assert len(messages) == 2 and messages[0]["text"] == "Updated: 50 staff."
    result = messages[1]["text"]
    assert result.startswith("Both, ISO 9001 first\n")  # content/outcomes.yml
    # ISO 9001 for 25–250 staff (content/timelines.yml), then the article's CMMI appraisal process
    assert (
        "Plan: 1. ISO 9001 certification process: 6–9 months (estimate) [2] "
        "2. CMMI appraisal process (maturity level 3): 6–12 months (estimate) [3]\n" in result
    )
    assert buttons(messages[1]) == [
        ("Why this recommendation?", "/explain_recommendation"),
        ("The full plan", "/show_recommendation"),
    ]


def test_invalid_email_is_reasked_and_valid_one_kept(sqlite_store):
    messages, events = typed_at(
        rec_actions.ValidateConsultantForm(), "contact_email", "jane(at)example", loop="consultant_form"
    )
    assert events == [SlotSet("contact_email", None)]
    assert texts(messages) == [sqlite_store.question("contact_email").reask]
    messages, events = typed_at(
        rec_actions.ValidateConsultantForm(), "contact_email", "jane@example.com", loop="consultant_form"
    )
    assert events == [SlotSet("contact_email", "jane@example.com")]
    assert messages == []


def test_submit_stores_the_request_with_the_recommendation_and_forget_me_deletes_it(sqlite_store):
    sender = f"t-{uuid.uuid4().hex}"
    answers = {**MANUFACTURER_40_STAFF, "contact_name": "Jane Smith", "contact_email": "jane@example.com"}
    messages, events = run(
        rec_actions.ActionSubmitConsultantRequest(),
        tracker("inform_recommendation", "jane@example.com", slots=answers, loop=None, sender=sender),
    )
    assert events == []
    assert texts(messages) == [
        (
            "Thank you, Jane Smith. I've stored your request with your recommendation, and a "
            'consultant will write to the email address you gave. Say "forget me" at any '
            "time to delete these details."
        )
    ]
    [stored] = contact.requests_for(sqlite_store.engine, sender)
    assert (stored.name, stored.email) == ("Jane Smith", "jane@example.com")
    assert stored.recommendation == (  # the outcome's title (content/outcomes.yml) and the user's answers
        "ISO 9001 only (industry: Manufacturing; customers: Commercial / private sector; contracts require: none of "
        "these frameworks; already held: none; size: 40 staff; timeline: no immediate pressure; main goal: "
        "customer satisfaction)"
    )
    messages, events = run(
        rec_actions.ActionForgetMe(), tracker("forget_me", "forget me", slots=answers, loop=None, sender=sender)
    )
    assert contact.requests_for(sqlite_store.engine, sender) == []
    assert events == [
        SlotSet("erased", True),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        *(
            SlotSet(slot, None)
            for slot in ["contact_name", "contact_email", *rec.SLOTS, *rec.EXTRA_SLOTS, "rec_outcome", "rec_failed"]
        ),
    ]
    assert texts(messages) == [
        "Done: I've deleted your consultant request (your name, email and recommendation) "
        "and this whole conversation, everything you typed included."
    ]


# Names and emails at the consultant's prompts that the NLU may read as commands or questions.
@pytest.mark.parametrize(
    "action, intent, requested, text, slot, value",
    [
        ("ActionForgetMe", "forget_me", "contact_name", "Will Forget", "contact_name", "Will Forget"),
        (
            "ActionForgetMe",
            "forget_me",
            "contact_email",
            "mark.forget@fedit.example.org",
            "contact_email",
            "mark.forget@fedit.example.org",
        ),
        (
            "ActionStopConsultantRequest",
            "stop_recommendation",
            "contact_name",
            "Grace Stop",
            "contact_name",
            "Grace Stop",
        ),
        ("ActionStopConsultantRequest", "deny", "contact_name", "Nobody Noel", "contact_name", "Nobody Noel"),
    ],
)
def test_a_name_or_email_that_looks_like_a_command_is_taken_as_the_answer(action, intent, requested, text, slot, value):
    dispatcher = CollectingDispatcher()
    events = getattr(rec_actions, action)().run(
        dispatcher, tracker(intent, text, requested=requested, loop="consultant_form"), DOMAIN
    )
    assert events == [
        {"event": "slot", "timestamp": None, "name": slot, "value": value},
        {"event": "followup", "timestamp": None, "name": "consultant_form"},
    ]
    assert dispatcher.messages == []  # nothing deleted, nothing cancelled


def test_a_name_that_looks_like_a_question_is_taken_as_the_name():
    import actions.actions as question_actions

    dispatcher = CollectingDispatcher()
    t = tracker("ask_question", "Will Price", requested="contact_name", loop="consultant_form")
    events = asyncio.run(question_actions.ActionAnswerQuestion().run(dispatcher, t, DOMAIN))
    assert events == [{"event": "slot", "timestamp": None, "name": "contact_name", "value": "Will Price"}]
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["forget me", "please delete my data", "stop", "no thanks"])
def test_a_real_erasure_or_refusal_at_the_name_prompt_still_counts(text):
    assert (
        rec_actions.contact_answer(tracker("forget_me", text, requested="contact_name", loop="consultant_form")) == []
    )


@pytest.mark.parametrize(
    "action, intent, requested, text, slot",
    [
        (
            "ActionCorrectRecommendation",
            "correct_recommendation",
            "contact_email",
            "will.forget@example.com",
            "contact_email",
        ),
        ("ActionCorrectRecommendation", "correct_recommendation", "contact_name", "Nobody Noel", "contact_name"),
        ("ActionComplaint", "complain_wrong", "contact_name", "Mark Wrong", "contact_name"),
    ],
)
def test_a_contact_answer_read_as_a_correction_is_taken_as_the_answer(action, intent, requested, text, slot):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        getattr(rec_actions, action)().run(
            dispatcher, tracker(intent, text, requested=requested, loop="consultant_form"), DOMAIN
        )
    )
    assert events == [
        {"event": "slot", "timestamp": None, "name": slot, "value": text},
        {"event": "followup", "timestamp": None, "name": "consultant_form"},
    ]
    assert dispatcher.messages == []


def test_an_answer_in_the_form_does_not_overwrite_another_known_answer(sqlite_store):
    messages, events = run(
        rec_actions.ValidateRecommendationForm(),
        tracker(
            "inform_recommendation",
            "a few bank RFPs asked for iso 9001",
            slots={"rec_industry": "software"},
            requested="rec_requirement",
        ),
    )
    assert events == [SlotSet("rec_requirement", "iso9001")]  # rec_industry stays "software"
    assert texts(messages) == ["Noted: contracts require ISO 9001."]


def _with_history(t: Tracker, history: list[dict]) -> Tracker:
    """t with `history` (bot actions, earlier turns) before its latest user message."""
    t.events = history + t.events
    return t


OFFERED = [
    {"event": "action", "name": "action_show_recommendation"},
    {"event": "action", "name": "utter_offer_consultant"},
]
A_QUESTION_IN_BETWEEN = [
    {"event": "user", "text": "can we get ML3 in 4 months?"},
    {"event": "action", "name": "action_answer_question"},
]


def test_a_yes_after_a_question_still_accepts_the_consultant_offer():
    t = _with_history(tracker("affirm", "yes please, a consultant", loop=None), OFFERED + A_QUESTION_IN_BETWEEN)
    messages, events = run(rec_actions.ActionAnswerOffer(), t)
    assert messages == []
    assert events == [{"event": "followup", "name": "consultant_form", "timestamp": None}]


def test_a_no_after_a_question_declines_the_offer_once():
    t = _with_history(tracker("deny", "no thanks, just browsing", loop=None), OFFERED + A_QUESTION_IN_BETWEEN)
    messages, events = run(rec_actions.ActionAnswerOffer(), t)
    assert [m["response"] for m in messages] == ["utter_consultant_declined"]
    assert events == []
    answered = OFFERED + A_QUESTION_IN_BETWEEN + [{"event": "action", "name": "action_answer_offer"}]
    messages, events = run(
        rec_actions.ActionAnswerOffer(), _with_history(tracker("affirm", "yes", loop=None), answered)
    )
    assert [m["response"] for m in messages] == ["utter_ok"]
    assert events == []


def test_a_yes_with_no_offer_open_is_just_ok():
    messages, events = run(rec_actions.ActionAnswerOffer(), tracker("affirm", "yes", loop=None))
    assert [m["response"] for m in messages] == ["utter_ok"]
    assert events == []


def test_after_two_side_questions_the_form_question_is_a_one_line_reminder(sqlite_store):
    ask_customers = next(a for a in rec_actions.ASK_ACTIONS if a().name() == "action_ask_rec_customers")
    side = [
        {"event": "active_loop", "name": "recommendation_form"},
        {"event": "user", "text": "what is cmmi?"},
        {"event": "action", "name": "action_answer_question"},
        {"event": "user", "text": "and who owns it?"},
        {"event": "action", "name": "action_answer_question"},
    ]
    messages, events = run(ask_customers(), _with_history(tracker("ask_question", "and who owns it?"), side))
    assert [m["response"] for m in messages] == ["utter_form_waiting"]
    assert messages[0]["form_question"] == sqlite_store.question("rec_customers").text
    assert "buttons" not in messages[0] or not messages[0]["buttons"]
    assert events == []
    messages, events = run(ask_customers(), _with_history(tracker("ask_question", "what is cmmi?"), side[:3]))
    assert texts(messages) == [sqlite_store.question("rec_customers").text]
    assert buttons(messages[0]) == [
        (o.title, '/inform_recommendation{"rec_choice": "%s"}' % o.value)
        for o in sqlite_store.question("rec_customers").options
    ]
    assert events == []


def test_help_me_choose_at_a_form_question_says_why_it_is_asked_and_offers_not_sure(sqlite_store):
    messages, events = run(
        rec_actions.ValidateRecommendationForm(),
        tracker(
            "start_recommendation",
            "help me choose",
            set_now={"rec_customers": "help me choose"},
            requested="rec_customers",
        ),
    )
    assert events == [SlotSet("rec_customers", None), SlotSet("rec_failed", "rec_customers:1")]
    assert messages == [
        {**messages[0], "response": "utter_form_help", "why": sqlite_store.question("rec_customers").why}
    ]
    # the question that follows offers "Not sure" (content/questions.yml has no such button of its own)
    ask_messages, _ = run(
        rec_actions.ASK_ACTIONS[rec_actions.rec.SLOTS.index("rec_customers")](),
        tracker("start_recommendation", "help me choose", slots={"rec_failed": "rec_customers:1"}),
    )
    assert ("Not sure", '/inform_recommendation{"rec_choice": "unknown"}') in buttons(ask_messages[0])


def test_a_deadline_shorter_than_the_first_step_gets_advice_after_the_result(sqlite_store):
    answers = {
        "rec_industry": "defense",
        "rec_customers": "defense",
        "rec_requirement": "cmmi",
        "rec_certifications": "none",
        "rec_size": "30",
        "rec_timeline": "urgent",
        "rec_goal": "market_access",
        "rec_target_level": "3",
        "rec_deadline_months": "4",
    }
    messages, events = run(rec_actions.ActionShowRecommendation(), tracker("affirm", "ok", slots=answers, loop=None))
    assert events == [SlotSet("rec_outcome", "cmmi")]
    assert (
        "CMMI appraisal process (maturity level 3): 6–12 months (estimate); "
        "your 4 months is shorter than that" in (messages[0]["text"])
    )
    assert messages[1]["response"] == "utter_deadline_missed" and messages[1]["deadline"] == "4 months"


def test_a_deadline_the_plan_can_meet_gets_no_such_advice(sqlite_store):
    answers = {
        "rec_industry": "manufacturing",
        "rec_customers": "commercial",
        "rec_requirement": "none",
        "rec_certifications": "none",
        "rec_size": "40",
        "rec_timeline": "within_year",
        "rec_goal": "customer_satisfaction",
        "rec_deadline_months": "10",
    }
    messages, _ = run(rec_actions.ActionShowRecommendation(), tracker("affirm", "ok", slots=answers, loop=None))
    assert [m.get("response") for m in messages] == [None]


@pytest.mark.parametrize(
    "requested,text",
    [
        ("contact_name", "desculpa, i need to ask my CIO first before giving contact. please dont save my name"),
        ("contact_email", "hmm then no consultant, cancel"),
        ("contact_name", "what? i dont want consultant, obrigada = thank you. bye"),
    ],
)
def test_taking_the_request_back_at_a_contact_prompt_stores_nothing(sqlite_store, requested, text):
    messages, events = run(
        rec_actions.ValidateConsultantForm(),
        tracker("deny", text, slots={"contact_name": "Ana"}, set_now={requested: text}, requested=requested),
    )
    assert [m["response"] for m in messages] == ["utter_contact_not_stored"]
    # (rasa-sdk orders the slot events by which slot was validated)
    assert sorted(events, key=lambda e: e["name"]) == [
        SlotSet("contact_email", None),
        SlotSet("contact_name", None),
        SlotSet("requested_slot", None),
    ]
    _, submitted = run(rec_actions.ActionSubmitConsultantRequest(), tracker("deny", text, loop=None))
    assert submitted == [] and contact.requests_for(sqlite_store.engine, "test-user") == []


def test_a_name_with_forget_in_it_outside_the_contact_form_deletes_nothing(sqlite_store):
    contact.save_request(sqlite_store.engine, "test-user", "Hope Forget", "hope@example.org", "CMMI (appraisal)")
    messages, events = run(rec_actions.ActionForgetMe(), tracker("forget_me", "Hope Forget", loop=None))
    assert events == [] and [m["response"] for m in messages] == ["utter_contact_outside_form"]
    assert [r.name for r in contact.requests_for(sqlite_store.engine, "test-user")] == ["Hope Forget"]
    # asked in words (even capitalised), it erases
    messages, events = run(rec_actions.ActionForgetMe(), tracker("forget_me", "Forget Me", loop=None))
    assert contact.requests_for(sqlite_store.engine, "test-user") == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("actually we also sell to the DoD", "commercial,defense"),
        ("we also sell to dod, not only private", "commercial,defense"),
        ("actually only the DoD", "defense"),
    ],
)
def test_also_adds_a_customer_even_after_actually(text, expected):
    assert rec_actions.merged("rec_customers", "commercial", "defense", text) == expected


def test_name_and_email_in_one_message_at_the_name_prompt_fill_both(sqlite_store):
    text = "Faith Long, faith.long@maquinados-qro.mx"  # "how long?" to the NLU
    messages, events = run(
        rasa_actions.ActionAnswerQuestion(),
        tracker("ask_question", text, requested="contact_name", loop="consultant_form"),
    )
    assert events == [SlotSet("contact_name", "Faith Long"), SlotSet("contact_email", "faith.long@maquinados-qro.mx")]
    assert messages == []
    messages, events = run(
        rec_actions.ValidateConsultantForm(),
        tracker(
            "inform_recommendation",
            "I'm Will Stop, will.stop@softhouse.pl",
            set_now={"contact_name": "I'm Will Stop, will.stop@softhouse.pl"},
            requested="contact_name",
            loop="consultant_form",
        ),
    )
    assert (
        SlotSet("contact_name", "Will Stop") in events and SlotSet("contact_email", "will.stop@softhouse.pl") in events
    )
    assert messages == []


def test_a_consultant_request_with_name_and_email_outside_the_form_starts_it_filled(sqlite_store):
    text = "ok yes, consultant can contact me. Mehmet Yilmaz, mehmet.yilmaz@example.com.tr"
    messages, events = run(
        rec_actions.ActionCorrectRecommendation(), tracker("correct_recommendation", text, loop=None)
    )
    assert events == [
        SlotSet("contact_name", "Mehmet Yilmaz"),
        SlotSet("contact_email", "mehmet.yilmaz@example.com.tr"),
        FollowupAction("consultant_form"),
    ]
    assert messages == []


def test_not_wanting_a_consultant_after_all_deletes_the_request_and_nothing_else(sqlite_store):
    contact.save_request(sqlite_store.engine, "test-user", "Ana Lima", "ana@example.com", "CMMI (appraisal)")
    text = "actually, I changed my mind, I don't want a consultant to contact me"
    messages, events = run(
        rec_actions.ActionCorrectRecommendation(),
        tracker("correct_recommendation", text, slots={"rec_requirement": "cmmi"}, loop=None),
    )
    assert events == [] and [m["response"] for m in messages] == ["utter_consultant_withdrawn"]
    assert contact.requests_for(sqlite_store.engine, "test-user") == []


@pytest.mark.parametrize(
    "action,intent,text",
    [
        ("ActionStopRecommendation", "stop_recommendation", "actually please cancel the consultant request"),
        ("ActionCorrectRecommendation", "correct_recommendation", "wait, actually don't contact me, no budget"),
        (
            "ActionCorrectRecommendation",
            "correct_recommendation",
            "no, I changed my mind, don't have anyone contact me",
        ),
    ],
)
def test_a_request_taken_back_in_words_is_deleted(sqlite_store, action, intent, text):
    contact.save_request(sqlite_store.engine, "test-user", "Ana Lima", "ana@example.com", "CMMI (appraisal)")
    messages, events = run(getattr(rec_actions, action)(), tracker(intent, text, loop=None))
    # (the stop action says no form is active, as its rules expect)
    assert events == ([ActiveLoop(None)] if action == "ActionStopRecommendation" else [])
    assert [m["response"] for m in messages] == ["utter_consultant_withdrawn"]
    assert contact.requests_for(sqlite_store.engine, "test-user") == []
    # asked afterwards, the answer says nothing is stored
    messages, _ = run(
        rasa_actions.ActionAnswerQuestion(), tracker("ask_question", "is my consultant request withdrawn?", loop=None)
    )
    assert [m["response"] for m in messages] == ["utter_no_consultant_request"]


def test_stop_outside_the_form_with_no_request_just_stops(sqlite_store):
    messages, events = run(rec_actions.ActionStopRecommendation(), tracker("stop_recommendation", "stop", loop=None))
    assert events == [ActiveLoop(None)] and [m["response"] for m in messages] == ["utter_recommendation_stopped"]


def test_stop_in_the_form_with_a_question_ends_the_form_and_answers_it(sqlite_store):
    text = "please stop the questionnaire, that's not what I want. how long is a cmmi rating valid?"
    t = tracker("stop_recommendation", text, requested="rec_industry")
    t.latest_message["question_ranking"] = [{"question": "validity", "confidence": 0.9}]
    t.latest_message["entities"] = [{"entity": "framework", "value": "cmmi"}]
    messages, events = run(rec_actions.ActionStopRecommendation(), t)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages[0]["response"] == "utter_recommendation_stopped"
    assert messages[1]["text"].startswith(FACTS["cmmi_validity_answer"]["text"])


def test_asking_whether_data_is_stored_erases_nothing(sqlite_store):
    contact.save_request(sqlite_store.engine, "test-user", "Joy Mathew", "joy@example.in", "CMMI (appraisal)")
    messages, events = run(rec_actions.ActionForgetMe(), tracker("forget_me", "is my data still stored?", loop=None))
    assert events == [] and [m["response"] for m in messages] == ["utter_consultant_request_stored"]
    assert [r.name for r in contact.requests_for(sqlite_store.engine, "test-user")] == ["Joy Mathew"]


def test_a_later_no_with_reasons_still_withdraws_a_stored_request(sqlite_store):
    contact.save_request(sqlite_store.engine, "test-user", "Grace Long", "grace@example.de", "CMMI (appraisal)")
    text = "actually don't contact me, I'll ask our OEM first"
    messages, events = run(rec_actions.ActionAnswerOffer(), tracker("deny", text, loop=None))
    assert events == [] and [m["response"] for m in messages] == ["utter_consultant_withdrawn"]
    assert contact.requests_for(sqlite_store.engine, "test-user") == []


@pytest.mark.parametrize("text", ["do you still have my email somewhere?", "what exactly are you storing about me?"])
def test_questions_about_stored_data_erase_nothing(sqlite_store, text):
    messages, events = run(rec_actions.ActionForgetMe(), tracker("forget_me", text, loop=None))
    assert events == [] and [m["response"] for m in messages] == ["utter_no_consultant_request"]


def test_a_consultant_request_signed_will_stop_is_a_request(sqlite_store):
    text = "Please have a consultant reach out. Will Stop, will.stop@harborsys.us"
    messages, events = run(rec_actions.ActionStopRecommendation(), tracker("stop_recommendation", text, loop=None))
    assert events == [
        SlotSet("contact_name", "Will Stop"),
        SlotSet("contact_email", "will.stop@harborsys.us"),
        FollowupAction("consultant_form"),
    ]
    assert messages == []


def test_what_is_noted_about_the_organization_is_said_when_asked(sqlite_store):
    slots = {"rec_size": "30", "rec_customers": "commercial", "rec_certifications": "none"}
    t = tracker("ask_question", "what do you have noted about us?", slots=slots, loop=None)
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert [m.get("text") or m["response"] for m in messages] == [
        "Noted: 30 staff, customers: Commercial / private sector, no certification yet.",
        "utter_no_consultant_request",
    ]
    assert events == []


def test_after_erasure_nothing_is_noted(sqlite_store):
    t = tracker("ask_question", "do you still know anything about us?", loop=None)
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), t)
    assert [m.get("text") or m["response"] for m in messages] == [
        "Nothing is noted about your organization.",
        "utter_no_consultant_request",
    ]


@pytest.mark.parametrize("text", ["hi, can someone call me? consultant", "ok yes, get me a consultant"])
def test_a_plain_consultant_request_the_nlu_missed_starts_the_request(sqlite_store, text):
    messages, events = run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None))
    assert messages == [] and events == [{"event": "followup", "name": "consultant_form", "timestamp": None}]


@pytest.mark.parametrize("text", ["do you have any free toolkits?", "do you have any info on tisax"])
def test_questions_about_content_are_not_read_as_questions_about_stored_data(sqlite_store, text):
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None))
    assert "utter_no_consultant_request" not in [m.get("response") for m in messages]


@pytest.mark.parametrize("text", ["u still have my email?", "what do you still have about me?"])
def test_short_questions_about_stored_data_say_what_is_stored(sqlite_store, text):
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None))
    assert [m.get("response") for m in messages][-1] == "utter_no_consultant_request"


def test_a_topic_no_source_covers_gets_the_honest_reply(sqlite_store):
    t = tracker("ask_question", "and TISAX? our OEM want TISAX label. is 27001 enough for this?", loop=None)
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), t)
    assert [(m["response"], m.get("topic")) for m in messages] == [("utter_no_source_on", "TISAX")]


def test_a_question_asked_with_the_consultant_request_is_answered_before_the_name_prompt(sqlite_store):
    text = "can you guys help with cmmi prep? id like someone to call me"
    t = Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": {"requested_slot": "contact_name"},
            "latest_message": {
                "text": text,
                "intent": {"name": "request_consultant", "confidence": 0.9},
                "entities": [{"entity": "framework", "value": "cmmi", "start": 23, "end": 27}],
                "question_ranking": [{"question": "firm_cmmi_consulting", "confidence": 0.9}],
            },
            "events": [
                {"event": "user", "text": text, "parse_data": {"intent": {"name": "request_consultant"}}},
                {"event": "active_loop", "name": "consultant_form"},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "consultant_form"},
            "latest_action_name": "consultant_form",
        }
    )
    ask_name = next(a for a in rec_actions.ASK_ACTIONS if a().name() == "action_ask_contact_name")
    messages, _ = run(ask_name(), t)
    assert messages[0]["text"].startswith("Not for CMMI: the article's authors do not offer CMMI consulting")
    assert messages[1]["text"].startswith("What name should the consultant use?")


def test_a_question_about_consulting_never_withdraws_a_stored_request(sqlite_store):
    contact.save_request(sqlite_store.engine, "test-user", "Linh Tran", "linh@example.vn", "CMMI (appraisal)")
    text = "wait, i read on your site you dont do cmmi consulting?? then who will help us with cmmi"
    run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None))
    assert [r.name for r in contact.requests_for(sqlite_store.engine, "test-user")] == ["Linh Tran"]


def test_an_unclear_message_that_describes_the_user_starts_the_recommendation(sqlite_store):
    text = "hi. we are an IT services company in Pune, 400 engineers, we hold ISO 27001 only. what now?"
    messages, events = run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None))
    assert [m.get("text") for m in messages] == [
        "Noted: 400 staff, industry: IT services / consulting, already hold ISO/IEC 27001."
    ]
    assert events[-1] == {"event": "followup", "name": "recommendation_form", "timestamp": None}


def test_a_correction_after_the_result_applies_all_it_says(sqlite_store):
    slots = {
        "rec_industry": "software",
        "rec_customers": "commercial",
        "rec_requirement": "cmmi",
        "rec_certifications": "iso9001",
        "rec_size": "400",
        "rec_timeline": "flexible",
        "rec_goal": "customer_satisfaction",
        "rec_outcome": "iso9001_held_add_cmmi",
    }
    text = "this is wrong. size is 40 people. contracts require nothing. goal is process maturity. pls redo"
    messages, events = run(rec_actions.ActionComplaint(), tracker("complain_wrong", text, slots=slots, loop=None))
    assert messages[0]["text"] == "Updated: 40 staff, no contract requirement yet, goal: process maturity."
    changed = {e["name"]: e["value"] for e in events if e["event"] == "slot" and e["name"].startswith("rec_")}
    assert {k: changed.get(k) for k in ("rec_requirement", "rec_size", "rec_goal")} == {
        "rec_requirement": "none",
        "rec_size": "40",
        "rec_goal": "process_maturity",
    }


def test_what_is_stored_shows_the_stored_values_and_the_noted_profile(sqlite_store):
    sender = f"t-{uuid.uuid4().hex}"
    contact.save_request(sqlite_store.engine, sender, "Rose Hill", "rose@example.mx", "AS9100 (certification)")
    t = tracker("ask_stored_data", "what u got saved on me?", slots={"rec_size": "120"}, loop=None, sender=sender)
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert events == []
    assert messages[0]["text"] == "Noted: 120 staff."
    assert messages[1]["response"] == "utter_consultant_request_stored"
    assert (messages[1]["name"], messages[1]["email"], messages[1]["summary"]) == (
        "Rose Hill",
        "rose@example.mx",
        "AS9100 (certification)",
    )


def test_a_stored_name_is_corrected_in_words(sqlite_store):
    sender = f"t-{uuid.uuid4().hex}"
    contact.save_request(sqlite_store.engine, sender, "its Grace Long", "grace@example.in", "CMMI (appraisal)")
    text = "u wrote my name wrong. my name is Grace Long"
    messages, events = run(
        rec_actions.ActionCorrectRecommendation(), tracker("correct_recommendation", text, loop=None, sender=sender)
    )
    assert events == [] and messages[0]["response"] == "utter_name_corrected" and messages[0]["name"] == "Grace Long"
    assert [r.name for r in contact.requests_for(sqlite_store.engine, sender)] == ["Grace Long"]


@pytest.mark.parametrize(
    "text",
    [
        "my name is William Stopczynski",
        "change name to William Stopczynski",
        "wait typo, name should be William Stopczynski",
    ],
)
def test_a_stored_name_is_corrected_the_way_the_reply_suggests(sqlite_store, text):
    sender = f"t-{uuid.uuid4().hex}"
    contact.save_request(sqlite_store.engine, sender, "Will Stop", "will@example.pl", "CMMI (appraisal)")
    messages, events = run(rasa_actions.ActionAnswerQuestion(), tracker("ask_question", text, loop=None, sender=sender))
    assert events == [] and messages[0]["response"] == "utter_name_corrected"
    assert [r.name for r in contact.requests_for(sqlite_store.engine, sender)] == ["William Stopczynski"]


def test_a_correction_with_a_question_of_its_own_updates_the_result_and_answers_the_question(sqlite_store):
    slots = {
        "rec_industry": "software",
        "rec_customers": "federal,commercial",
        "rec_requirement": "none",
        "rec_certifications": "none",
        "rec_size": "40",
        "rec_timeline": "within_year",
        "rec_goal": "market_access",
        "rec_outcome": "iso_first_cmmi_later",
    }
    text = "we are NOT government. ok different q: is a cmmi rating valid forever?"
    t = Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots,
            "latest_message": {
                "text": text,
                "intent": {"name": "ask_question", "confidence": 0.93},
                "entities": [
                    {"entity": "question", "value": "validity", "confidence_entity": 0.65},
                    {"entity": "customer_type", "value": "federal", "start": 11, "end": 21},
                    {"entity": "framework", "value": "cmmi", "start": 44, "end": 55},
                ],
            },
            "events": [
                {"event": "action", "name": "action_show_recommendation"},
                {"event": "user", "text": text, "parse_data": {"intent": {"name": "ask_question"}}},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    # the outcome for a software company with commercial customers only (content/outcomes.yml)
    assert (
        messages[0]["text"]
        == "Updated: customers: Commercial / private sector. The recommendation is now: ISO 9001 only."
    )
    assert messages[1]["text"].startswith("3 years from a Benchmark appraisal.")  # content: cmmi validity
    assert events[:2] == [SlotSet("rec_customers", "commercial"), SlotSet("rec_outcome", "iso9001_only")]


@pytest.mark.parametrize("text", ["either one", "a few i guess"])
def test_a_few_words_at_a_form_prompt_are_an_answer_not_a_question(sqlite_store, text):
    # the NLU guessed a question kind, unsure: at the timeline prompt it is an answer the
    # form cannot use, re-asked once, then the form goes on assuming "not sure"
    t = tracker("ask_question", text, requested="rec_timeline")
    t.latest_message["entities"] = [{"entity": "question", "value": "need_both", "confidence_entity": 0.55}]
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert texts(messages) == [sqlite_store.question("rec_timeline").reask]
    assert events == [SlotSet("rec_failed", "rec_timeline:1")]
    t = tracker("ask_question", text, requested="rec_timeline", slots={"rec_failed": "rec_timeline:1"})
    t.latest_message["entities"] = [{"entity": "question", "value": "need_both", "confidence_entity": 0.55}]
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert texts(messages) == ['I\'ll go on assuming "not sure" for that; you can correct it later.']
    assert events == [SlotSet("rec_failed", None), SlotSet("rec_timeline", "unknown")]


def test_why_after_an_opening_the_form_took_in_is_why_its_question_is_asked(sqlite_store):
    opening = "we build inventory software for retail chains, 45 ppl, no certs. which one should we do?"
    turn = [
        {"event": "user", "text": opening},
        {"event": "action", "name": "action_answer_question"},
        {"event": "slot", "name": "rec_size", "value": "45"},
        {"event": "bot", "text": "Noted: 45 staff, industry: Software development, no certification yet."},
        {"event": "action", "name": "recommendation_form"},
        {"event": "bot", "text": sqlite_store.question("rec_timeline").text},
    ]
    t = _with_history(tracker("more_detail", "why?", requested="rec_timeline"), turn)
    assert rasa_actions.why_this_question(t) == sqlite_store.question("rec_timeline").why
    # a turn that also answered a question: "why?" asks about that answer
    answered = turn[:2] + [{"event": "slot", "name": "last_question", "value": "how_long"}] + turn[2:]
    t = _with_history(tracker("more_detail", "why?", requested="rec_timeline"), answered)
    assert rasa_actions.why_this_question(t) is None


@pytest.mark.parametrize("text", ["dana.forget@gmail", "what?? i just gave my email. dana.forget@gmail,com"])
def test_a_mistyped_email_with_forget_in_it_is_reasked_and_deletes_nothing(sqlite_store, text):
    sender = f"t-{uuid.uuid4().hex}"
    contact.save_request(sqlite_store.engine, sender, "Jane Smith", "jane@example.com", "ISO 9001 only")
    t = tracker("forget_me", text, requested="contact_email", loop="consultant_form", sender=sender)
    messages, events = run(rec_actions.ActionForgetMe(), t)
    assert texts(messages) == [sqlite_store.question("contact_email").reask]
    assert events == [FollowupAction("action_listen")]  # the form stays at its email prompt
    assert [r.email for r in contact.requests_for(sqlite_store.engine, sender)] == ["jane@example.com"]
    # outside the form it is not stored either, and nothing is deleted
    messages, events = run(rec_actions.ActionForgetMe(), tracker("forget_me", text, loop=None, sender=sender))
    assert [m["response"] for m in messages] == ["utter_contact_outside_form"]
    assert events == []
    assert [r.email for r in contact.requests_for(sqlite_store.engine, sender)] == ["jane@example.com"]
    # "forget me" said in words beside it still erases
    run(rec_actions.ActionForgetMe(), tracker("forget_me", "forget me, dana@x", loop=None, sender=sender))
    assert contact.requests_for(sqlite_store.engine, sender) == []


@pytest.mark.parametrize("text", ["no email. phone only", "i'd rather not give my email", "can they just call me"])
def test_no_email_at_the_email_prompt_ends_the_request_instead_of_asking_again(sqlite_store, text):
    messages, events = run(
        rec_actions.ValidateConsultantForm(),
        tracker(
            "deny",
            text,
            slots={"contact_name": "Bill Banks"},
            set_now={"contact_email": text},
            requested="contact_email",
        ),
    )
    assert [m["response"] for m in messages] == ["utter_email_needed"]
    assert sorted(events, key=lambda e: e["name"]) == [
        SlotSet("contact_email", None),
        SlotSet("contact_name", None),
        SlotSet("requested_slot", None),
    ]
    # asked as a question, the question action ends it the same way
    t = tracker(
        "ask_question",
        "rather not give my email, can they just call the office?",
        requested="contact_email",
        loop="consultant_form",
    )
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert messages[0]["response"] == "utter_email_needed"
    assert events[0] == ActiveLoop(None)


@pytest.mark.parametrize(
    "text,side_question",
    [
        ("we are NOT government. ok different q: is a cmmi rating valid forever?", True),
        ("ISO 9001 is now MANDATORY not optional, closes in 4 months. does that change your advice?", False),
        ("we are not government, so what do you recommend now?", False),
    ],
)
def test_a_question_beside_a_correction_is_its_own_unless_it_asks_for_the_result(text, side_question):
    t = tracker("correct_recommendation", text, loop=None)
    t.latest_message["entities"] = [{"entity": "question", "value": "tips", "confidence_entity": 0.7}]
    assert rec_actions.asks_beside_correction(t) is side_question


def test_taking_the_request_back_with_a_question_at_a_contact_prompt_ends_the_form_and_answers(sqlite_store):
    text = "cancel that, i dont want a consultant call. do you offer cmmi consulting?"
    t = tracker("ask_question", text, requested="contact_name", loop="consultant_form")
    t.latest_message["entities"] = [
        {"entity": "question", "value": "firm_cmmi_consulting", "confidence_entity": 0.9},
        {"entity": "framework", "value": "cmmi"},
    ]
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert messages[0]["response"] == "utter_contact_not_stored"
    # content/catalogue/fit.yml firm_cmmi_consulting_answer
    assert messages[1]["text"].startswith("Not for CMMI: the article's authors do not offer CMMI consulting;")
    assert events[:4] == [
        ActiveLoop(None),
        SlotSet("contact_name", None),
        SlotSet("contact_email", None),
        SlotSet("requested_slot", None),
    ]
    assert events[-1] == FollowupAction("action_listen")  # the form does not ask for the name again
    # without a question, only the form ends
    messages, events = run(
        rasa_actions.ActionAnswerQuestion(),
        tracker("ask_question", "cancel that, no consultant", requested="contact_name", loop="consultant_form"),
    )
    assert [m["response"] for m in messages] == ["utter_contact_not_stored"]
    assert events == [
        ActiveLoop(None),
        SlotSet("contact_name", None),
        SlotSet("contact_email", None),
        SlotSet("requested_slot", None),
        FollowupAction("action_listen"),
    ]


def test_a_first_result_with_cmmi_now_says_the_consultancy_does_no_cmmi_consulting(sqlite_store):
    answers = {
        "rec_industry": "software",
        "rec_customers": "defense",
        "rec_requirement": "cmmi",
        "rec_certifications": "iso9001",
        "rec_size": "200",
        "rec_timeline": "within_year",
        "rec_goal": "market_access",
    }
    messages, _ = run(rec_actions.ActionShowRecommendation(), tracker("affirm", "yes", slots=answers, loop=None))
    # content/catalogue/fit.yml consultant_offer_cmmi_note
    assert messages[-1]["text"].startswith(
        "Before you ask for a consultant: the consultancy behind this assistant (the article's authors) offers "
        "ISO 9001 consulting, not CMMI consulting;"
    )
    # told already, as the answer to "do you do cmmi consulting?": not a second time
    told = tracker("affirm", "yes", slots=answers, loop=None)
    told.events.insert(
        0,
        {
            "event": "bot",
            "text": "Not for CMMI: the article's authors do not offer CMMI "
            "consulting; many of their clients use ISO 9001 as a foundation before pursuing CMMI "
            "with a specialized consultant. [1]\nSources:\n[1] ...",
        },
    )
    messages, _ = run(rec_actions.ActionShowRecommendation(), told)
    assert not any("CMMI consulting" in (m.get("text") or "") for m in messages)
    # ISO 9001 only: nothing to say
    iso_only = {**answers, "rec_customers": "commercial", "rec_requirement": "none", "rec_certifications": "none"}
    messages, _ = run(rec_actions.ActionShowRecommendation(), tracker("affirm", "yes", slots=iso_only, loop=None))
    assert not any("CMMI consulting" in (m.get("text") or "") for m in messages)


def test_declining_a_recommendation_ends_the_form_and_answers_the_question(sqlite_store):
    text = "stop. i dont need a recommendation for us. just tell me: do government IT tenders usually require iso 9001?"
    t = tracker("start_recommendation", text, loop="recommendation_form", requested="rec_certifications")
    t.latest_message["question_ranking"] = [{"question": "iso_required_government", "confidence": 0.9}]
    messages, events = run(rec_actions.ActionResetRecommendation(), t)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
    # content/catalogue/fit.yml: the answer to "Is ISO 9001 required for government contracts?"
    assert messages[0]["text"].startswith(FACTS["iso_required_government_answer"]["text"])


def test_a_no_thanks_after_naming_the_consultant_declines_the_offer(sqlite_store):
    # classified as a question about consulting, it is a "no" to the offer
    text = "got it. re the consultant thing - no thanks"
    t = _with_history(tracker("ask_question", text, loop=None, sender=f"no-thanks-{uuid.uuid4()}"), OFFERED)
    t.latest_message["entities"] = [{"entity": "question", "value": "firm_cmmi_consulting", "confidence_entity": 0.6}]
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), t)
    assert [m["response"] for m in messages] == ["utter_consultant_declined"]


@pytest.mark.parametrize("text", ["I'd rather not give my name", "no name please", "anonymous is fine"])
def test_a_name_declined_at_its_prompt_is_optional_and_the_email_is_asked_next(sqlite_store, text):
    messages, events = typed_at(rec_actions.ValidateConsultantForm(), "contact_name", text, loop="consultant_form")
    assert [m["response"] for m in messages] == ["utter_name_optional"]
    assert events == [SlotSet("contact_name", "(no name given)")]
    answers = {"contact_name": "(no name given)", "contact_email": "sam@example.org"}
    sender = f"t-{uuid.uuid4().hex}"
    messages, _ = run(
        rec_actions.ActionSubmitConsultantRequest(),
        tracker("inform_recommendation", "sam@example.org", slots=answers, loop=None, sender=sender),
    )
    assert texts(messages)[0].startswith("Thank you. I've stored your request, and a consultant will write")
    [stored] = contact.requests_for(sqlite_store.engine, sender)
    assert (stored.name, stored.email) == ("(no name given)", "sam@example.org")


def test_a_statement_at_the_email_prompt_is_left_to_the_form_not_answered(sqlite_store):
    t = tracker("ask_question", "ok then just use Sam", requested="contact_email", loop="consultant_form")
    t.latest_message["entities"] = [{"entity": "question", "value": "cmmi_without_appraisal", "confidence_entity": 0.4}]
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert (messages, events) == ([], [])  # the form's validation asks for the email again


@pytest.mark.parametrize(
    "intent, text", [("ask_stored_data", "forget me. u kept my name?"), ("ask_question", "ok thanks, forget me")]
)
def test_forget_me_beside_other_words_erases_it(sqlite_store, intent, text):
    sender = f"t-{uuid.uuid4().hex}"
    contact.save_request(
        sqlite_store.engine, sender, "Dana Whitfield", "dana@example.io", "No recommendation given yet."
    )
    t = tracker(intent, text, slots={"rec_size": "45"}, loop=None, sender=sender)
    messages, events = run(rasa_actions.ActionAnswerQuestion(), t)
    assert contact.requests_for(sqlite_store.engine, sender) == []
    assert events[0] == SlotSet("erased", True)
    assert texts(messages) == [
        "Done: I've deleted your consultant request (your name, email and recommendation) "
        "and this whole conversation, everything you typed included."
    ]


def test_asking_for_a_consultant_in_a_question_gets_the_answer_and_the_consultant_button(sqlite_store):
    t = tracker("ask_question", "can you recommend a consultant for our agency?", loop=None)
    t.latest_message["entities"] = [{"entity": "question", "value": "firm_offers", "confidence_entity": 0.8}]
    messages, _ = run(rasa_actions.ActionAnswerQuestion(), t)
    assert messages[0]["text"].startswith(FACTS["firm_offers_answer"]["text"])
    assert ("Talk to a consultant", "/request_consultant") in buttons(messages[0])


def test_an_answer_the_nlu_took_for_stop_is_taken_at_its_prompt(sqlite_store):
    messages, events = typed_at(
        rec_actions.ValidateRecommendationForm(), "rec_certifications", "none, we never had any", "stop_recommendation"
    )
    assert SlotSet("rec_certifications", "none") in events


def test_an_answer_with_a_question_at_a_prompt_is_taken_and_the_question_answered(sqlite_store):
    text = "cmmi l3 for sure. btw is cmmi even a certification?"
    t = tracker("ask_question", text, set_now={"rec_requirement": text}, requested="rec_requirement")
    t.latest_message["question_ranking"] = [{"question": "cmmi_is_certification", "confidence": 0.9}]
    messages, events = run(rec_actions.ValidateRecommendationForm(), t)
    assert SlotSet("rec_requirement", "cmmi") in events
    assert any(m["text"] and m["text"].startswith(FACTS["cmmi_not_a_certificate_answer"]["text"]) for m in messages)


def test_a_question_alone_at_a_prompt_is_no_answer(sqlite_store):
    text = "how long does cmmi take?"
    t = tracker("ask_question", text, set_now={"rec_goal": text}, requested="rec_goal")
    messages, events = run(rec_actions.ValidateRecommendationForm(), t)
    assert messages == [] and events == [SlotSet("rec_goal", None)]  # the rules answer it, the form asks again


def test_a_correction_asking_does_that_change_it_is_left_to_the_form(sqlite_store):
    text = "no, we DO have commercial clients too, 40% of rev is commercial saas. does that change it?"
    slots = {"rec_industry": "software", "rec_customers": "defense", "rec_requirement": "cmmi"}
    t = tracker("ask_question", text, slots=slots, requested="rec_goal")
    t.latest_message["question_ranking"] = [{"question": "example_commercial_software", "confidence": 0.4}]
    assert run(rasa_actions.ActionAnswerQuestion(), t) == ([], [])  # no example read out as their case
    messages, events = run(rec_actions.ValidateRecommendationForm(), t)
    assert events == [SlotSet("rec_customers", "defense,commercial")]
    assert texts(messages) == ["Updated: customers: Defense / DoD and Commercial / private sector."]


def test_another_questions_answer_at_a_prompt_is_noted_and_the_question_asked_again(sqlite_store):
    messages, events = typed_at(rec_actions.ValidateRecommendationForm(), "rec_timeline", "process maturity")
    assert texts(messages) == ["Noted: goal: process maturity."]  # no "Sorry, I couldn't tell your timeline"
    assert sorted(events, key=lambda e: e["name"]) == [
        SlotSet("rec_goal", "process_maturity"),
        SlotSet("rec_timeline", None),
    ]
