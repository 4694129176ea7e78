"""The answer composer against the store (SQLite and PostgreSQL): what a user
reads for a question kind. Expected texts are read from the content files,
never from the code under test."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml

from bot.answers import (
    SOURCES_HEADING,
    SOURCES_SEPARATOR,
    AnswerComposer,
    Situation,
    expiry_verdict,
    split_sources,
    validity_verdict,
)
from bot.lookup import closest_fact
from bot.settings import PROJECT_ROOT
from bot.store import KnowledgeStore, get_engine
from bot.store.loader import load_content
from bot.store.snapshot import SnapshotCache
from tests.conftest import CONTENT_DIR

MAX_FIRST_MESSAGE_WORDS = 60


def _catalogue() -> tuple[dict[str, dict], dict[str, dict], list[dict]]:
    questions: dict[str, dict] = {}
    facts = {f["key"]: f for f in yaml.safe_load((CONTENT_DIR / "facts.yml").read_text())}
    premises: list[dict] = []
    for path in sorted((CONTENT_DIR / "catalogue").glob("*.yml")):
        doc = yaml.safe_load(path.read_text()) or {}
        questions.update({q["key"]: q for q in doc.get("questions") or []})
        facts.update({f["key"]: f for f in doc.get("facts") or []})
        premises += doc.get("misconceptions") or []
    return questions, facts, premises


QUESTIONS, FACTS, PREMISES = _catalogue()


def answer_keys(question: dict, subject: str = "") -> list[str]:
    answer = question.get("answer") or []
    return answer if isinstance(answer, list) else answer.get(subject, [])


def body(text: str) -> str:
    return text.split(SOURCES_HEADING, 1)[0].strip()


@pytest.fixture(scope="module")
def composer(store) -> AnswerComposer:
    return AnswerComposer(SnapshotCache(store).get())


def test_the_catalogue_is_large_and_every_question_has_examples():
    assert len(QUESTIONS) >= 100
    for key, question in QUESTIONS.items():
        assert len(question["examples"]) >= 10, key


def test_every_answer_of_every_subject_is_short(composer):
    too_long = []
    for key, question in QUESTIONS.items():
        answer = question.get("answer") or []
        for subject in answer if isinstance(answer, dict) else [""]:
            reply = composer.reply([key], named=[subject] if subject else [])
            if reply.found and len(body(reply.text).split()) > MAX_FIRST_MESSAGE_WORDS:
                too_long.append((key, subject, len(body(reply.text).split())))
    assert not too_long


@pytest.mark.parametrize("key", ["cmmi_is_certification", "which_first", "scampi_status", "appraisal_types"])
def test_the_reply_starts_with_the_direct_answer(composer, key):
    question = QUESTIONS[key]
    keys = answer_keys(question) or answer_keys(question, "cmmi")
    first = FACTS[keys[0]]["text"]
    reply = composer.reply([key], named=["cmmi"])
    assert body(reply.text).startswith(first)


def test_a_subject_named_in_the_message_picks_its_answer(composer):
    question = QUESTIONS["how_long"]
    cmmi_first = FACTS[answer_keys(question, "cmmi")[0]]["text"]
    reply = composer.reply(["how_long"], named=["cmmi"])
    assert cmmi_first in reply.text
    assert reply.subject == "cmmi"
    iso_first = FACTS[answer_keys(question, "iso9001")[0]]["text"]
    assert iso_first not in reply.text


def test_without_a_subject_iso_and_cmmi_are_answered_side_by_side(composer):
    reply = composer.reply(["how_long"])
    text = body(reply.text)
    assert re.search(r"^ISO 9001: ", text, re.M) and re.search(r"^CMMI: ", text, re.M)


def test_the_conversation_subject_answers_a_follow_up(composer):
    reply = composer.reply(["cost"], current_subject="cmmi")
    assert reply.subject == "cmmi"
    assert FACTS[answer_keys(QUESTIONS["cost"], "cmmi")[0]]["text"] in reply.text


@pytest.mark.parametrize(
    "message",
    ["how do we reach maturity level 7?", "we want to get to cmmi level 6 next year"],
)
def test_a_false_premise_is_corrected_first(composer, message):
    premise = next(p for p in PREMISES if any(re.search(x, message, re.I) for x in p["match"]))
    correction = FACTS[premise["correction"][0]]["text"]
    reply = composer.reply(["maturity_levels"], message=message)
    assert body(reply.text).startswith(correction)


def test_a_correction_that_is_the_whole_answer_still_sets_the_subject(composer):
    # the correction says what the question's answer would: said once, and the
    # follow-up "what's it built on then?" is about CMMC
    reply = composer.reply(["cmmi_vs_cmmc"], message="cmmc is the same as cmmi right?")
    assert body(reply.text) == FACTS["cmmc_not_cmmi_answer"]["text"] + " [1]"
    assert reply.questions == ["cmmi_vs_cmmc"]
    assert reply.subject == "cmmc"


@pytest.mark.parametrize("message", ["what are the maturity levels 1 to 5?", "is level 5 the top?"])
def test_a_true_statement_is_not_corrected(composer, message):
    reply = composer.reply(["maturity_levels"], message=message)
    corrections = {FACTS[k]["text"] for p in PREMISES for k in p.get("correction", [])}
    assert not any(c in reply.text for c in corrections)


def _size_facts(question: dict, subject: str) -> list[dict]:
    return [FACTS[k] for k in answer_keys(question, subject) if "min_staff" in FACTS[k] or "max_staff" in FACTS[k]]


@pytest.mark.parametrize("staff", [12, 45, 300])
def test_timeline_answers_pick_the_users_size_band(composer, staff):
    question = QUESTIONS["how_long"]
    banded = _size_facts(question, "iso9001")
    assert len(banded) >= 3
    reply = composer.reply(["how_long"], named=["iso9001"], situation=Situation(staff=(staff, staff)))
    for fact in banded:
        fits = fact.get("min_staff", 0) <= staff <= fact.get("max_staff", 10**9)
        assert (fact["text"] in reply.text) == fits, (staff, fact["key"])


def test_the_users_size_band_comes_first(composer):
    reply = composer.reply(["how_long"], named=["iso9001"], situation=Situation(staff=(45, 45)))
    assert body(reply.text).startswith(FACTS["iso9001_time_25_250_answer"]["text"])


@pytest.mark.parametrize(
    "months,named,verdict",
    [
        (4, ["ml3"], "Unlikely: 4 months is shorter than the 6–12 month estimate."),
        (7, ["iso9001"], "Tight: 7 months is at the short end of the 6–9 month estimate."),
        (12, ["cmmi"], "Yes, by this estimate: 12 months is within the 6–12 month estimate."),
        (9, ["cmmi"], "Possibly: 9 months is within the 6–12 month estimate."),
    ],
)
def test_a_deadline_in_the_question_gets_a_verdict_first(composer, months, named, verdict):
    staff = Situation(staff=(45, 45))
    reply = composer.reply(["how_long"], named=named, situation=staff, deadline_months=months)
    assert body(reply.text).startswith(verdict)


def test_a_deadline_asked_of_two_frameworks_gets_a_verdict_for_each(composer):
    # "cmmi ml3 possible in 9 month or only iso?"
    reply = composer.reply(["how_long"], named=["iso9001", "ml3"], deadline_months=9)
    iso_line, ml3_line = body(reply.text).split("\n")
    assert iso_line.startswith("ISO 9001: Yes, by this estimate: 9 months is longer than the 2–6 month estimate.")
    assert ml3_line.startswith("Maturity level 3: Possibly: 9 months is within the 6–12 month estimate.")


def test_a_cmmi_level_answers_instead_of_cmmi_in_general(composer):
    reply = composer.reply(["how_long"], named=["cmmi", "ml3"])
    assert FACTS["ml23_how_long_answer"]["text"] in reply.text
    assert FACTS["cmmi_how_long_answer"]["text"] not in reply.text
    assert FACTS["ml2_to_ml3_answer"]["text"] not in reply.text  # needs a level 2 rating first


def test_of_two_industries_named_the_users_own_answers(composer):
    reply = composer.reply(["industry_fit"], named=["aerospace", "manufacturing"], profile_subjects=["aerospace"])
    assert FACTS["fit_aerospace_answer"]["text"] in reply.text
    assert FACTS["fit_manufacturing_answer"]["text"] not in reply.text


def test_an_industry_with_commercial_customers_only_gets_that_case(composer):
    # "civil aerospace shop, customers are only airlines. do we need cmmi?"
    reply = composer.reply(
        ["industry_fit"], named=["aerospace"], profile_subjects=["aerospace+commercial", "aerospace"]
    )
    assert reply.text.startswith(FACTS["fit_aerospace_commercial_answer"]["text"])
    assert FACTS["fit_aerospace_answer"]["text"] not in reply.text
    # a SaaS vendor naming both: one answer, not the software and the commercial ones side by side
    both = composer.reply(
        ["industry_fit"], named=["software", "commercial"], profile_subjects=["software+commercial", "software"]
    )
    assert both.text.startswith(FACTS["fit_software_commercial_only"]["text"])
    assert FACTS["fit_commercial_answer"]["text"] not in both.text


def test_a_size_dependent_answer_without_a_size_asks_for_it(composer):
    reply = composer.reply(["how_long"], named=["iso9001"])
    assert reply.needs_size
    assert not any(f["text"] in reply.text for f in _size_facts(QUESTIONS["how_long"], "iso9001"))


def test_a_held_certification_changes_the_answer(composer):
    held_facts = [
        (q, FACTS[k]) for q in QUESTIONS.values() for k in answer_keys(q) if FACTS[k].get("when_held") == "iso9001"
    ]
    assert held_facts
    question, fact = held_facts[0]
    with_iso = composer.reply([question["key"]], situation=Situation(held=frozenset({"iso9001"})))
    without = composer.reply([question["key"]])
    assert fact["text"] in with_iso.text and fact["text"] not in without.text


def test_two_questions_in_one_message_are_both_answered_in_order(composer):
    reply = composer.reply(["cost", "who_audits"], named=["iso9001"])
    text = body(reply.text)
    assert text.index(QUESTIONS["cost"]["title"]) < text.index(QUESTIONS["who_audits"]["title"])
    assert reply.questions == ["cost", "who_audits"]


def test_more_detail_shows_other_facts_than_the_answer(composer):
    answer = composer.reply(["cmmi_is_certification"])
    detail = composer.reply(["cmmi_is_certification"], detail=True)
    assert detail.found
    answer_lines = set(body(answer.text).split(". "))
    assert not answer_lines & set(body(detail.text).split(". "))


def test_buttons_offer_more_detail_and_related_questions(composer):
    reply = composer.reply(["cmmi_is_certification"])
    titles = [b["title"] for b in reply.buttons]
    assert titles[0] == "More detail"
    related = [QUESTIONS[k]["title"] for k in QUESTIONS["cmmi_is_certification"]["related"][:2]]
    assert all(t in titles for t in related)
    assert reply.buttons[0]["payload"] == '/more_detail{"question": "cmmi_is_certification", "subject": "cmmi"}'


def test_sources_are_short_footnotes_without_internal_names(composer):
    texts = [r.text for r in (composer.reply([key]) for key in QUESTIONS) if r.found]
    for text in texts:
        footer = text.split(SOURCES_HEADING, 1)[1]
        assert "FACTS.md" not in text and "domain reference" not in text.lower()
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", body(text)), body(text)  # no content keys
        for line in footer.strip().splitlines():
            assert re.fullmatch(
                r"\[\d+\] .+ \((?:[\w ]+, )?(?:\d{1,2} \w{3} \d{4}|checked \w{3} \d{4})\)( https://\S+)?", line
            ), line
    article = next(t for t in texts if "consultancy article" in t)
    assert "(consultancy article, 24 Sep 2023)" in article


def test_no_fact_is_repeated_in_a_reply(composer):
    for key in QUESTIONS:
        marks = re.findall(r"[^.\[\]]{20,}?(?= \[\d+\])", body(composer.reply([key]).text))
        assert len(marks) == len(set(marks)), key


def test_the_closest_fact_answers_an_uncatalogued_question_and_nothing_answers_nonsense(composer):
    snapshot = composer.snapshot
    assert closest_fact(snapshot, "how many ISO 9001 certificates did the 2024 ISO survey count?") is not None
    assert closest_fact(snapshot, "what's a good recipe for lasagna") is None


def test_a_content_reload_changes_the_answer_without_a_restart(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    load_content(engine, content)
    cache = SnapshotCache(KnowledgeStore(engine))
    key = answer_keys(QUESTIONS["cmmi_is_certification"])[0]
    assert FACTS[key]["text"] in AnswerComposer(cache.get()).reply(["cmmi_is_certification"]).text
    for path in [content / "facts.yml", *sorted((content / "catalogue").glob("*.yml"))]:
        path.write_text(path.read_text().replace(FACTS[key]["text"], "Reloaded answer text."))
    load_content(engine, content)
    assert "Reloaded answer text." in AnswerComposer(cache.get()).reply(["cmmi_is_certification"]).text


def test_sources_are_split_where_they_are_rendered_in_python_and_in_the_widget():
    text = "No: there is no CMMI certificate. [1]\nSources:\n[1] CMMI vs ISO 9001 (consultancy article)"
    assert split_sources(text) == (
        "No: there is no CMMI certificate. [1]",
        "[1] CMMI vs ISO 9001 (consultancy article)",
    )
    assert split_sources("Hello! No footnotes here.") == ("Hello! No footnotes here.", None)
    widget = PROJECT_ROOT / "web" / "static" / "widget" / "chat-widget.js"
    assert "var SOURCES = /" + SOURCES_SEPARATOR.replace("\n", "\\n") + "/;" in widget.read_text(encoding="utf-8")


def test_a_dated_rating_is_dated_against_its_validity_first(composer):
    reply = composer.reply(
        ["old_rating_still_valid"], message="ML2 appraised March 2021, expired?", named=["cmmi"], issued=(2021, 3)
    )
    assert body(reply.text).startswith(
        "Expired in March 2024 (3 years from March 2021), unless it was renewed or extended. "
        + FACTS["old_rating_answer"]["text"]
    )


@pytest.mark.parametrize(
    "issued,expected",
    [
        ((2026, 6), "Valid until June 2029 (3 years from June 2026)."),
        ((2023, None), "It runs out in 2026 (3 years from 2023), unless it was renewed or extended."),
        ((2022, None), "Expired in 2025 (3 years from 2022), unless it was renewed or extended."),
        ((2023, 12), "Expired in December 2026 (3 years from December 2023), unless it was renewed or extended."),
    ],
)
def test_validity_verdicts(issued, expected):
    assert validity_verdict(issued, 36, dt.date(2026, 12, 2)) == expected


def test_a_held_framework_named_as_context_is_not_the_subject(composer):
    reply = composer.reply(
        ["how_long"],
        message="we already HAVE 9001. how long for cmmi ML3",
        named=["iso9001", "cmmi", "ml3"],
        situation=Situation(held=frozenset({"iso9001"})),
    )
    text = body(reply.text)
    assert FACTS["ml23_how_long_answer"]["text"] in text
    assert FACTS["iso9001_how_long_answer"]["text"] not in text


def test_a_deadline_is_judged_only_by_the_subjects_own_estimate(composer):
    reply = composer.reply(
        ["deadline_fit"], message="can we make as9100 in 8 months", named=["as9100"], deadline_months=8
    )
    assert body(reply.text).startswith(FACTS["as9100_extra_time_answer"]["text"])


@pytest.mark.parametrize(
    "message,topics",
    [
        ("and TISAX? our OEM want TISAX label. is 27001 enough for this?", ["TISAX"]),
        ("how much does cmmc level 2 cost and how long?", ["CMMC costs or timelines"]),
        ("is as9100 more expensive than iso 9001?", ["AS9100 costs"]),
        ("we have iatf 16949, how long for iso 9001?", []),
        (
            "ok and how long take to get iatf if we have iso 9001 already?",
            ["costs or timelines for IATF 16949, TL 9000, ISO 13485 or Automotive SPICE"],
        ),
        ("does our 27001 help with cmmc at all?", ["how ISO 27001 relates to CMMC"]),
        ("can we do cmmi appraisal just for the software dept?", ["appraising only part of an organization"]),
        ("is cmmi the same as cmmc?", []),
        (
            "the paper say ISO 9001:2008 and valid until 2027 is ok?",
            ["until when ISO 9001:2008 certificates stayed valid (the transition to the 2015 edition)"],
        ),
        ("we are considering CMMI for firmware team only, is possible?", ["appraising only part of an organization"]),
        (
            "is ISO 9001 enough for food packaging or the UK retailer maybe want BRC or FSSC 22000 also?",
            ["food-safety and packaging standards such as BRCGS, FSSC 22000 or ISO 22000"],
        ),
        ("quick qs, how long does as9100 take if we already got iso 9001 and whats it cost roughly", ["AS9100 costs"]),
        (
            "we're a DoD subcontractor and we handle CUI. do we need cmmc?",
            ["which contracts require CMMC, or at which level"],
        ),
        ("why ml3 takes longer than ml2?", ["why maturity level 3 takes longer than level 2"]),
        ("why is level 2 so much quicker than level 3", ["why maturity level 3 takes longer than level 2"]),
        ("why does cmmi take longer than iso 9001?", []),
        ("how long from ml2 to ml3?", []),
        (
            "we hold iatf 16949. do we need iso 9001 too?",
            ["whether IATF 16949, TL 9000 or ISO 13485 can stand in for an ISO 9001 certificate"],
        ),
        (
            "do we still need a separate 9001 if we have tl 9000?",
            ["whether IATF 16949, TL 9000 or ISO 13485 can stand in for an ISO 9001 certificate"],
        ),
        ("we hold iatf 16949. how long does iso 9001 take?", []),
        ("which is cheaper, cmmi or iso 9001?", ["which of ISO 9001 and CMMI costs less overall"]),
        ("is cmmi more expensive than iso?", ["which of ISO 9001 and CMMI costs less overall"]),
        ("is cmmi cheaper than iso if we already have iso?", []),  # the sources say: yes, with ISO 9001 held
        ("which one is cheaper for a small company", ["which of ISO 9001 and CMMI costs less overall"]),
        (
            "ah ok. so directly level 5 then, without 2 and 3?",
            ["whether an organization can be appraised at a higher maturity level without a lower rating first"],
        ),
        (
            "can we skip levels and go for ml5",
            ["whether an organization can be appraised at a higher maturity level without a lower rating first"],
        ),
        (
            "can we go straight for cmmi level 3?",
            ["whether an organization can be appraised at a higher maturity level without a lower rating first"],
        ),
        ("can we go directly to level 6?", []),  # corrected: the levels stop at 5
        (
            "how long take the recertification audit, we have two sites?",
            ["the number of audit days for your organization (the certification body sets it under IAF MD 5)"],
        ),
        (
            "300 people, 2 sites, how many days?",
            ["the number of audit days for your organization (the certification body sets it under IAF MD 5)"],
        ),
        ("how long is the surveillance audit valid", []),
        ("how many days does a cmmi benchmark appraisal take", []),  # sourced: 5-10 days
    ],
)
def test_topics_no_source_covers_are_named(composer, message, topics):
    assert composer.not_covered(message) == topics


def test_an_organization_on_several_sites_gets_the_multi_site_estimate(composer):
    # content/catalogue/process_cost.yml: the 250+ staff estimate also covers several sites
    reply = composer.reply(["how_long"], named=["iso9001"], situation=Situation(staff=(40, 40), multi_site=True))
    text = body(reply.text)
    assert text.startswith(FACTS["iso9001_time_251plus_answer"]["text"])
    assert FACTS["iso9001_time_25_250_answer"]["text"] not in text


@pytest.mark.parametrize(
    "expires,expected",
    [
        ((2019, None), "It expired in 2019, unless it was renewed."),
        ((2027, 6), "By the date you give, it is valid until June 2027."),
        ((2026, 11), "It expired in November 2026, unless it was renewed."),
    ],
)
def test_expiry_verdicts(expires, expected):
    assert expiry_verdict(expires, dt.date(2026, 12, 2)) == expected


def test_no_fact_shows_an_internal_name():
    # what a user reads: "the article", never the project's names for its inputs
    internal = re.compile(r"seed article|FACTS\.md|domain reference|shared/", re.I)
    assert [k for k, f in FACTS.items() if internal.search(f["text"])] == []


def test_a_follow_up_on_a_standard_built_on_iso_9001_says_so_and_answers_for_iso_9001(composer):
    # "how long does it take?" after a turn on IATF 16949: no source gives its timeline
    reply = composer.reply(["how_long"], current_subject="iatf16949")
    iso_first = FACTS[answer_keys(QUESTIONS["how_long"], "iso9001")[0]]["text"]
    assert body(reply.text) == (
        f"My sources don't answer this for IATF 16949 itself; it builds on ISO 9001 [1]. For ISO 9001: {iso_first} [2]"
    )
    assert reply.unsourced is None


def test_a_question_no_source_answers_for_a_standard_gets_no_answer_about_another(composer):
    # "can we run 27001 and 13485 as one system?": the ISO 9001 + CMMI answer would mislead
    reply = composer.reply(["integrated"], named=["iso27001", "iso13485"])
    assert reply.unsourced == "this question for ISO/IEC 27001 and ISO 13485"
    assert body(reply.text) == ""
    assert all(b["title"] != "More detail" for b in reply.buttons)
    # the same for a follow-up on ISO 13485 ("and 13485?" after "how long for 27001?")
    assert composer.reply(["how_long"], named=["iso13485"]).unsourced == "this question for ISO 13485"


def test_a_question_on_iso_9001_beside_another_standard_is_answered_for_iso_9001(composer):
    reply = composer.reply(["how_long"], named=["iso9001", "iso27001"])
    assert reply.unsourced is None
    assert FACTS[answer_keys(QUESTIONS["how_long"], "iso9001")[0]]["text"] in reply.text


def test_iso_9001_named_to_a_question_answered_only_for_cmmi_gets_no_cmmi_answer(composer):
    # "our iso 9001 certificate expired, start from zero?" read as the expired CMMI rating
    reply = composer.reply(["expired_rating_sustainment"], named=["iso9001"])
    assert reply.unsourced == "this question for ISO 9001"


def test_one_system_for_another_standard_and_iso_9001_is_not_the_cmmi_answer(composer):
    # "we hold iso 13485. can 13485 and 9001 be one system?": the sources pair ISO 9001 with CMMI only
    reply = composer.reply(["integrated"], named=["iso13485", "iso9001"])
    assert FACTS["integrated_answer"]["text"] not in reply.text
    assert reply.unsourced == "this question for ISO 13485"
    # ISO 9001 and CMMI together is what it answers
    both = composer.reply(["integrated"], named=["iso9001", "cmmi"])
    assert both.text.startswith(FACTS["integrated_answer"]["text"])


def test_a_deadline_between_the_article_and_a_vendor_estimate_is_compared_with_both(composer):
    # 40 staff, "can we get iso 9001 in 5 months?": the vendor's 6–9 months (25–250 staff), the article's 2–6
    reply = composer.reply(["deadline_fit"], named=["iso9001"], situation=Situation(staff=(40, 40)), deadline_months=5)
    assert body(reply.text).startswith(
        "Unlikely: 5 months is shorter than the 6–9 month estimate, though within the article's 2–6 months."
    )


def test_a_certificate_held_since_a_year_is_dated_by_its_renewals():
    # "iso 9001 certified since 2019. when does my certificate expire?" (3-year validity)
    assert validity_verdict((2019, None), 36, dt.date(2026, 12, 3), held_since=True) == (
        "If it has been renewed every 3 years since 2019, the current one runs until 2028; "
        "the expiry date printed on it is what counts."
    )
    # a certificate issued in 2019 is another thing
    assert validity_verdict((2019, None), 36, dt.date(2026, 12, 3)).startswith("Expired in 2022")


@pytest.mark.parametrize("detail", [False, True])
def test_no_reply_states_one_fact_twice(composer, detail):
    # "More detail" on what to require from bidders once gave the DoD fact, then "Now:" the same fact
    repeated = {}
    for key in QUESTIONS:
        text = body(composer.reply([key], detail=detail).text)
        sentences = [s.strip() for s in re.split(r"\[\d+\]|Now:", text) if len(s.strip()) > 30]
        if len(sentences) != len(set(sentences)):
            repeated[key] = sentences
    assert repeated == {}
