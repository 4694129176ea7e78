"""Consultant requests in the store's database (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest

from bot import contact


@pytest.mark.parametrize(
    "text,expected",
    [
        ("jane@example.com", "jane@example.com"),
        ("it's jane.smith+cmmi@mail.example.co.uk.", "jane.smith+cmmi@mail.example.co.uk"),
        ("jane@example", None),
        ("jane at example dot com", None),
        ("@example.com", None),
        ("jane@@example.com", None),
        ("", None),
        ("jane@exa mple.com", None),
    ],
)
def test_email_addresses(text, expected):
    assert contact.find_email(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Jane Smith", "Jane Smith"),
        ("my name is Jane", "Jane"),
        ("I'm José Núñez", "José Núñez"),
        ("12345", None),
        ("", None),
        ("jane@example.com", None),
        ("what is cmmi and why would anyone need it at all", None),
        # a confirmation at the name prompt is nobody's name; names that are also words are names
        ("yes", None),
        ("Yes please", None),
        ("ok", None),
        ("no thanks", None),
        ("Will Price", "Will Price"),
        ("Hope Best", "Hope Best"),
        ("Grace Stop", "Grace Stop"),
        # lead-ins without the apostrophe
        ("its Grace Long", "Grace Long"),
        ("ok im called Rose Hill", "Rose Hill"),
        # the name after a remark, and a trailing "only"
        ("i already told you. Amber Stone", "Amber Stone"),
        ("its Amber Stone only", "Amber Stone"),
        ("Yes, please", None),
        # the name before a remark about the company
        ("Dave Kowalczyk, Kowalczyk Civil Ltd. and just so theyre warned we are busy in summer", "Dave Kowalczyk"),
    ],
)
def test_names(text, expected):
    assert contact.clean_name(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Dana Whitfield", True),
        ("Mary-Jo O'Neil", True),
        ("dana.whitfield@acme.io", True),
        ("email: dana@acme.io", True),
        # words, questions and capitalised sentences are not contact details
        ("Dana", False),
        ("CMMI ISO", False),
        ("Thank You", False),
        ("my email is dana@acme.io, can you send me the cost figures for iso 9001", False),
        ("we are a software company", False),
    ],
)
def test_a_bare_name_or_email_looks_like_contact_details(text, expected):
    assert contact.looks_like_contact(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes please have a consultant contact me. I'm Will Stop, will.stop@softhouse.pl", "Will Stop"),
        ("My name is Priya Sharma and my email is priya@example.in", "Priya Sharma"),
        ("ok yes, consultant can contact me. Mehmet Yilmaz, mehmet.yilmaz@example.com.tr", "Mehmet Yilmaz"),
        ("it's hope.forget@example.org", None),
        ("dana@acme.io", None),
        ("no email here, Dana Whitfield", None),
    ],
)
def test_the_name_given_with_an_email(text, expected):
    assert contact.name_beside_email(text) == expected


def test_request_is_stored_and_forget_me_deletes_only_that_conversation(store):
    mine, other = f"c-{uuid.uuid4().hex}", f"c-{uuid.uuid4().hex}"
    contact.save_request(store.engine, mine, "Jane", "jane@example.com", "ISO 9001 only (industry: Manufacturing)")
    contact.save_request(store.engine, other, "Bob", "bob@example.com", "CMMI (appraisal)")
    stored = contact.requests_for(store.engine, mine)
    assert [(r.name, r.email, r.recommendation) for r in stored] == [
        ("Jane", "jane@example.com", "ISO 9001 only (industry: Manufacturing)")
    ]
    assert contact.forget(store.engine, mine) == 1
    assert contact.requests_for(store.engine, mine) == []
    assert len(contact.requests_for(store.engine, other)) == 1
    assert contact.forget(store.engine, mine) == 0


def test_a_name_with_an_explanation_in_brackets_is_the_name():
    assert contact.clean_name("Will Price (he is our quality head, i am his assistant)") == "Will Price"


def test_a_corrected_name_replaces_the_stored_one_of_that_conversation_only(store):
    mine, other = f"c-{uuid.uuid4().hex}", f"c-{uuid.uuid4().hex}"
    contact.save_request(store.engine, mine, "its Grace Long", "grace@example.com", "CMMI (appraisal)")
    contact.save_request(store.engine, other, "Bob", "bob@example.com", "CMMI (appraisal)")
    assert contact.correct_name(store.engine, mine, "Grace Long") == 1
    assert [r.name for r in contact.requests_for(store.engine, mine)] == ["Grace Long"]
    assert [r.name for r in contact.requests_for(store.engine, other)] == ["Bob"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("lol my name is not 'i already told you'. its Amber Stone only", "Amber Stone"),
        ("its ISO 9001 we need", None),
        ("i am looking for help", None),
        ("wait typo, name should be Hope Forgett", "Hope Forgett"),
        ("change name to Hope Forgett pls", "Hope Forgett"),
    ],
)
def test_a_name_stated_in_a_sentence(text, expected):
    assert contact.stated_name(text) == expected


@pytest.mark.parametrize(
    "text, refuses",
    [
        ("I'd rather not give my name", True),
        ("no name please", True),
        ("anonymous is fine", True),
        ("Nona Mendes", False),
        ("my name is Dana", False),
    ],
)
def test_a_declined_name_is_recognised(text, refuses):
    assert contact.refuses_name(text) is refuses
