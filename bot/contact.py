"""Consultant requests: user data kept in the knowledge store's database.

Stored only with the user's consent, keyed by conversation, and deleted on
"forget me". Plain Python, no Rasa."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from bot.store.db import session_scope
from bot.store.models import ConsultantRequest

# Pragmatic address check: one @, no spaces, a dot in the domain, a 2+ letter TLD.
EMAIL = _EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def find_email(text: object) -> Optional[str]:
    """The email address in what the user wrote ("it's jane@example.com"), or None."""
    raw = str(text or "").strip()
    candidates = [w.strip("<>()[],;:!?\"'.") for w in raw.split()]
    for word in candidates:
        if _EMAIL.fullmatch(word) and ".." not in word and len(word) <= 320:
            return word
    return None


_NOT_A_NAME = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|ok|okay|alright|please|yes please|ok please|sure thing|go ahead|no|nope|"
    r"no thanks|thanks|thank you|hi|hello|hey)(?:[\s,.!]+(?:please|thanks|thank you))?$",
    re.I,
)


def clean_name(text: object) -> Optional[str]:
    """A usable name from what the user wrote ("I'm Jane Smith"), or None."""
    raw = " ".join(str(text or "").split())
    raw = re.sub(
        r"^(?:(?:ok|okay|sure|yes|yeah|hi|hello)[,.!]?\s+)?"
        r"(?:my name is|my name's|my name|i am called|i'm called|im called|i am|i'm|im|it's|its|it is|this is|"
        r"name is|name's|name:|name|call me)\s+",
        "",
        raw,
        flags=re.I,
    )
    raw = re.sub(r"\s*\([^)]*\)", "", raw).strip(" .,!")  # "Will Price (he is our quality head)"
    raw = re.sub(r"\s+(?:only|here|please|pls|thanks|thank you)$", "", raw, flags=re.I)  # "Amber Stone only"
    raw = raw.strip(" .,!")  # "Yes, please" is "Yes", no name
    last = re.split(r"[.!?;]\s+", raw)[-1]
    if last != raw and _BARE_NAME.fullmatch(last):
        return last  # "i already told you. Amber Stone"
    first = re.split(r"[,.!?;]\s+", raw)[0]
    if first != raw and _BARE_NAME.fullmatch(first):
        return first  # "Dave Kowalczyk, Kowalczyk Civil Ltd. and just so theyre warned, ..."
    if not raw or len(raw) > 200 or "@" in raw or raw.startswith("/"):
        return None
    if not re.search(r"[^\W\d_]", raw):  # needs at least one letter
        return None
    if len(raw.split()) > 6:
        return None
    if _NOT_A_NAME.match(raw):
        return None  # "yes" at the name prompt confirms the request, it is nobody's name
    return raw


# "... my name is Faith Stop", "I'm Will Price": capitalised words after the lead-in
_STATED_NAME = re.compile(
    r"\b(?i:my name is|my name's|name is|name should be|name to|i am|i'm|im|this is|it's|its|it is)\s+"
    r"((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,3})(?=\s*(?:[.,;!]|$|\s+(?i:only|here|please|pls)\b))"
)


def stated_name(text: object) -> Optional[str]:
    """A name the message states in so many words, or None ("I'm looking for..." is not one)."""
    match = _STATED_NAME.search(str(text or ""))
    return clean_name(match.group(1)) if match else None


# Parts of a message around an email that are not the name: "my email is", "yes please"
_NOT_THE_NAME = re.compile(
    r"\b(?:e-?mail|mail|address|consultant|contact|please|want|yes|ok|okay|sure|reach|write|call)\b", re.I
)
NAME_MAX_WORDS = 4
_LEAD_IN_ONLY = re.compile(r"(?:it'?s|it is|this is|here(?: it is)?|mine is|that'?s|sent|i'?m|thanks)", re.I)


def name_beside_email(text: object) -> Optional[str]:
    """The name given with an email in one message ("I'm Will Stop, will.stop@x.pl",
    "My name is Priya Sharma and my email is priya@x.in"), or None."""
    raw = str(text or "")
    email = find_email(raw)
    if email is None:
        return None
    for clause in reversed(re.split(r"[.;:,!?\n]|\band\b", raw.replace(email, " "))):
        clause = clause.strip()
        if not clause or _NOT_THE_NAME.search(clause) or _LEAD_IN_ONLY.fullmatch(clause):
            continue
        name = clean_name(clause)
        # one lower-case word ("sí, I'd like a consultant: ...") is not a name
        one_word = len(name.split()) == 1 and name.islower() if name else True
        if name and not one_word and len(name.split()) <= NAME_MAX_WORDS and not re.search(r"\d", name):
            return name
    return None


# Two to four capitalised words and nothing else: "Dana Whitfield", "Mary-Jo O'Neil"
_NAME_WORD = r"[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:-[A-Z]?[a-z]+)*\.?"
_BARE_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}")
# "email: dana@acme.io", "dana@acme.io thanks": an address with at most this many words around it
CONTACT_MAX_WORDS = 3


def looks_like_contact(text: object) -> bool:
    """A message that is only an email address or only a person's name: contact
    details typed where none was asked for, not a question or a command."""
    raw = " ".join(str(text or "").split()).strip(" .,!")
    if find_email(raw):
        return len(raw.split()) <= CONTACT_MAX_WORDS
    return bool(_BARE_NAME.fullmatch(raw)) and clean_name(raw) is not None


# Consent taken back at the name or email prompt, in a sentence of any length
_WITHDRAWS = re.compile(
    r"\b(?:don'?t|dont|do not|please don'?t|no need to)\s+(?:save|store|keep|take|record|use|pass on)\b|"
    r"\bno consultant\b|\bcancel\b|\bchanged? my mind\b|\bnot now\b|\bmaybe later\b|\bnever ?mind\b|"
    r"\b(?:don'?t|dont|do not)\s+(?:want|need)\s+(?:a |the |any )?consultants?\b|"
    r"\b(?:ask|check with|talk to) my (?:boss|cio|cto|ceo|manager|team)\b[^.?!]{0,20}\bfirst\b",
    re.I,
)


# "no email. phone only", "rather not give my email, can they call the office?"
_REFUSES_EMAIL = re.compile(
    r"\b(?:no|not|rather not|don'?t|dont|do not|won'?t|without|never)\b[^.?!@]{0,25}\be-?mails?\b(?![^\s@]*@)|"
    r"\b(?:phone|telephone|call) only\b|\bby (?:phone|telephone)\b|"
    r"\b(?:just |only )?(?:call|phone|ring) (?:me|us|the office)\b",
    re.I,
)


# "I'd rather not give my name", "no name please", "anonymous is fine"
_REFUSES_NAME = re.compile(
    r"\b(?:no|not|rather not|prefer not|don'?t|dont|do not|won'?t|without|skip)\b[^.?!@]{0,25}\bnames?\b|"
    r"\banonymous(?:ly)?\b|\bno name\b",
    re.I,
)
# Stored for a request whose sender gave no name: consultants answer by email, a name is optional
NO_NAME = "(no name given)"


def refuses_name(text: object) -> bool:
    """At the name prompt: the user will not give a name (the email is enough)."""
    raw = str(text or "")
    return find_email(raw) is None and bool(_REFUSES_NAME.search(raw))


def refuses_email(text: object) -> bool:
    """At the email prompt: the user will not give one (consultants answer by email only)."""
    raw = str(text or "")
    return find_email(raw) is None and bool(_REFUSES_EMAIL.search(raw))


def withdraws(text: object) -> bool:
    """ "please dont save my name", "then no consultant, cancel": the user takes back the request."""
    return bool(_WITHDRAWS.search(str(text or "")))


def save_request(engine: Engine, conversation_id: str, name: str, email: str, recommendation: str) -> int:
    with session_scope(engine) as session:
        request = ConsultantRequest(
            conversation_id=conversation_id,
            name=name,
            email=email,
            recommendation=recommendation,
            created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        )
        session.add(request)
        session.flush()
        return request.id


def correct_name(engine: Engine, conversation_id: str, name: str) -> int:
    """Store the corrected name on the conversation's requests; how many were changed."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(ConsultantRequest).where(ConsultantRequest.conversation_id == conversation_id)
        ).scalars()
        changed = 0
        for row in rows:
            row.name, changed = name, changed + 1
        return changed


def requests_for(engine: Engine, conversation_id: str) -> list[ConsultantRequest]:
    with session_scope(engine) as session:
        rows = (
            session.execute(select(ConsultantRequest).where(ConsultantRequest.conversation_id == conversation_id))
            .scalars()
            .all()
        )
        session.expunge_all()
        return list(rows)


def count_sent(engine: Engine, conversation_id: str) -> int:
    """How many of the conversation's requests were already emailed to the consultancy."""
    with session_scope(engine) as session:
        return session.execute(
            select(func.count())
            .select_from(ConsultantRequest)
            .where(ConsultantRequest.conversation_id == conversation_id, ConsultantRequest.sent_at.is_not(None))
        ).scalar_one()


def forget(engine: Engine, conversation_id: str) -> int:
    """Delete everything stored for a conversation; return how many requests."""
    with session_scope(engine) as session:
        result = session.execute(delete(ConsultantRequest).where(ConsultantRequest.conversation_id == conversation_id))
        return result.rowcount or 0
