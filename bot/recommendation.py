"""Guided recommendation: parse a user's answers and decide which framework to
pursue, in which order and why. Plain Python, no Rasa.

The decision follows the seed article: its "Should I get CMMI appraisal?" table
(store: industry_fit), "Do I also need ISO 9001?", its five examples and the
integrated approach. Every statement of substance in the result (table rows,
outcomes, durations, next steps) is read from the knowledge store and cited.

Slot values are canonical strings so they survive the tracker unchanged and
parsing them again gives the same value (validation is idempotent):
  industry      an industries.yml key, e.g. "software"
  customers     comma-separated customer_types.yml keys, or "unknown"
  requirement   comma-separated framework keys, "none" or "unknown"
  certifications comma-separated framework keys, or "none"
  size          "300", a band "25-250" / "251+", or "unknown"
  timeline      "urgent" | "within_year" | "flexible" | "unknown"
  goal          "market_access" | "process_maturity" | "customer_satisfaction" | "unknown"
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from bot.answers import Citations
from bot.store import KnowledgeStore
from bot.store import models as m

UNKNOWN = "unknown"
NONE = "none"

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

_SKIP = re.compile(
    r"^\s*(skip|pass|not sure|unsure|no idea|don'?t know|dunno|i don'?t know|not certain|no clue|"
    r"idk|n/?a|unknown|whatever|next|no preference|doesn'?t matter)\b",
    re.I,
)
_NONE = re.compile(r"^\s*(none|no|nope|nothing|neither|no one|nobody|not yet|not really|zero|0)\b", re.I)


def _norm(text: object) -> str:
    return " ".join(str(text or "").lower().split())


def is_skip(text: object) -> bool:
    return bool(_SKIP.match(_norm(text))) or _norm(text) == UNKNOWN


# -- alias scanning --------------------------------------------------------
def scan_aliases(store: KnowledgeStore, entity: str, text: str) -> list[str]:
    """Store keys whose aliases occur in text as whole words, longest alias first,
    non-overlapping, in order of appearance."""
    norm = _norm(text)
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in sorted(store.aliases(entity), key=lambda a: -len(a.text)):
        for match in re.finditer(r"(?<![\w-])" + re.escape(alias.text) + r"(?![\w-])", norm):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            hits.append((span[0], span[1], alias.value))
    keys: list[str] = []
    for _, _, value in sorted(hits):
        if value not in keys:
            keys.append(value)
    return keys


def _keys(value: str) -> list[str]:
    return [k for k in str(value).split(",") if k]


# -- answer parsers: canonical string, or None when the answer is unusable ----
def parse_industry(store: KnowledgeStore, text: object) -> Optional[str]:
    raw = _norm(text)
    if not raw:
        return None
    if store.industry(raw.replace(" ", "_")) is not None:
        return raw.replace(" ", "_")
    key = store.resolve("industry", raw)
    if key:
        return key
    found = scan_aliases(store, "industry", raw)
    return found[0] if found else None


def parse_customers(store: KnowledgeStore, text: object) -> Optional[str]:
    raw = _norm(text)
    if not raw:
        return None
    if is_skip(raw):
        return UNKNOWN
    parts = _keys(raw.replace(" ", ""))
    if parts and all(store.customer_type(p) is not None for p in parts):
        return ",".join(parts)
    found = scan_aliases(store, "customer_type", raw)
    if not found and re.search(r"\b(both|all of (them|these|the above)|mix)\b", raw):
        return None
    return ",".join(found) if found else None


_FRAMEWORK_CHOICES = ("cmmi", "iso9001", "as9100")


def _frameworks_in(store: KnowledgeStore, text: str) -> list[str]:
    return [k for k in scan_aliases(store, "framework", text) if k in _FRAMEWORK_CHOICES]


def parse_requirement(store: KnowledgeStore, text: object) -> Optional[str]:
    """Which frameworks contracts or RFPs require."""
    raw = _norm(text)
    if not raw:
        return None
    if raw in (NONE, UNKNOWN) or is_skip(raw):
        return UNKNOWN if raw != NONE else NONE
    found = _frameworks_in(store, raw)
    if re.search(r"\bboth\b", raw) and not found:
        found = ["cmmi", "iso9001"]
    if found:
        return ",".join(k for k in _FRAMEWORK_CHOICES if k in found)
    if _NONE.match(raw) or re.search(r"\b(no requirement|not required|don'?t require|doesn'?t require)\b", raw):
        return NONE
    return None


def parse_certifications(store: KnowledgeStore, text: object) -> Optional[str]:
    """Certifications already held; "none" when none."""
    raw = _norm(text)
    if not raw:
        return None
    if raw == NONE or is_skip(raw):
        return NONE
    found = _frameworks_in(store, raw)
    if found:
        return ",".join(k for k in _FRAMEWORK_CHOICES if k in found)
    if _NONE.match(raw):
        return NONE
    return None


_SIZE_UNITS = r"(?:people|persons?|staff|employees?|emps|ftes?|engineers|developers|devs|workers|heads?|headcount|strong)"
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_size(text: object, bare_number: bool = True) -> Optional[str]:
    """Organization size as "300" or a band "25-250" / "251+"; "unknown" on skip.

    bare_number: accept a number without a unit (only when the question is asked)."""
    raw = _norm(text)
    if not raw:
        return None
    if raw == UNKNOWN or is_skip(raw):
        return UNKNOWN
    band = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)|(\d+)\s*\+", raw.replace(",", ""))
    if band:
        if band.group(3):
            return f"{int(band.group(3))}+" if int(band.group(3)) > 0 else None
        low, high = int(band.group(1)), int(band.group(2))
        return f"{low}-{high}" if 0 < low <= high else None
    if re.search(r"(^|\s)-\s*\d", raw):
        return None  # negative numbers are not a size
    with_unit = re.search(rf"({_NUMBER})\s*(?:-\s*)?(?:{_SIZE_UNITS})\b", raw)
    if with_unit:
        value = _int(with_unit.group(1))
        return str(value) if value > 0 else None
    if re.search(r"\b(solo|just me|one-person|sole trader|freelancer)\b", raw):
        return "1"
    if bare_number:
        numbers = re.findall(rf"(?<![\w.])({_NUMBER})(?![\w.])", raw)
        if len(numbers) == 1 and _int(numbers[0]) > 0:
            return str(_int(numbers[0]))
    return None


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


def parse_timeline(text: object) -> Optional[str]:
    raw = _norm(text)
    if not raw:
        return None
    if raw in ("urgent", "within_year", "flexible", UNKNOWN):
        return raw
    if is_skip(raw):
        return UNKNOWN
    if re.search(r"\b(no rush|no hurry|not urgent|no pressure|no deadline|flexible|whenever|"
                 r"long[- ]term|no time pressure|take our time|eventually|next few years|someday)\b", raw):
        return "flexible"
    months = re.search(r"(\d+)\s*(months?|mos?)\b", raw)
    if months:
        n = int(months.group(1))
        return "urgent" if n <= 6 else "within_year" if n <= 12 else "flexible"
    years = re.search(r"(\d+)\s*years?\b", raw)
    if years:
        return "within_year" if int(years.group(1)) <= 1 else "flexible"
    if re.search(r"\b(urgent|asap|immediately|right away|now|soon|deadline|next bid|upcoming bid|"
                 r"this quarter|weeks|pressure|yesterday|quickly|fast|rfp due|tender)\b", raw):
        return "urgent"
    if re.search(r"\b(this year|within a year|next year|a year|12 months|within the year|moderate|some)\b", raw):
        return "within_year"
    return None


_GOALS = (
    ("market_access", r"\b(market access|market|win|bid|bids|bidding|contracts?|tenders?|rfps?|eligib\w*|"
                      r"qualify|sales|new customers|access|compliance|compliant|requirement)"),
    ("process_maturity", r"\b(process maturity|maturity|mature|process improvement|improve (our )?(development )?"
                         r"process\w*|better process\w*|processes|predictab\w*|efficien\w*|performance)"),
    ("customer_satisfaction", r"\b(customer satisfaction|satisf\w*|quality|happy customers|complaints|"
                              r"product quality|support|reputation|credibility|trust|happ\w*( customers| clients)?)"),
)


def parse_goal(text: object) -> Optional[str]:
    raw = _norm(text)
    if not raw:
        return None
    if raw in ("market_access", "process_maturity", "customer_satisfaction", UNKNOWN):
        return raw
    if is_skip(raw):
        return UNKNOWN
    for key, pattern in _GOALS:
        if re.search(pattern, raw):
            return key
    return None


PARSERS = {
    "rec_industry": lambda store, text: parse_industry(store, text),
    "rec_customers": parse_customers,
    "rec_requirement": parse_requirement,
    "rec_certifications": parse_certifications,
    "rec_size": lambda store, text: parse_size(text),
    "rec_timeline": lambda store, text: parse_timeline(text),
    "rec_goal": lambda store, text: parse_goal(text),
}


def parse_answer(store: KnowledgeStore, slot: str, value: object) -> Optional[str]:
    """The canonical value for the answer to `slot`'s question, or None if unusable."""
    if value is None:
        return None
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    return PARSERS[slot](store, value)


_LEVEL = re.compile(r"\b(?:cmmi\s*)?(?:maturity\s*)?(?:level|ml|l)\s*-?\s*([2-5])\b", re.I)
_REQUIRE = re.compile(r"\b(requir\w*|mandat\w*|demand\w*|need\w*|ask(?:s|ed|ing)? for|insist\w*|must have|call for)\b")
_HOLD = re.compile(r"\b(have|hold|holding|already|certified|got|maintain|registered|achieved)\b")


def target_level(text: str) -> Optional[str]:
    """The CMMI maturity level named in text ("CMMI level 3", "ML2"), or None."""
    match = _LEVEL.search(_norm(text))
    return match.group(1) if match else None


def parse_statement(store: KnowledgeStore, text: str, entities: Optional[list[dict]] = None) -> dict[str, str]:
    """Every profile slot a free statement fills ("we're a 300-person defense
    software company and our contracts require CMMI level 3"), as canonical values.
    Used for the opening message and for corrections; it only takes what the
    text states clearly, never guesses."""
    raw = _norm(text)
    found: dict[str, str] = {}
    if not raw or raw.startswith("/"):
        return found
    entities = entities or []
    industries = [store.resolve("industry", e.get("value", "")) or e.get("value") for e in entities
                  if e.get("entity") == "industry"]
    industries = [i for i in industries if i and store.industry(i) is not None] or scan_aliases(store, "industry", raw)
    if industries:
        found["rec_industry"] = industries[0]
    customers = [store.resolve("customer_type", e.get("value", "")) or e.get("value") for e in entities
                 if e.get("entity") == "customer_type"]
    customers = [c for c in customers if c and store.customer_type(c) is not None]
    for key in scan_aliases(store, "customer_type", raw):
        if key not in customers:
            customers.append(key)
    if customers:
        found["rec_customers"] = ",".join(customers)
    size = parse_size(raw, bare_number=False)
    if size and size != UNKNOWN:
        found["rec_size"] = size
    # Frameworks after "require" are requirements, after "have/hold" are held.
    for clause in re.split(r"[.;!?]|\b(?:and|but|while|also)\b", raw):
        frameworks = _frameworks_in(store, clause)
        if not frameworks:
            continue
        if _REQUIRE.search(clause):
            previous = _keys(found.get("rec_requirement", ""))
            found["rec_requirement"] = ",".join(k for k in _FRAMEWORK_CHOICES if k in previous + frameworks)
        elif _HOLD.search(clause):
            previous = _keys(found.get("rec_certifications", ""))
            found["rec_certifications"] = ",".join(k for k in _FRAMEWORK_CHOICES if k in previous + frameworks)
    level = target_level(raw)
    if level and "cmmi" in _keys(found.get("rec_requirement", "")):
        found["rec_target_level"] = level
    timeline = parse_timeline(raw)
    if timeline and timeline != UNKNOWN and re.search(r"\b(urgent|asap|deadline|no rush|months?|years?|no pressure)\b", raw):
        found["rec_timeline"] = timeline
    return found


# -- the decision ------------------------------------------------------------
@dataclass
class Profile:
    industry: Optional[str] = None
    customers: str = UNKNOWN
    requirement: str = UNKNOWN
    certifications: str = NONE
    size: str = UNKNOWN
    timeline: str = UNKNOWN
    goal: str = UNKNOWN
    target_level: Optional[int] = None

    @classmethod
    def from_slots(cls, slots: dict) -> "Profile":
        def get(name: str, default: str) -> str:
            value = slots.get(name)
            return default if value in (None, "") else str(value)

        level = slots.get("rec_target_level")
        return cls(
            industry=slots.get("rec_industry") or None,
            customers=get("rec_customers", UNKNOWN),
            requirement=get("rec_requirement", UNKNOWN),
            certifications=get("rec_certifications", NONE),
            size=get("rec_size", UNKNOWN),
            timeline=get("rec_timeline", UNKNOWN),
            goal=get("rec_goal", UNKNOWN),
            target_level=int(level) if level not in (None, "") else None,
        )

    @property
    def customer_keys(self) -> set[str]:
        return set(_keys(self.customers)) - {UNKNOWN}

    @property
    def required(self) -> set[str]:
        return set(_keys(self.requirement)) - {UNKNOWN, NONE}

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

    @property
    def key(self) -> str:
        return self.outcome.key


# Which row of the article's table describes an industry: the row's industry
# key in the store, with aerospace on the aerospace / defense contractor row.
# Industries not listed are general manufacturing / services (non-software).
_ROW_INDUSTRY = {"software": "software", "defense": "defense", "aerospace": "defense", "it_services": "it_services"}
_GOV = {"defense", "federal"}


def _row(store: KnowledgeStore, industry_key: Optional[str]) -> Optional[m.IndustryFit]:
    rows = store.industry_fit()
    return next((r for r in rows if r.industry_key == industry_key), None)


def table_row(store: KnowledgeStore, profile: Profile) -> Optional[m.IndustryFit]:
    """The row of "Should I get CMMI appraisal?" that fits the profile."""
    customers = profile.customer_keys
    group = _ROW_INDUSTRY.get(profile.industry or "", "manufacturing")
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
    if group == "defense":
        return _row(store, "defense")
    if not profile.industry or profile.industry == "other":
        if customers & _GOV:
            return _row(store, "defense")
        return _row(store, None) if profile.goal == "process_maturity" else None
    if customers & _GOV and profile.required & {"cmmi"}:
        return _row(store, "defense")
    return _row(store, "manufacturing")


def decide(store: KnowledgeStore, profile: Profile) -> tuple[str, Optional[m.IndustryFit], list[str]]:
    """(outcome key, table row, assumptions) for a profile."""
    assumptions: list[str] = []
    row = table_row(store, profile)
    required, held, customers = profile.required, profile.held, profile.customer_keys
    has_iso = bool(held & {"iso9001", "as9100"})  # AS9100 includes ISO 9001
    urgent = profile.timeline == "urgent"
    if profile.timeline == UNKNOWN:
        assumptions.append("timeline: no immediate deadline")
    if profile.requirement == UNKNOWN:
        assumptions.append(
            "contract requirements: as in the article's table for your sector"
            + (f" ({row.label.lower()})" if row else "")
        )
    if profile.customers == UNKNOWN:
        assumptions.append("customers: as typical for your industry")

    aerospace = profile.industry == "aerospace" or "as9100" in required or "as9100" in held
    cmmi_required = "cmmi" in required
    cmmi_likely = profile.requirement == UNKNOWN and row is not None and row.cmmi_recommendation == "often_required"
    if aerospace:
        return "iso9001_as9100", row, assumptions
    if cmmi_required or cmmi_likely:
        if "iso9001" in required or has_iso or "commercial" in customers or "enterprise" in customers:
            return "both", row, assumptions
        if urgent:
            only_gov = customers and customers <= _GOV
            if only_gov and profile.goal in ("market_access", UNKNOWN):
                return "cmmi", row, assumptions
            return "both_cmmi_first", row, assumptions
        return "both_iso_first", row, assumptions
    if row is not None and row.cmmi_recommendation == "often_required":
        # The sector often needs CMMI, but these contracts do not (yet).
        return "iso_first_cmmi_later", row, assumptions
    if profile.goal == "process_maturity" and (row is None or row.cmmi_recommendation == "voluntary"):
        return "iso_first_cmmi_later", row or _row(store, None), assumptions
    return "iso9001_only", row, assumptions


# Durations and order of the roadmap phases per outcome.
_ORDER = {
    "iso9001_only": ["iso9001"],
    "cmmi": ["cmmi"],
    "both_cmmi_first": ["cmmi", "iso9001"],
    "both_iso_first": ["iso9001", "cmmi"],
    "both": ["iso9001", "cmmi"],
    "iso9001_as9100": ["iso9001", "as9100", "cmmi"],
    "iso_first_cmmi_later": ["iso9001", "cmmi"],
}


def _size_estimate(store: KnowledgeStore, framework_key: str, profile: Profile) -> Optional[m.TimelineEstimate]:
    estimates = store.timeline_estimates(framework_key)
    if framework_key == "cmmi":
        level = profile.target_level or 3
        return next((e for e in estimates if e.maturity_level == level), None)
    staff = size_range(profile.size)
    if staff is None:
        return next((e for e in estimates if e.min_staff is None and e.max_staff is None), None)
    low, high = staff
    for e in estimates:
        if e.min_staff is None and e.max_staff is None:
            continue
        fits_low = e.min_staff is None or low >= e.min_staff
        fits_high = e.max_staff is None or (high is not None and high <= e.max_staff)
        if fits_low and fits_high:
            return e
    return next((e for e in estimates if e.min_staff is not None and (e.max_staff is None or low <= e.max_staff)
                 and low >= (e.min_staff or 0)), None)


def roadmap(store: KnowledgeStore, outcome_key: str, profile: Profile) -> list[Phase]:
    phases: list[Phase] = []
    for framework_key in _ORDER[outcome_key]:
        if framework_key in profile.held or (framework_key == "iso9001" and "as9100" in profile.held):
            continue
        if framework_key == "cmmi" and outcome_key == "iso9001_as9100" and "cmmi" not in profile.required:
            continue
        framework = store.framework(framework_key)
        process = store.process(framework_key)
        estimate = _size_estimate(store, framework_key, profile)
        if process is not None:
            phase = Phase(framework_key, process.name, process.min_months, process.max_months, process.source,
                          estimate, [s.name for s in process.steps])
        elif estimate is not None:
            phase = Phase(framework_key, f"{framework.name}: {estimate.scope}", estimate.min_months,
                          estimate.max_months, estimate.source)
            estimate = None
            phase.estimate = None
        else:
            continue
        if outcome_key == "iso_first_cmmi_later" and framework_key == "cmmi":
            phase.note = "later, if contracts require it"
        if outcome_key == "both" and len(phases) == 1:
            phase.note = "in parallel with ISO 9001 (integrated approach)"
        phases.append(phase)
    return phases


def _label(store: KnowledgeStore, kind: str, keys: list[str]) -> str:
    names = []
    for key in keys:
        if kind == "industry":
            obj = store.industry(key)
        elif kind == "customer_type":
            obj = store.customer_type(key)
        else:
            obj = store.framework(key)
        names.append(obj.name if obj else key)
    return ", ".join(names)


def describe_answers(store: KnowledgeStore, profile: Profile) -> list[str]:
    """The user's answers, in their own terms, for the reasons."""
    lines = []
    if profile.industry:
        lines.append(f"industry: {_label(store, 'industry', [profile.industry])}")
    if profile.customer_keys:
        lines.append(f"customers: {_label(store, 'customer_type', sorted(profile.customer_keys))}")
    if profile.required:
        lines.append(f"contracts require: {_label(store, 'framework', sorted(profile.required))}"
                     + (f" (maturity level {profile.target_level})" if profile.target_level else ""))
    elif profile.requirement == NONE:
        lines.append("contracts require: neither")
    lines.append(f"already held: {_label(store, 'framework', sorted(profile.held)) if profile.held else 'none'}")
    if profile.size != UNKNOWN:
        lines.append(f"size: {profile.size} staff")
    if profile.timeline != UNKNOWN:
        lines.append("timeline: " + {"urgent": "under pressure now", "within_year": "within a year",
                                     "flexible": "no immediate pressure"}[profile.timeline])
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
    "iso_first_cmmi_later": ["transfer_advice_iso_first", "cmmi_voluntary_internal_use"],
}


def recommend(store: KnowledgeStore, profile: Profile) -> Recommendation:
    outcome_key, row, assumptions = decide(store, profile)
    outcome = store.outcome(outcome_key)
    cite = Citations()
    reasons: list[str] = []
    answers = describe_answers(store, profile)
    if answers:
        reasons.append("You told me: " + "; ".join(answers) + ".")
    if row is not None:
        qualifier = f" ({row.qualifier})" if row.qualifier else ""
        reasons.append(
            f"The article's \"Should I get CMMI appraisal?\" table, row \"{row.role}{qualifier}\": "
            f"CMMI {row.label.lower()}. {row.why} {cite.mark(row.source)}"
        )
    if "cmmi" in profile.required:
        reasons.append("Your contracts or RFPs require CMMI, so a CMMI maturity level rating is needed for eligibility.")
    if "iso9001" in profile.required:
        reasons.append("Your contracts or RFPs require ISO 9001 certification.")
    if profile.held & {"iso9001", "as9100"} and outcome_key != "iso9001_only":
        fact = store.fact("transfer_faster_cheaper")
        if fact:
            reasons.append(f"{fact.text} {cite.mark(fact.source)}")
    for fact_key in _OUTCOME_FACTS.get(outcome_key, []):
        fact = store.fact(fact_key)
        if fact and fact.text not in " ".join(reasons):
            reasons.append(f"{fact.text} {cite.mark(fact.source)}")
    examples = [e for e in store.examples() if e.outcome_key == outcome_key]
    for example in examples:
        reasons.append(f"The article's example {example.number} ({example.title}) reached the same decision: "
                       f"{example.decision} {cite.mark(example.source)}")
    cite.mark(outcome.source)
    phases = roadmap(store, outcome_key, profile)
    for phase in phases:
        cite.mark(phase.source)
        if phase.estimate:
            cite.mark(phase.estimate.source)
    steps = store.next_steps(outcome_key)
    for step in steps:
        cite.mark(step.source)
    held = [store.framework(k) for k in sorted(profile.held) if store.framework(k) is not None]
    return Recommendation(outcome, row, reasons, assumptions, phases, steps, examples, cite, held)


def _months(low: int, high: int) -> str:
    return f"{low}–{high} months"


def render_roadmap(rec: Recommendation, profile: Profile) -> list[str]:
    lines = []
    for n, phase in enumerate(rec.phases, start=1):
        line = f"{n}. {phase.title}: {_months(phase.min_months, phase.max_months)} {rec.citations.mark(phase.source)}"
        if phase.estimate:
            line += (f"; estimate for {phase.estimate.scope}: "
                     f"{_months(phase.estimate.min_months, phase.estimate.max_months)} "
                     f"{rec.citations.mark(phase.estimate.source)}")
        if phase.note:
            line += f" ({phase.note})"
        if phase.steps:
            line += "\n   Steps: " + " → ".join(phase.steps)
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
    parts.append("Sources:\n" + "\n".join(f"[{n}] {s.citation()}" for n, s in enumerate(cite.sources, start=1)))
    return "\n\n".join(parts)


def render_reasons(rec: Recommendation) -> str:
    """The answer to "why?": the reasons again, with their sources."""
    cite = rec.citations
    parts = [f"Why {rec.outcome.title}:", "\n".join(f"- {r}" for r in rec.reasons)]
    if rec.assumptions:
        parts.append("Assumed: " + "; ".join(rec.assumptions) + ".")
    parts.append("Sources:\n" + "\n".join(f"[{n}] {s.citation()}" for n, s in enumerate(cite.sources, start=1)))
    return "\n\n".join(parts)


def summary_line(store: KnowledgeStore, rec: Recommendation, profile: Profile) -> str:
    """The recommendation as stored with a consultant request: title and answers."""
    return f"{rec.outcome.title} ({'; '.join(describe_answers(store, profile))})"
