"""Expected replies for end-to-end and production tests, read from the content
files (content/facts.yml, content/catalogue/*.yml) and domain.yml: never from
the answer composer or the actions under test.

A reply that merely names a framework ("ISO 9001", "CMMI") proves nothing: the
out-of-scope reply names both. assert_answers() wants the store text of the
fact that must answer, and refuses the out-of-scope reply."""

from __future__ import annotations

import yaml

from bot.settings import PROJECT_ROOT
from tests.test_answers import FACTS, QUESTIONS, answer_keys

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def response(name: str) -> dict:
    """A response of domain.yml (its first variation)."""
    return DOMAIN["responses"][name][0]


def response_text(name: str) -> str:
    return response(name)["text"]


OUT_OF_SCOPE = response_text("utter_out_of_scope")


def answer_text(question: str, subject: str = "") -> str:
    """The content text of the first fact that answers the catalogue question `question` about `subject`."""
    return FACTS[answer_keys(QUESTIONS[question], subject)[0]]["text"]


def assert_not_out_of_scope(reply: str) -> None:
    assert OUT_OF_SCOPE not in reply, f"the out-of-scope reply: {reply[:300]!r}"


def assert_answers(reply: str, question: str, subject: str = "") -> None:
    """`reply` holds the store text of the fact answering `question` about `subject`."""
    assert_not_out_of_scope(reply)
    expected = answer_text(question, subject)
    assert expected in reply, f"expected {expected!r} in the reply {reply[:300]!r}"
