"""Reading the profile from what users write (bot/profile.py) and what they
then read: every phrasing goes through extract_profile, then recommend.
Expected values are written out literally, never computed by the code under test."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import recommendation as rec
from bot.nlu.questions import asks_at_prompt
from bot.profile import (
    _months_until_named_month,
    asks_for_recommendation,
    date_given,
    describe_found,
    expiry_given,
    extract_profile,
    requirement_after_correction,
    states_own_industry,
    user_statements,
)


def converse(store, opening: str, answers: dict[str, str] | None = None) -> dict[str, str]:
    """Slots after an opening message and the form's answers (slot asked -> text)."""
    slots = dict(extract_profile(store, opening))
    for slot, text in (answers or {}).items():
        slots.update(extract_profile(store, text, asked=slot))
    return slots


def result_for(store, opening: str, answers: dict[str, str] | None = None):
    slots = converse(store, opening, answers)
    profile = rec.Profile.from_slots(slots)
    result = rec.recommend(store, profile)
    return slots, result, rec.render(result, profile)


# -- negation, "only", numbers: the issue's messages -----------------------------
@pytest.mark.parametrize(
    "asked,text,expected",
    [
        (None, "japan company, commercial. not government", {"rec_customers": "commercial"}),
        (None, "we are not government customer. only japan private company", {"rec_customers": "commercial"}),
        (
            "rec_customers",
            "we are not government customer. only japan private company",
            {"rec_customers": "commercial"},
        ),
        (None, "nope none of them require anything yet", {"rec_requirement": "none"}),
        ("rec_requirement", "nope none of them require anything yet", {"rec_requirement": "none"}),
        ("rec_requirement", "either one", {"rec_requirement": "either"}),
        (
            "rec_requirement",
            "neither. no certs either, and no deadline",
            {"rec_requirement": "none", "rec_certifications": "none", "rec_timeline": "flexible"},
        ),
        ("rec_requirement", "some RFPs ask for CMMI, a few for ISO 9001", {"rec_requirement": "cmmi,iso9001"}),
        ("rec_requirement", "no", {"rec_requirement": "none"}),
        ("rec_requirement", "not sure", {"rec_requirement": "unknown"}),
        ("rec_requirement", "CMMI level 3", {"rec_requirement": "cmmi", "rec_target_level": "3"}),
        ("rec_requirement", "not CMMI, just ISO 9001", {"rec_requirement": "iso9001"}),
        (
            "rec_goal",
            "winning the enterprise deals, mainly",
            {"rec_customers": "enterprise", "rec_goal": "market_access"},
        ),
        ("rec_certifications", "none", {"rec_certifications": "none"}),
        ("rec_certifications", "not sure", {"rec_certifications": "unknown"}),
        ("rec_certifications", "ISO 9001", {"rec_certifications": "iso9001"}),
        (None, "we don't have any certification", {"rec_certifications": "none"}),
        (None, "we're not ISO certified", {"rec_certifications": "none"}),
        (None, "we never sell to the military or the government", {"rec_customers": "commercial"}),
        (None, "we don't do defense work", {"rec_customers": "commercial"}),
        (None, "our contracts don't require CMMI", {"rec_requirement": "none"}),
        (None, "we're not a software company, we're a manufacturer", {"rec_industry": "manufacturing"}),
        ("rec_size", "50", {"rec_size": "50"}),
        ("rec_timeline", "the RFP closes in 8 months", {"rec_deadline_months": "8", "rec_timeline": "within_year"}),
        (None, "the RFP closes in 8 months", {"rec_deadline_months": "8", "rec_timeline": "within_year"}),
        (None, "deadline in 6 weeks", {"rec_deadline_months": "1", "rec_timeline": "urgent"}),
        # months left, the unit the one just quoted
        (
            None,
            "wait 12-18 months?? we have 10. so can we make it",
            {"rec_deadline_months": "10", "rec_timeline": "within_year"},
        ),
        ("rec_timeline", "no rush", {"rec_timeline": "flexible"}),
        # the sector before "software" names the customers; software is the industry
        (None, "we're an accounting software vendor", {"rec_industry": "software"}),
        (None, "we build banking software for credit unions", {"rec_industry": "software"}),
        ("rec_goal", "either one", {"rec_goal": "unknown"}),
        ("rec_goal", "improve the proceses", {"rec_goal": "process_maturity"}),
        ("rec_customers", "mid-size companies and some government agencies", {"rec_customers": "commercial,federal"}),
        (None, "we hold nothing yet", {"rec_certifications": "none"}),
        (None, "you got that wrong, we're 40 not 400", {"rec_size": "40"}),
        # customers hoped for are not customers yet (the article's startup "before seeking enterprise customers")
        (
            None,
            "we are startup of only 6 persons, we want go to enterprise clients next year",
            {"rec_size": "6", "rec_timeline": "within_year"},
        ),
        ("rec_certifications", "no rush", {"rec_timeline": "flexible"}),
        ("rec_requirement", "not software, only metal parts", {"rec_industry": "manufacturing"}),
        # "contract vehicles" are federal procurement, not the automotive industry
        ("rec_goal", "getting on more contract vehicles", {"rec_customers": "federal", "rec_goal": "market_access"}),
        (
            None,
            "we are a charity, not government, we do IT helpdesk for hospitals",
            {"rec_industry": "it_services", "rec_customers": "commercial"},
        ),
        (
            None,
            "we are making metal parts for aircrafts, little bit militar",
            {"rec_industry": "aerospace", "rec_customers": "defense"},
        ),
        # "not even sure" hedges, it negates nothing
        (
            None,
            "none of them asked for it, and i'm not even sure whether it's a certificate",
            {"rec_requirement": "none"},
        ),
        # someone else's rating, a lapsed one, an auxiliary "has", "a plus" and "nice to have"
        ("rec_certifications", "the founder worked at a company with cmmi level 3 before", {}),
        (None, "we actually had a CMMI-DEV ML3 benchmark in march 2021 but didn't do anything after", {}),
        (None, "our customers only ask for AS9100, nobody has ever mentioned CMMI", {"rec_requirement": "as9100"}),
        (
            None,
            "most ask for ISO 9001, a couple of the big enterprise RFPs list CMMI as a plus but not mandatory",
            {"rec_customers": "enterprise", "rec_requirement": "iso9001"},
        ),
        (None, "cmmi is nice to have, iso 9001 is required", {"rec_requirement": "iso9001"}),
        (
            None,
            "one japanese client asks for cmmi level 3 preferably, nothing is required",
            {"rec_requirement": "none"},
        ),
        (None, "we have been certified to iso 9001 since 2019", {"rec_certifications": "iso9001"}),
        (
            None,
            "we are a 12 person software shop, only private clients, no certs",
            {"rec_industry": "software", "rec_customers": "commercial", "rec_certifications": "none", "rec_size": "12"},
        ),
        (
            "rec_goal",
            "we want better processes before we go after enterprise customers",
            {"rec_goal": "process_maturity"},
        ),
        # a certificate held "since 2 years" is no deadline; a lapsed one is not held
        (None, "we have iso 9001 since 2 years", {"rec_certifications": "iso9001"}),
        (None, "we were iso 9001 certified but let it lapse", {}),
        (None, "we used to have iso 9001", {}),
        ("rec_certifications", "we had iso but it lapsed in 2019", {"rec_certifications": "none"}),
        ("rec_certifications", "we hold iso 9001, our cmmi ml2 lapsed", {"rec_certifications": "iso9001"}),
        ("rec_certifications", "iso 9001 yes, cmmi expired", {"rec_certifications": "iso9001"}),
        # state and local government are government customers
        (
            "rec_customers",
            "mostly commercial, a couple of state agencies",
            {"rec_customers": "commercial,federal"},
        ),
        ("rec_customers", "municipalities and local authorities", {"rec_customers": "federal"}),
        # held standards that change no plan still answer the certification question
        ("rec_certifications", "just 27001 and soc2", {"rec_certifications": "iso27001"}),
        (None, "we hold iso 9001 and iso 27001", {"rec_certifications": "iso9001,iso27001"}),
        # "not a hard requirement", "appreciated": asked for, not required
        (None, "cmmi is not a hard requirement", {}),
        # "never" after the framework, "only X not Y", "none certificate"
        (
            None,
            "ministry tender ask iso 9001 some times. cmmi i never see it in tender",
            {"rec_customers": "federal", "rec_requirement": "iso9001"},
        ),
        (
            None,
            "you not understand. we dont have iso. we have NO certificate. and tender need only iso not cmmi",
            {"rec_requirement": "iso9001", "rec_certifications": "none"},
        ),
        (None, "no no. only iso. cmmi NOT in tender. we have none certificate now", {"rec_certifications": "none"}),
        # plainly not required; another model's level is not a CMMI level
        (None, "cmmi not required by anyone", {"rec_requirement": "none"}),
        (None, "our clients would appreciate cmmi", {}),
        # doubt is no requirement; a question a customer asked is none either
        ("rec_requirement", "cmmi l3 for sure, iso is a maybe", {"rec_requirement": "cmmi", "rec_target_level": "3"}),
        ("rec_requirement", "as9100 required. cmmi not sure", {"rec_requirement": "as9100"}),
        (
            "rec_requirement",
            "airbus require as9100. the new defense customer only ask 'do you have cmmi'",
            {"rec_industry": "aerospace", "rec_customers": "defense", "rec_requirement": "as9100"},
        ),
        (None, "client ask do we have iso or cmmi", {}),
        # one of them will do
        (
            "rec_requirement",
            "dunno exactly, the govt tenders i saw ask either cmmi l3 or iso 9001",
            {"rec_customers": "federal", "rec_requirement": "either", "rec_target_level": "3"},
        ),
        ("rec_requirement", "tenders want cmmi OR iso, not both", {"rec_requirement": "either"}),
        ("rec_requirement", "some rfps require cmmi, others require iso 9001", {"rec_requirement": "cmmi,iso9001"}),
        # someone else's words, a question, the topic of a question: nothing held
        (
            "rec_certifications",
            "none yet. btw is cmmi actually a certification? my boss keeps saying 'cmmi certified'",
            {"rec_certifications": "none"},
        ),
        ("rec_certifications", "wrong again. we HAVE iso, question is about cmmi", {"rec_certifications": "iso9001"}),
        ("rec_certifications", "cmmi?", {"rec_certifications": "cmmi"}),
        # a machining shop supplying an aerospace company; state banks are government customers
        (
            None,
            "small machining shop in queretaro, tier 2 for safran, 18 persons",
            {"rec_industry": "aerospace", "rec_size": "18"},
        ),
        (None, "customers are government banks only, not private", {"rec_customers": "federal"}),
        # corrections in the words people use; "nothing" about customers is not about certificates
        (None, "contracts require: neither", {"rec_requirement": "none"}),
        (
            None,
            "you got that wrong, i said its NOT required, client just asked if we have it",
            {"rec_requirement": "none"},
        ),
        (
            None,
            "hmm not really required, but one big client asked in a tender if we have iso 9001",
            {"rec_requirement": "none"},
        ),
        (None, "Now management is asking should we go for CMMI also", {}),
        (None, "why? we have nothing with defense or goverment", {"rec_customers": "commercial"}),
        (None, "no, its not a deadline for certification, no rush really", {"rec_timeline": "flexible"}),
        ("rec_goal", "we want to keep the american client and get more like them", {"rec_goal": "market_access"}),
        ("rec_customers", "appliance companies, big ones", {"rec_customers": "commercial"}),
        # negations after the name; nothing required though "either is ok"; a lapsed certificate is none
        (
            "rec_requirement",
            "as9100 yes is in all contracts. cmmi no, only this one client ask in email, is not in contract",
            {"rec_requirement": "as9100"},
        ),
        (
            "rec_requirement",
            "no, contract requires cmmi level 3, i said already. iso 9001 is not asked",
            {"rec_requirement": "cmmi", "rec_target_level": "3"},
        ),
        ("rec_requirement", "contracts dont require anything, either is ok", {"rec_requirement": "none"}),
        # "depends", a label before "no idea", "80ish": answers; a choice asked for or a requirement
        # not known yet is no requirement
        ("rec_timeline", "depends on the client honestly", {"rec_timeline": "unknown"}),
        ("rec_timeline", "timeline: whatever, no idea", {"rec_timeline": "unknown"}),
        (None, "ok like 80ish devs plus sales", {"rec_size": "80"}),
        (None, "we need to pick between cmmi and iso9k, can you walk me thru it?", {}),
        ("rec_requirement", "we dont know if the rfp requires cmmi or iso", {"rec_requirement": "unknown"}),
        (
            "rec_requirement",
            "i never said contracts require both. we dont know yet what they require",
            {"rec_requirement": "unknown"},
        ),
        # "I asked about X not Y" is about the answer; "not 'preferred'" makes it required; a
        # deadline "by end of next year" and a requirement "explicitly" stated ahead are requirements
        (None, "I asked about COST not stages", {}),
        (None, "ISO 9001 is now MANDATORY not optional", {"rec_requirement": "iso9001"}),
        (
            None,
            "two recompetes coming next year explicitly require CMMI Maturity Level 3 - not 'preferred', required",
            {"rec_requirement": "cmmi", "rec_target_level": "3", "rec_timeline": "within_year"},
        ),
        (
            None,
            "Our OEM customers now demand ISO 9001 from all suppliers by end of next year. Nobody asked for CMMI",
            {
                "rec_customers": "commercial",  # OEMs
                "rec_requirement": "iso9001",
                "rec_deadline_months": "12",
                "rec_timeline": "within_year",
            },
        ),
        (
            None,
            "the ministry require cmmi level 3",
            {"rec_customers": "federal", "rec_requirement": "cmmi", "rec_target_level": "3"},
        ),
        (None, "we are 40. and how long for iso?", {"rec_size": "40"}),
        ("rec_size", "depends on season, 15 to 30 ppl", {"rec_size": "30"}),
        ("rec_requirement", "none that i know of", {"rec_requirement": "none"}),
        # a month with no deadline word, a rating "once we have" it, a "no" to a consultant
        (None, "we merge with other company in april so we will be 80 people", {"rec_size": "80"}),
        (None, "once we have ML3 isnt iso redundant, ML3 covers everything iso does right?", {}),
        (None, "I said NO thanks, I dont want a consultant. is cmmi an advanced version of iso 9001?", {}),
        # a complaint about the assistant or "yes or no" answers nothing
        ("rec_requirement", "you didnt answer.", {}),
        ("rec_requirement", "is CMMI the same as CMMC yes or no?", {}),
        ("rec_requirement", "you dont understand, no contract requires anything", {"rec_requirement": "none"}),
        ("rec_certifications", "none now, we had iso 9001 but it lapsed in 2019", {"rec_certifications": "none"}),
        (
            "rec_certifications",
            "before i answer, is cmmi a certificate like iso? my partner say we can be cmmi certified",
            {},
        ),
        # corrected numbers, dates with slashes, a bare "private"
        (None, "sorry typo, 40 not 400", {"rec_size": "40"}),
        (None, "sorry my mistake, we are 140 not 1400 haha", {"rec_size": "140"}),
        (None, "we need it in 6 months not 12", {"rec_deadline_months": "6", "rec_timeline": "urgent"}),
        ("rec_customers", "only private, farms and cooperativas", {"rec_customers": "commercial"}),
        # several sites
        (None, "150 employes in 2 sites", {"rec_size": "150", "rec_sites": "2"}),
        (None, "we have three plants in ohio", {"rec_sites": "3"}),
        (None, "one site only", {}),
        (None, "thats not what i asked. help me choose what to do", {}),
        # the negation after the name
        (
            None,
            "japanese customer REQUIRE cmmi level 3. only iso nobody ask",
            {"rec_requirement": "cmmi", "rec_target_level": "3"},
        ),
        # a CMMI level names CMMI; another model's level does not
        (None, "raytheon says ML3 is mandatory", {"rec_requirement": "cmmi", "rec_target_level": "3"}),
        (
            None,
            "prime wants ML3. other clients mostly dont care, few ask iso",
            {"rec_requirement": "cmmi,iso9001", "rec_target_level": "3"},
        ),
        (None, "our customer asks for aspice L2", {"rec_requirement": "aspice"}),
        # about the conversation, not the contracts; a certificate let expire is not held
        (None, "?? i didnt ask that. i want a recommendation for my company", {}),
        # ...but "i didnt say required, im not sure" says the requirement is not known
        (None, "wait i didnt say they require it, im not sure", {"rec_requirement": "unknown"}),
        (None, "i told u, the form lists all 3. not sure if required or nice to have", {"rec_requirement": "unknown"}),
        (None, "Those are total durations. I asked the saving from having ISO 9001 already.", {}),
        # what was heard is no fact about the user
        (None, "i heard you can get cmmi ml2 certified in like 6 weeks with the right consultant. true?", {}),
        (None, "why mention defense, we do NO defense work", {"rec_customers": "commercial"}),
        (None, "we had iso 9001 long ago but we let it expire in 2017", {}),
        (None, "we had ML3 appraised, still valid", {"rec_certifications": "cmmi"}),
        # "it" is the framework named before: not required, and nothing else is said
        (None, "why cmmi at all? nobody asked us for it", {}),
        ("rec_requirement", "none of those, they require aspice L2 only", {"rec_requirement": "aspice"}),
        # goals and customers in free text
        ("rec_goal", "like i said, look more credible to clients", {"rec_goal": "customer_satisfaction"}),
        ("rec_goal", "keep the federal work, thats it", {"rec_customers": "federal", "rec_goal": "market_access"}),
        (
            "rec_customers",
            "mostly tier1s like safran. one small job for a us defense prime too",
            {"rec_industry": "aerospace", "rec_customers": "commercial,defense"},
        ),
    ],
)
def test_what_a_message_states(sqlite_store, asked, text, expected):
    assert extract_profile(sqlite_store, text, asked=asked) == expected


@pytest.mark.parametrize(
    "text,size",
    [
        ("we're 12 people", "12"),
        ("team of 45", "45"),
        ("45 ppl", "45"),
        ("about 300 staff, two sites", "300"),
        ("a 300-person company", "300"),
        ("we are twelve people", "12"),
        ("headcount is 80", "80"),
        ("20 of us", "20"),
        ("1,200 employees", "1200"),
        ("12 devs plus 3 biz so 15 total", "15"),
        ("we are 40 in total", "40"),
        ("around 120 people, incl. 70 engineers", "120"),
    ],
)
def test_sizes_in_passing(sqlite_store, text, size):
    assert extract_profile(sqlite_store, text)["rec_size"] == size


@pytest.mark.parametrize(
    "text,expected",
    [
        # outside the form: the question is not a requirement, the clients are the user's own
        ("ok. we need also cmmi or no? clients is only small shops", {"rec_customers": "commercial"}),
        ("we machine parts for airlines, no software", {"rec_industry": "aerospace", "rec_customers": "commercial"}),
        ("does the DoD require ML3?", {}),
        ("clients want cmmi?", {}),
        # what a salesman claims is asked about, what a customer asks for is required
        ("A salesman told us we also need CMMI for aerospace. True?", {"rec_industry": "aerospace"}),
        ("our customer told us they require cmmi l3", {"rec_requirement": "cmmi", "rec_target_level": "3"}),
        # an investor's or the board's wish is no contract requirement
        ("our investor wants us to get cmmi ml3 before the next round", {}),
        # a buyer's tender says nothing of the buyer's own contracts or customers
        ("for our next tender (IT services for the city, not defence) should we ask bidders for iso 9001?", {}),
        ("no, we are the BUYER, a city government", {}),
        # what a buyer buys is the vendor's industry, not theirs
        ("we're buying software from a vendor who claims cmmi level 3", {}),
        ("we are outsourcing our dev work to a vendor in india, they say cmmi 5", {}),
        ("we make infusion pumps, 60 people", {"rec_industry": "medical_devices", "rec_size": "60"}),
        # a new headcount said in passing, and a reason given inside a question
        ("we are 60 now actually, does that change the timing?", {"rec_size": "60"}),
        ("how long since we already have iso9k?", {"rec_certifications": "iso9001"}),
        ("how long would it take us, as we're not defense?", {"rec_customers": "commercial"}),
        # a numbered question is a question: "third do we need cmmi" requires nothing
        ("first, what does iso cost for 30 people, third do we need cmmi if our clients are banks", {"rec_size": "30"}),
        # a fragment after a sentence about them is about them too; new hires are not the headcount
        ("we are NOT defense. federal civilian only. fix that", {"rec_customers": "federal"}),
        ("actually we are 45 now, we hired 10 ppl this year", {"rec_size": "45"}),
        (
            "we are a 250 person IT services shop, federal civilian only. some new rfps ask for iso 9001 too. next?",
            {
                "rec_industry": "it_services",
                "rec_customers": "federal",
                "rec_requirement": "iso9001",
                "rec_size": "250",
            },
        ),
    ],
)
def test_what_a_message_outside_the_form_says_of_the_user(sqlite_store, text, expected):
    assert user_statements(sqlite_store, text) == expected


def test_another_models_level_is_not_a_cmmi_requirement(sqlite_store):
    found = extract_profile(
        sqlite_store,
        "none of those. only ASPICE (OEM wants level 2 I think). cmmi not required by anyone",
        asked="rec_requirement",
    )
    # Automotive SPICE is required (the plan says it does not cover it); CMMI is not, at no level
    assert found["rec_requirement"] == "aspice" and "rec_target_level" not in found


@pytest.mark.parametrize(
    "text",
    [
        "we've been in business for 8 years",
        "CMMI level 3",
        "we have 3 sites",
        "I've heard 12-18 months is more typical, can we make it?",
    ],
)
def test_numbers_that_are_not_a_size_or_deadline(sqlite_store, text):
    found = extract_profile(sqlite_store, text)
    assert "rec_size" not in found and "rec_deadline_months" not in found


def test_the_noted_line_repeats_only_what_was_said(sqlite_store):
    found = extract_profile(sqlite_store, "we have 30 staff, sell to private companies in Japan, no certification yet")
    assert (
        describe_found(sqlite_store, found)
        == "Noted: 30 staff, customers: Commercial / private sector, no certification yet."
    )
    found = extract_profile(sqlite_store, "the RFP closes in 8 months", asked="rec_timeline")
    assert describe_found(sqlite_store, found) == "Noted: deadline in 8 months."
    assert describe_found(sqlite_store, {}) == ""


def test_a_correction_that_negates_government_does_not_set_government(sqlite_store):
    found = rec.parse_statement(sqlite_store, "we are not government customer. only japan private company")
    assert found == {"rec_customers": "commercial"}
    assert "rec_industry" not in found


# -- the article's five examples, several phrasings each --------------------------------
EXAMPLES = [
    (
        1,
        "both",
        "We're a defense software contractor with 300 employees building mission-critical systems for the "
        "DoD. Our contracts require CMMI Level 3, and we also want to win commercial work.",
        {},
    ),
    (1, "both", "300 staff, defense software, DoD and commercial clients; contracts require CMMI ML3", {}),
    (
        1,
        "both",
        "we do defense software",
        {
            "rec_customers": "the DoD and some commercial clients",
            "rec_requirement": "CMMI level 3",
            "rec_certifications": "none yet",
            "rec_size": "300",
            "rec_timeline": "no rush",
            "rec_goal": "win more contracts",
        },
    ),
    (
        2,
        "iso9001_as9100",
        "We make aerospace components for commercial and defense aircraft. Contracts require "
        "AS9100 and some require CMMI. We already maintain ISO 9001.",
        {},
    ),
    (
        2,
        "iso9001_as9100",
        "aircraft parts manufacturer, we hold ISO 9001, our customers require AS9100 and a few also CMMI",
        {},
    ),
    (
        3,
        "iso9001_only",
        "we build inventory software for retail chains, nothing for government: which one should we do?",
        {},
    ),
    (
        3,
        "iso9001_only",
        "We sell project management software to businesses. Our customers care about product "
        "quality and support, not process maturity. No contracts require either.",
        {},
    ),
    (
        3,
        "iso9001_only",
        "saas company, b2b only, no government work",
        {
            "rec_requirement": "nope none of them require anything yet",
            "rec_certifications": "no",
            "rec_size": "40",
            "rec_timeline": "not sure",
            "rec_goal": "happier customers",
        },
    ),
    (
        4,
        "both",
        "We're an IT services provider bidding on federal contracts. Some RFPs require CMMI, others require ISO 9001.",
        {},
    ),
    (
        4,
        "both",
        "IT consulting for federal agencies",
        {"rec_requirement": "some RFPs ask for CMMI, a few for ISO 9001", "rec_goal": "winning the federal deals"},
    ),
    (
        5,
        "iso_first_cmmi_later",
        "We're a small software startup, 8 people, and we want to improve our development "
        "processes before seeking enterprise customers. No contract requirement yet.",
        {},
    ),
    (
        5,
        "iso_first_cmmi_later",
        "tiny dev shop of 5 devs with commercial clients, nobody requires any "
        "certification, our goal is better processes, no rush",
        {},
    ),
]


@pytest.mark.parametrize(
    "number,outcome,opening,answers", EXAMPLES, ids=[f"example{e[0]}-{n}" for n, e in enumerate(EXAMPLES)]
)
def test_each_example_in_every_phrasing(store, number, outcome, opening, answers):
    _, result, text = result_for(store, opening, answers)
    assert result.key == outcome
    assert f"example {number}" in text


# -- the table's five rows, several phrasings each ----------------------------------------
ROWS = [
    (1, "both_iso_first", "we're a software company serving the defense department", {}),
    (1, "both", "software vendor for large enterprises", {}),
    (2, "both_iso_first", "we are a defense contractor", {}),
    (2, "cmmi", "we are a defense contractor, the bid deadline is in 3 months", {}),
    (3, "cmmi_optional_iso_held", "IT consultancy, only commercial clients, we're ISO 9001 certified", {}),
    (
        3,
        "cmmi_optional_iso_held",
        "we are an IT consulting firm",
        {
            "rec_customers": "private companies only, not government",
            "rec_certifications": "ISO 9001",
            "rec_requirement": "neither",
        },
    ),
    (3, "cmmi_optional", "IT consulting for private companies, nothing for government, no certification yet", {}),
    (4, "iso9001_only", "we're a plastics manufacturer with commercial customers, no contracts require anything", {}),
    (4, "iso9001_held", "manufacturing company, we already have ISO 9001, only commercial customers", {}),
    (
        5,
        "iso_first_cmmi_later",
        "IT services firm, commercial clients, we want to improve our processes, no contract requires any framework",
        {},
    ),
]


@pytest.mark.parametrize("position,outcome,opening,answers", ROWS, ids=[f"row{r[0]}-{n}" for n, r in enumerate(ROWS)])
def test_each_table_row_in_every_phrasing(store, position, outcome, opening, answers):
    _, result, _ = result_for(store, opening, answers)
    assert result.fit_row is not None and result.fit_row.position == position
    assert result.key == outcome


# -- the result is always true --------------------------------------------------------------
def test_no_requirement_is_claimed_that_the_user_did_not_state(store):
    _, result, text = result_for(
        store,
        "we build inventory software for retail chains, nothing for government",
        {"rec_requirement": "nope none of them require anything yet"},
    )
    assert "You said your contracts" not in text
    assert "require ISO 9001 certification" not in text
    assert (
        "You told me: industry: Software development; customers: Commercial / private sector; "
        "contracts require: none of these frameworks." in text
    )


def test_no_outcome_summary_asserts_the_users_contracts(store):
    for key in (
        "iso9001_only",
        "cmmi",
        "both_cmmi_first",
        "both_iso_first",
        "both",
        "iso9001_as9100",
        "iso9001_as9100_only",
        "as9100_held",
        "iso_first_cmmi_later",
        "cmmi_optional",
        "cmmi_optional_iso_held",
        "iso9001_held",
        "iso9001_held_add_cmmi",
        "iso9001_held_cmmi_later",
    ):
        summary = store.outcome(key).summary.lower()
        assert "because your contracts" not in summary and "your contracts demand" not in summary, key


@pytest.mark.parametrize(
    "opening",
    [
        "we already hold ISO 9001 but the RFPs require CMMI, we do software for the DoD",
        "IT consultancy, only commercial clients, we're ISO 9001 certified",
        "manufacturing company, we already have ISO 9001, only commercial customers",
        "software startup, we hold ISO 9001, we want to improve our processes, no requirement",
    ],
)
def test_held_iso_9001_is_never_a_first_step_again(store, opening):
    _, result, text = result_for(store, opening)
    assert "iso9001" not in [p.framework_key for p in result.phases]
    assert "Already held: ISO 9001, keep it current." in text
    assert not any("ISO 9001 gap analysis" in s.text for s in result.next_steps)
    assert any(s.text.startswith("Keep your ISO 9001 certificate current") for s in result.next_steps)


def test_held_iso_and_cmmi_required_starts_with_the_cmmi_work_and_the_users_requirement(store):
    slots, result, _ = result_for(
        store, "IT services 45 ppl, we hold iso 9001, our RFPs ask for CMMI ML3, only commercial"
    )
    brief = rec.render_brief(result, rec.Profile.from_slots(slots))
    assert "defense and government" not in brief  # a commercial-only firm: their own RFPs are the reason
    assert "Because you said your contracts or RFPs require CMMI (maturity level 3)." in brief
    # content/next_steps.yml: the CMMI gap analysis, not "keep ISO current" said twice
    assert "First step: Run a CMMI gap analysis to assess your current process maturity" in brief
    # "why?": their RFPs decided it, not the table's "IT services, commercial: CMMI optional"
    assert "table" not in rec.render_reasons(result)


def test_held_iso_and_cmmi_required_goes_to_cmmi(store):
    _, result, _ = result_for(store, "we already hold ISO 9001 but the RFPs require CMMI, we do software for the DoD")
    assert result.key == "iso9001_held_add_cmmi"
    assert [p.framework_key for p in result.phases] == ["cmmi"]


def test_the_roadmap_names_todays_appraisal_and_what_the_article_called_it(store):
    _, result, text = result_for(store, "defense contractor, contracts require CMMI level 3")
    assert "The CMMI appraisal is a SCAMPI appraisal" in text
    assert "the Benchmark appraisal replaces SCAMPI A" in text
    assert "Today (as of 2026-11-01)" in text


@pytest.mark.parametrize(
    "opening,expected",
    [
        (
            "defense contractor, contracts require CMMI level 3, the RFP closes in 8 months",
            "CMMI maturity level 3: 8 months is at the short end of the 6–12 month estimate [2]",
        ),
        (
            "defense contractor, contracts require CMMI level 3, the deadline is in 3 months",
            "CMMI maturity level 3: 3 months is shorter than the 6–12 month estimate [2]",
        ),
        (
            "we're a plastics manufacturer with 40 staff, commercial customers only, certified by next year, "
            "no contracts require anything, deadline in 12 months",
            "ISO 9001 certification, organizations with 25–250 staff: "
            "12 months is longer than the 6–9 month estimate [2]",
        ),
    ],
)
def test_the_deadline_is_compared_with_the_estimates(store, opening, expected):
    _, result, text = result_for(store, opening)
    assert expected in text


def test_deadline_comparison_against_the_size_estimate(store):
    _, result, text = result_for(
        store,
        "plastics manufacturer, 40 staff, commercial customers only, "
        "no contracts require anything, the audit must be done in 8 months",
    )
    assert "ISO 9001 certification, organizations with 25–250 staff: 8 months is within the 6–9 month estimate" in text


@pytest.mark.parametrize(
    "text,today,months",
    [
        ("can we be certified by March?", dt.date(2026, 12, 2), 3),
        ("we need ml3 by q3", dt.date(2026, 12, 2), 9),
        ("audit due end of june", dt.date(2026, 5, 10), 1),
        ("we may need it", dt.date(2026, 12, 2), None),
        ("the deadline is march 2027", dt.date(2026, 12, 2), 3),
        ("we need it next year april", dt.date(2026, 12, 2), 4),
        ("must be done april next year", dt.date(2026, 12, 2), 4),
        ("we got ml3 in march 2021", dt.date(2026, 12, 2), None),
        ("the contract starts 01.10.2027, we need the rating by then", dt.date(2026, 12, 2), 10),
        ("deadline 2027-06-30", dt.date(2026, 12, 2), 6),
        ("prime wants it before 30/09/2027", dt.date(2026, 12, 2), 9),
    ],
)
def test_a_deadline_named_by_month_or_quarter(text, today, months):
    assert _months_until_named_month(text.lower(), today) == months


@pytest.mark.parametrize(
    "text,issued",
    [
        ("certificate issued March 2022, expires 2024 or 2025?", (2022, 3)),
        ("supplier rated in 2021 still valid?", (2021, None)),
        ("a rating four years old, ok?", (2022, None)),
        ("is our iso 9001:2015 cert valid?", None),
        ("will a benchmark in june 2027 be valid for the bid?", None),
    ],
)
def test_the_date_of_a_certificate_or_rating(text, issued):
    assert date_given(text, dt.date(2026, 12, 2)) == issued


@pytest.mark.parametrize(
    "text,asks",
    [
        ("kind of both? keep the customer happy and win more deals", False),
        ("dunno, both?", False),
        ("not sure tbh, they just said quality certificate. maybe iso?", False),
        ("cmmi l3 for sure, iso is a maybe… btw is cmmi even a certification?", True),
        ("why?", True),
        ("how long does iso take for 3 plants?", True),
    ],
)
def test_what_asks_something_at_a_form_prompt(text, asks):
    assert asks_at_prompt(text) is asks


@pytest.mark.parametrize(
    "previous,text,kept",
    [
        ("cmmi,iso9001", "why both? we dont do defense or government and nobody asked us for iso", "cmmi"),
        ("cmmi", "why both? nobody asked us for iso", "cmmi"),
        ("cmmi,iso9001", "no contract require cmmi", "iso9001"),
        ("cmmi,iso9001", "contracts do not require cmmi or iso 9001", None),
        ("cmmi", "we are 40 people", None),
    ],
)
def test_what_stays_required_after_a_correction(sqlite_store, previous, text, kept):
    assert requirement_after_correction(sqlite_store, previous, text) == kept


@pytest.mark.parametrize(
    "text,asks",
    [
        ("what do you recommend for us", True),
        ("40 developers, client needs cmmi l3. what is best path for us?", True),
        ("just to check, whats my name and what did you recommend?", False),
        ("so what do you recommend now, given all that?", True),
        ("ISO 9001 is now mandatory. does that change your advice?", True),
        ("what does the article recommend for a bank?", False),
        # which of the two is quicker or cheaper is a fact, not the decision
        ("we are IT outsourcing company, 120 people. what is more quick and cheap, iso 9001 or cmmi?", False),
        ("we are 40 people, iso or cmmi for us?", True),
    ],
)
def test_asking_for_a_recommendation_is_not_asking_what_was_recommended(text, asks):
    assert asks_for_recommendation(text) is asks


@pytest.mark.parametrize(
    "text,own",
    [("we are a software house", True), ("industry is aerospace", True), ("some US bank RFPs ask for CMMI", False)],
)
def test_a_message_that_states_the_users_own_industry(text, own):
    assert states_own_industry(text) is own


@pytest.mark.parametrize(
    "text,issued,expires",
    [
        ("so my certificate is not valid anymore?? it says expire 2019", None, (2019, None)),
        ("our cert is valid until june 2027", None, (2027, 6)),
        ("ML2 appraised March 2021, expired?", (2021, 3), None),
        ("we had iso 9001 but it lapsed in 2019", None, (2019, None)),
    ],
)
def test_an_expiry_date_is_not_an_issue_date(text, issued, expires):
    assert date_given(text, dt.date(2026, 12, 2)) == issued and expiry_given(text) == expires


@pytest.mark.parametrize(
    "text,months",
    [
        ("by end of 2027", 13),
        ("we need it before 2028", 13),
        ("by end of next year", 13),
        ("customer want it before end of next year", 13),
        ("certified by 2019", None),
    ],
)
def test_a_deadline_given_as_a_year_runs_to_its_end(text, months):
    assert _months_until_named_month(text, today=dt.date(2026, 11, 15)) == months


def test_a_framework_ruled_out_by_it_is_the_one_named_before(sqlite_store):
    ruled_out: set[str] = set()
    assert extract_profile(sqlite_store, "why cmmi at all? nobody asked us for it", ruled_out=ruled_out) == {}
    assert ruled_out == {"cmmi"}


def test_the_date_after_an_issue_word_is_the_issue_date():
    text = "our cmmi ml3 expires when? appraised march 2022"
    assert (date_given(text), expiry_given(text)) == ((2022, 3), None)
    assert expiry_given("valid until march 2025") == (2025, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        # "not federal" rules out federal work only: states, provinces and cities are government
        (
            "software, permitting saas for state and city govs. not federal, not dod",
            {"rec_industry": "software", "rec_customers": "federal"},
        ),
        ("NOT federal. provincial and municipal.", {"rec_customers": "federal"}),
        ("we are not federal", {}),
        ("we are not government, only private", {"rec_customers": "commercial"}),
        # a tender that says a standard requires it
        ("i already told you, the tender says iso 9001 or equivalent, not cmmi", {"rec_requirement": "iso9001"}),
        # a level corrected, never a headcount
        ("and rfp says level 2 not 3", {"rec_requirement": "cmmi", "rec_target_level": "2"}),
        # another model's level is not CMMI's
        ("cmmc l2 is required by our prime, and cmmi ml3", {"rec_requirement": "cmmi,cmmc", "rec_target_level": "3"}),
        ("our customers are hospitals", {"rec_customers": "commercial"}),
        # a fragment after a sentence about what is held; "it" for the standard just named; work in progress
        ("we dont hold 9001. only tl9000", {"rec_certifications": "tl9000"}),
        ("carriers want tl9000, we have it", {"rec_requirement": "tl9000", "rec_certifications": "tl9000"}),
        ("carriers want tl9000, we dont have it", {"rec_requirement": "tl9000", "rec_certifications": "none"}),
        # an announced requirement is one; the client's sector is not the user's industry
        (
            "our biggest client a US bank say they will require CMMI ML3 from vendors next year",
            {"rec_requirement": "cmmi", "rec_target_level": "3"},
        ),
        # the document before a colon states its requirement, with the CMMI level of either
        (
            "rfp: cmmi ml2 OR iso 9001. 7 months. which is faster?",
            {
                "rec_requirement": "either",
                "rec_target_level": "2",
                "rec_deadline_months": "7",
                "rec_timeline": "within_year",
            },
        ),
        # the lapsed one of two named, and "both" as the contracts' requirement
        (
            "I already told you, we have ISO 9001 and CMMI ML3 (lapsed). And contracts need BOTH",
            {"rec_requirement": "cmmi,iso9001", "rec_certifications": "iso9001", "rec_target_level": "3"},
        ),
        ("do we need both?", {}),
        # the clients' sector is not the user's industry
        ("some US banking clients ask for CMMI level 3", {"rec_requirement": "cmmi", "rec_target_level": "3"}),
        # Automotive SPICE is recorded as required (the plan says it does not cover it)
        (
            "we write ECU software. german OEM want ASPICE level 2, US customer ask if we have cmmi",
            {"rec_industry": "automotive", "rec_requirement": "aspice"},
        ),
    ],
)
def test_government_levels_tender_wording_and_levels_are_read_as_said(sqlite_store, text, expected):
    assert extract_profile(sqlite_store, text) == expected


def test_a_standard_in_progress_is_not_held(sqlite_store):
    found = extract_profile(
        sqlite_store, "none yet. 13485 is in progress, audit in 4 months.", asked="rec_certifications"
    )
    assert found["rec_certifications"] == "none" and found["rec_deadline_months"] == "4"


@pytest.mark.parametrize(
    "text",
    [
        "we only have 12 months for the cmmi thing",
        "we have 12 months for cmmi",
        "we have a budget of 20k for iso 9001",
        "we got six months to get cmmi done",
    ],
)
def test_time_or_money_for_a_framework_is_not_the_framework_held(store, text):
    assert "rec_certifications" not in extract_profile(store, text)


def test_a_framework_had_for_years_is_still_held(store):
    assert extract_profile(store, "we have had iso 9001 for two years")["rec_certifications"] == "iso9001"


@pytest.mark.parametrize(
    "text", ["hmm that not what I ask. ok forget it. help me choose", "thats not what i asked, i meant the price"]
)
def test_a_complaint_about_the_reply_says_nothing_of_contracts(store, text):
    assert "rec_requirement" not in extract_profile(store, text)
