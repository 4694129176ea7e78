"""Guided recommendation: read a user's profile and decide which framework to
pursue, in which order and why. Plain Python, no Rasa.

The decision follows the seed article: its "Should I get CMMI appraisal?" table
(store: industry_fit), "Do I also need ISO 9001?", its five examples and the
integrated approach. Every statement of substance in the result (table rows,
outcomes, durations, next steps) is read from the knowledge store and cited;
every statement about the user repeats what the user stated.

Reading messages lives in bot/profile.py: `extract_profile(store, text,
entities=None, asked=None)` is the one function the form and the question
answering call; `parse_answer` and `parse_statement` below are its two uses.

Slot values are canonical strings so they survive the tracker unchanged and
parsing them again gives the same value (validation is idempotent):
  rec_industry        an industries.yml key, e.g. "software"
  rec_customers       comma-separated customer_types.yml keys, or "unknown";
                      "commercial" also when the user only excluded government /
                      defense ("not government", "nothing for government")
  rec_requirement     comma-separated framework keys ("cmmi", "iso9001", "as9100"),
                      "either" (contracts accept CMMI or ISO 9001), "none" or "unknown"
  rec_certifications  comma-separated framework keys, "none" or "unknown"
  rec_size            "300", a band "1-24" / "25-250" / "251+", or "unknown"
  rec_timeline        "urgent" | "within_year" | "flexible" | "unknown"
                      (from a deadline: <= 6 months urgent, <= 12 within_year)
  rec_goal            "market_access" | "process_maturity" | "customer_satisfaction" | "unknown"
  rec_target_level    "2".."5": the CMMI maturity level contracts require
  rec_deadline_months "8": months until the user's deadline ("the RFP closes in 8 months")
Outcome keys (content/outcomes.yml): iso9001_only, cmmi, both_cmmi_first,
both_iso_first, both, iso9001_as9100, iso9001_as9100_only, as9100_held, sector_standard_held,
sector_standard_held_add_cmmi, iso_first_cmmi_later, cmmi_optional, cmmi_optional_iso_held, iso9001_held,
iso9001_held_add_cmmi, iso9001_held_cmmi_later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from bot.answers import Citations, compare_deadline, deadline_band, deadline_relation, month_count
from bot.profile import (  # noqa: F401 - re-exported for the actions and tests
    EITHER,
    NONE,
    UNKNOWN,
    describe_found,
    extract_profile,
    is_skip,
    keys_of,
    parse_goal,
    parse_size,
    parse_timeline,
    scan_aliases,
    target_level,
)
from bot.store import KnowledgeStore
from bot.store import models as m

# Slot names, in the order the form asks them.
SLOTS = (
    "rec_industry",
    "rec_customers",
    "rec_requirement",
    "rec_certifications",
    "rec_size",
    "rec_timeline",
    "rec_goal",
)
# Filled from what the user states, never asked on their own.
EXTRA_SLOTS = ("rec_target_level", "rec_deadline_months", "rec_sites")
# What an answer the form could not use twice is taken to mean ("not sure";
# an industry it cannot place is "other").
ASSUMED_WHEN_UNSURE = {"rec_industry": "other"}

_keys = keys_of


def size_range(size: Optional[str]) -> Optional[tuple[int, Optional[int]]]:
    """(low, high) staff for a canonical size; high None means "and up"."""
    if not size or size == UNKNOWN:
        return None
    if size.endswith("+"):
        return int(size[:-1]), None
    if "-" in size:
        low, high = size.split("-")
        return int(low), int(high)
    return int(size), int(size)


def parse_answer(store: KnowledgeStore, slot: str, value: object) -> Optional[str]:
    """The canonical value for the answer to `slot`'s question, or None if unusable."""
    if value is None:
        return None
    return extract_profile(store, value, asked=slot).get(slot)


def parse_statement(store: KnowledgeStore, text: str, entities: Optional[list[dict]] = None) -> dict[str, str]:
    """Every profile slot a free statement fills (an opening, a correction), as
    canonical values; only what the text states, never guesses."""
    return extract_profile(store, text, entities)


# -- the decision ------------------------------------------------------------
@dataclass
class Profile:
    industry: Optional[str] = None
    customers: str = UNKNOWN
    requirement: str = UNKNOWN
    certifications: str = UNKNOWN
    size: str = UNKNOWN
    timeline: str = UNKNOWN
    goal: str = UNKNOWN
    target_level: Optional[int] = None
    deadline_months: Optional[int] = None
    sites: Optional[int] = None

    @classmethod
    def from_slots(cls, slots: dict) -> "Profile":
        def get(name: str, default: str) -> str:
            value = slots.get(name)
            return default if value in (None, "") else str(value)

        level = slots.get("rec_target_level")
        deadline = slots.get("rec_deadline_months")
        sites = str(slots.get("rec_sites") or "")
        return cls(
            industry=slots.get("rec_industry") or None,
            customers=get("rec_customers", UNKNOWN),
            requirement=get("rec_requirement", UNKNOWN),
            certifications=get("rec_certifications", UNKNOWN),
            size=get("rec_size", UNKNOWN),
            timeline=get("rec_timeline", UNKNOWN),
            goal=get("rec_goal", UNKNOWN),
            target_level=int(level) if level not in (None, "") else None,
            deadline_months=int(str(deadline)) if str(deadline or "").isdigit() and int(str(deadline)) > 0 else None,
            sites=int(sites) if sites.isdigit() else None,
        )

    @property
    def customer_keys(self) -> set[str]:
        return set(_keys(self.customers)) - {UNKNOWN}

    @property
    def required(self) -> set[str]:
        return set(_keys(self.requirement)) - {UNKNOWN, NONE, EITHER}

    @property
    def held(self) -> set[str]:
        return set(_keys(self.certifications)) - {NONE, UNKNOWN}


@dataclass
class Phase:
    framework_key: str
    title: str
    min_months: int
    max_months: int
    source: m.Source
    estimate: Optional[m.TimelineEstimate] = None
    steps: list[str] = field(default_factory=list)
    note: str = ""
    appraisal: list[m.Fact] = field(default_factory=list)


@dataclass
class Recommendation:
    outcome: m.Outcome
    fit_row: Optional[m.IndustryFit]
    reasons: list[str]
    assumptions: list[str]
    phases: list[Phase]
    next_steps: list[m.NextStep]
    examples: list[m.Example]
    citations: Citations
    held: list[m.Framework] = field(default_factory=list)
    # facts the article's table leaves out for the user's industry (Automotive SPICE)
    notes: list[m.Fact] = field(default_factory=list)
    # standards the user's contracts require that no outcome plans for (ISO 13485)
    unplanned: list[m.Framework] = field(default_factory=list)
    # the user's industry, when the table row is another's ("IT services with government clients")
    nearest_row_for: Optional[str] = None
    # what the user said their contracts require ("CMMI (maturity level 3)"), where CMMI is in it
    stated_requirement: Optional[str] = None

    @property
    def key(self) -> str:
        return self.outcome.key


# Which row of the article's table describes an industry: the row's industry
# key in the store, with aerospace on the aerospace / defense contractor row.
# Industries not listed are general manufacturing / services (non-software).
# Sector standards built on ISO 9001, each with the fact that says so (facts.yml keys):
# a holder is told "keep ISO 9001 current", and the fact says what that means.
# ISO 13485 is separate from ISO 9001, though similar.
_BUILDS_ON_ISO9001 = {
    "as9100": "as9100_includes_iso9001",
    "iatf16949": "iatf16949_builds_on_iso9001",
    "tl9000": "tl9000_builds_on_iso9001",
}
# Held, these give an ISO 9001 quality management system.
HAS_ISO9001 = {"iso9001", *_BUILDS_ON_ISO9001}
# What the sources say of a standard the article's table does not plan for (facts.yml keys)
_RELATION_TO_ISO9001 = {**_BUILDS_ON_ISO9001, "iso13485": "iso13485_separate_similar"}
# The standards the outcomes plan for; a contract's requirement of another is said, not planned
PLANNED_STANDARDS = {"cmmi", "iso9001", "as9100"}
_ROW_INDUSTRY = {"software": "software", "defense": "defense", "aerospace": "defense", "it_services": "it_services"}
_GOV = {"defense", "federal"}


def _not_government(profile: Profile) -> bool:
    """The user named their customers, and none is defense or government."""
    return bool(profile.customer_keys) and not profile.customer_keys & _GOV


def _row(store: KnowledgeStore, industry_key: Optional[str]) -> Optional[m.IndustryFit]:
    rows = store.industry_fit()
    return next((r for r in rows if r.industry_key == industry_key), None)


def table_row(store: KnowledgeStore, profile: Profile) -> Optional[m.IndustryFit]:
    """The row of "Should I get CMMI appraisal?" that fits the profile."""
    customers = profile.customer_keys
    group = _ROW_INDUSTRY.get(profile.industry or "", "manufacturing")
    if group == "manufacturing" and {"as9100"} & (profile.held | profile.required):
        # a machining shop holding AS9100 is an aerospace supplier (the article's example 2)
        return table_row(store, replace(profile, industry="aerospace"))
    if group == "software":
        if customers & (_GOV | {"enterprise"}):
            return _row(store, "software")
        # Commercial-only software is outside row 1's qualifier; seeking
        # process maturity is the "any organization" row.
        return _row(store, None) if profile.goal == "process_maturity" else None
    if group == "it_services":
        if customers & _GOV:
            return _row(store, "defense") if "defense" in customers else _row(store, "software")
        if profile.goal == "process_maturity":
            return _row(store, None)
        return _row(store, "it_services")
    if group == "defense" and profile.industry == "aerospace" and customers and not customers & _GOV:
        # a civil aerospace supplier: a manufacturer, not a defense contractor
        return _row(store, "manufacturing") if "cmmi" not in profile.required else _row(store, "defense")
    if group == "defense":
        return _row(store, "defense")
    if not profile.industry or profile.industry == "other":
        if customers & _GOV:
            return _row(store, "defense")
        return _row(store, None) if profile.goal == "process_maturity" else None
    if customers & _GOV and profile.required & {"cmmi"}:
        return _row(store, "defense")
    # the article's last row: any organization seeking process maturity (CMMI voluntary)
    return _row(store, None) if profile.goal == "process_maturity" else _row(store, "manufacturing")


SMALL_FIRM_BELOW = 25  # staff: the vendors' smallest size band


def decide(store: KnowledgeStore, profile: Profile) -> tuple[str, Optional[m.IndustryFit], list[str]]:
    """(outcome key, table row, assumptions) for a profile."""
    assumptions: list[str] = []
    row = table_row(store, profile)
    required, held, customers = profile.required, profile.held, profile.customer_keys
    has_iso = bool(held & HAS_ISO9001)
    # a deadline for required CMMI that ISO 9001 first could not meet is time pressure too
    urgent = profile.timeline == "urgent" or (
        "cmmi" in required
        and profile.deadline_months is not None
        and profile.deadline_months < _shortest_months(roadmap(store, "both_iso_first", profile))
    )
    staff = size_range(profile.size)
    # the article's small software startup starts with ISO 9001 and considers CMMI later:
    # a small firm without government customers, not sure of its contracts, is not assumed to need CMMI now
    small = staff is not None and staff[1] is not None and staff[1] < SMALL_FIRM_BELOW and not (customers & _GOV)
    if profile.timeline == UNKNOWN:
        assumptions.append("timeline: no immediate deadline")
    if profile.requirement == UNKNOWN and small:
        assumptions.append("contract requirements: none yet, as for the article's small startup")
    elif profile.requirement == UNKNOWN:
        assumptions.append(
            "contract requirements: as in the article's table for your sector"
            + (f" ({row.label.lower()})" if row else "")
        )
    if profile.customers == UNKNOWN:
        assumptions.append("customers: as typical for your industry")
    if profile.certifications == UNKNOWN:
        assumptions.append("certifications: none held yet")

    aerospace = profile.industry == "aerospace" or "as9100" in required or "as9100" in held
    cmmi_required = "cmmi" in required
    cmmi_likely = (
        profile.requirement == UNKNOWN and not small and row is not None and row.cmmi_recommendation == "often_required"
    )
    if aerospace and "as9100" in held:
        # never "close the gap to AS9100" for its holder; CMMI joins the plan where required
        return "as9100_held", row, assumptions
    if aerospace:
        # "and CMMI where contracts require it" only where they do, or may
        return ("iso9001_as9100" if cmmi_required or cmmi_likely else "iso9001_as9100_only"), row, assumptions
    if held & _RELATION_TO_ISO9001.keys() and not held & {"iso9001", "as9100"}:
        # IATF 16949 builds on ISO 9001, ISO 13485 is separate but similar: its holder is told neither
        # "you already hold ISO 9001" nor "start an ISO 9001 gap analysis", even where contracts ask for
        # ISO 9001 (the sources do not say whether the holder's certificate stands in for it: "check")
        if cmmi_required:
            return "sector_standard_held_add_cmmi", row, assumptions
        return "sector_standard_held", None, assumptions
    if cmmi_required or cmmi_likely:
        if has_iso:
            return "iso9001_held_add_cmmi", row, assumptions
        # both at once where ISO 9001 is asked for too, for large enterprises (row 1), or
        # where beside government work there is commercial work to win (example 1)
        if "iso9001" in required or "enterprise" in customers or (customers & _GOV and "commercial" in customers):
            return "both", row, assumptions
        if urgent:
            only_gov = customers and customers <= _GOV
            if only_gov and profile.goal in ("market_access", UNKNOWN):
                return "cmmi", row, assumptions
            return "both_cmmi_first", row, assumptions
        return "both_iso_first", row, assumptions
    if row is not None and row.cmmi_recommendation == "often_required":
        # The sector often needs CMMI, but these contracts do not (yet).
        return ("iso9001_held_cmmi_later" if has_iso else "iso_first_cmmi_later"), row, assumptions
    if profile.goal == "process_maturity" and (row is None or row.cmmi_recommendation == "voluntary"):
        return ("iso9001_held_cmmi_later" if has_iso else "iso_first_cmmi_later"), row or _row(store, None), assumptions
    if row is not None and row.cmmi_recommendation == "optional":
        return ("cmmi_optional_iso_held" if has_iso else "cmmi_optional"), row, assumptions
    return ("iso9001_held" if has_iso else "iso9001_only"), row, assumptions


# Durations and order of the roadmap phases per outcome.
_ORDER = {
    "iso9001_only": ["iso9001"],
    "cmmi": ["cmmi"],
    "both_cmmi_first": ["cmmi", "iso9001"],
    "both_iso_first": ["iso9001", "cmmi"],
    "both": ["iso9001", "cmmi"],
    "iso9001_as9100": ["iso9001", "as9100", "cmmi"],
    "iso9001_as9100_only": ["iso9001", "as9100"],
    "as9100_held": ["as9100", "cmmi"],
    "sector_standard_held": ["cmmi"],
    "sector_standard_held_add_cmmi": ["cmmi"],
    "iso_first_cmmi_later": ["iso9001", "cmmi"],
    "cmmi_optional": ["iso9001", "cmmi"],
    "cmmi_optional_iso_held": ["iso9001", "cmmi"],
    "iso9001_held": ["iso9001"],
    "iso9001_held_add_cmmi": ["iso9001", "cmmi"],
    "iso9001_held_cmmi_later": ["iso9001", "cmmi"],
}
# CMMI in the plan only where contracts require it
_CMMI_IF_REQUIRED = ("iso9001_as9100", "as9100_held", "sector_standard_held")
_LATER = {
    "iso_first_cmmi_later": "later, if contracts require it",
    "iso9001_held_cmmi_later": "later, if contracts require it",
    "cmmi_optional": "optional, a differentiator",
    "cmmi_optional_iso_held": "optional, a differentiator",
}
# The article calls the CMMI appraisal SCAMPI; what it is called today (facts.yml).
_APPRAISAL_FACTS = ("cmmi_scampi_article", "cmmi_scampi_replaced", "cmmi_benchmark_appraisal")


def _size_estimate(store: KnowledgeStore, framework_key: str, profile: Profile) -> Optional[m.TimelineEstimate]:
    estimates = store.timeline_estimates(framework_key)
    if framework_key == "cmmi":
        level = profile.target_level or 3
        return next((e for e in estimates if e.maturity_level == level), None)
    if profile.sites and profile.sites > 1:
        several = next((e for e in estimates if e.or_multi_site), None)
        if several is not None:
            return several  # "250+ staff or multi-site"
    # an estimate with no staff band holds for any size (AS9100 on top of ISO 9001)
    any_size = next((e for e in estimates if e.min_staff is None and e.max_staff is None), None)
    staff = size_range(profile.size)
    if staff is None:
        return any_size
    low, high = staff
    for e in estimates:
        if e.min_staff is None and e.max_staff is None:
            continue
        fits_low = e.min_staff is None or low >= e.min_staff
        fits_high = e.max_staff is None or (high is not None and high <= e.max_staff)
        if fits_low and fits_high:
            return e
    banded = next(
        (
            e
            for e in estimates
            if e.min_staff is not None and (e.max_staff is None or low <= e.max_staff) and low >= (e.min_staff or 0)
        ),
        None,
    )
    return banded or any_size


def _shortest_months(phases: list[Phase]) -> int:
    """The least time the phases take one after another, by the estimates the plan shows."""
    return sum((phase.estimate or phase).min_months for phase in phases)


def roadmap(store: KnowledgeStore, outcome_key: str, profile: Profile) -> list[Phase]:
    phases: list[Phase] = []
    for framework_key in _ORDER[outcome_key]:
        if framework_key in profile.held or (framework_key == "iso9001" and profile.held & HAS_ISO9001):
            continue
        if framework_key == "cmmi" and outcome_key in _CMMI_IF_REQUIRED and "cmmi" not in profile.required:
            continue
        framework = store.framework(framework_key)
        if framework is None:
            continue  # a framework the content does not define has no phase
        process = store.process(framework_key)
        estimate = _size_estimate(store, framework_key, profile)
        if process is not None:
            phase = Phase(
                framework_key,
                process.name,
                process.min_months,
                process.max_months,
                process.source,
                estimate,
                [s.name for s in process.steps],
            )
        elif estimate is not None:
            phase = Phase(
                framework_key,
                estimate.scope if estimate.scope.startswith(framework.name) else f"{framework.name}: {estimate.scope}",
                estimate.min_months,
                estimate.max_months,
                estimate.source,
            )
            estimate = None
            phase.estimate = None
        else:
            continue
        if framework_key == "cmmi" and outcome_key in _LATER:
            phase.note = _LATER[outcome_key]
        if outcome_key == "both" and len(phases) == 1:
            phase.note = "in parallel with ISO 9001 (integrated approach)"
        if framework_key == "cmmi":
            phase.appraisal = [f for f in (store.fact(k) for k in _APPRAISAL_FACTS) if f is not None]
        phases.append(phase)
    return phases


def _label(store: KnowledgeStore, kind: str, keys: list[str]) -> str:
    names = []
    for key in keys:
        obj: Optional[m.Industry | m.CustomerType | m.Framework]
        if kind == "industry":
            obj = store.industry(key)
        elif kind == "customer_type":
            obj = store.customer_type(key)
        else:
            obj = store.framework(key)
        names.append(obj.name if obj else key)
    return ", ".join(names)


def describe_answers(store: KnowledgeStore, profile: Profile) -> list[str]:
    """What the user stated, in their terms, for the reasons (nothing they skipped)."""
    lines = []
    if profile.industry:
        lines.append(f"industry: {_label(store, 'industry', [profile.industry])}")
    if profile.customer_keys:
        lines.append(f"customers: {_label(store, 'customer_type', sorted(profile.customer_keys))}")
    if profile.required:
        lines.append(
            f"contracts require: {_label(store, 'framework', sorted(profile.required))}"
            + (
                f" (maturity level {profile.target_level})"
                if profile.target_level and "cmmi" in profile.required
                else ""
            )
        )
    elif profile.requirement == NONE:
        lines.append("contracts require: none of these frameworks")
    elif profile.requirement == EITHER:
        lines.append("contracts accept: either CMMI or ISO 9001")
    if profile.certifications != UNKNOWN:
        lines.append(f"already held: {_label(store, 'framework', sorted(profile.held)) if profile.held else 'none'}")
    if profile.size != UNKNOWN:
        lines.append(f"size: {profile.size} staff")
    if profile.deadline_months:
        lines.append(f"deadline: {month_count(profile.deadline_months)}")
    elif profile.timeline != UNKNOWN:
        lines.append(
            "timeline: "
            + {"urgent": "under pressure now", "within_year": "within a year", "flexible": "no immediate pressure"}[
                profile.timeline
            ]
        )
    if profile.goal != UNKNOWN:
        lines.append("main goal: " + profile.goal.replace("_", " "))
    return lines


# Article statements that explain each outcome (facts.yml keys).
_OUTCOME_FACTS = {
    "iso9001_only": ["bottom_line"],
    "cmmi": ["cmmi_contract_requirement"],
    "both_cmmi_first": ["cmmi_contract_requirement", "complementary_short_answer"],
    "both_iso_first": ["complementary_advice_iso_first", "transfer_faster_cheaper"],
    "both": ["complementary_short_answer", "integrated_roles"],
    "iso9001_as9100": ["complementary_cmmi_separate"],
    "iso9001_as9100_only": ["complementary_cmmi_separate"],
    "as9100_held": ["tip_know_contract_requirements"],
    "sector_standard_held": [],
    "sector_standard_held_add_cmmi": ["cmmi_contract_requirement"],
    "iso_first_cmmi_later": ["transfer_advice_iso_first", "cmmi_voluntary_internal_use"],
    "cmmi_optional": ["bottom_line"],
    "cmmi_optional_iso_held": ["bottom_line"],
    "iso9001_held": ["bottom_line"],
    "iso9001_held_add_cmmi": ["iso9001_reduces_cmmi_time", "integrated_roles"],
    "iso9001_held_cmmi_later": ["cmmi_voluntary_internal_use"],
}

# Industries the article's table has no row for, and the fact that points them on
# (facts.yml keys): automotive software is assessed with Automotive SPICE.
_INDUSTRY_FACTS = {"automotive": ["aspice_counterpart"]}
# Outcome facts that say again what the article's table row already says.
_SAID_BY_THE_ROW = {"cmmi_contract_requirement"}
# Outcome facts that argue from defense and government work
_ABOUT_GOVERNMENT = {"bottom_line"}
# Outcome facts that make the same point as another fact (key -> the other's key).
_SAME_POINT = {"iso9001_reduces_cmmi_time": "transfer_faster_cheaper"}


def deadline_reason(profile: Profile, phases: list["Phase"], cite: Citations) -> Optional[str]:
    """The user's deadline against every duration of the roadmap (store rows, cited)."""
    if not profile.deadline_months or not phases:
        return None
    parts = []
    for phase in phases:
        # the estimate for the user's size or level where there is one, as in the plan
        figure = phase.estimate or phase
        source = phase.estimate.source if phase.estimate else phase.source
        # "CMMI maturity level 3 (ML2 or ML3: 6–12 months)": the figure follows anyway
        name = re.sub(r"\s*\(.*\)$", "", phase.estimate.scope) if phase.estimate else phase.title
        parts.append(
            f"{name}: {compare_deadline(profile.deadline_months, figure.min_months, figure.max_months)}"
            f" {cite.mark(source)}"
        )
    return f"Your deadline is {month_count(profile.deadline_months)} away. " + "; ".join(parts) + "."


def in_sequence(rec: Recommendation) -> list[Phase]:
    """The phases done one after another before the plan is complete: not those for
    later or optional, and none for the integrated approach (its steps run in parallel)."""
    if rec.key == "both":
        return []
    return [p for p in rec.phases if p.framework_key != "cmmi" or rec.key not in _LATER]


def pursues_cmmi_now(rec: Recommendation) -> bool:
    """The plan has a CMMI step now, not later or as an option."""
    return rec.key not in _LATER and any(p.framework_key == "cmmi" for p in rec.phases)


def sequence_check(rec: Recommendation, profile: Profile) -> Optional[str]:
    """ "In sequence: 12–21 months; your 12 months is at the short end of that": the
    deadline against the steps one after another, not each step alone."""
    steps = in_sequence(rec)
    if not profile.deadline_months or len(steps) < 2:
        return None
    low = _shortest_months(steps)
    high = sum((p.estimate or p).max_months for p in steps)
    relation = deadline_relation(profile.deadline_months, low, high)
    return f"In sequence: {_months(low, high)}; your {month_count(profile.deadline_months)} is {relation} that."


def misses_deadline(rec: Recommendation, profile: Profile) -> bool:
    """The user's deadline is shorter than even the low end of the plan's first step,
    or of a step for a framework their contracts require."""
    if not profile.deadline_months:
        return False
    due = [p for n, p in enumerate(rec.phases) if n == 0 or p.framework_key in profile.required]
    return any(
        deadline_band(profile.deadline_months, f.min_months, f.max_months) == "short"
        for f in (p.estimate or p for p in due)
    )


# Outcomes whose summary says how the held standard relates to ISO 9001 (no note repeats it)
_SAYS_ITS_RELATION = ("as9100_held", "sector_standard_held", "sector_standard_held_add_cmmi")


def _for_held_standard(store: KnowledgeStore, outcome: m.Outcome, profile: Profile) -> m.Outcome:
    """The outcome with {held} and {relation} filled in for the sector standard the user holds."""
    if "{held}" not in outcome.title + outcome.summary:
        return outcome
    standards = [f for f in (store.framework(k) for k in sorted(profile.held & _RELATION_TO_ISO9001.keys())) if f]
    relations = [store.fact(_RELATION_TO_ISO9001[f.key]) for f in standards]
    held = " and ".join(f.name for f in standards)
    relation = " ".join(fact.text for fact in relations if fact is not None)
    filled = m.Outcome(
        key=outcome.key,
        title=outcome.title.format(held=held, relation=relation),
        summary=outcome.summary.format(held=held, relation=relation),
        source_key=outcome.source_key,
    )
    filled.source = outcome.source  # a copy for this result: the stored row keeps its placeholders
    return filled


def recommend(store: KnowledgeStore, profile: Profile) -> Recommendation:
    outcome_key, row, assumptions = decide(store, profile)
    stored = store.outcome(outcome_key)
    if stored is None:
        raise ValueError(f"the content has no outcome {outcome_key!r} (content/outcomes.yml)")
    outcome = _for_held_standard(store, stored, profile)
    cite = Citations()
    reasons: list[str] = []
    # what decided it, as the user stated it (their pace and goal change the plan, not the choice)
    answers = [a for a in describe_answers(store, profile) if not a.startswith(("timeline:", "main goal:"))]
    if answers:
        reasons.append("You told me: " + "; ".join(answers) + ".")
    if row is not None and "cmmi" not in profile.required:
        # the table says what a sector usually needs; where contracts demand CMMI, they decided it
        qualifier = f" ({row.qualifier})" if row.qualifier else ""
        reasons.append(
            f'The article\'s "Should I get CMMI appraisal?" table, row "{row.role}{qualifier}": '
            f"CMMI {row.label.lower()}. {row.why} {cite.mark(row.source)}"
        )
    if {"cmmi", "iso9001"} <= profile.required:
        reasons.append(
            "You said your contracts or RFPs require CMMI and ISO 9001, so both a CMMI maturity level rating "
            "and ISO 9001 certification are needed for eligibility."
        )
    elif "cmmi" in profile.required:
        reasons.append(
            "You said your contracts or RFPs require CMMI, so a CMMI maturity level rating is needed for eligibility."
        )
    elif "iso9001" in profile.required:
        reasons.append("You said your contracts or RFPs require ISO 9001 certification.")
    if profile.requirement == EITHER:
        iso, cmmi = store.process("iso9001"), store.process("cmmi")
        if iso is not None and cmmi is not None:
            reasons.append(
                f"You said your contracts accept either CMMI or ISO 9001. The article puts ISO 9001 certification at "
                f"{_months(iso.min_months, iso.max_months)} {cite.mark(iso.source)} and a CMMI appraisal at "
                f"{_months(cmmi.min_months, cmmi.max_months)} {cite.mark(cmmi.source)}."
            )
    held = [f for f in (store.framework(k) for k in sorted(profile.held)) if f is not None]
    if held:
        reasons.append(
            f"You already hold {', '.join(f.name for f in held)}, so the plan keeps it current "
            "rather than starting it again."
        )
    if profile.held & HAS_ISO9001 and any(k == "cmmi" for k in _ORDER[outcome_key]):
        fact = store.fact("transfer_faster_cheaper")
        if fact:
            reasons.append(f"{fact.text} {cite.mark(fact.source)}")
    for fact_key in _OUTCOME_FACTS.get(outcome_key, []):
        fact = store.fact(fact_key)
        if fact_key in _SAID_BY_THE_ROW and row is not None:
            continue
        if fact_key in _ABOUT_GOVERNMENT and row is not None and _not_government(profile):
            continue  # "if you bid on defense contracts..." to a supplier of private banks
        twin = store.fact(_SAME_POINT.get(fact_key, ""))
        if twin is not None and twin.text in " ".join(reasons):
            continue  # "ISO 9001 makes CMMI faster" is said once
        if fact and fact.text not in " ".join(reasons):
            reasons.append(f"{fact.text} {cite.mark(fact.source)}")
    # one example: the one whose customers are most like the user's (a commercial-only
    # user is never told about a defense contractor)
    examples = sorted(
        (
            e
            for e in store.examples()
            if e.outcome_key == outcome_key and not (_GOV & set(_keys(e.customers)) and _not_government(profile))
        ),
        key=lambda e: -len(set(_keys(e.customers)) & profile.customer_keys),
    )[:1]
    for example in examples:
        reasons.append(
            f"The article's example {example.number} ({example.title}) reached the same decision: "
            f"{example.decision} {cite.mark(example.source)}"
        )
    cite.mark(outcome.source)
    phases = roadmap(store, outcome_key, profile)
    deadline = deadline_reason(profile, phases, cite)
    if deadline:
        reasons.append(deadline)
    for phase in phases:
        cite.mark(phase.source)
        if phase.estimate:
            cite.mark(phase.estimate.source)
    steps = store.next_steps(outcome_key)
    for step in steps:
        cite.mark(step.source)
    note_keys = list(_INDUSTRY_FACTS.get(profile.industry or "", []))
    if "iso9001" not in profile.held and outcome_key not in _SAYS_ITS_RELATION:
        note_keys += [_BUILDS_ON_ISO9001[k] for k in sorted(profile.held & _BUILDS_ON_ISO9001.keys())]
    unplanned_keys = sorted(profile.required - PLANNED_STANDARDS - profile.held)
    unplanned = [f for f in (store.framework(k) for k in unplanned_keys) if f is not None]
    if unplanned:
        reasons.insert(0, unplanned_line(unplanned))
    note_keys += [_RELATION_TO_ISO9001[k] for k in unplanned_keys if k in _RELATION_TO_ISO9001]
    notes = [f for f in (store.fact(k) for k in dict.fromkeys(note_keys)) if f is not None]
    for note in notes:
        reasons.append(f"{note.text} {cite.mark(note.source)}")
    own_row = _ROW_INDUSTRY.get(profile.industry or "", "manufacturing")
    nearest = None
    if row is not None and row.industry_key and own_row == "it_services" and row.industry_key != own_row:
        industry = store.industry(profile.industry or "")
        nearest = f"{industry.name if industry else profile.industry} with government clients"
    stated = next((a.split(": ", 1)[1] for a in answers if a.startswith("contracts require: ")), None)
    return Recommendation(
        outcome,
        row,
        reasons,
        assumptions,
        phases,
        steps,
        examples,
        cite,
        held,
        notes,
        unplanned,
        nearest,
        # CMMI demanded decides the plan; a standard no plan covers has its own line (unplanned_line)
        stated_requirement=stated if "cmmi" in profile.required else None,
    )


def unplanned_line(unplanned: list[m.Framework]) -> str:
    """What a plan for CMMI and ISO 9001 says of another standard the contracts require."""
    names = " and ".join(f.name for f in unplanned)
    return (
        f"Your contracts also require {names}, which this plan does not cover: it is about CMMI and "
        f"ISO 9001 only, as the article's table is. A consultant can help with {names}."
    )


def _months(low: int, high: int) -> str:
    return f"{low}–{high} months"


def render_roadmap(rec: Recommendation, profile: Profile) -> list[str]:
    lines = []
    for n, phase in enumerate(rec.phases, start=1):
        line = f"{n}. {phase.title}: {_months(phase.min_months, phase.max_months)} {rec.citations.mark(phase.source)}"
        if phase.estimate:
            line += (
                f"; estimate for {phase.estimate.scope}: "
                f"{_months(phase.estimate.min_months, phase.estimate.max_months)} "
                f"{rec.citations.mark(phase.estimate.source)}"
            )
        if phase.note:
            line += f" ({phase.note})"
        if phase.steps:
            line += "\n   Steps: " + " → ".join(phase.steps)
        if phase.appraisal:
            article = [f for f in phase.appraisal if f.status == "article"]
            current = [f for f in phase.appraisal if f.status != "article"]
            text = "\n   Appraisal: "
            if article:
                text += "the article says: " + " ".join(f"{f.text} {rec.citations.mark(f.source)}" for f in article)
            if current:
                text += (
                    " Today (as of "
                    + max(f.as_of for f in current).isoformat()
                    + "): "
                    + " ".join(f"{f.text} {rec.citations.mark(f.source)}" for f in current)
                )
            line += text
        lines.append(line)
    for framework in rec.held:
        lines.append(f"- Already held: {framework.name}, keep it current.")
    return lines


def render(rec: Recommendation, profile: Profile) -> str:
    """The full result: title first (channels rely on it), then why, roadmap, next steps, sources."""
    cite = rec.citations
    parts = [f"{rec.outcome.title}", f"{rec.outcome.summary} {cite.mark(rec.outcome.source)}"]
    parts.append("Why:\n" + "\n".join(f"- {r}" for r in rec.reasons))
    if rec.assumptions:
        parts.append("Assumed (you skipped or weren't sure): " + "; ".join(rec.assumptions) + ".")
    road = render_roadmap(rec, profile)
    if road:
        parts.append("Roadmap:\n" + "\n".join(road))
    if rec.next_steps:
        parts.append("Next steps:\n" + "\n".join(f"- {s.text} {cite.mark(s.source)}" for s in rec.next_steps))
    # the footnotes stay with the last part (a blank line would make them a message of their own)
    return cite.below("\n\n".join(parts))


def _plan(rec: Recommendation, profile: Profile, cite: Citations) -> list[str]:
    """The phases in order, each with the estimate for the user's size or level where
    there is one (else the article's figure) and the deadline check."""
    plan = []
    for n, phase in enumerate(rec.phases, start=1):
        figure = phase.estimate or phase
        source = phase.estimate.source if phase.estimate else phase.source
        note = f", {phase.note}" if phase.note else ""
        check = ""
        if profile.deadline_months:
            # the figure is just before: "6–9 months (estimate); your 5 months is shorter than that"
            relation = deadline_relation(profile.deadline_months, figure.min_months, figure.max_months)
            check = f"; your {month_count(profile.deadline_months)} is {relation} that"
            bands = {deadline_band(profile.deadline_months, f.min_months, f.max_months) for f in (figure, phase)}
            if phase.estimate and len(bands) > 1:
                # "5 months" against 6–9 (vendor, for the size) and 2–6 (article): both, not one
                relation = deadline_relation(profile.deadline_months, phase.min_months, phase.max_months)
                article = _months(phase.min_months, phase.max_months)
                check += f" {cite.mark(source)}, though {relation} the article's {article}"
                source = phase.source
        title = phase.title
        if phase.estimate and phase.estimate.maturity_level:
            title += f" (maturity level {phase.estimate.maturity_level})"  # the level the estimate is for
        plan.append(
            f"{n}. {title}: {_months(figure.min_months, figure.max_months)}"
            f"{' (estimate)' if phase.estimate else ''}{note}{check} {cite.mark(source)}"
        )
    return plan


def render_order(rec: Recommendation, profile: Profile) -> str:
    """ "In what order?" after the result: the order of the user's own plan."""
    cite = Citations()
    # what is held comes first: "1. ISO 9001: already held, keep it current. 2. CMMI appraisal: ..."
    held = [f"{f.name}: already held, keep it current." for f in rec.held]
    steps = held + [line.split(". ", 1)[1] for line in _plan(rec, profile, cite)]
    lines = [f"In the order of your plan ({rec.outcome.title}):"] + [f"{n}. {s}" for n, s in enumerate(steps, 1)]
    return cite.below("\n".join(lines))


def render_gist(rec: Recommendation) -> str:
    """ "simpler please" after the result: the decision and its one-sentence summary."""
    cite = Citations()
    return cite.below(f"{rec.outcome.title}: {rec.outcome.summary} {cite.mark(rec.outcome.source)}")


def render_brief(rec: Recommendation, profile: Profile) -> str:
    """The result as the first message: the decision, a one-line plan with the
    estimate for the user's case, the deadline check and the first next step. The
    reasons ("why?") and the full roadmap (render) are a click away."""
    cite = Citations()
    lines = [rec.outcome.title, f"{rec.outcome.summary} {cite.mark(rec.outcome.source)}"]
    if rec.stated_requirement:
        lines.append(f"Because you said your contracts or RFPs require {rec.stated_requirement}.")
    if rec.unplanned:
        lines.append(unplanned_line(rec.unplanned))
    if rec.held:
        kept = "keep them current" if len(rec.held) > 1 else "keep it current"
        lines.append("Already held: " + ", ".join(f.name for f in rec.held) + f", {kept}.")
    if rec.fit_row is not None and profile.requirement == UNKNOWN:
        # the table decided it only where the user's contracts are unknown; else it is one of the reasons
        row = rec.fit_row
        nearest = f", the nearest row for {rec.nearest_row_for}" if rec.nearest_row_for else ""
        lines.append(
            f"The article's table for {row.role.lower()}{nearest}: CMMI {row.label.lower()}. {row.why} "
            f"{cite.mark(row.source)}"
        )
    for note in rec.notes:
        lines.append(f"{note.text} {cite.mark(note.source)}")
    plan = _plan(rec, profile, cite)
    if plan:
        lines.append("Plan: " + " ".join(plan + [sequence_check(rec, profile) or ""]).strip())
    if rec.next_steps:
        first = rec.next_steps[0]  # the rest are in the full plan, a click away
        lines.append(f"First step: {first.text} {cite.mark(first.source)}")
    return cite.below("\n".join(lines))


def render_reasons(rec: Recommendation) -> str:
    """The answer to "why?": the reasons again, with their sources."""
    cite = rec.citations
    parts = [f"Why {rec.outcome.title}:", "\n".join(f"- {r}" for r in rec.reasons)]
    if rec.assumptions:
        parts.append("Assumed: " + "; ".join(rec.assumptions) + ".")
    return cite.below_cited("\n".join(parts))


def summary_line(store: KnowledgeStore, rec: Recommendation, profile: Profile) -> str:
    """The recommendation as stored with a consultant request: title and answers."""
    return f"{rec.outcome.title} ({'; '.join(describe_answers(store, profile))})"
