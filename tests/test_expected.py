"""The expectations of tests/expected.py refuse the out-of-scope reply, which names
both frameworks, and the generic replies of domain.yml."""

from __future__ import annotations

import pytest

from tests.expected import DOMAIN, OUT_OF_SCOPE, answer_text, assert_answers

GENERIC = [
    "utter_out_of_scope",
    "utter_default",
    "utter_capabilities",
    "utter_cannot_answer",
    "utter_ok",
    "utter_greet",
]


def test_the_out_of_scope_reply_names_both_frameworks():
    assert "CMMI" in OUT_OF_SCOPE and "ISO 9001" in OUT_OF_SCOPE  # why "ISO 9001" in a reply proves nothing


@pytest.mark.parametrize("name", GENERIC)
@pytest.mark.parametrize("question,subject", [("what_is", "iso9001"), ("what_is", "cmmi"), ("industry_fit", "defense")])
def test_a_generic_reply_is_no_answer(name, question, subject):
    with pytest.raises(AssertionError):
        assert_answers(DOMAIN["responses"][name][0]["text"], question, subject)


def test_the_fact_that_answers_passes():
    assert_answers(answer_text("what_is", "iso9001") + " [1]\nSources:\n[1] ...", "what_is", "iso9001")
    with pytest.raises(AssertionError):
        assert_answers(OUT_OF_SCOPE + "\n" + answer_text("what_is", "iso9001"), "what_is", "iso9001")
