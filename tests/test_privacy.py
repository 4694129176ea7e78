"""Personal data: names and emails masked in logs and in the analytics report;
contact slots never carried into a new session; "forget me" erases the whole
conversation from the tracker store (SQL and in-memory) through the channels'
turn hook. The end-to-end check against PostgreSQL with two replicas is in
tests/test_production_privacy.py."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from bot.privacy import mask_personal_data
from bot.settings import PROJECT_ROOT
from tests.test_analytics import SORRY, _action, _exchange, _session, _slot, _user, report_command

EMAIL = "jane.doe@example.com"


@pytest.mark.parametrize(
    "text,expected",
    [
        (f"my name is Jane Doe, {EMAIL}", "my name is [name], [email]"),
        ("I'm Jane Smith from Acme", "I'm [name] from Acme"),
        ("I'm looking for ISO 9001 help", "I'm looking for ISO 9001 help"),
        (f"contact me at {EMAIL} please", "contact me at [email] please"),
        (
            "Current slot values:\n\tcontact_name: Jane Doe\n\tcontact_email: x@y.org",
            "Current slot values:\n\tcontact_name: [masked]\n\tcontact_email: [masked]",
        ),
    ],
)
def test_names_and_emails_are_masked(text, expected):
    assert mask_personal_data(text) == expected


def test_both_servers_mask_personal_data_in_their_logs(caplog):
    import actions  # noqa: F401 - what `rasa run actions --actions actions` imports
    import channels  # noqa: F401 - what Rasa imports for credentials.yml

    assert getattr(logging.getLogRecordFactory(), "masks_personal_data", False)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug(
            "Received user message '%s' with intent '%s'", f"I'm Jane Doe, {EMAIL}", "inform"
        )
    assert EMAIL not in caplog.text and "Jane Doe" not in caplog.text
    assert "Received user message 'I'm [name], [email]' with intent 'inform'" in caplog.text


def test_analytics_report_shows_no_names_or_emails(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    t = 1_780_000_000.0
    events = _session(t) + [
        *_exchange(
            f"my name is Jane Doe and I'm at {EMAIL}",
            "nlu_fallback",
            "utter_default",
            SORRY,
            "utter_default",
            t + 1,
            0.2,
        ),
        _slot("requested_slot", "contact_name", t + 2),
        _action("action_listen", t + 2),
        _user("Jane Doe", "nlu_fallback", t + 3, 0.2),
        _action("utter_default", t + 3),
        _action("action_listen", t + 3),
    ]
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    asyncio.run(store.save(DialogueStateTracker.from_events("privacy", events)))
    store.engine.dispose()
    done = report_command("--db-url", f"sqlite:///{db}", "--out", str(tmp_path / "report"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report" / "index.html").read_text()
    assert EMAIL not in page and "Jane" not in page
    assert "my name is [name] and I&#x27;m at [email]" in page
    assert "[contact details]" in page


def test_a_new_session_carries_no_contact_details():
    from rasa.core.actions.action import ActionSessionStart
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(PROJECT_ROOT / "domain.yml")
    tracker = DialogueStateTracker.from_events(
        "s", [SlotSet("contact_name", "Jane Doe"), SlotSet("contact_email", EMAIL)], slots=domain.slots
    )
    events = asyncio.run(
        ActionSessionStart().run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain
        )
    )
    assert events == [SessionStarted(), ActionExecuted("action_listen")]  # no slot carried over, none set


# -- erasure ------------------------------------------------------------------
def _conversation(sender: str, forget: bool, erased: bool = True):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [
        UserUttered(EMAIL, {"name": "inform_recommendation", "confidence": 1.0}),
        SlotSet("contact_email", EMAIL),
        BotUttered("Thank you, Jane."),
    ]
    if forget:
        # what action_forget_me returns: the slot `erased` when it erased, a name otherwise
        events += [
            UserUttered("forget me", {"name": "forget_me", "confidence": 1.0}),
            ActionExecuted("action_forget_me"),
            SlotSet("erased", True) if erased else SlotSet("contact_name", "Will Forget"),
            BotUttered("Done: I've deleted ..."),
        ]
    return DialogueStateTracker.from_events(sender, events)


def _stores(tmp_path):
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore

    return {
        "sql": SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db")),
        "in-memory": InMemoryTrackerStore(None),
        "fail-safe in-memory": FailSafeTrackerStore(InMemoryTrackerStore(None)),
    }


@pytest.mark.parametrize("kind", ["sql", "in-memory", "fail-safe in-memory"])
def test_a_turn_that_ran_forget_me_erases_that_conversation_only(tmp_path, kind):
    from rasa.core.lock_store import InMemoryLockStore

    from channels.guard import run_turn

    store = _stores(tmp_path)[kind]
    asyncio.run(store.save(_conversation("other", forget=False)))
    sent: list[str] = []
    output = SimpleNamespace(send_text_message=lambda _s, text: _async(sent.append(text)))
    message = SimpleNamespace(sender_id="me", output_channel=output)
    agent = SimpleNamespace(
        tracker_store=store,
        lock_store=InMemoryLockStore(),
        domain=SimpleNamespace(user_actions_and_forms=["action_forget_me"]),
    )

    async def handle(_message) -> None:  # what Rasa does for the turn: the action ran, the tracker is saved
        await store.save(_conversation("me", forget=True))

    asyncio.run(run_turn(handle, message, lambda: 1, agent))
    assert asyncio.run(store.retrieve("me")) is None or not asyncio.run(store.retrieve("me")).events
    assert EMAIL not in str(_raw_rows(store, "me"))
    assert EMAIL in str(_raw_rows(store, "other"))
    assert sent == []


def test_a_turn_without_forget_me_keeps_the_conversation(tmp_path):
    from rasa.core.lock_store import InMemoryLockStore

    from channels.guard import run_turn

    store = _stores(tmp_path)["sql"]
    agent = SimpleNamespace(
        tracker_store=store, lock_store=InMemoryLockStore(), domain=SimpleNamespace(user_actions_and_forms=[])
    )

    async def handle(_message) -> None:
        await store.save(_conversation("me", forget=False))

    output = SimpleNamespace(send_text_message=lambda _s, _t: _async(None))
    asyncio.run(run_turn(handle, SimpleNamespace(sender_id="me", output_channel=output), lambda: 1, agent))
    assert EMAIL in str(_raw_rows(store, "me"))


async def _async(value):
    return value


def _raw_rows(store, sender: str) -> list:
    """What the store itself holds for the sender (rows of `events`, or the in-memory value)."""
    from rasa.core.tracker_store import SQLTrackerStore

    inner = getattr(store, "_tracker_store", store)
    if isinstance(inner, SQLTrackerStore):
        with store.session_scope() as session:
            return session.query(store.SQLEvent.data).filter(store.SQLEvent.sender_id == sender).all()
    return [inner.store.get(sender)]


def test_forget_me_run_for_a_name_keeps_the_conversation(tmp_path):
    """ "Will Forget" at the name prompt runs action_forget_me, which takes it as the name."""
    from rasa.core.lock_store import InMemoryLockStore

    from channels.guard import run_turn

    store = _stores(tmp_path)["sql"]
    output = SimpleNamespace(send_text_message=lambda _s, text: _async(None))
    message = SimpleNamespace(sender_id="me", output_channel=output)
    agent = SimpleNamespace(
        tracker_store=store,
        lock_store=InMemoryLockStore(),
        domain=SimpleNamespace(user_actions_and_forms=["action_forget_me"]),
    )

    async def handle(_message) -> None:
        await store.save(_conversation("me", forget=True, erased=False))

    asyncio.run(run_turn(handle, message, lambda: 1, agent))
    assert EMAIL in str(_raw_rows(store, "me"))
