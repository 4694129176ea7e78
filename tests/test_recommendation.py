"""Decision rules of the guided recommendation (plain Python, both store backends).

Inputs describe each situation as the seed article does; expected decisions
come from the article (the table's "CMMI recommended?" column, the examples'
outcome keys in the store), never from the code under test."""

from __future__ import annotations

import pytest

from bot import recommendation as rec

# Outcomes in which the organization pursues CMMI (now or as part of the set).
PURSUES_CMMI_NOW = {"cmmi", "both", "both_cmmi_first", "both_iso_first", "iso9001_as9100"}


def profile(**answers) -> rec.Profile:
    defaults = dict(
        rec_customers="unknown",
        rec_requirement="unknown",
        rec_certifications="none",
        rec_deadline_months=None,
        rec_size="unknown",
        rec_timeline="unknown",
        rec_goal="unknown",
    )
    defaults.update({f"rec_{k}": v for k, v in answers.items()})
    return rec.Profile.from_slots(defaults)


# -- every row of "Should I get CMMI appraisal?" ------------------------------
# The table as content/industry_fit.yml (the seed article) has it, written out:
# position -> (row as the reasons name it, cmmi_recommendation, "CMMI <label>. <why>").
TABLE_ROWS = {
    1: (
        "Software development company (serving defense or large enterprises)",
        "often_required",
        "CMMI often required. Defense contracts and large IT procurements often require CMMI.",
    ),
    2: (
        "Aerospace / defense contractor",
        "often_required",
        "CMMI often required. Government RFPs frequently mandate CMMI maturity levels.",
    ),
    3: (
        "IT services / consulting (commercial clients, non-defense)",
        "optional",
        "CMMI optional. ISO 9001 may be sufficient. CMMI is a differentiator.",
    ),
    4: (
        "General manufacturing / services (non-software, non-defense)",
        "rarely_needed",
        "CMMI rarely needed. ISO 9001 is the appropriate standard. CMMI is not applicable.",
    ),
    5: (
        "Any organization seeking process maturity",
        "voluntary",
        "CMMI voluntary. CMMI can be used internally for improvement without formal appraisal.",
    ),
}
# (row position, situation as the row describes it)
TABLE_CASES = [
    (1, "software company serving defense", dict(industry="software", customers="defense")),
    (1, "software company serving large enterprises", dict(industry="software", customers="enterprise")),
    (2, "defense contractor", dict(industry="defense", customers="defense")),
    (2, "aerospace contractor", dict(industry="aerospace", customers="defense,commercial")),
    (
        3,
        "IT services firm with commercial, non-defense clients",
        dict(industry="it_services", customers="commercial", requirement="none", goal="market_access"),
    ),
    (
        4,
        "general manufacturer, non-software, non-defense",
        dict(industry="manufacturing", customers="commercial", requirement="none"),
    ),
    (
        4,
        "general services firm, non-software, non-defense",
        dict(industry="services", customers="commercial", requirement="none", goal="customer_satisfaction"),
    ),
    (
        5,
        "IT services firm seeking process maturity, no contract requirement",
        dict(industry="it_services", customers="commercial", requirement="none", goal="process_maturity"),
    ),
]


@pytest.mark.parametrize("position,situation,answers", TABLE_CASES, ids=[c[1] for c in TABLE_CASES])
def test_every_row_of_the_cmmi_table_yields_the_articles_advice(store, position, situation, answers):
    row, cmmi_recommendation, advice = TABLE_ROWS[position]
    result = rec.recommend(store, profile(**answers))
    assert result.fit_row is not None and result.fit_row.position == position
    # the reasons quote the row, so the user sees which row applied and why
    quoted = f'The article\'s "Should I get CMMI appraisal?" table, row "{row}": {advice} [1]'
    assert quoted in result.reasons, result.reasons
    if cmmi_recommendation == "often_required":
        assert result.key in PURSUES_CMMI_NOW
    elif cmmi_recommendation == "optional":
        assert result.key == "cmmi_optional"  # ISO 9001 may be sufficient, CMMI a differentiator
    elif cmmi_recommendation == "rarely_needed":
        assert result.key == "iso9001_only"  # ISO 9001 is the appropriate standard
    else:
        assert result.key == "iso_first_cmmi_later"  # voluntary: CMMI used internally, appraisal only later


def test_the_table_has_the_five_rows_these_tests_cover(store):
    assert [r.cmmi_recommendation for r in store.industry_fit()] == [
        "often_required",
        "often_required",
        "optional",
        "rarely_needed",
        "voluntary",
    ]
    assert [r.position for r in store.industry_fit()] == sorted(TABLE_ROWS)


# -- the article's five examples ------------------------------------------------
EXAMPLE_SITUATIONS = {
    # A defense software contractor with 300 employees: DoD mission-critical systems,
    # contracts require CMMI Level 3, also wants non-defense commercial work.
    1: dict(
        industry="defense",
        customers="defense,commercial",
        requirement="cmmi",
        size="300",
        target_level="3",
        goal="market_access",
    ),
    # An aerospace components manufacturer: commercial and defense aircraft, contracts
    # require AS9100 and some CMMI, maintains ISO 9001 as a baseline.
    2: dict(
        industry="aerospace",
        customers="commercial,defense",
        requirement="cmmi,as9100",
        certifications="iso9001",
        goal="market_access",
    ),
    # A commercial software company: sells to businesses, customers care about
    # product quality and support, not process maturity.
    3: dict(industry="software", customers="commercial", requirement="none", goal="customer_satisfaction"),
    # An IT services provider bidding on federal contracts: some RFPs require CMMI,
    # others ISO 9001.
    4: dict(industry="it_services", customers="federal", requirement="cmmi,iso9001", goal="market_access"),
    # A small software startup: wants to improve its development processes before
    # seeking enterprise customers; no contract requirement yet.
    5: dict(
        industry="software",
        customers="commercial",
        requirement="none",
        size="8",
        timeline="flexible",
        goal="process_maturity",
    ),
}
# Each example's title and decision as the article states them (content/examples.yml), and the
# outcome (content/outcomes.yml) that decision is.
EXAMPLE_DECISIONS = {
    1: (
        "A defense software contractor with 300 employees",
        "Both frameworks. CMMI for defense compliance, ISO 9001 for commercial credibility.",
        "both",
    ),
    2: (
        "An aerospace components manufacturer",
        "Multiple certifications. ISO 9001 as foundation, plus industry-specific standards.",
        "iso9001_as9100",
    ),
    3: ("A commercial software company (non-defense)", "ISO 9001 only.", "iso9001_only"),
    4: (
        "An IT services provider bidding on federal contracts",
        "Both frameworks. Required for contract eligibility.",
        "both",
    ),
    5: ("A small software startup", "ISO 9001 first, CMMI later if needed.", "iso_first_cmmi_later"),
}


def test_the_store_has_the_five_examples(store):
    assert sorted(e.number for e in store.examples()) == sorted(EXAMPLE_SITUATIONS)


@pytest.mark.parametrize("number", sorted(EXAMPLE_SITUATIONS))
def test_each_article_example_yields_the_articles_decision(store, number):
    title, decision, outcome = EXAMPLE_DECISIONS[number]
    result = rec.recommend(store, profile(**EXAMPLE_SITUATIONS[number]))
    assert result.key == outcome, decision
    assert f"The article's example {number} ({title}) reached the same decision: {decision} [1]" in result.reasons


# -- order and timing ------------------------------------------------------------
def test_contracts_demanding_cmmi_under_pressure_put_cmmi_first(store):
    result = rec.recommend(
        store,
        profile(
            industry="software",
            customers="defense,federal",
            requirement="cmmi",
            timeline="urgent",
            goal="process_maturity",
        ),
    )
    assert result.key == "both_cmmi_first"
    assert [p.framework_key for p in result.phases] == ["cmmi", "iso9001"]


def test_without_pressure_iso_9001_comes_first(store):
    result = rec.recommend(
        store, profile(industry="software", customers="defense", requirement="cmmi", timeline="flexible")
    )
    assert result.key == "both_iso_first"
    assert [p.framework_key for p in result.phases] == ["iso9001", "cmmi"]


def test_urgent_defense_only_market_access_is_cmmi_alone(store):
    result = rec.recommend(
        store,
        profile(industry="defense", customers="defense", requirement="cmmi", timeline="urgent", goal="market_access"),
    )
    assert result.key == "cmmi"


def test_roadmap_durations_come_from_the_store(store):
    p = profile(
        industry="software", customers="defense", requirement="cmmi", timeline="flexible", size="50", target_level="3"
    )
    result = rec.recommend(store, p)
    iso, cmmi = result.phases
    # content/processes.yml: the article's 2–6 months for ISO 9001 and 6–12 months for CMMI
    assert (iso.min_months, iso.max_months) == (2, 6)
    assert (cmmi.min_months, cmmi.max_months) == (6, 12)
    # content/timelines.yml: ISO 9001 for 25–250 staff, and a CMMI maturity level 3 estimate
    assert (iso.estimate.scope, iso.estimate.min_months, iso.estimate.max_months) == (
        "ISO 9001 certification, organizations with 25–250 staff",
        6,
        9,
    )
    assert cmmi.estimate.maturity_level == 3
    assert (cmmi.estimate.scope, cmmi.estimate.min_months, cmmi.estimate.max_months) in {
        ("CMMI maturity level 3 (ML2 or ML3: 6–12 months)", 6, 12),
        ("Moving from CMMI ML2 to ML3", 18, 24),
    }
    text = rec.render(result, p)
    assert "6–9 months" in text
    assert "2–6 months" in text


def test_held_iso_9001_is_not_planned_again(store):
    result = rec.recommend(
        store,
        profile(industry="it_services", customers="federal", requirement="cmmi,iso9001", certifications="iso9001"),
    )
    assert [p.framework_key for p in result.phases] == ["cmmi"]
    assert "Already held: ISO 9001, keep it current." in rec.render(
        result, rec.Profile.from_slots({"rec_industry": "it_services", "rec_certifications": "iso9001"})
    )


def test_result_starts_with_the_outcome_title_and_ends_with_sources(store):
    p = profile(industry="manufacturing", customers="commercial", requirement="none")
    result = rec.recommend(store, p)
    text = rec.render(result, p)
    assert text.startswith("ISO 9001 only\n")  # content/outcomes.yml
    assert "(consultancy article, 24 Sep 2023)" in text.split("Sources:")[-1]
    for step in store.next_steps("iso9001_only"):
        assert step.text in text


def test_skipped_answers_are_listed_as_assumptions(store):
    p = profile(industry="software", customers="defense")  # everything else "not sure"
    text = rec.render(rec.recommend(store, p), p)
    assert "Assumed" in text and "timeline" in text and "contract requirements" in text


def test_reasons_cite_the_users_answers(store):
    p = profile(industry="aerospace", customers="defense", requirement="as9100", size="120")
    reasons = rec.recommend(store, p).reasons
    assert reasons[0] == (
        "You told me: industry: Aerospace; customers: Defense / DoD; contracts require: AS9100; "
        "already held: none; size: 120 staff."
    )


# -- parsing answers -------------------------------------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        ("300-person", "300"),
        ("50 people", "50"),
        ("about 20 staff", "20"),
        ("1,200 employees", "1200"),
        ("300", "300"),
        ("25-250", "25-250"),
        ("251+", "251+"),
        ("skip", "unknown"),
        ("not sure", "unknown"),
        ("lots", None),
        ("-5", None),
        ("0", None),
        ("we are many", None),
    ],
)
def test_size_answers(text, expected):
    assert rec.parse_size(text) == expected


def test_rich_opening_fills_every_slot_it_states(sqlite_store):
    found = rec.parse_statement(
        sqlite_store, "we're a 300-person defense software company and our contracts require CMMI level 3"
    )
    assert found["rec_size"] == "300"
    assert found["rec_industry"] == "defense"
    assert "defense" in found["rec_customers"].split(",")
    assert found["rec_requirement"] == "cmmi"
    assert found["rec_target_level"] == "3"
    assert "rec_certifications" not in found and "rec_goal" not in found


def test_statement_separates_required_and_held_frameworks(sqlite_store):
    found = rec.parse_statement(sqlite_store, "we already hold ISO 9001 but the RFPs require CMMI")
    assert found["rec_certifications"] == "iso9001"
    assert found["rec_requirement"] == "cmmi"


@pytest.mark.parametrize(
    "slot,text,expected",
    [
        ("rec_industry", "we build software for banks", "software"),
        ("rec_industry", "Aerospase", "aerospace"),
        ("rec_industry", "it_services", "it_services"),
        ("rec_industry", "underwater basket weaving", None),
        ("rec_customers", "the DoD and some commercial clients", "defense,commercial"),
        ("rec_customers", "federal,commercial", "federal,commercial"),
        ("rec_customers", "not sure", "unknown"),
        ("rec_requirement", "some RFPs require CMMI, others ISO 9001", "cmmi,iso9001"),
        ("rec_requirement", "both", "cmmi,iso9001"),
        ("rec_requirement", "neither", "none"),
        ("rec_requirement", "iso9k", "iso9001"),
        ("rec_requirement", "purple", None),
        ("rec_certifications", "we have AS9100", "as9100"),
        ("rec_certifications", "none yet", "none"),
        ("rec_timeline", "a bid deadline in 3 months", "urgent"),
        ("rec_timeline", "within a year", "within_year"),
        ("rec_timeline", "no rush", "flexible"),
        ("rec_timeline", "banana", None),
        ("rec_goal", "we want to win government contracts", "market_access"),
        ("rec_goal", "improve our development processes", "process_maturity"),
        ("rec_goal", "happier customers", "customer_satisfaction"),
        ("rec_goal", "skip", "unknown"),
    ],
)
def test_answers_are_normalised_to_store_keys(sqlite_store, slot, text, expected):
    assert rec.parse_answer(sqlite_store, slot, text) == expected


def test_every_button_value_is_an_answer_the_parser_accepts(sqlite_store):
    for slot in rec.SLOTS:
        question = sqlite_store.question(slot)
        assert question is not None and question.options, slot
        for option in question.options:
            assert rec.parse_answer(sqlite_store, slot, option.value) == option.value, (slot, option.value)


def test_the_first_result_message_is_brief_and_keeps_the_users_figures(store):
    p = rec.Profile.from_slots(
        {
            "rec_industry": "software",
            "rec_customers": "defense,commercial",
            "rec_requirement": "cmmi",
            "rec_target_level": "3",
            "rec_certifications": "none",
            "rec_size": "300",
            "rec_timeline": "within_year",
            "rec_goal": "market_access",
            "rec_deadline_months": "8",
        }
    )
    result = rec.recommend(store, p)
    text = rec.render_brief(result, p)
    body = text.split("Sources:")[0]
    assert result.key == "both"  # as the article's example 1 (a 300-person defense software contractor)
    assert body.startswith("Both frameworks (integrated approach)\n")  # content/outcomes.yml
    assert len(body.split()) <= 140  # the full roadmap was 450+
    # ISO 9001 for 250+ staff: 9–12 months (content/timelines.yml)
    assert "9–12 months (estimate); your 8 months is shorter than" in body
    # content/next_steps.yml, outcome both: the first step only; the second is in the full plan
    assert "First step: Run one gap analysis against both ISO 9001 and CMMI" in body
    assert "one internal audit program and one management review covering both" not in body
    # the contracts' stated requirement decided it: the article's table is one of the reasons, a click away
    assert "The article's table" not in body
    assert "Why:" not in body  # the reasons are one click away


def test_in_what_order_after_the_result_is_the_users_own_plan(store):
    p = profile(
        industry="software", customers="defense,federal", requirement="cmmi", timeline="urgent", goal="process_maturity"
    )
    text = rec.render_order(rec.recommend(store, p), p)
    lines = text.split("\n")
    assert lines[0] == "In the order of your plan (Both, CMMI first):"  # content/outcomes.yml
    # the processes of content/processes.yml, with the estimates of content/timelines.yml
    assert lines[1].startswith("1. CMMI appraisal process (maturity level 3): 6–12 months (estimate) [")
    assert lines[2].startswith("2. ISO 9001 certification process: 6–12 months (estimate) [")


@pytest.mark.parametrize("months,outcome", [(12, "both_cmmi_first"), (36, "both_iso_first")])
def test_a_deadline_iso_first_cannot_meet_puts_required_cmmi_first(store, months, outcome):
    # 300 staff: ISO 9001 takes 9-12 months and CMMI ML3 6-12 by the estimates (timelines.yml)
    p = profile(
        industry="software",
        customers="defense",
        requirement="cmmi",
        size="300",
        deadline_months=str(months),
        timeline="within_year" if months <= 12 else "flexible",
        goal="process_maturity",
    )
    assert rec.recommend(store, p).key == outcome


def test_an_automotive_supplier_is_pointed_to_automotive_spice(store):
    result = rec.recommend(
        store,
        profile(industry="automotive", customers="commercial", requirement="none", certifications="iatf16949"),
    )
    # content/facts.yml aspice_counterpart: the article's table has no automotive row
    fact = "Automotive SPICE (ISO/IEC 15504/33000 family) is the automotive software counterpart to CMMI."
    assert fact in rec.render_brief(result, rec.Profile.from_slots({"rec_industry": "automotive"}))
    assert any(r.startswith(fact) for r in result.reasons)


def test_an_iatf_16949_holder_is_told_it_builds_on_iso_9001(store):
    p = profile(industry="automotive", customers="commercial", requirement="none", certifications="iatf16949")
    brief = rec.render_brief(rec.recommend(store, p), p)
    # content/facts.yml iatf16949_builds_on_iso9001: the plan's "keep ISO 9001 current" means the IATF certificate
    assert "IATF 16949 (automotive) builds on ISO 9001." in brief


def test_a_required_standard_no_outcome_plans_for_is_said_with_what_the_sources_say_of_it(store):
    # a 12-person medical device software firm whose customers require ISO 13485
    p = profile(industry="software", customers="commercial", requirement="iso13485", certifications="none", size="12")
    brief = rec.render_brief(rec.recommend(store, p), p).split("\n")
    assert brief[2] == (
        "Your contracts also require ISO 13485, which this plan does not cover: it is about CMMI and "
        "ISO 9001 only, as the article's table is. A consultant can help with ISO 13485."
    )
    # content/facts.yml iso13485_separate_similar
    assert "ISO 13485 (medical devices) is separate from ISO 9001 but similar. [2]" in brief
    # a requirement the plan meets, or one already held, is not said
    for answers in ({"requirement": "as9100"}, {"requirement": "iso13485", "certifications": "iso13485"}):
        p = profile(**{"industry": "software", "customers": "commercial", "certifications": "none", **answers})
        assert "which this plan does not cover" not in rec.render_brief(rec.recommend(store, p), p)


def test_a_commercial_only_user_is_not_given_defense_or_federal_examples(store):
    p = profile(industry="software", customers="commercial", requirement="cmmi,iso9001", certifications="none")
    result = rec.recommend(store, p)
    assert result.key == "both"
    reasons = rec.render_reasons(result)
    assert "example 1" not in reasons and "example 4" not in reasons


def test_a_government_user_is_given_the_articles_matching_examples(store):
    p = profile(industry="software", customers="defense,commercial", requirement="cmmi", certifications="none")
    assert "The article's example 1 (A defense software contractor with 300 employees)" in rec.render_reasons(
        rec.recommend(store, p)
    )


def test_a_commercial_customer_requiring_cmmi_soon_gets_cmmi_first(store):
    p = profile(
        industry="software",
        customers="commercial",
        requirement="cmmi",
        certifications="none",
        size="12",
        timeline="urgent",
        goal="market_access",
    )
    assert rec.recommend(store, p).key == "both_cmmi_first"


def test_a_machining_shop_holding_as9100_is_read_against_the_aerospace_row(store):
    p = profile(industry="manufacturing", customers="commercial,defense", requirement="as9100", certifications="as9100")
    result = rec.recommend(store, p)
    assert result.key == "as9100_held"
    assert result.fit_row is not None and result.fit_row.industry_key == "defense"


@pytest.mark.parametrize(
    "industry, held, relation",
    [
        # facts.yml iso13485_separate_similar and iatf16949_builds_on_iso9001
        ("medical_devices", "iso13485", "ISO 13485 (medical devices) is separate from ISO 9001 but similar."),
        ("automotive", "iatf16949", "IATF 16949 (automotive) builds on ISO 9001."),
    ],
)
def test_a_sector_standards_holder_is_neither_told_it_holds_iso_9001_nor_sent_to_a_gap_analysis(
    store, industry, held, relation
):
    p = profile(industry=industry, customers="commercial", requirement="none", certifications=held)
    result = rec.recommend(store, p)
    assert result.key == "sector_standard_held"
    brief = rec.render_brief(result, p)
    name = store.framework(held).name
    # content/outcomes.yml sector_standard_held; no phase to pursue, and not the manufacturing row's
    # "ISO 9001 is the appropriate standard"
    assert brief.splitlines()[0] == f"Keep {name}; check what customers require before adding ISO 9001 or CMMI"
    assert brief.splitlines()[1].startswith(
        f"Keep {name}, which you hold, current: {relation} My sources do not say its holder needs a separate ISO 9001"
    )
    assert f"Already held: {name}, keep it current." in brief
    assert "Plan:" not in brief and "gap analysis" not in brief and "appropriate standard" not in brief
    assert "Keep your ISO 9001 certificate" not in brief and "you already hold it" not in brief


def test_a_medical_device_maker_whose_contracts_require_cmmi_gets_cmmi_in_the_plan(store):
    p = profile(industry="medical_devices", customers="commercial", requirement="cmmi", certifications="iso13485")
    assert rec.recommend(store, p).key == "sector_standard_held_add_cmmi"


def test_a_plan_for_several_sites_uses_the_multi_site_estimate(store):
    p = profile(industry="manufacturing", customers="commercial", requirement="iso9001", size="200", sites="3")
    plan = rec.render_brief(rec.recommend(store, p), p)
    # content/timelines.yml: "250+ staff or multi-site" is 9–12 months, 25–250 staff 6–9
    assert "ISO 9001 certification process: 9–12 months" in plan


def test_an_aerospace_shop_whose_contracts_need_no_cmmi_gets_as9100_on_iso_9001(store):
    p = profile(industry="aerospace", customers="commercial", requirement="none", certifications="none", size="40")
    result = rec.recommend(store, p)
    assert result.key == "iso9001_as9100_only"
    brief = rec.render_brief(result, p)
    assert brief.splitlines()[0] == "ISO 9001 as foundation plus AS9100 (CMMI only if customers require it)"
    # nothing is held, so nothing is "kept"; content/timelines.yml: 25–250 staff 6–9, AS9100 6–12 extra
    assert "Keep ISO 9001" not in brief
    assert (
        "Plan: 1. ISO 9001 certification process: 6–9 months (estimate) [2] "
        "2. AS9100 on top of an existing ISO 9001 system (extra time): 6–12 months [3]"
    ) in brief
    assert "CMMI gap analysis" not in brief


def test_an_aerospace_shop_holding_iso_9001_plans_only_the_as9100_step(store):
    p = profile(industry="aerospace", requirement="as9100,cmmi", certifications="iso9001", size="120")
    result = rec.recommend(store, p)
    assert result.key == "iso9001_as9100"
    assert [(phase.framework_key, phase.min_months, phase.max_months) for phase in result.phases] == [
        ("as9100", 6, 12),
        ("cmmi", 6, 12),
    ]


def test_a_deadline_is_checked_against_the_steps_in_sequence(store):
    # content/timelines.yml: ISO 9001 for 25–250 staff 6–9 months, AS9100 on top 6–12 more
    p = profile(industry="aerospace", customers="commercial", requirement="none", size="60", rec_deadline_months=None)
    p.deadline_months = 12
    brief = rec.render_brief(rec.recommend(store, p), p)
    assert "In sequence: 12–21 months; your 12 months is at the short end of that." in brief


def test_a_deadline_the_article_and_a_vendor_judge_differently_is_given_both(store):
    p = profile(industry="services", customers="commercial", requirement="iso9001", size="40")
    p.deadline_months = 5
    brief = rec.render_brief(rec.recommend(store, p), p)
    # content/timelines.yml 25–250 staff: 6–9 months; content/processes.yml (the article): 2–6 months
    assert (
        "6–9 months (estimate); your 5 months is shorter than that [2], though within the article's 2–6 months [1]"
        in brief
    )


def test_a_small_private_firm_unsure_of_its_contracts_starts_with_iso_9001(store):
    # 8 people selling to private companies and enterprises, "not sure" what contracts require:
    # the article's small software startup (ISO 9001 first, CMMI later), not both at once
    small = profile(industry="software", customers="commercial,enterprise", size="8", timeline="urgent")
    assert rec.decide(store, small)[0] == "iso_first_cmmi_later"
    assert "contract requirements: none yet, as for the article's small startup" in rec.decide(store, small)[2]
    # ...while a small defense shop unsure of its contracts is assumed to meet the table's CMMI
    defense = profile(industry="software", customers="defense", size="8", timeline="urgent")
    assert rec.decide(store, defense)[0] != "iso_first_cmmi_later"


def test_a_tl_9000_holder_whose_contracts_ask_for_iso_9001_is_not_told_it_holds_iso_9001(store):
    p = profile(industry="telecom", customers="commercial,federal", requirement="iso9001", certifications="tl9000")
    result = rec.recommend(store, p)
    assert result.key == "sector_standard_held"
    brief = rec.render_brief(result, p)
    assert "you already hold it" not in brief and "Keep your ISO 9001 certificate" not in brief
