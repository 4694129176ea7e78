"""The question action with rasa-sdk's CollectingDispatcher and Tracker.from_dict:
the reply a user gets and the full list of events the action returns."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as rasa_actions
from bot.store.snapshot import SnapshotCache
from tests import test_recommendation_actions
from tests.test_answers import FACTS, QUESTIONS, answer_keys, body


def make_tracker(
    intent: str, text: str, slots: dict | None = None, entities: list | None = None, events: list | None = None
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.99},
                "entities": entities or [],
            },
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def question(key: str, confidence: float = 0.9) -> dict:
    return {"entity": "question", "value": key, "confidence_entity": confidence}


def run(tracker: Tracker) -> tuple[CollectingDispatcher, list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(rasa_actions.ActionAnswerQuestion().run(dispatcher, tracker, {}))
    return dispatcher, events


@pytest.fixture(autouse=True)
def use_test_store(monkeypatch, sqlite_store):
    monkeypatch.setattr(rasa_actions, "_snapshots", SnapshotCache(sqlite_store))
    monkeypatch.setattr(rasa_actions, "default_store", lambda: sqlite_store)


def first_fact(key: str, subject: str = "") -> str:
    return FACTS[answer_keys(QUESTIONS[key], subject)[0]]["text"]


def responses(dispatcher: CollectingDispatcher) -> list:
    """Every message dispatched, by its domain response (None: a text of the action's own)."""
    return [m["response"] for m in dispatcher.messages]


def buttons(message: dict) -> list[tuple[str, str]]:
    return [(b["title"], b["payload"]) for b in message["buttons"]]


def test_a_question_is_answered_and_remembered():
    dispatcher, events = run(
        make_tracker("ask_question", "is cmmi a certification?", entities=[question("cmmi_is_certification")])
    )
    assert responses(dispatcher) == [None]
    assert dispatcher.messages[0]["text"].startswith(first_fact("cmmi_is_certification"))
    assert buttons(dispatcher.messages[0]) == [
        ("More detail", '/more_detail{"question": "cmmi_is_certification", "subject": "cmmi"}'),
        (
            "What is the difference between certification and appraisal?",
            '/ask_question{"question": "certification_vs_appraisal"}',
        ),
        ("Benchmark vs Sustainment vs Evaluation appraisal?", '/ask_question{"question": "appraisal_types"}'),
    ]
    # the answer is about CMMI (all its facts are), so a follow-up is too
    assert events == [SlotSet("last_question", "cmmi_is_certification"), SlotSet("subject", "cmmi")]


def test_and_for_cmmi_reasks_the_last_question_about_cmmi():
    tracker = make_tracker(
        "ask_followup",
        "and for cmmi?",
        slots={"subject": "iso9001", "last_question": "how_long"},
        entities=[{"entity": "framework", "value": "cmmi", "start": 8, "end": 12}],
    )
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == [None]
    text = dispatcher.messages[0]["text"]
    assert text.startswith(first_fact("how_long", "cmmi"))
    assert first_fact("how_long", "iso9001") not in text
    assert events == [SlotSet("last_question", "how_long"), SlotSet("subject", "cmmi")]


def test_a_follow_up_question_keeps_the_conversation_subject():
    tracker = make_tracker(
        "ask_question", "what would that cost?", slots={"subject": "cmmi"}, entities=[question("cost")]
    )
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == [None]
    assert dispatcher.messages[0]["text"].startswith(first_fact("cost", "cmmi"))
    assert events == [SlotSet("last_question", "cost"), SlotSet("subject", "cmmi")]


def test_a_size_button_answers_the_last_question_for_that_size():
    tracker = make_tracker(
        "ask_followup",
        '/ask_followup{"size": "25-250"}',
        slots={"subject": "iso9001", "last_question": "how_long"},
        entities=[{"entity": "size", "value": "25-250"}],
    )
    dispatcher, events = run(tracker)
    assert responses(dispatcher) == [None]
    assert dispatcher.messages[0]["text"].startswith(FACTS["iso9001_time_25_250_answer"]["text"])
    assert events == [
        SlotSet("rec_size", "25-250"),
        SlotSet("last_question", "how_long"),
        SlotSet("subject", "iso9001"),
    ]


def test_without_a_size_the_answer_asks_for_it_with_buttons():
    dispatcher, events = run(
        make_tracker(
            "ask_question",
            "how long does iso 9001 take",
            entities=[question("how_long"), {"entity": "framework", "value": "iso9001"}],
        )
    )
    assert responses(dispatcher) == [None, "utter_ask_size_for_answer"]
    assert dispatcher.messages[0]["text"].startswith(FACTS["iso9001_how_long_answer"]["text"])
    assert events == [SlotSet("last_question", "how_long"), SlotSet("subject", "iso9001")]


# A complete profile: a 40-person manufacturer with commercial customers, no requirement, nothing held.
MANUFACTURER_40_STAFF = {**test_recommendation_actions.MANUFACTURER_40_STAFF, "rec_goal": "unknown"}


def test_more_detail_after_a_recommendation_gives_its_reasons():
    events = [{"event": "action", "name": "action_show_recommendation"}]
    slots = MANUFACTURER_40_STAFF
    dispatcher, result = run(make_tracker("more_detail", "why?", slots=slots, events=events))
    assert result == []
    assert responses(dispatcher) == [None]
    # The title (content/outcomes.yml), the table's row 4 (content/industry_fit.yml) and its
    # example 3 (content/examples.yml), as the seed article has them; not the article's advice
    # about defense contracts to a manufacturer with commercial customers, nor their pace
    assert dispatcher.messages[0]["text"].split("\nSources:\n")[0] == "\n".join(
        [
            "Why ISO 9001 only:",
            "- You told me: industry: Manufacturing; customers: Commercial / private sector; contracts require: none "
            "of these frameworks; already held: none; size: 40 staff.",
            '- The article\'s "Should I get CMMI appraisal?" table, row "General manufacturing / services '
            '(non-software, non-defense)": CMMI rarely needed. ISO 9001 is the appropriate standard. '
            "CMMI is not applicable. [1]",
            "- The article's example 3 (A commercial software company (non-defense)) reached the same decision: "
            "ISO 9001 only. [1]",
        ]
    )


def test_the_reasons_list_only_the_sources_they_cite():
    events = [{"event": "action", "name": "action_show_recommendation"}]
    slots = MANUFACTURER_40_STAFF
    dispatcher, _ = run(make_tracker("more_detail", "why?", slots=slots, events=events))
    assert dispatcher.messages[0]["text"].split("\nSources:\n")[1] == (
        "[1] CMMI vs ISO 9001: Key Differences and Implementation Advice (consultancy article, 24 Sep 2023)"
    )


def test_a_question_the_catalogue_has_no_answer_for_gets_the_honest_reply():
    dispatcher, events = run(make_tracker("ask_question", "is cmmi agile?", entities=[question("cmmi_agile")]))
    assert responses(dispatcher) == ["utter_cannot_answer"]
    assert buttons(dispatcher.messages[0]) == [  # the question's related questions (content/catalogue/basics.yml)
        ("Requirements-based or maturity-based?", '/ask_question{"question": "approach"}'),
        ("Can we use CMMI without a formal appraisal?", '/ask_question{"question": "cmmi_without_appraisal"}'),
    ]
    assert events == []


def test_an_unplaced_question_gets_the_closest_fact_or_the_honest_reply():
    dispatcher, events = run(make_tracker("nlu_fallback", "how many ISO 9001 certificates did the 2024 survey count"))
    assert responses(dispatcher) == ["utter_closest_match"]
    assert dispatcher.messages[0]["closest"].startswith(FACTS["iso9001_adoption_survey_2024"]["text"])
    assert events == []
    dispatcher, events = run(make_tracker("nlu_fallback", "what's a good recipe for lasagna"))
    assert responses(dispatcher) == ["utter_cannot_answer"]
    assert events == []


def test_an_announced_question_is_invited():
    dispatcher, events = run(make_tracker("ask_question", "i have a question"))
    assert responses(dispatcher) == ["utter_ask_away"]
    assert events == []


def test_an_unclear_message_that_contradicts_the_profile_corrects_it(monkeypatch, sqlite_store):
    import actions.recommendation as rec_actions

    monkeypatch.setattr(rec_actions, "default_store", lambda: sqlite_store)
    profile = {
        "rec_industry": "software",
        "rec_customers": "commercial",
        "rec_requirement": "none",
        "rec_certifications": "cmmi",
        "rec_size": "15",
        "rec_timeline": "flexible",
        "rec_goal": "market_access",
    }
    dispatcher, events = run(make_tracker("nlu_fallback", "we do NOT have cmmi. please fix it", slots=profile))
    assert events[0] == SlotSet("rec_certifications", "none")
    assert dispatcher.messages[0]["text"] == "Updated: no certification yet."
    assert events[1:] == [SlotSet("rec_outcome", "iso9001_only")]  # the article's commercial software company


def test_an_answer_given_to_another_message_before_is_not_repeated():
    # "is cmmc the same as cmmi?", then "ok but what does cmmc mean for a supplier?" read as the same kind
    first_text = "is cmmc the same as cmmi?"
    dispatcher, _ = run(make_tracker("ask_question", first_text, entities=[question("cmmi_vs_cmmc")]))
    answer = dispatcher.messages[0]["text"]
    history = [{"event": "user", "text": first_text}, {"event": "bot", "text": answer}]
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            "ok but what does cmmc mean for a supplier?",
            entities=[question("cmmi_vs_cmmc")],
            events=history,
        )
    )
    assert responses(dispatcher) == ["utter_said_before"]
    assert dispatcher.messages[0]["gist"] == FACTS["cmmc_not_cmmi_answer"]["text"]
    # the same question typed again gets its answer again
    dispatcher, _ = run(make_tracker("ask_question", first_text, entities=[question("cmmi_vs_cmmc")], events=history))
    assert [m["text"] for m in dispatcher.messages] == [answer]


def test_a_statement_of_what_is_known_is_confirmed_not_answered():
    text = "we are NOT defense, only civilian federal"
    slots = {"rec_customers": "federal"}
    dispatcher, events = run(
        make_tracker("ask_question", text, slots=slots, entities=[question("cmmi_required_defense", 0.23)])
    )
    assert responses(dispatcher) == ["utter_already_noted", "utter_noted_what_next"]
    assert dispatcher.messages[0]["noted"] == "Noted: customers: Government / public sector."
    assert events == []


def test_is_iso_enough_from_someone_whose_contracts_require_cmmi_is_answered_for_them():
    slots = {"rec_requirement": "cmmi", "rec_target_level": "3"}
    dispatcher, events = run(
        make_tracker("ask_question", "so iso is enough?", slots=slots, entities=[question("industry_fit")])
    )
    assert body(dispatcher.messages[0]["text"]) == (
        "You said: contracts require CMMI (maturity level 3). "
        "Yes, if it is a real requirement: the article's advice is that if your customers demand CMMI, "
        "you pursue it. [1]"
    )
    assert SlotSet("last_question", "customer_demands_cmmi") in events


def test_a_decision_question_asked_again_turns_to_their_case():
    first_text = "do we need cmmi as a software company?"
    dispatcher, _ = run(make_tracker("ask_question", first_text, entities=[question("industry_fit")]))
    history = [{"event": "user", "text": first_text}, {"event": "bot", "text": dispatcher.messages[0]["text"]}]
    again = make_tracker("ask_question", "so iso is enough?", entities=[question("industry_fit")], events=history)
    dispatcher, events = run(again)
    assert responses(dispatcher) == ["utter_depends_on_case"]
    assert events == []


def test_the_same_question_asked_again_in_other_words_gets_the_direct_answer_only():
    first_text = "we have iso 9001 already. how long would cmmi take?"
    slots = {"rec_certifications": "iso9001"}
    dispatcher, _ = run(make_tracker("ask_question", first_text, slots=slots, entities=[question("how_long")]))
    answer = dispatcher.messages[0]["text"]
    history = [{"event": "user", "text": first_text}, {"event": "bot", "text": answer}]
    again = "that's not a number. how many months?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question", again, slots={**slots, "subject": "cmmi"}, entities=[question("how_long")], events=history
        )
    )
    assert responses(dispatcher) == ["utter_said_before"]
    assert dispatcher.messages[0]["gist"] == FACTS["cmmi_how_long_answer"]["text"]


def test_a_framework_the_question_says_is_held_is_not_what_it_asks_how_long_to_get():
    # after "we already have cmmi level 3. do we also need iso 9001?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            "how long would it take since we already have cmmi?",
            slots={"subject": "iso9001"},
            entities=[question("how_long"), {"entity": "framework", "value": "cmmi"}],
        )
    )
    assert body(dispatcher.messages[0]["text"]).startswith(FACTS["iso9001_how_long_answer"]["text"])
    # named alone, held: the other framework
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            "how long since we already have iso9k?",
            entities=[question("how_long"), {"entity": "framework", "value": "iso9001"}],
        )
    )
    assert FACTS["cmmi_how_long_answer"]["text"] in body(dispatcher.messages[0]["text"])
    assert FACTS["iso9001_how_long_answer"]["text"] not in dispatcher.messages[0]["text"]


def entity(kind: str, value: str, text: str, word: str) -> dict:
    start = text.index(word)
    return {"entity": kind, "value": value, "start": start, "end": start + len(word)}


def test_negated_customers_and_frameworks_are_not_the_subject():
    text = "we machine aircraft parts, no defense and no government customers. is cmmi needed, yes or no?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            text,
            slots={"rec_industry": "aerospace", "rec_customers": "commercial"},
            entities=[
                question("industry_fit"),
                entity("industry", "aerospace", text, "aircraft"),
                entity("customer_type", "defense", text, "defense"),
                entity("customer_type", "federal", text, "government"),
                entity("framework", "cmmi", text, "cmmi"),
            ],
        )
    )
    reply = dispatcher.messages[0]["text"]
    assert body(reply).startswith(FACTS["fit_aerospace_commercial_answer"]["text"])
    assert FACTS["fit_defense_answer"]["text"] not in reply
    # "no cmmi" beside AS9100: the question is about AS9100
    text = "so no cmmi. how long does as9100 take for us?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            text,
            entities=[
                question("how_long"),
                entity("framework", "cmmi", text, "cmmi"),
                entity("framework", "as9100", text, "as9100"),
            ],
        )
    )
    assert body(dispatcher.messages[0]["text"]).startswith(FACTS["as9100_extra_time_answer"]["text"])


def test_and_a_standard_asks_the_last_question_of_it():
    # "and 13485?" after "how long for 27001?": not what ISO 13485 is, and no timeline invented
    entities = [question("medical_devices"), {"entity": "framework", "value": "iso13485"}]
    slots = {"last_question": "how_long", "subject": "iso27001"}
    dispatcher, events = run(make_tracker("ask_question", "and 13485?", slots=slots, entities=entities))
    # what the sources do say of ISO 13485, then that they say nothing on its timeline
    assert responses(dispatcher) == [None, "utter_no_source_on"]
    assert body(dispatcher.messages[0]["text"]) == first_fact("what_is", "iso13485") + " [1]"
    assert dispatcher.messages[1]["topic"] == "this question for ISO 13485"
    assert events == [SlotSet("last_question", "how_long"), SlotSet("subject", "iso13485")]


def test_a_standard_no_source_covers_becomes_the_subject_of_the_follow_up():
    # "and cost?" next is asked of IATF 16949, not of the ISO 9001 the message also names
    text = "our tier1 customer mention iatf. do we need that instead of iso9k?"
    entities = [
        question("builds_on_iso", 0.5),
        {"entity": "framework", "value": "iatf16949"},
        {"entity": "framework", "value": "iso9001"},
    ]
    dispatcher, events = run(make_tracker("ask_question", text, entities=entities))
    # what the sources do say first (content/catalogue/fit.yml), then the honest reply
    assert responses(dispatcher) == [None, "utter_no_source_on"]
    assert body(dispatcher.messages[0]["text"]) == first_fact("builds_on_iso") + " [1]"
    assert (
        dispatcher.messages[1]["topic"]
        == "whether IATF 16949, TL 9000 or ISO 13485 can stand in for an ISO 9001 certificate"
    )
    assert events == [SlotSet("last_question", None), SlotSet("subject", "iatf16949")]


def test_a_holder_of_iso9001_asking_about_cmmi_gets_the_answer_for_holders_of_iso9001():
    # "already ISO 9001 certified. do we need cmmi lvl 3 too or is iso enough?" read as "we have CMMI, why ISO?"
    text = "we're already ISO 9001 certified. do we need cmmi lvl 3 too or is iso enough?"
    entities = [question("already_cmmi_why_iso")]
    dispatcher, _ = run(make_tracker("ask_question", text, slots={"rec_certifications": "iso9001"}, entities=entities))
    assert body(dispatcher.messages[0]["text"]).startswith(first_fact("already_iso_why_cmmi"))
    # holding both, the question is the one read
    dispatcher, _ = run(
        make_tracker("ask_question", text, slots={"rec_certifications": "iso9001,cmmi"}, entities=entities)
    )
    assert body(dispatcher.messages[0]["text"]).startswith(FACTS["already_cmmi_why_iso_answer"]["text"])


def test_a_question_that_names_nothing_is_about_the_required_level_and_judged_by_the_known_deadline():
    # "tender closes in 7 months and asks for cmmi ml3", later "how long will it take us?"
    slots = {"rec_requirement": "cmmi", "rec_target_level": "3", "rec_deadline_months": "7"}
    text = "how long will it take us?"
    dispatcher, events = run(make_tracker("ask_question", text, slots=slots, entities=[question("how_long")]))
    ml3 = first_fact("how_long", "ml3")
    assert body(dispatcher.messages[0]["text"]) == (
        f"Tight: 7 months is at the short end of the 6–12 month estimate. {ml3} [1]"
    )
    assert SlotSet("subject", "ml3") in events


def test_a_no_with_a_question_after_the_consultant_offer_starts_no_request():
    # "no thanks. so our consultant was wrong?": unclear to the NLU, and it names a consultant
    text = "no thanks. so our consultant was wrong? he said cmmi is like the advanced version of iso 9001"
    events = [{"event": "action", "name": "utter_offer_consultant"}]
    _, result = run(make_tracker("ask_question", text, entities=[question("what_is", 0.2)], events=events))
    assert FollowupAction("consultant_form") not in result


def test_cmmi_asked_for_with_cui_is_told_the_customer_may_mean_cmmc():
    text = (
        "Prime sent a letter that we need CMMI level 2 by next year because of the controlled unclassified information"
    )
    dispatcher, _ = run(make_tracker("ask_question", text, entities=[question("how_long", 0.6)]))
    # content/catalogue/basics.yml cmmc_maybe_meant, first
    assert body(dispatcher.messages[0]["text"]).startswith(FACTS["cmmc_maybe_meant"]["text"])


@pytest.mark.parametrize(
    "text,asks",
    [
        ("why both??", True),
        ("ok but why iso and not cmmi for us", True),
        ("no thanks. why software dev? we are IT consulting", True),
        ("how long does it take and why", False),
    ],
)
def test_a_sentence_that_starts_with_why_asks_why(text, asks):
    assert rasa_actions.asks_why(text) is asks


def test_the_second_part_of_a_question_is_about_what_the_first_part_named():
    text = "who issues iso certificates and how do i verify one?"
    first, second = text.index("who"), text.index("how")
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            text,
            entities=[
                dict(question("who_audits"), start=first, end=second - 5),
                dict(question("verify_cmmi_claim"), start=second, end=len(text)),
                entity("framework", "iso9001", text, "iso"),
            ],
        )
    )
    reply = dispatcher.messages[0]["text"]
    assert "How do I check a supplier's CMMI rating" not in reply
    assert f"**{QUESTIONS['verify_iso_certificate']['title']}**" in reply


def test_a_question_no_source_answers_for_a_standard_first_says_what_the_sources_do_say_of_it():
    text = "Is TL 9000 better than ISO 9001 for us or we need both?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            text,
            entities=[
                question("which_is_better"),
                entity("framework", "tl9000", text, "TL 9000"),
                entity("framework", "iso9001", text, "ISO 9001"),
            ],
        )
    )
    assert body(dispatcher.messages[0]["text"]) == f"{FACTS['tl9000_what_is_answer']['text']} [1]"
    assert responses(dispatcher)[-1] == "utter_no_source_on"


def test_a_framework_set_aside_is_no_longer_the_subject():
    # "forget cmmi. how long to get iso 9001 then?" and, after CMMI, "forget cmmi. how long then?"
    text = "forget cmmi. how long then?"
    dispatcher, _ = run(
        make_tracker(
            "ask_question",
            text,
            slots={"subject": "cmmi", "rec_size": "35"},
            entities=[question("how_long"), entity("framework", "cmmi", text, "cmmi")],
        )
    )
    reply = dispatcher.messages[0]["text"]
    assert FACTS["cmmi_how_long_answer"]["text"] not in reply
    assert body(reply).startswith(FACTS["iso9001_time_25_250_answer"]["text"])


def test_simpler_please_after_the_result_is_the_decision_in_one_line():
    slots = {
        "rec_industry": "software",
        "rec_customers": "commercial",
        "rec_requirement": "none",
        "rec_certifications": "none",
        "rec_size": "8",
        "rec_timeline": "flexible",
        "rec_goal": "market_access",
    }
    after_result = [{"event": "action", "name": "action_show_recommendation"}]
    dispatcher, events = run(make_tracker("ask_shorter", "simpler please", slots=slots, events=after_result))
    # content/outcomes.yml, the article's commercial software company
    assert body(dispatcher.messages[0]["text"]) == (
        "ISO 9001 only: If your customers do not demand CMMI and care about product quality and support "
        "rather than process maturity, ISO 9001 is the appropriate choice and CMMI would add little value. [1]"
    )
    assert events == []


def test_not_dod_from_a_supplier_of_federal_agencies_keeps_them_federal():
    text = "we're not DoD, how long would ML4 take"
    dod = {"entity": "customer_type", "value": "defense", "start": text.index("DoD"), "end": text.index("DoD") + 3}
    known_federal = make_tracker("ask_question", text, slots={"rec_customers": "federal"}, entities=[dod])
    assert rasa_actions.profile_updates(known_federal, True) == {}
    both = make_tracker("ask_question", text, slots={"rec_customers": "federal,defense"}, entities=[dod])
    assert rasa_actions.profile_updates(both, True) == {"rec_customers": "federal"}
    # with nothing known, "not DoD" still means private customers
    assert rasa_actions.profile_updates(make_tracker("ask_question", text, entities=[dod]), True) == {
        "rec_customers": "commercial"
    }


@pytest.mark.parametrize(
    "text, buyer_advice",
    [
        ("our ml3 benchmark was in june 2022, is it still valid?", False),  # their own rating
        ("a bidder's ml3 benchmark was in june 2022, is it still valid?", True),
    ],
)
def test_the_buyers_ads_advice_is_not_given_for_the_users_own_rating(text, buyer_advice):
    entities = [question("old_rating_still_valid"), {"entity": "framework", "value": "cmmi"}]
    dispatcher, _ = run(make_tracker("ask_question", text, entities=entities))
    assert (FACTS["cmmi_ads_official_record"]["text"] in dispatcher.messages[0]["text"]) is buyer_advice


def test_a_certificate_asked_about_after_a_turn_on_cmmi_is_iso_9001s():
    text = "and after we get certificate, it is valid forever or we must renew?"
    tracker = make_tracker("ask_question", text, slots={"subject": "cmmi"}, entities=[question("validity")])
    dispatcher, events = run(tracker)
    # CMMI gives a rating, not a certificate: the ISO 9001 answer (content/catalogue/certification.yml)
    assert dispatcher.messages[0]["text"].startswith(first_fact("validity", "iso9001"))
    assert SlotSet("subject", "iso9001") in events


def test_a_false_premise_that_as9100_makes_iso_9001_useless_is_corrected_first():
    text = "we heard AS9100 replaces ISO 9001 so our ISO cert becomes useless right?"
    entities = [question("as9100_or_iso"), {"entity": "framework", "value": "as9100"}]
    dispatcher, _ = run(make_tracker("ask_question", text, entities=entities))
    assert dispatcher.messages[0]["text"].startswith(FACTS["as9100_builds_on_iso_correction"]["text"])


def test_do_we_need_cmmi_when_no_contract_requires_it_gets_the_not_demanded_answer():
    tracker = make_tracker(
        "ask_question",
        "do we need cmmi in our industry?",
        slots={"rec_industry": "manufacturing", "rec_customers": "defense", "rec_requirement": "none"},
        entities=[question("industry_fit"), {"entity": "framework", "value": "cmmi"}],
    )
    dispatcher, _ = run(tracker)
    # content/catalogue/fit.yml cmmi_not_demanded, said for what the user stated
    assert dispatcher.messages[0]["text"].startswith(
        "You said: no contract requirement yet. " + FACTS["cmmi_not_demanded_answer"]["text"]
    )


@pytest.mark.parametrize(
    "text",
    ["ok ya id like a consultant to call, mainly for the cost part since u dont know that", "get me a consultant"],
)
def test_a_consultant_asked_for_in_passing_starts_the_request(text):
    dispatcher, events = run(make_tracker("ask_question", text, entities=[question("cost", 0.4)]))
    assert dispatcher.messages == [] and events == [FollowupAction("consultant_form")]
