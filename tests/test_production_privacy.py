"""Real erasure in the production stack: a user leaves their name and email
through one replica and says "forget me" to the other; afterwards the tracker
database (PostgreSQL) holds no row with the email, the consultant request is
gone from the shared database, and the conversation starts afresh. The lead
itself reached the consultancy's mail server before."""

from __future__ import annotations

import uuid

from tests.expected import response
from tests.production import texts

FORM_ANSWERS = ["software", "defense", "cmmi", "none", "25-250", "flexible", "market_access"]
FORGET_ME_REPLY = (
    "Done: I've deleted your consultant request (your name, email and recommendation) "
    "and this whole conversation, everything you typed included. Our consultants had already "
    "received it by email; that copy is not deleted by this."
)


def rows_with(prod, needle: str) -> int:
    return prod.query("SELECT count(*) FROM events WHERE data LIKE :pattern", pattern=f"%{needle}%")[0][0]


def test_forget_me_erases_the_conversation_on_every_replica(prod):
    sender, email = f"privacy-{uuid.uuid4().hex}", f"jane-{uuid.uuid4().hex[:8]}@example.com"
    first, second = prod.replica(0), prod.replica(1)
    prod.send(first, sender, "/start_recommendation")
    for value in FORM_ANSWERS:
        prod.send(first, sender, '/inform_recommendation{"rec_choice": "%s"}' % value)
    prod.send(first, sender, "/affirm")
    prod.send(first, sender, "Jane Smith")
    thanks = texts(prod.send(first, sender, email))
    assert thanks.startswith("Thank you, Jane Smith.") and email not in thanks  # never repeated back
    assert rows_with(prod, email) > 0
    [(request_id,)] = prod.query("SELECT id FROM consultant_requests WHERE conversation_id = :s", s=sender)
    [mail] = prod.mail.mails_to(email)
    assert mail["Subject"] == f"Consultant request #{request_id}: Jane Smith"

    assert texts(prod.send(second, sender, "forget me")) == FORGET_ME_REPLY

    assert rows_with(prod, email) == 0 and rows_with(prod, "Jane Smith") == 0
    assert prod.query("SELECT count(*) FROM events WHERE sender_id = :s", s=sender)[0][0] == 0
    assert prod.query("SELECT count(*) FROM consultant_requests WHERE conversation_id = :s", s=sender)[0][0] == 0
    tracker = prod.tracker(0, sender)  # what the other replica now loads
    assert email not in str(tracker) and tracker["slots"].get("contact_name") is None
    greeting = prod.send(first, sender, "hi")  # a fresh conversation: the plain greeting, its buttons included
    assert [{"text": r.get("text"), "buttons": r.get("buttons")} for r in greeting] == [
        {"text": response("utter_greet")["text"], "buttons": response("utter_greet")["buttons"]}
    ]
    assert rows_with(prod, email) == 0
