"""The alias entity matcher (plain Python + spaCy) on how people really write."""

from __future__ import annotations

import pytest

from bot.nlu.aliases import AliasMatcher, aliases_from_content, edit_distance
from tests.conftest import CONTENT_DIR


@pytest.fixture(scope="module")
def matcher() -> AliasMatcher:
    return AliasMatcher(aliases_from_content(CONTENT_DIR))


def found(matcher, text):
    return [(m.entity, m.value) for m in matcher.match(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("is iso9k hard", [("framework", "iso9001")]),
        ("what about 9k", [("framework", "iso9001")]),
        ("how long for cmmi l3", [("maturity_level", "3")]),
        ("ml3 please", [("maturity_level", "3")]),
        ("ISO 27001 or ISO 9001?", [("framework", "iso27001"), ("framework", "iso9001")]),
        ("the capability maturity model", [("framework", "cmmi")]),
        ("C.M.M.I", [("framework", "cmmi")]),
        ("cmmmi appraisal", [("framework", "cmmi")]),
        ("iso 9011", [("framework", "iso9001")]),
        ("we are a sofware shop", [("industry", "software")]),
        ("a manufactring firm", [("industry", "manufacturing")]),
        ("we sell to defence contractors", [("industry", "defense")]),
        ("federal agencies", [("customer_type", "federal")]),
        # another model's level is not a CMMI maturity level
        ("should we do automotive spice level 2", [("framework", "aspice")]),
        ("cmmc level 2 how long", [("framework", "cmmc")]),
        ("aspice L2 or cmmi ml2", [("framework", "aspice"), ("framework", "cmmi"), ("maturity_level", "2")]),
    ],
)
def test_aliases_typos_and_abbreviations_resolve_to_store_keys(matcher, text, expected):
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "how is it defined",
        "who managed the project",
        "what are the initial costs",
        "a small business",
        "which consultant",
        "define your goals",
    ],
)
def test_ordinary_words_are_not_taken_for_entities(matcher, text):
    assert found(matcher, text) == []


def test_level_names_count_when_the_message_talks_about_levels(matcher):
    assert found(matcher, "what is the defined level") == [("maturity_level", "3")]


def test_resolve_normalises_values_for_one_entity_type(matcher):
    assert matcher.resolve("framework", "ISO  9001") == "iso9001"
    assert matcher.resolve("framework", "cmmmi") == "cmmi"
    assert matcher.resolve("customer_type", "defence") == "defense"
    assert matcher.resolve("framework", "pizza") is None


def test_edit_distance_counts_swaps_as_one():
    assert edit_distance("cmmi", "cmim") == 1
    assert edit_distance("software", "sofware") == 1
    assert edit_distance("abc", "xyz", limit=1) == 2
