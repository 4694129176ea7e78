"""The answer composer against the store (SQLite and PostgreSQL): what a user
would read for each question kind, checked against the store's rows."""
from __future__ import annotations

import re
import shutil

import pytest
import yaml

from bot.answers import AnswerComposer
from bot.store import KnowledgeStore, get_engine
from bot.store.loader import load_content
from tests.conftest import CONTENT_DIR


@pytest.fixture(scope="module")
def composer(store) -> AnswerComposer:
    return AnswerComposer(store)


def cited_lines(text: str) -> list[str]:
    """Lines that state something (not headings like "CMMI:" or "Cost drivers:")."""
    return [line for line in text.splitlines() if line.strip() and not line.rstrip().endswith(":")]


@pytest.mark.parametrize(
    "intent, frameworks",
    [
        ("ask_what_is", ["iso9001"]),
        ("ask_what_is", ["as9100"]),
        ("ask_owner", ["cmmi"]),
        ("ask_version", ["iso9001"]),
        ("ask_adoption", []),
        ("ask_certification_vs_appraisal", []),
        ("ask_who_audits", []),
        ("ask_process", []),
        ("ask_timeline", []),
        ("ask_cost", []),
        ("ask_validity", []),
        ("ask_industry_fit", []),
        ("ask_maturity_level", []),
        ("ask_comparison", []),
        ("ask_need_both", []),
        ("ask_related_standard", []),
        ("ask_transfer", []),
        ("ask_integrated", []),
        ("ask_examples", []),
    ],
)
def test_every_question_kind_is_answered_with_every_line_cited(composer, intent, frameworks):
    answer = composer.answer(intent, frameworks=frameworks)
    assert answer.found, intent
    rendered = answer.render()
    text, _, sources = rendered.partition("\n\nSources:\n")
    for line in cited_lines(text):
        assert re.search(r"\[\d+\]$", line.strip()), f"{intent}: uncited line {line!r}"
    # every [n] used points at a listed source
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert used == set(range(1, len(answer.sources) + 1))
    assert len(sources.splitlines()) == len(answer.sources)


def test_out_of_date_cmmi_version_says_what_the_article_states_and_what_is_current(composer, store):
    text = composer.answer("ask_version", frameworks=["cmmi"]).render()
    article = store.fact("cmmi_version_article")
    current = store.fact("cmmi_v3_release")
    assert article.text in text and current.text in text
    assert text.index(article.text) < text.index(current.text)
    assert "The article (24 September 2023) states" in text
    assert "Current (as of 6 April 2023)" in text
    assert "seed article" in text and "CMMI Institute" in text


def test_iso_9001_version_names_the_amendment_and_labels_2026_as_expected(composer, store):
    text = composer.answer("ask_version", frameworks=["iso9001"]).text
    assert store.fact("iso9001_version_amd1_2024").text in text
    line_2026 = next(line for line in text.splitlines() if store.fact("iso9001_2026_timeline").text in line)
    assert "Expected, not yet confirmed" in line_2026


def test_question_without_framework_answers_both_side_by_side(composer, store):
    text = composer.answer("ask_timeline").text
    assert text.startswith("ISO 9001:") and "\n\nCMMI:\n" in text
    assert store.fact("iso9001_timeline_article").text in text
    assert store.fact("cmmi_timeline_article").text in text


def test_timeline_for_a_maturity_level_gives_that_levels_estimates(composer, store):
    text = composer.answer("ask_timeline", maturity_level=4).text
    rows = [r for r in store.timeline_estimates("cmmi") if r.maturity_level == 4]
    assert rows and all(r.scope in text for r in rows)
    assert all(line.startswith("Estimate:") for line in cited_lines(text))
    assert "level 2" not in text.lower()


def test_cost_gives_only_sourced_figures_labelled_as_estimates(composer, store):
    text = composer.answer("ask_cost").text
    sourced = set()
    for key in ("iso9001", "cmmi"):
        for item in store.cost_items(key):
            sourced |= {item.low, item.high}
            sourced |= {int(x.replace(",", "")) for x in re.findall(r"\$([\d,]+)", item.note or "")}
    stated = {int(x.replace(",", "")) for x in re.findall(r"\$([\d,]+)", text)}
    assert stated and stated <= sourced
    for line in text.splitlines():
        if "$" in line:
            assert line.startswith("Estimate:"), line
    # CMMI has no price list: drivers, not figures
    cmmi = text.split("CMMI:\n", 1)[1]
    assert "$" not in cmmi.split("\n\n")[0]
    assert store.cost_drivers("cmmi")[0].text in cmmi
    assert "gives no cost figures" in text


def test_cost_of_a_framework_without_sourced_figures_is_not_found(composer):
    assert not composer.answer("ask_cost", frameworks=["as9100"]).found


def test_industry_fit_by_industry_and_customer_type(composer):
    assert "Rarely needed" in composer.answer("ask_industry_fit", industry="manufacturing").text
    assert "Often required" in composer.answer("ask_industry_fit", industry="software").text
    defense = composer.answer("ask_industry_fit", customer_type="defense").text
    assert "Since 2005, DoD guidance no longer mandates" in defense
    commercial = composer.answer("ask_industry_fit", customer_type="commercial").text
    assert "ISO 9001 may be sufficient" in commercial


def test_industry_without_a_table_row_gets_the_general_guidance(composer):
    text = composer.answer("ask_industry_fit", industry="healthcare").text
    assert "universal" in text and "Often required" not in text


def test_maturity_level_by_number(composer, store):
    text = composer.answer("ask_maturity_level", maturity_level=3).text
    assert text.startswith("Maturity level 3 – Defined")
    assert store.maturity_level(3).description in text
    all_levels = composer.answer("ask_maturity_level").text
    assert all(f"Maturity level {n} –" in all_levels for n in range(1, 6))


def test_owner_of_cmmi_names_isaca_as_current(composer):
    text = composer.answer("ask_owner", frameworks=["cmmi"]).text
    assert "Software Engineering Institute" in text and "ISACA since March 2016" in text


def test_practices_examples_and_related_standards(composer, store):
    transfer = composer.answer("ask_transfer").text
    assert all(p.name in transfer for p in store.practices())
    examples = composer.answer("ask_examples").text
    assert all(e.decision in examples for e in store.examples())
    related = composer.answer("ask_related_standard", frameworks=["cmmc"]).text
    assert "different thing from CMMI" in related


def test_single_framework_answer_offers_the_other_as_a_followup(composer):
    answer = composer.answer("ask_process", frameworks=["iso9001"])
    assert answer.buttons == [{"title": "And for CMMI?", "payload": '/ask_followup{"framework": "cmmi"}'}]


def test_unknown_question_kind_and_unknown_framework_are_not_guessed(composer):
    assert not composer.answer("ask_unsupported").found
    assert composer.answer("ask_what_is", frameworks=["nonsense"]).text.startswith("ISO 9001:")


def test_editing_content_and_reloading_changes_the_answer(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    load_content(engine, content)
    composer = AnswerComposer(KnowledgeStore(engine))
    assert "2–6 months" in composer.answer("ask_timeline", frameworks=["iso9001"]).text

    facts = yaml.safe_load((content / "facts.yml").read_text(encoding="utf-8"))
    for fact in facts:
        if fact["key"] == "iso9001_timeline_article":
            fact["text"] = "The ISO 9001 certification process takes 7–8 weeks (edited)."
    (content / "facts.yml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    load_content(engine, content)
    text = composer.answer("ask_timeline", frameworks=["iso9001"]).text
    assert "7–8 weeks (edited)" in text and "2–6 months" not in text


def test_related_standards_question_about_iso_9001_also_says_what_it_is(composer, store):
    text = composer.answer("ask_related_standard", frameworks=["iso9001"]).text
    assert store.facts(topic="overview", framework_key="iso9001")[0].text in text
    assert "AS9100:" in text
