"""Compose the reply to a question from the question catalogue. No Rasa here,
and no facts: every sentence of substance is a store fact, cited; the Python
only adds connective wording (labels such as "Estimate:", subject names).

A reply answers the exact question first (the first answer fact of the
question kind, see docs/CATALOGUE.md), corrects a false premise before that,
picks the facts that fit the user's situation (size, what they hold), and ends
with short footnotes and buttons: "More detail" and related questions."""

from __future__ import annotations

import datetime as dt
import re
from calendar import month_name
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from bot.store import models as m
from bot.store.snapshot import ContentSnapshot, QuestionKind

# The two frameworks a question is about when it names none: answered side by side.
PRIMARY_FRAMEWORKS = ("iso9001", "cmmi")
# a CMMI maturity level as a subject: "ml3"
_LEVEL = re.compile(r"ml[1-5]")
MAX_QUESTIONS = 3
MAX_RELATED_BUTTONS = 2
SOURCES_HEADING = "Sources:"
# What stands between an answer and its footnotes; channels split a message here
# (split_sources; the web widget's chat-widget.js has the same line as a regex).
SOURCES_SEPARATOR = f"\n{SOURCES_HEADING}\n"


class Citations:
    """Numbers sources in order of first use: "... [1]"."""

    def __init__(self) -> None:
        self.sources: list[m.Source] = []

    def mark(self, source: m.Source) -> str:
        keys = [s.key for s in self.sources]
        if source.key not in keys:
            self.sources.append(source)
            keys.append(source.key)
        return f"[{keys.index(source.key) + 1}]"

    def footer(self) -> str:
        """The footnotes, one line each, after a "Sources:" heading."""
        if not self.sources:
            return ""
        lines = [f"[{n}] {s.citation()}" for n, s in enumerate(self.sources, start=1)]
        return SOURCES_HEADING + "\n" + "\n".join(lines)

    def below(self, body: str) -> str:
        """A reply: the body, then on the next line its footnotes. Every cited
        reply (answers, recommendation results) is rendered by this."""
        return f"{body}\n{self.footer()}"

    def below_cited(self, body: str) -> str:
        """below() for a body that uses only some of the marks made: those sources
        alone, renumbered in order of use ("why?" cites fewer than the result)."""
        used: list[int] = []
        for number in re.findall(r"\[(\d+)\]", body):
            if int(number) not in used and 0 < int(number) <= len(self.sources):
                used.append(int(number))
        cited = Citations()
        cited.sources = [self.sources[n - 1] for n in used]
        renumbered = re.sub(
            r"\[(\d+)\]",
            lambda m: f"[{used.index(int(m.group(1))) + 1}]" if int(m.group(1)) in used else m.group(0),
            body,
        )
        return cited.below(renumbered)


def split_sources(text: str) -> tuple[str, Optional[str]]:
    """A message's answer and its footnote lines ("[1] ..."), split where
    Citations.below put the "Sources:" heading; None where there is no heading."""
    answer, heading, sources = text.partition(SOURCES_SEPARATOR)
    return answer, (sources if heading else None)


def month_count(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def deadline_band(months: int, low: int, high: int) -> str:
    """Where a deadline falls against a low–high month estimate: "short" (below it),
    "long" (above it), "tight" (in its first half) or "within"."""
    if months < low:
        return "short"
    if months > high:
        return "long"
    if high > low and months < low + (high - low) / 2:
        return "tight"
    return "within"


_RELATIONS = {"short": "shorter than", "long": "longer than", "tight": "at the short end of", "within": "within"}


def deadline_relation(months: int, low: int, high: int) -> str:
    """ "shorter than", "within", "at the short end of", "longer than"."""
    return _RELATIONS[deadline_band(months, low, high)]


def compare_deadline(months: int, low: int, high: int) -> str:
    """ "8 months is at the short end of the 6–12 month estimate" (figures from the caller's store row)."""
    return f"{month_count(months)} is {deadline_relation(months, low, high)} the {low}–{high} month estimate"


def validity_verdict(
    issued: tuple[int, Optional[int]], valid_months: int, today: dt.date, held_since: bool = False
) -> str:
    """ "Expired in March 2025 (3 years from March 2022), unless it was renewed or extended."
    held_since: the date is when it was first obtained ("certified since 2019"): the
    certificate of the current cycle, if it was renewed each time."""
    year, month = issued
    years = f"{valid_months // 12} years" if valid_months % 12 == 0 else month_count(valid_months)
    if held_since:
        first = year * 12 + (month or 1) - 1
        cycles = max(1, -(-(today.year * 12 + today.month - first) // valid_months))
        end = first + cycles * valid_months
        until = f"{month_name[end % 12 + 1]} {end // 12}" if month else str(end // 12)
        since = f"{month_name[month]} {year}" if month else str(year)
        return (
            f"If it has been renewed every {years} since {since}, the current one runs until {until}; "
            "the expiry date printed on it is what counts."
        )
    if month is None:
        end_year = year + valid_months // 12
        since, until = str(year), str(end_year)
        state = "expired" if end_year < today.year else "running out" if end_year == today.year else "valid"
    else:
        end = year * 12 + month - 1 + valid_months
        since, until = f"{month_name[month]} {year}", f"{month_name[end % 12 + 1]} {end // 12}"
        state = "expired" if end <= today.year * 12 + today.month - 1 else "valid"
    lead = {"expired": f"Expired in {until}", "running out": f"It runs out in {until}", "valid": f"Valid until {until}"}
    unless = ", unless it was renewed or extended" if state != "valid" else ""
    return f"{lead[state]} ({years} from {since}){unless}."


def expiry_verdict(expires: tuple[int, Optional[int]], today: dt.date) -> str:
    """ "It expired in 2019, unless it was renewed." from the expiry date the user gives."""
    year, month = expires
    until = f"{month_name[month]} {year}" if month else str(year)
    past = (year, month) < (today.year, today.month) if month else year < today.year
    return (
        f"It expired in {until}, unless it was renewed."
        if past
        else f"By the date you give, it is valid until {until}."
    )


@dataclass(frozen=True)
class Situation:
    """What the user said about themselves that changes an answer."""

    staff: Optional[tuple[int, Optional[int]]] = None  # (low, high); high None means "and more"
    held: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()  # what their contracts require, as they said
    multi_site: bool = False  # "we have 3 plants"

    def fits(self, fact: m.Fact) -> bool:
        if fact.when_held and fact.when_held not in self.held:
            return False
        if fact.unless_held and fact.unless_held in self.held:
            return False
        if fact.min_staff is None and fact.max_staff is None:
            return True
        if self.multi_site and fact.or_multi_site:
            return True
        if self.staff is None:
            return False
        low, high = self.staff
        fact_low = fact.min_staff or 0
        fact_high = fact.max_staff
        return (high is None or high >= fact_low) and (fact_high is None or low <= fact_high)

    @property
    def conditioned(self) -> bool:
        return self.staff is not None or bool(self.held) or self.multi_site

    def own_case(self, facts: list[m.Fact]) -> list[m.Fact]:
        """On several sites, the multi-site estimate instead of the one for their headcount."""
        if not (self.multi_site and any(f.or_multi_site for f in facts)):
            return facts
        return [f for f in facts if f.or_multi_site or (f.min_staff is None and f.max_staff is None)]


@dataclass
class Reply:
    text: str
    buttons: list[dict] = field(default_factory=list)
    # the question kinds answered and the subject of the last one (for follow-ups)
    questions: list[str] = field(default_factory=list)
    subject: Optional[str] = None
    # False: nothing sourced to say (the caller gives the honest no-answer reply)
    found: bool = True
    # True: not a catalogue answer but the closest stored fact (counted as unanswered)
    closest: bool = False
    # a size-dependent answer given without the user's size: ask for it
    needs_size: bool = False
    # the last question answered is a decision the guided recommendation makes
    starts_recommendation: bool = False
    # an unclear message: the question kinds it most likely asks ("did you mean")
    candidates: list[str] = field(default_factory=list)
    # what no source answers ("that for ISO 13485"): the caller gives the honest reply
    unsourced: Optional[str] = None


SUBJECT_ENTITIES = ("framework", "maturity_level", "industry", "customer_type")


def subjects_in_parts(entities: Sequence[dict], questions: Sequence[dict]) -> list[list[str]]:
    """For a message with several questions (`question` entities with their
    spans), the subjects named inside each question's own part; a part that names
    none is about the one before it ("who issues iso certificates and how do i verify one?")."""
    if len(questions) < 2:
        return []
    parts: list[list[str]] = []
    for question in questions:
        inside = [
            e
            for e in entities
            if e.get("entity") in SUBJECT_ENTITIES
            and question.get("start", 0) <= e.get("start", -1)
            and e.get("end", 0) <= question.get("end", 0)
        ]
        named = [f"ml{e['value']}" if e["entity"] == "maturity_level" else str(e["value"]) for e in inside]
        parts.append(named or (parts[-1] if parts else []))
    return parts


def _payload(intent: str, **entities: Optional[str]) -> str:
    values = {k: v for k, v in entities.items() if v}
    if not values:
        return f"/{intent}"
    inner = ", ".join(f'"{k}": "{v}"' for k, v in values.items())
    return f"/{intent}{{{inner}}}"


class AnswerComposer:
    def __init__(self, snapshot: ContentSnapshot):
        self.snapshot = snapshot

    # -- the parts --------------------------------------------------------
    def premises(self, message: str, brief: bool = False) -> list[m.Fact]:
        """Corrections of the false premises the message holds, in catalogue order;
        brief: only the first of each (an answer follows)."""
        found: list[m.Fact] = []
        for premise in self.snapshot.premises:
            if premise.held_by(message):
                found += [f for f in premise.corrections[: 1 if brief else None] if f not in found]
        return found

    def _no_source_premises(self, message: str) -> list:
        return [p for p in self.snapshot.premises if p.no_source_on and p.held_by(message)]

    def not_covered(self, message: str) -> list[str]:
        """Topics the message asks about that no source covers ("TISAX", "AS9100 costs")."""
        return list(dict.fromkeys(str(p.no_source_on) for p in self._no_source_premises(message)))

    def known_beside_gaps(self, message: str) -> Optional[str]:
        """What the sources do say beside a topic they do not cover ("IATF 16949 builds on
        ISO 9001", before "no sourced information on whether it can stand in for ISO 9001"):
        the corrections of the no-source premises the message holds, cited; None if none."""
        cite = Citations()
        facts = [f for p in self._no_source_premises(message) for f in p.corrections]
        lines = self._lines(facts, cite, set())
        return cite.below(" ".join(lines)) if lines else None

    def subjects_for(
        self,
        question: QuestionKind,
        named: Sequence[str],
        current: Optional[str],
        profile: Sequence[str] = (),
        held: frozenset[str] = frozenset(),
        set_aside: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Which of the question's subjects to answer: those the message names, else
        the conversation's, else what the user's profile makes it about (their
        industry; ISO 9001 for an industry where CMMI is not needed), else the
        general answer, else ISO 9001 and CMMI."""
        available = question.subjects("answer")
        if not available:
            return []
        chosen = [s for s in named if s in available]
        if any(_LEVEL.fullmatch(s) for s in chosen):
            chosen = [s for s in chosen if s != "cmmi"]  # "can we get CMMI ML3 in time?": the level's answer
        if len(chosen) > 1:
            # "we already have 9001, how long for cmmi?": what they hold is context, not the question
            chosen = [s for s in chosen if s not in held] or chosen
        if question.about_getting:
            # "how long would it take, since we already have CMMI?" after ISO 9001: ISO 9001
            chosen = [s for s in chosen if s not in held]
            if "cmmi" in held and any(not _LEVEL.fullmatch(s) for s in chosen):
                chosen = [s for s in chosen if not _LEVEL.fullmatch(s)]  # "we hold level 3; and ISO?": their level
            if current in held:
                current = None
        # "a 60-person aerospace machining shop": of the industries named, the user's own
        own = [s for s in chosen if s in profile]
        if len(chosen) > 1 and own:
            chosen = own
        if chosen:
            # "do we need cmmi?" from an aerospace shop with commercial customers only: their case
            cases = [next((p for p in profile if p.startswith(f"{s}+") and p in available), s) for s in chosen]
            within = {part for case in cases if "+" in case for part in case.split("+")}
            return [c for c in cases if c not in within][:2]
        # a CMMI level the question has no entry for is a question about CMMI
        if any(_LEVEL.fullmatch(s) for s in named) and "cmmi" in available:
            return ["cmmi"]
        if current in available:
            return [current]
        if current and _LEVEL.fullmatch(current) and "cmmi" in available:
            return ["cmmi"]  # "a bidder's rating is from 2021, still valid?" after a question on level 3
        from_profile = [s for s in profile if s in available]
        if from_profile:
            return from_profile[:1]
        if "" in available:
            return [""]
        # "forget cmmi. how long then?": not both side by side, the one left
        primary = [s for s in PRIMARY_FRAMEWORKS if s in available and s not in set_aside] or [
            s for s in PRIMARY_FRAMEWORKS if s in available
        ]
        if question.about_getting:
            primary = [s for s in primary if s not in held] or primary
        return primary or available[:1]

    def beyond_sources(
        self, question: QuestionKind, named: Sequence[str], current: Optional[str], held: frozenset[str] = frozenset()
    ) -> list[m.Framework]:
        """The related standards the question is about when it has no answer for them:
        "how long does it take?" after a turn on IATF 16949, or "who certifies AS9100?",
        is not a question about ISO 9001 and CMMI, as subjects_for() would answer it."""
        available = question.subjects("answer")
        asked = [s for s in named if s not in held]
        if not available or any(s in available and s != "iso9001" for s in asked):
            return []
        about_general: set[str] = set()
        if "" in available:
            # a general answer covers what it is about: "one system can serve both ISO 9001
            # and CMMI" answers nothing on ISO 27001 and ISO 13485
            about_general = self.general_about(question)
            asked_frameworks = [s for s in asked if s in self.snapshot.frameworks]
            # ...nor on "13485 and 9001 as one system": it covers ISO 9001, but with CMMI
            if not about_general or (
                any(s in about_general for s in asked) and all(s in about_general for s in asked_frameworks)
            ):
                return []
            available = available + sorted(about_general)
        frameworks = self.snapshot.frameworks
        about = [s for s in asked if s in frameworks] or ([current] if current and not named else [])
        # a related standard, or ISO 9001 or CMMI named to a question only about the other
        # ("our ISO certificate expired, start from zero?" is not the CMMI answer)
        only_the_other = [p for p in PRIMARY_FRAMEWORKS if p not in asked and p in available] == [
            a for a in available if a
        ]
        beyond = [
            frameworks[s]
            for s in about
            if s in frameworks
            and s not in available
            and (frameworks[s].category == "related" or (s in asked and only_the_other))
        ]
        related = [f for f in beyond if f.category == "related"]
        if (
            "iso9001" in asked
            and "iso9001" in available
            and not all(f.includes_iso9001 for f in related)
            and not about_general - set(asked)
        ):
            return []  # "is 27001 needed beside iso 9001?": the ISO 9001 answer
        return beyond

    def for_holder(self, key: str, held: frozenset[str]) -> str:
        """The question a holder of a framework asks with words the catalogue reads as
        another's ("we hold ISO 9001: do we need CMMI too or is ISO enough?" read as
        "we have CMMI, why ISO?"). Someone holding both asks it as read."""
        kind = self.snapshot.questions.get(key)
        for framework, other in kind.for_holders_of.items() if kind is not None else ():
            back = self.snapshot.questions[other].for_holders_of if other in self.snapshot.questions else {}
            if framework in held and not any(f in held for f in back):
                return other
        return key

    def for_requirer(self, key: str, required: frozenset[str]) -> str:
        """The question someone asks whose contracts require a framework: "is iso enough
        for us?" with RFPs that require CMMI is "a customer demands CMMI: pursue it?"."""
        kind = self.snapshot.questions.get(key)
        return next((other for f, other in kind.for_requirers_of.items() if f in required), key) if kind else key

    def general_about(self, question: QuestionKind) -> set[str]:
        """The frameworks a question's general answer is about: those its facts belong to
        or name; none for an answer about any framework ("a gap analysis is ...")."""
        facts = question.for_subject("answer", "")
        return {f.framework_key for f in facts if f.framework_key} | {
            key
            for key, framework in self.snapshot.frameworks.items()
            if any(framework.name.lower() in f.text.lower() for f in facts)
        }

    def _facts(self, question: QuestionKind, role: str, subject: str, situation: Situation) -> list[m.Fact]:
        facts = question.for_subject(role, subject)
        if subject and "" in question.subjects(role):
            facts = question.for_subject(role, "") + facts
        return situation.own_case([f for f in facts if situation.fits(f)])

    @staticmethod
    def _verdict(months: int, fact: m.Fact) -> str:
        """ "Unlikely: 4 months is shorter than the 6–12 month estimate." """
        low, high = fact.min_months or 0, fact.max_months or fact.min_months or 0
        band = deadline_band(months, low, high)
        # 9 months against 6–12 may be too short: only a deadline at or past the top end is a yes
        word = {"short": "Unlikely", "tight": "Tight"}.get(
            band, "Possibly" if months < high else "Yes, by this estimate"
        )
        return f"{word}: {compare_deadline(months, low, high)}."

    @staticmethod
    def _framework_of(kind: QuestionKind) -> Optional[str]:
        frameworks = {f.framework_key for f in kind.for_subject("answer", "")}
        return frameworks.pop() if len(frameworks) == 1 and None not in frameworks else None

    @staticmethod
    def _most_specific(facts: list[m.Fact]) -> list[m.Fact]:
        """Facts for the user's own size or certifications first (they already fit)."""
        specific = [f for f in facts if f.min_staff is not None or f.max_staff is not None or f.when_held]
        return specific + [f for f in facts if f not in specific]

    def _line(self, fact: m.Fact, cite: Citations, shown: Optional[set[str]] = None) -> str:
        text = fact.text
        label = {
            "estimate": "Estimate: ",
            "expected": "Expected, not yet confirmed: ",
            "reported": "Reported: ",
        }.get(fact.status, "")
        if label and label.split()[0].rstrip(":,").lower() in text.lower():
            label = ""
        line = f"{label}{text} {cite.mark(fact.source)}"
        for update in self.snapshot.updates.get(fact.key, [])[:1]:
            if shown is not None and (update.key in shown or update.text in shown):
                continue  # what is true now was said already in this reply
            line += f" Now: {update.text} {cite.mark(update.source)}"
        return line

    def _lines(self, facts: Iterable[m.Fact], cite: Citations, shown: set[str]) -> list[str]:
        lines = []
        for fact in facts:
            if fact.key in shown or fact.text in shown:
                continue
            lines.append(self._line(fact, cite, shown))
            shown.update({fact.key, fact.text})
            shown.update(f.key for f in self.snapshot.updates.get(fact.key, [])[:1])
        return lines

    # -- a whole reply ------------------------------------------------------
    def reply(
        self,
        questions: Sequence[str],
        message: str = "",
        named: Sequence[str] = (),
        current_subject: Optional[str] = None,
        situation: Situation = Situation(),
        detail: bool = False,
        short: bool = False,
        part_subjects: Sequence[Sequence[str]] = (),
        profile_subjects: Sequence[str] = (),
        deadline_months: Optional[int] = None,
        issued: Optional[tuple[int, Optional[int]]] = None,
        expires: Optional[tuple[int, Optional[int]]] = None,
        held_since: bool = False,
        set_aside: frozenset[str] = frozenset(),
    ) -> Reply:
        """The reply to up to three questions of one message, in order. named: the
        subjects the message names; part_subjects: those named in each question's
        own part of the message, when it has several ("what is CMMI and how does it
        differ from ISO 9001?"). deadline_months: a deadline the message gives ("can we get
        ML3 in 4 months?"), compared first with the answer's duration. issued: the date of a
        certificate or rating the message gives ("ML2 from March 2021, expired?"), dated first
        by the answer's validity; expires: its expiry date, when that is what it gives."""
        cite = Citations()
        shown: set[str] = set()
        paragraphs: list[str] = []
        wanted = list(dict.fromkeys(questions))
        own = {k: list(part_subjects[i]) for i, k in enumerate(questions) if i < len(part_subjects)}
        kinds = [self.snapshot.questions[k] for k in wanted if k in self.snapshot.questions][:MAX_QUESTIONS]
        corrections = self._lines(self.premises(message, brief=bool(kinds)), cite, shown) if message else []
        if corrections:
            paragraphs.append(" ".join(corrections))
        answered: list[str] = []
        subject: Optional[str] = None
        needs_size = False
        unsourced: Optional[str] = None
        # several answers (or a correction first) in one message: the direct answer of each
        short = short or len(kinds) > 1 or bool(corrections)
        for kind in kinds:
            subjects = self.subjects_for(
                kind,
                own.get(kind.key) or list(dict.fromkeys(named)),
                current_subject,
                profile_subjects,
                situation.held,
                set_aside,
            )
            role = "detail" if detail else "answer"
            parts: list[tuple[str, list[str]]] = []
            lead = ""
            beyond = self.beyond_sources(
                kind, own.get(kind.key) or list(dict.fromkeys(named)), current_subject, situation.held
            )
            general = "" in kind.subjects("answer") and self.general_about(kind) <= {"iso9001"}
            iso_answer = "iso9001" if "iso9001" in kind.subjects("answer") else "" if general else None
            if beyond and all(f.includes_iso9001 for f in beyond) and iso_answer is not None:
                # "what about cost?" after AS9100: what ISO 9001, which it builds on, costs
                subjects = [iso_answer]
                names = " and ".join(f.name for f in beyond)
                marks = "".join(dict.fromkeys(cite.mark(f.source) for f in beyond))
                lead = f"My sources don't answer this for {names} itself; it builds on ISO 9001 {marks}. For ISO 9001:"
            elif beyond:
                # "can we run 27001 and 13485 as one system?": no source answers it for them
                names = " and ".join(f.name for f in beyond)
                if len(kinds) > 1:
                    paragraphs.append(f"**{kind.title}** My sources don't answer this for {names}, so I won't guess.")
                else:
                    unsourced = f"this question for {names}"
                answered.append(kind.key)
                subject = beyond[-1].key
                continue
            said_by_correction = bool(corrections)
            timed: Optional[m.Fact] = None
            # another figure in the answer by which the deadline can be met where this one says not (or the reverse)
            other_figure: Optional[m.Fact] = None
            lasting: Optional[m.Fact] = None
            # "cmmi ml3 possible in 9 month or only iso?": a verdict for each framework asked of
            verdicts: dict[str, str] = {}
            for s in subjects:
                facts = self._facts(kind, role, s, situation)
                if detail:
                    facts = [
                        f for f in facts if f.key not in {a.key for a in self._facts(kind, "answer", s, situation)}
                    ]
                if situation.conditioned:
                    facts = self._most_specific(facts)  # the user's own case first
                # only the direct answer's own range: "AS9100 in 8 months?" is not judged by ISO 9001's
                direct = next((f for f in facts if not (f.when_held and f.min_months is None)), None)
                ranged = direct if direct is not None and direct.min_months is not None else None
                if deadline_months and ranged is not None and len(subjects) > 1:
                    verdicts[s] = self._verdict(deadline_months, ranged)
                if ranged is not None:
                    # "how long would cmmi take? we have 9001": the figure first, then how holding it helps
                    facts = [ranged] + [f for f in facts if f is not ranged]
                if short or (len(subjects) > 1 and not detail):
                    facts = facts[:1]
                if deadline_months and ranged is not None and not timed and ranged.key not in shown:
                    timed = ranged
                    other_figure = next(
                        (
                            f
                            for f in facts
                            if f is not ranged
                            and f.min_months is not None
                            # one says it cannot be done, the other that it can
                            and (deadline_months < f.min_months) != (deadline_months < ranged.min_months)
                        ),
                        None,
                    )
                    facts = facts if ranged in facts else facts + [ranged]  # the verdict's figure, cited
                lasting = lasting or next((f for f in facts if f.valid_months and f.key not in shown), None)
                said_by_correction = said_by_correction and bool(facts) and all(f.key in shown for f in facts)
                lines = self._lines(facts, cite, shown)
                if lines:
                    parts.append((s, lines))
                if (
                    not detail
                    and self._size_dependent(kind, s)
                    and situation.staff is None
                    and not any(f.or_multi_site for f in facts)
                ):
                    needs_size = True
            if not parts and not said_by_correction:
                continue
            # "cmmc is the same as cmmi?": the correction may be the whole answer; the
            # question still sets the subject for follow-ups ("what's it built on then?")
            answered.append(kind.key)
            # a general answer ("" subject) is about the framework all its facts are about,
            # else it leaves the conversation's subject as it was
            subject = (
                (subjects[-1] or self._framework_of(kind) or current_subject) if len(subjects) == 1 else current_subject
            )
            if not parts:
                continue
            if len(parts) == 1:
                text = " ".join(parts[0][1])
            else:
                text = "\n".join(
                    f"{self.snapshot.name(s)}: " + " ".join(([verdicts[s]] if s in verdicts else []) + lines)
                    for s, lines in parts
                )
            if deadline_months and timed is not None and not answered[:-1] and not (verdicts and len(parts) > 1):
                verdict = self._verdict(deadline_months, timed)
                if other_figure is not None and other_figure.min_months is not None:
                    low, high = other_figure.min_months, other_figure.max_months or other_figure.min_months
                    whose = "the article's" if other_figure.status == "article" else "another estimate's"
                    verdict = (
                        f"{verdict[:-1]}, though {deadline_relation(deadline_months, low, high)} {whose} "
                        f"{low}–{high} months."
                    )
                text = f"{verdict} {text}"
            elif issued and lasting is not None and lasting.valid_months and not answered[:-1]:
                text = f"{validity_verdict(issued, lasting.valid_months, dt.date.today(), held_since)} {text}"
            elif expires and lasting is not None and not answered[:-1]:
                text = f"{expiry_verdict(expires, dt.date.today())} {text}"  # "it says expire 2019"
            if lead:
                text = f"{lead} {text}"
            if len(kinds) > 1:
                text = f"**{kind.title}** {text}"
            paragraphs.append(text)
        if not answered and not corrections:
            related = [b for kind in kinds for b in self._buttons(kind, None, True, situation)]
            return Reply(text="", found=False, buttons=related[: MAX_RELATED_BUTTONS + 1])
        # one line break, not a blank line: Rasa's REST channel would send each
        # paragraph of a reply without buttons as a message of its own
        body = "\n".join(paragraphs)
        last = self.snapshot.questions[answered[-1]] if answered else None
        # no "More detail" or "And for CMMI?" on a standard no source answers this for
        buttons = (
            self._buttons(last, None if unsourced else subject, detail or bool(unsourced), situation) if last else []
        )
        if needs_size and not short:
            buttons = []  # the caller asks for the size instead
        return Reply(
            text=cite.below(body),
            buttons=buttons,
            questions=answered,
            subject=subject,
            needs_size=needs_size and not short,
            starts_recommendation=bool(last and last.starts_recommendation),
            unsourced=unsourced if not paragraphs else None,
        )

    def closest(self, fact: m.Fact) -> Reply:
        """The closest stored fact to a question outside the catalogue."""
        cite = Citations()
        return Reply(text=cite.below(self._line(fact, cite)), closest=True)

    def _size_dependent(self, kind: QuestionKind, subject: str) -> bool:
        facts = kind.for_subject("answer", subject) + (kind.for_subject("answer", "") if subject else [])
        return any(f.min_staff is not None or f.max_staff is not None for f in facts)

    def _buttons(self, kind: QuestionKind, subject: Optional[str], detail: bool, situation: Situation) -> list[dict]:
        buttons = []
        subject_entity = subject or None
        details = kind.for_subject("detail", subject or "") + (kind.for_subject("detail", "") if subject else [])
        if not detail and any(situation.fits(f) for f in details):
            buttons.append(
                {"title": "More detail", "payload": _payload("more_detail", question=kind.key, subject=subject_entity)}
            )
        if subject in PRIMARY_FRAMEWORKS:
            other = next(k for k in PRIMARY_FRAMEWORKS if k != subject)
            if other in kind.subjects("answer"):
                buttons.append(
                    {
                        "title": f"And for {self.snapshot.name(other)}?",
                        "payload": _payload("ask_question", question=kind.key, subject=other),
                    }
                )
        if kind.starts_recommendation:
            buttons.append({"title": "Help me choose", "payload": "/start_recommendation"})
        for key in kind.related[:MAX_RELATED_BUTTONS]:
            related = self.snapshot.questions.get(key)
            if related is not None:
                carried = subject_entity if subject_entity in related.subjects("answer") else None
                buttons.append(
                    {"title": related.title, "payload": _payload("ask_question", question=key, subject=carried)}
                )
        return buttons
