"""Rasa custom actions for questions. Thin: they read the tracker, ask bot/ for
the reply and send it. All content comes from the knowledge store.

One action answers every question: `ask_question` (the NLU component names the
catalogue question kinds as `question` entities), the follow-ups `ask_followup`
("and for CMMI?", "I meant CMMI"), `more_detail` ("tell me more", "why?"),
`ask_shorter` ("too long"), and messages the NLU could not place
(`nlu_fallback`), which get "did you mean" buttons, the closest stored fact or
the honest no-answer reply. Names and emails typed at the consultant's prompts
are taken as such whatever the NLU read in them (contact_answer)."""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import contact
from bot.answers import PRIMARY_FRAMEWORKS, SOURCES_HEADING, AnswerComposer, Reply, Situation, subjects_in_parts
from bot.contact import stated_name
from bot.lookup import closest_fact
from bot.nlu.questions import asking_sentences, asks_at_prompt, reads_as_question
from bot.profile import (
    EITHER,
    NONE,
    UNKNOWN,
    asks_for_recommendation,
    date_given,
    deadline_months,
    describe_found,
    expiry_given,
    extract_profile,
    held_since,
    keys_of,
    negated_at,
    set_aside_at,
    statements,
    states_own_industry,
    user_statements,
)
from bot.recommendation import (
    EXTRA_SLOTS,
    HAS_ISO9001,
    SLOTS,
    Profile,
    recommend,
    render_gist,
    render_order,
    render_reasons,
    size_range,
)
from bot.store import default_store
from bot.store.snapshot import SnapshotCache

# Intents that continue the last question: a new subject or size ("and for CMMI?",
# "we're 45 people"), its detail ("tell me more", "why?") or its short form.
FOLLOWUP_INTENTS = (
    "ask_followup",
    "more_detail",
    "ask_shorter",
    "explain_recommendation",
    "correct_recommendation",
    "inform_recommendation",
)
DETAIL_INTENTS = ("more_detail", "explain_recommendation")
OUT_OF_SCOPE = "out_of_scope"
# At a prompt of the form, a message of at most this many words that asks nothing, with
# no question kind this likely, is an attempt to answer it ("either one", "a few i guess")
FORM_ANSWER_WORDS = 4
ATTEMPTED_ANSWER_BELOW = 0.8
UNPLACED_INTENTS = ("nlu_fallback", OUT_OF_SCOPE)
# A question kind guessed below this confidence is unclear: answered only when the
# context settles it (a related kind, one far ahead), else "did you mean", the
# closest stored fact, or the honest no-answer reply.
QUESTION_CONFIDENCE = 0.2
# Below QUESTION_CONFIDENCE, question kinds this likely are offered as "did you mean" buttons.
CANDIDATE_CONFIDENCE = 0.05
# A kind the last answer offered as related counts for an unclear follow-up at this probability
# (gibberish spreads its probability thinly over all kinds).
NEARBY_CONFIDENCE = 0.08
# ...unless the likeliest is at least DOMINANT_CONFIDENCE and DOMINANT_RATIO times the next.
DOMINANT_CONFIDENCE = 0.12
DOMINANT_RATIO = 2.5
# A follow-up of at most SHORT_FOLLOWUP_WORDS whose likeliest kind is below CONTEXT_DECIDES_BELOW
# and not dominant is read in the context of the last answer.
SHORT_FOLLOWUP_WORDS = 8
# ...and one that only names its subject ("and for TL 9000?") this short
SUBJECT_ONLY_WORDS = 5
CONTEXT_DECIDES_BELOW = 0.35
MAX_CANDIDATES = 3
# The catalogue's "what is it?" kind: a follow-up about a framework nothing else answers gets it.
GENERAL_QUESTION = "what_is"
RECOMMENDATION_ACTIONS = ("action_show_recommendation", "action_explain_recommendation")
RECOMMENDATION_FORM = "recommendation_form"
CONSULTANT_FORM = "consultant_form"
CONTACT_PROMPTS = ("contact_name", "contact_email")
# A message the NLU could not place (nlu_fallback) is still answered as the
# question kind it most likely asks at this probability.
UNPLACED_ANSWER_CONFIDENCE = 0.25
# Profile slots an answer depends on, and the confidence below which a message that
# states one of them is taken as the last question again, asked for the user's case.
SITUATION_SLOTS = ("rec_size", "rec_certifications", "rec_sites")
RESTATED_CONFIDENCE = 0.5
# a statement about the user ("we are 35 people, commercial only") is answered as a
# question only when it plainly implies one ("we need iso 9001 within 6 months")
STATEMENT_ANSWER_CONFIDENCE = 0.6

_snapshots: Optional[SnapshotCache] = None


def snapshot_cache() -> SnapshotCache:
    global _snapshots
    if _snapshots is None:
        _snapshots = SnapshotCache(default_store())
    return _snapshots


def _entities(tracker: Tracker, entity: str) -> list[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def profile_complete(slots: Dict[str, Any]) -> bool:
    """Every form question answered: only then is there a recommendation."""
    return all(slots.get(slot) not in (None, "") for slot in SLOTS)


def asked_confidence(tracker: Tracker) -> float:
    """How plainly the message asks a question kind: the likeliest kind's probability,
    also reading "it" as the conversation's subject."""
    guessed = max((float(g.get("confidence_entity", 0.0)) for g in _entities(tracker, "question")), default=0.0)
    referred = referred_ranking(tracker)
    return max(guessed, referred[0]["confidence"] if referred else 0.0)


def referred_ranking(tracker: Tracker) -> list[dict]:
    """ "what's it built on then?": the question kinds with "it" read as the conversation's
    subject, if that reading is likely and likelier than the plain one; else []. Not when
    the message names a framework ("and the iso cert... does that matter" is about ISO 9001)."""
    if _values(tracker, "framework"):
        return []
    referred = (tracker.latest_message.get("question_ranking_by_subject") or {}).get(tracker.get_slot("subject"))
    ranking = tracker.latest_message.get("question_ranking") or []
    if (
        referred
        and referred[0]["confidence"] >= QUESTION_CONFIDENCE
        and (not ranking or referred[0]["confidence"] > ranking[0]["confidence"])
    ):
        return referred
    return []


def _values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e["value"]) for e in _entities(tracker, entity)]


def _values_at(tracker: Tracker, entity: str, test: Callable[[str, int], bool]) -> list[str]:
    """The entity's values whose place in the message passes `test(text, start)`."""
    text = str(tracker.latest_message.get("text") or "")
    return [
        str(e["value"])
        for e in _entities(tracker, entity)
        if isinstance(e.get("start"), int) and test(text, e["start"])
    ]


def _negated(tracker: Tracker, entity: str) -> list[str]:
    """The entity's values the message negates or sets aside ("no defense", "forget cmmi")."""
    return _values_at(tracker, entity, negated_at)


def _affirmed(tracker: Tracker, entity: str) -> list[str]:
    """The entity's values the message does not negate ("no defense and no government")."""
    negated = _negated(tracker, entity)
    return [v for v in _values(tracker, entity) if v not in negated]


def named_subjects(tracker: Tracker) -> list[str]:
    """The subjects the message names: a payload's subject, frameworks, a CMMI
    maturity level (ml3), industries and customer types, in that order. A negated
    sector or customer type is no subject ("no defense customers: cmmi yes or no?"),
    nor a negated framework beside another ("no cmmi. how long for AS9100?"); a
    framework alone stays ("why not cmmi?")."""
    text = str(tracker.latest_message.get("text") or "")
    set_aside = _values_at(tracker, "framework", set_aside_at)
    frameworks = _affirmed(tracker, "framework") or [v for v in _values(tracker, "framework") if v not in set_aside]
    subjects = _values(tracker, "subject") + frameworks
    subjects += [f"ml{v}" for v in _values(tracker, "maturity_level") if v.isdigit()]
    subjects += _affirmed(tracker, "industry") + _affirmed(tracker, "customer_type")
    if not subjects and tracker.get_slot("subject") in (None, "cmmi") and _CERTIFICATE.search(text):
        # of the two, only ISO 9001 issues certificates (CMMI gives a rating): "after we get the
        # certificate, is it valid forever?" after a turn on CMMI is about ISO 9001
        return ["iso9001"]
    return list(dict.fromkeys(subjects))


# An unclear question in a message that says this much about the user starts the recommendation
RICH_OPENING_FACTS = 3
CONSULTANT_BUTTON = {"title": "Talk to a consultant", "payload": "/request_consultant"}
_CERTIFICATE = re.compile(r"\b(?:certificates?|certs?)\b", re.I)


# Numbers a user restates in passing replace the old ones ("our deadline is in 5 months")
RESTATED_IN_PASSING = ("rec_size", "rec_deadline_months", "rec_timeline")


def profile_updates(tracker: Tracker, overwrite: bool = False) -> dict[str, str]:
    """Profile slots the message fills: a size button, or what the user says
    about their own organization ("we're 45 people and already have ISO 9001").
    A remark in passing fills only what is not known yet ("customer asks are we CMMI
    certified?" does not undo "nobody requires anything"); overwrite: a correction."""
    # a correction says what is wrong in any words ("contracts require nothing"); a remark in
    # passing counts only where it is about the user ("we", "our")
    read = statements if overwrite else user_statements
    found = read(default_store(), tracker.latest_message.get("text"), tracker.latest_message.get("entities"))
    size = _values(tracker, "size")
    if size:
        found["rec_size"] = size[0]
    negated = set(_negated(tracker, "customer_type"))
    before = [k for k in keys_of(tracker.get_slot("rec_customers")) if k not in (NONE, UNKNOWN)]
    if (
        found.get("rec_customers") == "commercial"
        and negated
        and "commercial" not in _affirmed(tracker, "customer_type")
    ):
        # "we're not DoD" from a supplier of federal agencies: no defense, still federal, not "commercial"
        kept = [k for k in before if k not in negated]
        if kept:
            found["rec_customers"] = ",".join(kept)
    known = {slot for slot in found if tracker.get_slot(slot) not in (None, "", "unknown")}
    if "rec_industry" in known and not states_own_industry(tracker.latest_message.get("text")):
        found.pop("rec_industry")  # "some US bank RFPs ask for CMMI": the client's industry, not a new one of ours
    return {
        slot: value
        for slot, value in found.items()
        if tracker.get_slot(slot) != value and (overwrite or slot not in known or slot in RESTATED_IN_PASSING)
    }


# Industries where the article calls CMMI rarely needed: their questions are about ISO 9001.
ISO_ONLY_INDUSTRIES = ("manufacturing", "services", "construction", "healthcare", "education", "finance")


def profile_subjects(slots: Dict[str, Any]) -> list[str]:
    """What the user's profile makes a question about when it names nothing: their
    industry and customers (industry fit), the one framework their contracts require
    ("tender asks for ML3", then "how long will it take us?": ML3), and ISO 9001 where
    CMMI is not needed."""
    subjects = [str(slots[k]).split(",")[0] for k in ("rec_industry", "rec_customers") if slots.get(k)]
    if slots.get("rec_industry") and slots.get("rec_customers") == "commercial":
        subjects.insert(0, f"{slots['rec_industry']}+commercial")  # a case of its own where the content has one
    required = str(slots.get("rec_requirement") or "")
    if required == "cmmi":
        level = str(slots.get("rec_target_level") or "")
        subjects += ([f"ml{level}"] if level in "2345" and level else []) + ["cmmi"]
    if slots.get("rec_industry") in ISO_ONLY_INDUSTRIES or required == "iso9001":
        subjects.append("iso9001")
    return subjects


# "our ml3 benchmark was in june 2022, still valid?": the user's own rating, not a supplier's
_OWN_RATING = re.compile(
    r"\b(?:our|my)\s+(?:cmmi\s+)?(?:ml\s*[2-5]|level\s*[2-5]|maturity level\s*[2-5]|cmmi|rating|benchmark|appraisal)\b",
    re.I,
)


def situation(slots: Dict[str, Any], message: str = "") -> Situation:
    """The user's situation for an answer: the profile slots, and a CMMI rating the message calls theirs."""
    staff = size_range(slots.get("rec_size"))
    held = str(slots.get("rec_certifications") or "")
    keys = {k for k in held.split(",") if k and k not in ("none", "unknown")}
    if _OWN_RATING.search(message):
        keys.add("cmmi")  # (a buyer's advice, "ask the supplier for its ADS", is not for them)
    if keys & HAS_ISO9001:
        keys.add("iso9001")  # AS9100, IATF 16949 and TL 9000 build on ISO 9001: answers for its holders fit
    return Situation(
        staff=staff,
        held=frozenset(keys),
        # "none" too: "they never asked for cmmi. do we need it anyway?" is asked for no requirement
        required=frozenset(keys_of(slots.get("rec_requirement"))) - {UNKNOWN, EITHER},
        multi_site=str(slots.get("rec_sites") or "").isdigit() and int(str(slots["rec_sites"])) > 1,
    )


QUESTION_INTENTS = ("ask_question",) + FOLLOWUP_INTENTS[:3]


# An erasure request says what to erase: "forget me", "delete my data", "wipe everything".
_EXPLICIT_ERASURE = re.compile(
    r"\b(?:forget|delete|erase|remove|wipe|clear)\b.{0,25}\b(?:me|my|mine|data|details|information|info|"
    r"everything|email|name)\b|\bgdpr\b|\bright to be forgotten\b",
    re.I,
)


def explicit_erasure(text: str) -> bool:
    """ "forget me", "delete my data": asked in words, not a name that has "Forget" in it."""
    return bool(_EXPLICIT_ERASURE.search(text))


# Saying no to giving contact details: the whole message is the refusal.
_BARE_REFUSAL = re.compile(
    r"^\W*(?:stop|cancel|quit|exit|no|nope|nah|no thanks|no thank you|never ?mind|forget it|abort|skip|"
    r"i changed my mind|not now|maybe later)\W*$",
    re.I,
)


def contact_answer(tracker: Tracker) -> List[EventType]:
    """At the consultant's name or email prompt, what the user typed as their name or
    email, whatever the NLU took it for ("Will Forget", "Grace Stop", "Will Price",
    "mark.forget@example.com"); [] for a real question, refusal or erasure request."""
    text = tracker.latest_message.get("text") or ""
    requested = tracker.get_slot("requested_slot")
    if tracker.active_loop.get("name") != CONSULTANT_FORM or requested not in CONTACT_PROMPTS:
        return []
    without_emails = contact.EMAIL.sub(" ", text)
    if (
        _EXPLICIT_ERASURE.search(without_emails)
        or _BARE_REFUSAL.match(text)
        or contact.withdraws(text)
        or (requested == "contact_email" and contact.refuses_email(text))
        or (requested == "contact_name" and contact.refuses_name(text))
        or "?" in text
    ):
        return []  # ...and "cancel that, no consultant" takes the request back (request_taken_back)
    email = contact.find_email(text)
    if requested == "contact_name" and email:
        # "Faith Long, faith.long@x.mx": both at once ("how long?" to the NLU)
        name = contact.name_beside_email(text)
        return [SlotSet("contact_name", name), SlotSet("contact_email", email)] if name else []
    value = contact.clean_name(text) if requested == "contact_name" else email
    return [SlotSet(requested, value)] if value else []


def is_real_question(intent: str, text: str) -> bool:
    """A question intent on a message that reads as a question: "defense contractor"
    classified as a question, typed at the form's industry prompt, is an answer."""
    return intent in QUESTION_INTENTS and asks_at_prompt(text)


# "we DO have commercial clients too. does that change it?": a question whose answer is the update
ASKS_IF_IT_CHANGES = re.compile(
    r"\b(?:does|would|will|did|could)\s+(?:that|this|it)\s+change\b|\bwhat changes\b|\bany difference\b", re.I
)


def answers_the_form(tracker: Tracker) -> bool:
    """True when the form is asking and the message is an answer to its question, or a
    statement about the user with only "does that change it?" asked beside it."""
    requested = tracker.get_slot("requested_slot")
    text = tracker.latest_message.get("text") or ""
    if tracker.active_loop.get("name") != RECOMMENDATION_FORM or not requested:
        return False
    entities = tracker.latest_message.get("entities")
    asking = asking_sentences(text)
    if asking and all(ASKS_IF_IT_CHANGES.search(q) for q in asking):
        return bool(user_statements(default_store(), text, entities))
    if asks_at_prompt(text):
        return False
    return requested in extract_profile(default_store(), text, entities, asked=requested)


def earlier_question(tracker: Tracker, bot_text: str) -> Optional[str]:
    """The user's message that bot_text answered earlier in the conversation, or None."""
    asked: Optional[str] = None
    for event in tracker.events:
        if event.get("event") == "user":
            asked = str(event.get("text") or "")
        elif event.get("event") == "bot" and event.get("text") == bot_text:
            return asked or ""
    return None


def same_words(one: str, other: str) -> bool:
    return re.findall(r"\w+", one.lower()) == re.findall(r"\w+", other.lower())


def gist(reply_text: str) -> str:
    """A reply's text without its citation marks and sources: what was said, in one line."""
    body = reply_text.split(SOURCES_HEADING, 1)[0]
    return " ".join(re.sub(r"\s*\[\d+\]|\*\*", "", body).split())


OFFER = "utter_offer_consultant"
# What ends the consultant offer: the request form, a decline, or an earlier yes/no to it.
OFFER_ANSWERED = ("consultant_form", "utter_consultant_declined", "action_answer_offer")


# "ok ya id like a consultant to call, mainly for the cost part": a request, whatever else it says
_REQUESTS_CONSULTANT = re.compile(
    r"\b(?:i'?d like|i would like|i want|we want|we'?d like|get me|put me in touch with|connect me (?:to|with)|"
    r"(?:please )?have)\s+(?:a |an |one |your |the )?(?:\w+ )?consultant\b",
    re.I,
)
# "please have a consultant email me", "ok, I want a consultant"
_WANTS_CONSULTANT = re.compile(
    r"\b(?:consultant|contact me|call me|e-?mail me|reach me|reach out|get in touch|write to me)\b", re.I
)


def contact_outside_form(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> Optional[List[EventType]]:
    """Contact details where no contact form asked for them: "ok, a consultant can
    contact me. Mehmet Yilmaz, mehmet@x.com.tr" is the request, with both filled in
    (the consultant form then confirms and stores it); a bare "Dana Whitfield" or
    "dana@acme.io" is not stored, and the request is offered. None if neither."""
    text = str(tracker.latest_message.get("text") or "")
    if tracker.active_loop.get("name"):
        return None
    email, name = contact.find_email(text), contact.name_beside_email(text)
    asks = (_WANTS_CONSULTANT.search(text) or consultant_offer_open(tracker)) and not _refuses_consultant(text)
    if email and name and asks:
        return [SlotSet("contact_name", name), SlotSet("contact_email", email), FollowupAction(CONSULTANT_FORM)]
    if intent in UNPLACED_INTENTS + ("correct_recommendation",) and contact.looks_like_contact(text):
        dispatcher.utter_message(response="utter_contact_outside_form")
        return []
    return None


_ASKS_WHAT_IS_NOTED = re.compile(r"\b(?:noted|know|remember)\b", re.I)
STORED_DATA_INTENT = "ask_stored_data"
STORED_DATA_CONFIDENCE = 0.5
_NAMES_A_NAME = re.compile(r"\bname\b", re.I)
# "you wrote my name wrong, it is Grace Long", "my name is Grace Long, not Its Grace Long"
_NAME_CORRECTION = re.compile(
    r"\b(?:wrong|wrote|spel\w*|typo|mistake|correct\w*|fix\w*|not|actually|change)\b[^.?!]{0,60}\bname\b|"
    r"\bname\b[^.?!]{0,60}\b(?:wrong|wrote|spel\w*|typo|mistake|correct\w*|fix\w*|not|actually)\b",
    re.I,
)


def consultant_request_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """The reply to a message about the consultant request, True if it replied:
    "thanks, no consultant needed" declines the offer; "I changed my mind, don't contact
    me" takes back a stored request (deleted, the rest of the conversation kept); "is my
    data still stored?" says what is stored. Not "can we do it without a consultant?"."""
    text = str(tracker.latest_message.get("text") or "")
    declines = bool(_DECLINES_CONSULTANT.search(text)) or (
        bool(_NO_CONSULTANT.search(text)) and not reads_as_question(text)
    )
    nlu_intent = tracker.latest_message.get("intent") or {}
    # "hmm you didn't answer either bit. is it UKAS in the UK?" is no question about stored data
    asks_stored = (
        nlu_intent.get("name") == STORED_DATA_INTENT and nlu_intent.get("confidence", 1.0) >= STORED_DATA_CONFIDENCE
    )
    status = asks_stored or bool(_ASKS_REQUEST_STATUS.search(text))
    # "my name is William Stopczynski" once a request is stored, as its reply suggests
    renamed = stated_name(text) if _NAME_CORRECTION.search(text) or _NAMES_A_NAME.search(text) else None
    if not declines and not status and not renamed:
        return False
    engine = default_store().engine
    stored = contact.requests_for(engine, tracker.sender_id)
    if renamed and stored and not declines:
        # "you wrote my name as 'its Grace Long'. name is Grace Long"
        contact.correct_name(engine, tracker.sender_id, renamed)
        dispatcher.utter_message(response="utter_name_corrected", name=renamed)
        return True
    if not declines or (not stored and reads_as_question(text) and not consultant_offer_open(tracker)):
        if not status:
            return False  # "can we do it without a consultant?" is a question
        # "what do you store about me?": what the conversation holds about their
        # organization, and the consultant request with the values stored
        noted = {k: str(tracker.get_slot(k)) for k in SLOTS + EXTRA_SLOTS if tracker.get_slot(k)}
        if asks_stored or _ASKS_WHAT_IS_NOTED.search(text):
            dispatcher.utter_message(
                text=describe_found(default_store(), noted) or "Nothing is noted about your organization."
            )
        if stored:
            request = stored[-1]
            dispatcher.utter_message(
                response="utter_consultant_request_stored",
                name=request.name,
                email=request.email,
                summary=request.recommendation,
            )
        else:
            dispatcher.utter_message(response="utter_no_consultant_request")
        return True
    already_sent = contact.count_sent(engine, tracker.sender_id)
    deleted = contact.forget(engine, tracker.sender_id)
    if not deleted:
        dispatcher.utter_message(response="utter_consultant_declined")
    else:
        dispatcher.utter_message(
            response="utter_consultant_withdrawn_sent" if already_sent else "utter_consultant_withdrawn"
        )
    return True


def consultant_offer_open(tracker: Tracker) -> bool:
    """The consultant was offered and the offer is not answered yet, even if questions came in between."""
    for event in reversed(tracker.events):
        # a response sent by a custom action shows only in the bot event's metadata
        name = (
            event.get("name")
            if event.get("event") == "action"
            else (event.get("metadata") or {}).get("utter_action")
            if event.get("event") == "bot"
            else None
        )
        if name in OFFER_ANSWERED:
            return False
        if name == OFFER:
            return True
    return False


# "thanks, no consultant needed": a decline when stated, not when asked ("you don't do cmmi
# consulting?? then who helps us?" withdraws nothing)
_NO_CONSULTANT = re.compile(
    r"\b(?:no|not|don'?t|dont|do not|nope|without)\b[^.?!]{0,30}\bconsultants?\b|"
    # "re the consultant thing - no thanks"
    r"\bconsultants?\b[^.?!]{0,25}\b(?:no thanks|no thank you|not needed|not now|no need)\b",
    re.I,
)
# taking the request back in so many words, asked or stated
_DECLINES_CONSULTANT = re.compile(
    r"\b(?:don'?t|dont|do not|no one|nobody)\b[^.?!]{0,20}\b(?:contact|call|e-?mail|reach)\s+(?:me|us)\b|"
    r"\b(?:don'?t|dont|do not)\s+want\s+(?:to be\s+)?contact\w*|"
    r"\bcancel\w*\s+(?:the\s+|my\s+|our\s+|that\s+)?(?:consultant\s+|contact\s+)?request\b|"
    r"\bwithdraw\w*\b[^.?!]{0,20}\brequest\b",
    re.I,
)


# "no thanks. so our consultant was wrong?": a message that starts with a "no"
_STARTS_WITH_NO = re.compile(r"^\W*(?:no|nope|nah)\b", re.I)


def _refuses_consultant(text: str) -> bool:
    """Any "no" to a consultant, stated or asked: never read as a request for one."""
    return bool(_DECLINES_CONSULTANT.search(text) or _NO_CONSULTANT.search(text) or _STARTS_WITH_NO.search(text))


# "is my consultant request withdrawn?", "will someone still email me?"
_ASKS_REQUEST_STATUS = re.compile(
    r"\b(?:is|was|did you \w+)\s+(?:my|the)\s+(?:consultant\s+)?request\b|"
    r"\bwill (?:someone|anyone|a consultant|you) (?:still )?(?:contact|e-?mail|call|write to)\b|"
    r"\b(?:is|are)\s+(?:my|our|any|anything)\b[^.?!]{0,30}\b(?:stored|saved|kept)\b|"
    r"\bwhat (?:\w+ )?do (?:you|u) (?:still )?(?:know|have|keep|store)\b[^.?!]{0,20}\b(?:me|us)\b|"
    r"\b(?:do )?(?:you|u) (?:still )?(?:have|keep|store|hold)\b[^.?!]{0,20}\b(?:my|our|any)\s+(?:\w+\s+)?"
    r"(?:data|details|info\w*|e-?mail|name|contact\w*|records?|personal|messages|conversation|request)\b"
    r"(?!\s+(?:on|about|for)\b)|"
    r"\b(?:do|what do) you (?:still )?(?:know|remember|have noted)\b[^.?!]{0,25}"
    r"\b(?:me|us|our (?:company|firm|organi[sz]ation))\b|"
    r"\bwhat (?:exactly )?(?:are|do) you (?:storing|keeping|holding|store|keep|hold)\b|"
    r"\bwhat(?:'?s| is) my name\b|\bwhat did you (?:send|pass|give|forward)\b",
    re.I,
)


def request_taken_back(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """ "cancel that, i dont want a consultant call" at a contact prompt, typed with a question
    the form would leave to this action: nothing stored, and the form ends. None when the
    message takes nothing back."""
    text = str(tracker.latest_message.get("text") or "")
    if tracker.active_loop.get("name") != CONSULTANT_FORM:
        return None
    no_email = tracker.get_slot("requested_slot") == "contact_email" and contact.refuses_email(text)
    if not (no_email or contact.withdraws(text) or _refuses_consultant(text)):
        return None
    dispatcher.utter_message(response="utter_email_needed" if no_email else "utter_contact_not_stored")
    return [ActiveLoop(None)] + [SlotSet(slot, None) for slot in ("contact_name", "contact_email", "requested_slot")]


def why_this_question(tracker: Tracker) -> Optional[str]:
    """ "why?" typed right after a form's question: why the question is asked (content/questions.yml)."""
    requested = tracker.get_slot("requested_slot")
    if not requested or tracker.active_loop.get("name") not in (RECOMMENDATION_FORM, CONSULTANT_FORM):
        return None
    question = default_store().question(requested)
    if question is None:
        return None
    events = list(reversed(tracker.events))
    latest = next((i for i, e in enumerate(events) if e.get("event") == "user"), len(events))
    turn = list(itertools.takewhile(lambda e: e.get("event") != "user", events[latest + 1 :]))  # the bot's, before
    if any(e.get("event") == "slot" and e.get("name") == "last_question" and e.get("value") for e in turn):
        return None  # the last turn also answered something: "why?" is about that (an opening it noted is not)
    if any(SOURCES_HEADING in (e.get("text") or "") for e in turn if e.get("event") == "bot"):
        return None  # ...or the form itself answered a question typed at its prompt
    return question.why


def _recommendation_shown(tracker: Tracker) -> bool:
    """A recommendation was given in this conversation (and not restarted since)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_reset_recommendation":
            return False
        if event.get("event") == "action" and event.get("name") in RECOMMENDATION_ACTIONS:
            return True
    return False


# After a result: "why both?", "why? competitors have it" ask for its reasons; "you got that
# wrong", "i told you we don't work for government" object to what it was built on
ASKS_WHY = re.compile(r"^\W*(?:(?:but|so|and|ok|okay|then|hmm)\W+)*why\b", re.I)  # "ok but why iso?"


def asks_why(text: str) -> bool:
    """ "why both??", "no thanks. but why not cmmi?": a sentence of it asks why."""
    return any(ASKS_WHY.match(sentence) for sentence in [text, *asking_sentences(text)])


OBJECTION = re.compile(
    r"\b(?:wrong|not what (?:i|we) (?:said|meant|told)|i (?:said|told you|wrote)|already (?:said|told|wrote)|"
    r"as i said|where (?:did )?you got|not (?:only |just )?(?:general manufacturing|manufacturing|government|"
    r"defen[cs]e|federal|software|it services))\b|!!",
    re.I,
)


def _last_answer_was_recommendation(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "action":
            name = event.get("name")
            if name == "action_answer_question":
                return False
            if name in RECOMMENDATION_ACTIONS:
                return True
    return False


async def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, known: Optional[Dict[str, Any]] = None
) -> List[EventType]:
    """Answer the message as `intent` (a question or a follow-up of the last one),
    with the profile slots in `known` set just before (e.g. by a correction)."""
    if await asyncio.to_thread(answers_the_form, tracker):
        return []  # the form takes it as the answer to its question
    contact_given = contact_answer(tracker)
    if contact_given:
        return contact_given  # "Will Price" at the name prompt is a name, not a cost question
    said = str(tracker.latest_message.get("text") or "")
    if explicit_erasure(said) and (intent == STORED_DATA_INTENT or not reads_as_question(said)):
        # "forget me. u kept my name?", "ok thanks, forget me": erase, whatever the NLU took it for
        from actions.recommendation import ActionForgetMe  # (it imports this module)

        return ActionForgetMe().command(dispatcher, tracker)
    taken_back = request_taken_back(dispatcher, tracker)
    if taken_back is not None:
        if reads_as_question(str(tracker.latest_message.get("text") or "")):
            # "cancel that, i dont want a consultant call. do you offer cmmi consulting?": and its answer
            outside = copy.copy(tracker)
            outside.active_loop, outside.slots = {}, {**tracker.slots, "requested_slot": None}
            taken_back += await answer_question(dispatcher, outside, intent, known)
        return taken_back + [FollowupAction("action_listen")]  # the form does not ask again
    if consultant_request_reply(dispatcher, tracker):
        return []
    if (
        tracker.active_loop.get("name") == CONSULTANT_FORM
        and tracker.get_slot("requested_slot") in CONTACT_PROMPTS
        and not asks_at_prompt(str(tracker.latest_message.get("text") or ""))
    ):
        return []  # "ok then just use Sam" at the email prompt asks nothing: the form takes it, or asks again
    why = (
        await asyncio.to_thread(why_this_question, tracker)
        if intent in DETAIL_INTENTS and not _entities(tracker, "question")
        else None
    )
    if why:
        dispatcher.utter_message(text=why)
        return []
    if attempted_form_answer(tracker):
        # "either one" at the timeline question answers it, badly: not a
        # question about the need for both
        return unusable_form_answer(dispatcher, tracker) or []
    decide = not tracker.active_loop.get("name") and asks_for_recommendation(tracker.latest_message.get("text"))
    text = str(tracker.latest_message.get("text") or "")
    after_result = not tracker.active_loop.get("name") and _last_answer_was_recommendation(tracker)
    if after_result and known is None and (asks_why(text) or OBJECTION.search(text)):
        # "why both?? we dont work for government": the correction in it changes the result;
        # a bare "why? competitors have it" gets the reasons
        corrected = await asyncio.to_thread(profile_updates, tracker, True)
        if corrected:
            from actions.recommendation import correct  # (it imports this module)

            return await correct(dispatcher, tracker, corrected)
    detail_asked = intent in DETAIL_INTENTS and not _entities(tracker, "question")
    if _last_answer_was_recommendation(tracker) and (detail_asked or (after_result and asks_why(text))):
        profile = Profile.from_slots(tracker.slots)
        reasons = await asyncio.to_thread(lambda: render_reasons(recommend(default_store(), profile)))
        dispatcher.utter_message(text=reasons)
        return []
    if intent == "ask_shorter" and _last_answer_was_recommendation(tracker) and profile_complete(tracker.slots):
        # "simple answer please" after the result or its reasons: the decision in one line
        profile = Profile.from_slots(tracker.slots)
        gist_of_result = await asyncio.to_thread(lambda: render_gist(recommend(default_store(), profile)))
        dispatcher.utter_message(text=gist_of_result)
        return []
    # the store is a database: keep its I/O off the action server's event loop
    known = known or {}
    updates = {k: v for k, v in (await asyncio.to_thread(profile_updates, tracker)).items() if k not in known}
    slots = {**tracker.slots, **known, **updates}
    contact_events = contact_outside_form(dispatcher, tracker, intent)
    if contact_events is not None:
        return [SlotSet(slot, value) for slot, value in updates.items()] + contact_events
    unusable = unusable_form_answer(dispatcher, tracker) if intent in UNPLACED_INTENTS else None
    if unusable is not None:
        return [SlotSet(slot, value) for slot, value in updates.items()] + unusable
    if intent == OUT_OF_SCOPE and not referred_ranking(tracker):
        dispatcher.utter_message(response="utter_out_of_scope")  # "how tall is mount everest?"
        return [SlotSet(slot, value) for slot, value in updates.items()]
    events: List[EventType] = [SlotSet(slot, value) for slot, value in updates.items()]
    if (
        updates
        and not decide
        and not tracker.get_slot("last_question")  # "we have 45 staff" after an answer: it again, for them
        and not tracker.active_loop.get("name")
        and not text.startswith("/")
        and not reads_as_question(text)
        # "we have iso 9001 since 2018" names a framework as a fact about them, "iso 9001 cost" asks
        and set(_values(tracker, "framework")) <= set(keys_of(updates.get("rec_certifications")))
        and not _values(tracker, "maturity_level")
        and asked_confidence(tracker) < STATEMENT_ANSWER_CONFIDENCE
    ):
        # "we are a 35 person software house, commercial clients only" as an opening asks nothing yet
        dispatcher.utter_message(text=describe_found(default_store(), updates))
        dispatcher.utter_message(response="utter_noted_what_next")
        return events
    if (
        not updates
        and not known  # a correction just noted is no confirmation
        and not decide
        and not text.startswith("/")
        and not reads_as_question(text)
        and asked_confidence(tracker) < STATEMENT_ANSWER_CONFIDENCE
    ):
        # "we are NOT defense, only civilian federal" when that is known: a confirmation, not a question
        stated = await asyncio.to_thread(user_statements, default_store(), text, tracker.latest_message.get("entities"))
        if stated and all(slots.get(slot) == value for slot, value in stated.items()):
            dispatcher.utter_message(response="utter_already_noted", noted=describe_found(default_store(), stated))
            if not tracker.active_loop.get("name"):
                dispatcher.utter_message(response="utter_noted_what_next")
            return events
    if not tracker.active_loop.get("name") and _REQUESTS_CONSULTANT.search(text) and not _refuses_consultant(text):
        return events + [FollowupAction(CONSULTANT_FORM)]  # its first prompt says what the consultancy does not do
    reply = await asyncio.to_thread(compose, tracker, intent, slots)
    composer = AnswerComposer(snapshot_cache().get())
    gaps = composer.not_covered(text) if not decide else []
    standards = [f for f in _values(tracker, "framework") if f not in ("iso9001", "cmmi")]
    known_beside = composer.known_beside_gaps(text) if gaps else None
    if not gaps and not decide and reply is not None and reply.unsourced:
        gaps = [reply.unsourced]  # "how long does it take?" after a turn on CMMC
        # ...and "and 13485?" next asks the same of that standard
        events += [SlotSet("last_question", reply.questions[-1]), SlotSet("subject", reply.subject)]
        # "is TL 9000 better than ISO 9001?": what the sources do say of it ("builds on ISO 9001"), first
        if reply.subject:
            about = composer.reply([GENERAL_QUESTION], named=[reply.subject], short=True)
            if about.found and about.subject == reply.subject:
                known_beside = about.text
    elif gaps and standards:
        # "iatf. do we need that instead of iso9k?": "and cost?" next asks about IATF 16949
        events += [SlotSet("last_question", None), SlotSet("subject", standards[0])]
    if gaps:
        # "is 27001 enough for TISAX?": no source covers it; an answer about 27001 would mislead
        buttons = (reply.buttons if reply is not None and reply.found else []) + [CONSULTANT_BUTTON]
        if known_beside:
            dispatcher.utter_message(text=known_beside)  # what the sources do say, first
        dispatcher.utter_message(response="utter_no_source_on", topic=" or ".join(gaps), buttons=buttons)
        return events
    kinds = snapshot_cache().get().questions
    if (
        decide
        and reply is not None
        and reply.found
        and not reply.candidates
        and not reply.closest
        and reply.questions
        and not any(kinds[q].starts_recommendation for q in reply.questions if q in kinds)
    ):
        # "what is more quick and cheap, iso 9001 or cmmi?": a question of fact, answered, not the form
        decide = False
    if decide:
        # "we are a 6-person startup ... which one first?": the short answer if there is one,
        # then the guided recommendation with what the message says filled in (the form reads it)
        # ...but not the general answer when the message describes the user: the form
        # notes what it says and asks for the rest ("RFP requires CMMI ML3 ... what first?")
        describes_user = bool(
            await asyncio.to_thread(
                user_statements,
                default_store(),
                tracker.latest_message.get("text"),
                tracker.latest_message.get("entities"),
            )
        )
        if describes_user and updates:
            dispatcher.utter_message(text=describe_found(default_store(), updates))  # "Noted: ..."
        if reply is not None and reply.found and not reply.candidates and not reply.closest and not describes_user:
            dispatcher.utter_message(text=reply.text)
            if reply.questions:
                events += [SlotSet("last_question", reply.questions[-1]), SlotSet("subject", reply.subject)]
        return events + [FollowupAction(RECOMMENDATION_FORM)]
    unclear = reply is None or bool(reply.candidates) or not reply.found
    unusable = unusable_form_answer(dispatcher, tracker) if unclear else None
    if unusable is not None:
        return events + unusable
    if (
        unclear
        and len(updates) >= RICH_OPENING_FACTS
        and reads_as_question(text)
        and not tracker.active_loop.get("name")
    ):
        # "Pune IT firm, 400 engineers, RFP needs CMMI L3, we hold ISO 27001": no clear question,
        # but enough about them to start the recommendation with it noted
        dispatcher.utter_message(text=describe_found(default_store(), updates))
        return events + [FollowupAction(RECOMMENDATION_FORM)]
    contradicted = (
        await asyncio.to_thread(profile_updates, tracker, True)
        if (unclear or OBJECTION.search(text)) and not known and not tracker.active_loop.get("name")
        else {}
    )
    if contradicted.keys() - updates.keys():
        # "we do NOT have cmmi. please fix it": no question, a correction of what is known
        from actions.recommendation import correct  # (it imports this module)

        return await correct(dispatcher, tracker, contradicted)
    if unclear and _WANTS_CONSULTANT.search(text) and not _refuses_consultant(text):
        return events + [FollowupAction(CONSULTANT_FORM)]  # "hi, can someone call me? consultant"
    if reply is None:
        dispatcher.utter_message(response="utter_ask_away")
        return events
    if reply.candidates:
        await asyncio.to_thread(did_you_mean, dispatcher, reply.candidates)
        return events
    if not reply.found:
        dispatcher.utter_message(response="utter_cannot_answer", buttons=reply.buttons or None)
        return events
    if reply.closest:
        dispatcher.utter_message(response="utter_closest_match", closest=reply.text)
        return events
    asked_again = asked_confidence(tracker) >= RESTATED_CONFIDENCE
    kind = kinds.get(reply.questions[-1]) if reply.questions else None
    if kind is not None and kind.answered_by_plan and profile_complete(slots) and _recommendation_shown(tracker):
        profile = Profile.from_slots(slots)
        plan = await asyncio.to_thread(lambda: render_order(recommend(default_store(), profile), profile))
        dispatcher.utter_message(text=plan)
        return events + [SlotSet("last_question", kind.key)]
    asked_before = earlier_question(tracker, reply.text)
    # "too long" gets the short answer even when it is what was said before
    if (
        asked_before is not None
        and intent not in DETAIL_INTENTS + ("ask_shorter",)
        and not same_words(asked_before, text)
    ):
        # an answer given before, to another message ("what does cmmc mean for a supplier?"
        # after "is cmmc cmmi?"), would not answer this one: its detail if new, else the honest reply.
        # The same message typed again gets its answer again.
        again = await asyncio.to_thread(compose, tracker, "more_detail", slots) if not asked_again else None
        if again is None or not again.found or earlier_question(tracker, again.text) is not None:
            # "that's not a number. how many months?": the direct answer again, not all of it
            if (
                kind is not None
                and kind.starts_recommendation
                and not (slots.get("rec_customers") and slots.get("rec_requirement"))
            ):
                # "so iso is enough?" after the general answer: it turns on their case
                dispatcher.utter_message(response="utter_depends_on_case")
                return events
            brief = await asyncio.to_thread(compose, tracker, "ask_shorter", slots) if asked_again else None
            said = brief if brief is not None and brief.found else reply
            dispatcher.utter_message(
                response="utter_said_before", gist=gist(said.text), buttons=[CONSULTANT_BUTTON] + reply.buttons
            )
            return events
        reply = again
    buttons = reply.buttons
    if _WANTS_CONSULTANT.search(text) and not _refuses_consultant(text) and CONSULTANT_BUTTON not in buttons:
        buttons = buttons + [CONSULTANT_BUTTON]  # "can you recommend a consultant?": one, a click away
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)
    if reply.questions:
        events.append(SlotSet("last_question", reply.questions[-1]))
    events.append(SlotSet("subject", reply.subject))
    if reply.needs_size:
        dispatcher.utter_message(response="utter_ask_size_for_answer")
    elif len(updates) >= RICH_OPENING_FACTS and not tracker.active_loop.get("name"):
        # "120-person IT firm, federal, hold ISO 9001, recompetes require ML3. Does ISO cover it?":
        # what it understood, to correct, and the recommendation for it one click away
        dispatcher.utter_message(response="utter_noted_after_answer", noted=describe_found(default_store(), updates))
    return events


def did_you_mean(dispatcher: CollectingDispatcher, keys: Sequence[str]) -> bool:
    """ "Did you mean one of these?" with a button for each question kind; False if none is known."""
    titles = snapshot_cache().get().questions
    known = [k for k in keys if k in titles]
    if not known:
        return False
    dispatcher.utter_message(
        response="utter_did_you_mean",
        buttons=[{"title": titles[k].title, "payload": f'/ask_question{{"question": "{k}"}}'} for k in known],
    )
    return True


def asks_clearly(tracker: Tracker) -> bool:
    """The message reads as a question and its likeliest question kind is likely enough."""
    ranking = tracker.latest_message.get("question_ranking") or []
    return (
        reads_as_question(tracker.latest_message.get("text") or "")
        and bool(ranking)
        and ranking[0].get("confidence", 0) >= QUESTION_CONFIDENCE
    )


def attempted_form_answer(tracker: Tracker) -> bool:
    """A few words at a prompt of the form that ask nothing, and no clear question kind."""
    text = str(tracker.latest_message.get("text") or "")
    return (
        tracker.active_loop.get("name") == RECOMMENDATION_FORM
        and bool(tracker.get_slot("requested_slot"))
        and not text.startswith("/")
        and len(text.split()) <= FORM_ANSWER_WORDS
        and not asks_at_prompt(text)
        and asked_confidence(tracker) < ATTEMPTED_ANSWER_BELOW
    )


def unusable_form_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """ "underwater basket weaving" at the industry question, which the NLU could not
    place: an answer the form cannot use, so its re-ask line (the form asks again), and
    after the second the assumed value. None when it is no answer to the form."""
    requested = tracker.get_slot("requested_slot")
    if tracker.active_loop.get("name") != RECOMMENDATION_FORM or not requested:
        return None
    if reads_as_question(tracker.latest_message.get("text") or ""):
        return None
    from actions.recommendation import unusable_answer  # (it imports this module)

    value, events = unusable_answer(dispatcher, tracker, requested)
    return events + ([SlotSet(requested, value)] if value is not None else [])


def answer_unrouted_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    follow_up: Optional[List[EventType]] = None,
    kind: Optional[str] = None,
) -> bool:
    """Answer a message the NLU took for something else although it reads as a
    question ("what about cost?" typed at a form prompt); False if it has no
    likely question kind. follow_up, if given, receives the events that let "and
    what would it cost?" follow the answer (its question kind and subject).
    kind: the question kind to answer, where the message's meaning is known otherwise."""
    ranking = [{"question": kind, "confidence": 1.0}] if kind else tracker.latest_message.get("question_ranking") or []
    if ranking and ranking[0].get("confidence", 0) < QUESTION_CONFIDENCE:
        # "what do u guys actually sell? toolkits? price?": unclear, but a question, not an answer
        candidates = [r["question"] for r in ranking[:3] if r.get("confidence", 0) >= CANDIDATE_CONFIDENCE]
        return did_you_mean(dispatcher, candidates)
    if not ranking:
        return False
    text = tracker.latest_message.get("text") or ""
    reply = AnswerComposer(snapshot_cache().get()).reply(
        [ranking[0]["question"]],
        message=text,
        named=named_subjects(tracker),
        current_subject=tracker.get_slot("subject"),
        situation=situation(tracker.slots),
    )
    if not reply.found:
        return False
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    if follow_up is not None and reply.questions:
        follow_up += [SlotSet("last_question", reply.questions[-1]), SlotSet("subject", reply.subject)]
    return True


class ActionGreet(Action):
    """The greeting, noting what the user says about their organization in it
    ("hi, we're a 45 person machine shop")."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        updates = await asyncio.to_thread(profile_updates, tracker)
        dispatcher.utter_message(response="utter_greet")
        if updates:
            dispatcher.utter_message(text=describe_found(default_store(), updates))
        return [SlotSet(slot, value) for slot, value in updates.items()]


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return await answer_question(dispatcher, tracker, intent)


def dominant(ranking: list[dict]) -> bool:
    """The likeliest question kind is likely enough and far ahead of the next one."""
    if not ranking or ranking[0]["confidence"] < DOMINANT_CONFIDENCE:
        return False
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    return ranking[0]["confidence"] >= DOMINANT_RATIO * second


def candidates(tracker: Tracker) -> list[str]:
    """The likeliest question kinds of an unclear message, for "did you mean" buttons."""
    ranking = tracker.latest_message.get("question_ranking") or []
    return [r["question"] for r in ranking[:MAX_CANDIDATES] if r.get("confidence", 0) >= CANDIDATE_CONFIDENCE]


def on_subject(snapshot, key: str, ranking: list[dict], subject: Optional[str]) -> str:
    """Of close question kinds, the one about the conversation's framework: "how
    can we check it?" about a CMMI rating is the CMMI check, not the ISO one."""
    if subject not in snapshot.frameworks or key not in snapshot.questions:
        return key
    name = snapshot.name(subject).lower()
    others = [snapshot.name(f).lower() for f in ("iso9001", "cmmi") if f != subject]
    title = snapshot.questions[key].title.lower()
    if name in title or not any(o in title for o in others):
        return key
    top = next((r["confidence"] for r in ranking if r["question"] == key), 0.0)
    for candidate in ranking[:3]:
        other = snapshot.questions.get(candidate["question"])
        if other is not None and name in other.title.lower() and candidate["confidence"] >= top / 3:
            return other.key
    return key


def sibling_question(snapshot, key: str, named: list[str], asks: bool) -> str:
    """A question naming a subject its kind has no answer for ("and for CMMI?" after "how
    do I check an ISO certificate?"; "how is AS9100 different from ISO 9001?"): the
    related question about that subject, by title, else one that answers it."""
    question = snapshot.questions.get(key)
    wanted = [s for s in named if s in snapshot.frameworks]
    if question is None or not wanted or any(s in question.subjects() for s in wanted):
        return key
    name = snapshot.name(wanted[0]).lower()
    about = {f.framework_key for f in question.for_subject("answer", "")}
    if name in question.title.lower() or wanted[0] in about:
        return key  # its general answer is about that subject ("how long does AS9100 take on top?")
    related = [snapshot.questions[k] for k in question.related if k in snapshot.questions]
    for other in related:
        if name in other.title.lower():
            return other.key
    for other in related:
        if wanted[0] in other.subjects("answer"):
            return other.key
    general = snapshot.questions.get(GENERAL_QUESTION)
    # "customer says we need TL 9000": what it is; a question ("who certifies AS9100?",
    # "and TL 9000?" after a timeline) keeps its kind, and the composer says what no
    # source answers
    return GENERAL_QUESTION if not asks and general is not None and wanted[0] in general.subjects("answer") else key


# a follow-up that only names what it is about: "and 13485?", "what about for TL 9000?"
_SUBJECT_ONLY = re.compile(r"^\s*(?:and|what about|how about|same for|also)\b[^?.!]{0,40}\??\s*$", re.I)


def compose(tracker: Tracker, intent: str, slots: Dict[str, Any]) -> Optional[Reply]:
    snapshot = snapshot_cache().get()
    composer = AnswerComposer(snapshot)
    text = tracker.latest_message.get("text") or ""
    message = "" if text.startswith("/") else text
    guesses = _entities(tracker, "question")
    ranking = tracker.latest_message.get("question_ranking") or []
    referred = referred_ranking(tracker)
    if referred:
        ranking = referred
        guesses = [{"value": referred[0]["question"], "confidence_entity": referred[0]["confidence"]}]
        intent = "ask_question"
    if intent in UNPLACED_INTENTS and message and ranking and ranking[0]["confidence"] >= UNPLACED_ANSWER_CONFIDENCE:
        # two intents too close to call ("what about cost?": a follow-up or a question)
        guesses = guesses or [{"value": ranking[0]["question"], "confidence_entity": ranking[0]["confidence"]}]
        intent = "ask_question"
    guesses = [
        dict(g, value=on_subject(snapshot, str(g["value"]), ranking, tracker.get_slot("subject"))) for g in guesses
    ]
    questions = [str(g["value"]) for g in guesses]
    last = tracker.get_slot("last_question")
    if (
        last
        and _SUBJECT_ONLY.match(message)
        and len(message.split()) <= SUBJECT_ONLY_WORDS
        and _values(tracker, "framework")
    ):
        # "and 13485?" after "how long for 27001?": the last question, of the standard it names
        # ("and the IT services provider?" after an example is another example)
        guesses, questions, intent = [{"value": last, "confidence_entity": 1.0}], [last], "ask_followup"
    if intent in FOLLOWUP_INTENTS and not questions and last:
        questions = [last]
    # "thats a big range. for 45 ppl whats realistic?": a new fact about the user with
    # an unclear question is the last question again, for them
    told = any(slots.get(k) != tracker.get_slot(k) for k in SITUATION_SLOTS)
    if told and last and guesses and max(float(g.get("confidence_entity", 1.0)) for g in guesses) < RESTATED_CONFIDENCE:
        questions, guesses = [last], []
    named = named_subjects(tracker)
    # a follow-up may name any framework; a new question only one beyond ISO 9001 and CMMI
    # ("what is the difference between as9100 and iso 9001?")
    beyond = [s for s in named if s not in PRIMARY_FRAMEWORKS]
    asks = reads_as_question(message) if message else True
    questions = [
        sibling_question(snapshot, q, named, asks)
        if q == last and intent == "ask_followup"
        else sibling_question(snapshot, q, beyond, asks)
        if len(questions) == 1 and beyond
        else q
        for q in questions
    ]
    parts = subjects_in_parts(tracker.latest_message.get("entities", []), guesses)
    if len(questions) == len(parts) > 1:
        # "...and how do i verify one?" after ISO certificates: the ISO 9001 kind of that question
        questions = [sibling_question(snapshot, q, part, True) for q, part in zip(questions, parts)]
    questions = [composer.for_holder(q, situation(slots).held) for q in questions]
    as_asked = questions
    questions = [composer.for_requirer(q, situation(slots).required) for q in questions]
    confident = any(float(g.get("confidence_entity", 1.0)) >= QUESTION_CONFIDENCE for g in guesses)
    # "and the audit itself?" after a cost answer: a short follow-up with no clear kind
    # of its own is the related question the last answer offered, if it is a likely one
    short_and_unsure = (
        bool(guesses)
        and len(message.split()) <= SHORT_FOLLOWUP_WORDS
        and bool(ranking)
        and ranking[0]["confidence"] < CONTEXT_DECIDES_BELOW
        and not dominant(ranking)
    )
    if (intent in UNPLACED_INTENTS or (guesses and not confident) or short_and_unsure) and last in snapshot.questions:
        # "so what do we get from it?" after a question on SCAMPI: of the likely kinds,
        # the one the last answer offered as a related question
        nearby = [
            r["question"]
            for r in ranking[:5]
            if r["question"] in snapshot.questions[last].related and r["confidence"] >= NEARBY_CONFIDENCE
        ]
        if nearby:
            questions, intent, confident = [nearby[0]], "ask_question", True
    if (intent in UNPLACED_INTENTS or (guesses and not confident)) and message and dominant(ranking):
        # one kind far ahead of the rest: "...long story... how much will it cost a shop our size??"
        questions, intent, confident = [ranking[0]["question"]], "ask_question", True
    if intent in UNPLACED_INTENTS or (guesses and not confident):
        if composer.premises(message) and guesses:
            pass  # the correction is the answer, whatever the question
        elif candidates(tracker):
            return Reply(text="", found=False, candidates=candidates(tracker))
        else:
            fact = closest_fact(snapshot, message, situation(slots).fits) if message else None
            return composer.closest(fact) if fact is not None else Reply(text="", found=False)
    if not questions and not composer.premises(message):
        return None if intent == "ask_question" else Reply(text="", found=False)
    deadline = deadline_months(message) if message else None
    if deadline and deadline > 1:
        # "can we make as9100 in 8 month?": a deadline to check, not "certified in a month?"
        questions = ["deadline_fit" if q == "certified_in_a_month" else q for q in questions]
    known_deadline = str(slots.get("rec_deadline_months") or "")
    if deadline is None and known_deadline.isdigit():
        deadline = int(known_deadline)  # "tender closes in 7 months" earlier, now "how long will it take us?"
    current = tracker.get_slot("subject")
    set_aside = frozenset(_negated(tracker, "framework"))
    reply = composer.reply(
        questions,
        message=message,
        named=named_subjects(tracker),
        # "forget cmmi. how long more?" is not about CMMI any more
        current_subject=None if current in set_aside else current,
        set_aside=set_aside,
        situation=situation(slots, message),
        detail=intent in DETAIL_INTENTS,
        short=intent == "ask_shorter",
        part_subjects=subjects_in_parts(tracker.latest_message.get("entities", []), guesses),
        profile_subjects=profile_subjects(slots),
        deadline_months=deadline,
        issued=date_given(message) if message else None,
        expires=expiry_given(message) if message else None,
        held_since=held_since(message),
    )
    if questions != as_asked and reply.found:
        # "is iso enough for us?" answered for the RFPs that require CMMI: say that it is for them
        stated = {k: str(slots.get(k) or "") for k in ("rec_requirement", "rec_target_level")}
        reply.text = f"{describe_found(default_store(), stated, lead='You said')} {reply.text}"
    return reply
