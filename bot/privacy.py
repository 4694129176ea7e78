"""Personal data kept out of logs and reports: email addresses and names
people give ("my name is Jane Doe") are masked. Plain Python, no Rasa."""

from __future__ import annotations

import logging
import re

EMAIL_MASK = "[email]"
NAME_MASK = "[name]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A name after the phrases people introduce themselves with: one to three words.
_NAME_AFTER = re.compile(
    r"\b(my name is|my name's|name is|call me|name:|i am|i'm)(\s+)"
    r"((?:[^\W\d_][\w.'-]*)(?:\s+[^\W\d_][\w.'-]*){0,2})",
    re.IGNORECASE,
)
# After "I am" / "I'm" only capitalised words are a name ("I'm Jane", not "I'm looking").
_LOOSE_PHRASES = {"i am", "i'm"}
# Slot values in Rasa's and rasa-sdk's debug logs: contact_name: Jane / 'contact_name': 'Jane'
_CONTACT_SLOT = re.compile(r"""(['"]?contact_(?:name|email)['"]?\s*[:=]\s*)(['"]?)([^'",}\n]+)\2""")


def _mask_name(match: re.Match) -> str:
    """A name is the capitalised words after the phrase ("my name is Jane Doe and ..."), not
    acronyms ("I'm ISO certified"); written in lower case, the next two words, but only
    after "my name is" and the like."""
    phrase, space, words = match.group(1), match.group(2), match.group(3).split()
    capitalised = 0
    while capitalised < len(words) and words[capitalised][0].isupper() and not words[capitalised].isupper():
        capitalised += 1
    taken = capitalised or (0 if phrase.lower() in _LOOSE_PHRASES else min(2, len(words)))
    if not taken:
        return match.group(0)
    rest = match.group(3).split(None, taken)[taken:]
    return f"{phrase}{space}{NAME_MASK}" + (" " + rest[0] if rest else "")


def mask_personal_data(text: str) -> str:
    """The text with email addresses and introduced names replaced by [email] / [name]."""
    if not text:
        return text
    masked = _EMAIL.sub(EMAIL_MASK, text)
    masked = _CONTACT_SLOT.sub(lambda m: f"{m.group(1)}{m.group(2)}[masked]{m.group(2)}", masked)
    return _NAME_AFTER.sub(_mask_name, masked)


def mask_personal_data_in_logs() -> None:
    """Mask every log record of this process as it is created (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def masking_factory(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return record
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    masking_factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_factory)
