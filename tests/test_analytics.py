"""The analytics report against tracker stores written by Rasa itself.

Unit part: conversations built from events, saved by Rasa's SQLTrackerStore
into SQLite, so the figures are checked exactly (including the recommendation
form, which these conversations walk through event by event). End-to-end
part: scripted conversations sent over REST to the running assistant with an
SQL tracker store, then `./run report`'s command, checked against them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import pytest
import yaml
from sqlalchemy import create_engine

from bot.settings import PROJECT_ROOT
from tools.analytics import ReportSettings, build_report, read_events, tracker_db_url

DAY1 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc).timestamp()
DAY2 = datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc).timestamp()
SORRY = "Sorry, I didn't understand that."


def _user(text, intent, ts, confidence=0.9):
    """A user event; "ask_<kind>" stands for the question intent with its question kind."""
    from rasa.shared.core.events import UserUttered

    entities = []
    if intent.startswith("ask_"):
        entities = [{"entity": "question", "value": intent[len("ask_") :], "start": 0, "end": len(text)}]
        intent = "ask_question"
    return UserUttered(text, {"name": intent, "confidence": confidence}, entities, timestamp=ts)


def _action(name, ts):
    from rasa.shared.core.events import ActionExecuted

    return ActionExecuted(name, timestamp=ts)


def _bot(text, response, ts):
    from rasa.shared.core.events import BotUttered

    return BotUttered(text, metadata={"utter_action": response}, timestamp=ts)


def _slot(name, value, ts):
    from rasa.shared.core.events import SlotSet

    return SlotSet(name, value, timestamp=ts)


def _loop(name, ts):
    from rasa.shared.core.events import ActiveLoop

    return ActiveLoop(name, timestamp=ts)


def _session(ts):
    from rasa.shared.core.events import SessionStarted

    return [_action("action_session_start", ts), SessionStarted(timestamp=ts), _action("action_listen", ts)]


def _exchange(text, intent, action, reply, response, ts, confidence=0.9):
    """One turn: the user's message, the action that answers it with `reply`
    (the response `response`, or None for a custom action's text), then listening."""
    return [
        _user(text, intent, ts, confidence),
        _action(action, ts),
        _bot(reply, response, ts),
        _action("action_listen", ts),
    ]


def _question(text, kind, ts):
    """A catalogue question ("ask_<kind>") answered without a reply event, then listening."""
    return [_user(text, f"ask_{kind}", ts), _action("action_answer_question", ts), _action("action_listen", ts)]


def _form_start(text, intent, ts):
    """The user starts the recommendation form; it asks for the industry."""
    return [
        _user(text, intent, ts),
        _action("recommendation_form", ts),
        _loop("recommendation_form", ts),
        _slot("requested_slot", "industry", ts),
        _action("action_listen", ts),
    ]


def _form_end(text, ts, outcome):
    """The last answer: the form ends and the result sets the recommendation slot."""
    return [
        _user(text, "inform", ts),
        _action("recommendation_form", ts),
        _slot("requested_slot", None, ts),
        _loop(None, ts),
        _action("action_recommend", ts),
        _slot("rec_outcome", outcome, ts),
    ]


def _form_turn(ts, answer_intent, slot_value, next_slot):
    """The user answers the question for one slot; the form asks the next one."""
    events = [_user(slot_value, answer_intent, ts), _action("recommendation_form", ts)]
    events.append(_slot("requested_slot", next_slot, ts))
    return events


def report_command(*args: str) -> subprocess.CompletedProcess:
    """`./run report` (python -m tools.analytics) with `args`."""
    return subprocess.run(
        [sys.executable, "-m", "tools.analytics", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


def _conversations():
    """Five conversations on two days, each event as Rasa would log it."""
    t = DAY1
    alice = _session(t) + [
        *_exchange("hi", "greet", "utter_greet", "Hi!", "utter_greet", t + 1),
        *_exchange("what is iso 9001", "ask_what_is", "action_answer_question", "ISO 9001 is ...", None, t + 2),
        *_exchange("how much does cmmi cost", "ask_cost", "action_answer_question", SORRY, "utter_default", t + 3),
        *_exchange("asdf qwerty", "nlu_fallback", "utter_default", SORRY, "utter_default", t + 4, confidence=0.2),
    ]
    # Completes the form: three questions, then the result sets the recommendation.
    bob = _session(t + 10) + [
        *_form_start("/start_recommendation", "start_recommendation", t + 11),
        *_form_turn(t + 12, "inform", "aerospace", "customer_type"),
        _action("action_listen", t + 12),
        *_form_turn(t + 13, "inform", "government", "maturity"),
        _action("action_listen", t + 13),
        *_form_end("none yet", t + 14, "as9100_first"),
        _bot("AS9100 first ...", None, t + 14),
        _action("action_listen", t + 14),
        *_question("what is cmmi", "what_is", t + 15),
    ]
    # Starts the form, answers one question and leaves.
    carol = _session(t + 20) + [
        *_form_start("which one should we pursue?", "start_recommendation", t + 21),
        *_form_turn(t + 22, "inform", "software", "customer_type"),
        _action("action_listen", t + 22),
        _user("stop", "stop", t + 23),
        _action("action_deactivate_loop", t + 23),
        _loop(None, t + 23),
        _action("action_listen", t + 23),
    ]
    t = DAY2
    # Bob comes back next day: the carried-over recommendation slot is not a new recommendation.
    bob_again = _session(t) + [
        *_exchange(
            "when do certificates expire", "ask_certification", "action_default_fallback", SORRY, "utter_default", t + 1
        ),
    ]
    bob_again.insert(2, _slot("rec_outcome", "as9100_first", t))
    dave = _session(t + 5) + [
        *_form_start("/start_recommendation", "start_recommendation", t + 6),
        *_form_end("software", t + 7, "cmmi_first"),
        _action("action_listen", t + 7),
        *_question("what is iso 9001", "what_is", t + 8),
    ]
    return {"alice": alice, "bob": bob + bob_again, "carol": carol, "dave": dave}


@pytest.fixture(scope="module")
def synthetic_tracker_db(tmp_path_factory):
    """A SQLite tracker store written by Rasa's SQLTrackerStore from the conversations above."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    for sender, events in _conversations().items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()
    return f"sqlite:///{db}"


@pytest.fixture(scope="module")
def synthetic_report(synthetic_tracker_db):
    engine = create_engine(synthetic_tracker_db, future=True)
    report = build_report(read_events(engine))
    engine.dispose()
    return report


def test_conversations_and_messages_per_day(synthetic_report):
    days = [(d.day.isoformat(), d.conversations, d.messages) for d in synthetic_report.days]
    assert days == [("2026-03-02", 3, 12), ("2026-03-03", 2, 4)]
    assert synthetic_report.conversations == 4
    assert synthetic_report.user_messages == 16


def test_questions_per_topic(synthetic_report):
    assert synthetic_report.questions_per_topic == {"what_is": 3, "certification": 1, "cost": 1}


def test_fallback_rate_and_unanswered_questions(synthetic_report):
    unanswered = [(u.sender_id, u.text, u.reason) for u in synthetic_report.unanswered]
    assert sorted(unanswered) == [
        ("alice", "asdf qwerty", "nlu_fallback"),
        ("alice", "how much does cmmi cost", "utter_default"),
        ("bob", "when do certificates expire", "action_default_fallback"),
    ]
    assert synthetic_report.fallback_rate == pytest.approx(3 / 16)


def test_recommendations_by_outcome_ignore_slots_carried_into_a_new_session(synthetic_report):
    assert synthetic_report.recommendations == {"as9100_first": 1, "cmmi_first": 1}


def test_recommendation_funnel(synthetic_report):
    assert synthetic_report.funnel == [
        ("started", 3),
        ("asked industry", 3),
        ("asked customer_type", 2),
        ("asked maturity", 1),
        ("completed", 2),
    ]


def test_recommendation_slot_name_is_configurable(synthetic_tracker_db):
    engine = create_engine(synthetic_tracker_db, future=True)
    report = build_report(read_events(engine), ReportSettings(recommendation_slot="outcome"))
    engine.dispose()
    assert report.recommendations == {}
    assert report.funnel[-1] == ("completed", 0)


def test_report_command_writes_html_with_charts(synthetic_tracker_db, tmp_path):
    out = tmp_path / "report"
    done = report_command("--db-url", synthetic_tracker_db, "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text()
    assert "Fallback rate: 18.8% (3 of 16 user messages)" in page
    assert "when do certificates expire" in page
    for chart in ("per_day", "topics", "outcomes", "funnel"):
        assert (out / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"
        assert f'src="{chart}.png"' in page


def test_report_command_explains_a_missing_events_table(tmp_path):
    done = report_command("--db-url", f"sqlite:///{tmp_path / 'empty.db'}", "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert "cannot read the events table" in done.stderr


def test_tracker_url_from_an_endpoints_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD", "s3cret")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db.example\n  port: 5433\n"
        "  db: rasa\n  username: bot\n  password: ${TRACKER_PASSWORD}\n"
    )
    assert tracker_db_url(endpoints) == "postgresql://bot:s3cret@db.example:5433/rasa"


# -- end to end ------------------------------------------------------------
SCRIPT = {
    # sender: messages, sent in order
    "greeter": ["hello", "what is ISO 9001?", "thanks", "bye"],
    "asker": ["what is CMMI?", "tell me about iso 9001", "xqzv blorf wubble"],
    "lost": ["zzkrrt fnord plimp", "what is CMMI"],
}


@pytest.mark.rasa_server
def test_report_matches_scripted_conversations(tmp_path):
    from bot.store import get_engine
    from bot.store.loader import load_content
    from tests.conftest import CONTENT_DIR
    from tests.servers import start_assistant

    tracker_db = tmp_path / "tracker.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n  url: ${ACTION_SERVER_URL}\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker_db}\n"
    )
    knowledge = f"sqlite:///{tmp_path / 'knowledge.db'}"
    load_content(get_engine(knowledge), CONTENT_DIR)
    run = uuid.uuid4().hex[:8]
    assistant = start_assistant(tmp_path / "logs", knowledge, endpoints=endpoints)
    # The replies that mean "no answer", as the domain words them.
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    # (up to a template's first {placeholder}: "The closest I have: {closest}")
    no_answer = {domain["responses"][name][0]["text"].split("{")[0] for name in ReportSettings.no_answer_responses}
    not_understood = []
    try:
        for sender, messages in SCRIPT.items():
            for message in messages:
                replies = assistant.send(f"{sender}-{run}", message)
                if any((r.get("text") or "").startswith(prefix) for r in replies for prefix in no_answer):
                    not_understood.append(message)
    finally:
        assistant.stop()

    # What the users saw: at least the gibberish was not understood.
    assert not_understood, "the assistant answered gibberish; the fallback check needs an unanswered message"

    out = tmp_path / "report"
    done = report_command("--endpoints", str(endpoints), "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text()
    total = sum(len(m) for m in SCRIPT.values())
    assert f"3 conversations, {total} user messages" in page
    missed = len(not_understood)
    assert f"Fallback rate: {missed / total:.1%} ({missed} of {total} user messages)" in page
    assert all(message in page for message in not_understood)

    engine = create_engine(f"sqlite:///{tracker_db}", future=True)
    report = build_report(read_events(engine))
    engine.dispose()
    assert report.questions_per_topic == {"what_is": 4}
    assert [(d.conversations, d.messages) for d in report.days] == [(3, total)]
    assert sorted(u.text for u in report.unanswered) == sorted(not_understood)
