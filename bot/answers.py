"""Compose answers from the knowledge store. No Rasa here, and no facts:
every sentence of substance comes from a store row and is cited; the Python
only adds connective wording (headings, labels such as "Estimate")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from bot.store import KnowledgeStore
from bot.store import models as m

# The two frameworks a question is about when it names none: answered side by side.
PRIMARY_FRAMEWORKS = ("iso9001", "cmmi")


@dataclass
class Answer:
    text: str
    sources: list[m.Source] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)
    # True when the store had something to say; False means "I don't know".
    found: bool = True

    def render(self) -> str:
        """Answer text followed by its numbered sources."""
        if not self.sources:
            return self.text
        cited = "\n".join(f"[{n}] {s.citation()}" for n, s in enumerate(self.sources, start=1))
        return f"{self.text}\n\nSources:\n{cited}"


NOT_FOUND = Answer(text="", found=False)


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


def fact_lines(store: KnowledgeStore, facts: Iterable[m.Fact], cite: Citations) -> list[str]:
    """One line per fact. An article statement that a newer source corrects is
    shown as what the article states, followed by what is current (with its
    date); a correction whose article statement is not in `facts` brings it in,
    so the user always hears both. Facts with the same text share one line."""
    facts = list(facts)
    keys = {f.key for f in facts}
    expanded: list[m.Fact] = []
    for fact in facts:
        if fact.updates_key and fact.updates_key not in keys:
            original = store.fact(fact.updates_key)
            if original is not None:
                expanded.append(original)
                keys.add(original.key)
        expanded.append(fact)

    lines: list[str] = []
    by_text: dict[str, int] = {}
    shown: set[str] = set()

    def add(text: str, source: m.Source) -> None:
        if text in by_text:
            index = by_text[text]
            mark = cite.mark(source)
            if mark not in lines[index]:
                lines[index] += f" {mark}"
            return
        by_text[text] = len(lines)
        lines.append(f"{text} {cite.mark(source)}")

    for fact in expanded:
        if fact.key in shown or (fact.updates_key and fact.updates_key in keys):
            continue
        shown.add(fact.key)
        updates = store.updates_of(fact.key) if fact.status == "article" else []
        if updates:
            add(f"The article ({_date(fact)}) states: {fact.text}", fact.source)
            for update in updates:
                shown.add(update.key)
                add(f"  {_update_label(update)} {update.text}", update.source)
        else:
            add(f"{_prefix(fact)}{fact.text}", fact.source)
    return lines


def _prefix(fact: m.Fact) -> str:
    return {
        "article": "",
        "expected": "Expected, not yet confirmed: ",
        "reported": "" if fact.text.startswith("Reported") else "Reported: ",
        "estimate": "Estimate: ",
    }.get(fact.status, "")


def _update_label(fact: m.Fact) -> str:
    if fact.status == "reported" and fact.text.startswith("Reported"):
        return f"As of {_date(fact)}:"
    return {
        "current": f"Current (as of {_date(fact)}):",
        "expected": f"Expected, not yet confirmed (as of {_date(fact)}):",
        "reported": f"Reported (as of {_date(fact)}):",
        "estimate": f"Estimate (as of {_date(fact)}):",
    }.get(fact.status, f"As of {_date(fact)}:")


def _date(fact: m.Fact) -> str:
    return fact.as_of.strftime("%-d %B %Y")


def _money(amount: Optional[int], currency: str) -> str:
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{symbol}{amount:,}"


# Which of the article's industry-fit rows and fact topics speak about which customer type.
CUSTOMER_FIT = {
    "defense": {"rows": ("defense",), "topics": ("contract_requirement", "dod")},
    "federal": {"rows": ("defense",), "topics": ("contract_requirement",)},
    "commercial": {"rows": ("it_services", "manufacturing"), "topics": ()},
    "enterprise": {"rows": ("software",), "topics": ()},
}

LineBuilder = Callable[[str, Citations], list[str]]


class AnswerComposer:
    def __init__(self, store: KnowledgeStore):
        self.store = store
        self._dispatch: dict[str, Callable[..., Answer]] = {
            "ask_what_is": self.what_is,
            "ask_owner": self.owner,
            "ask_version": self.version,
            "ask_adoption": self.adoption,
            "ask_certification_vs_appraisal": self.certification_vs_appraisal,
            "ask_who_audits": self.who_audits,
            "ask_process": self.process,
            "ask_timeline": self.timeline,
            "ask_cost": self.cost,
            "ask_validity": self.validity,
            "ask_industry_fit": self.industry_fit,
            "ask_maturity_level": self.maturity_level,
            "ask_comparison": self.comparison,
            "ask_need_both": self.need_both,
            "ask_related_standard": self.related_standard,
            "ask_transfer": self.transfer,
            "ask_integrated": self.integrated,
            "ask_examples": self.examples,
        }

    def answers(self, intent: str) -> bool:
        return intent in self._dispatch

    def answer(
        self,
        intent: str,
        frameworks: Sequence[str] = (),
        industry: Optional[str] = None,
        customer_type: Optional[str] = None,
        maturity_level: Optional[int] = None,
    ) -> Answer:
        """The answer to a question kind (an ask_* intent); NOT_FOUND when the
        store has nothing sourced to say (the caller then says so honestly)."""
        method = self._dispatch.get(intent)
        if method is None:
            return NOT_FOUND
        frameworks = [k for k in dict.fromkeys(frameworks) if self.store.framework(k) is not None]
        answer = method(
            frameworks=frameworks, industry=industry, customer_type=customer_type, maturity_level=maturity_level
        )
        if answer.found and not answer.buttons:
            answer.buttons = self._followup_buttons(intent, frameworks)
        return answer

    # -- helpers ----------------------------------------------------------
    def _sections(self, frameworks: Sequence[str], build: LineBuilder) -> Answer:
        """One section per framework (both primary frameworks when none is named)."""
        keys = list(frameworks) or list(PRIMARY_FRAMEWORKS)
        cite = Citations()
        sections = []
        for key in keys:
            lines = build(key, cite)
            if lines:
                sections.append((key, lines))
        if not sections:
            return NOT_FOUND
        if len(keys) == 1:
            text = "\n".join(sections[0][1])
        else:
            text = "\n\n".join(f"{self.store.framework(k).name}:\n" + "\n".join(lines) for k, lines in sections)
        return Answer(text=text, sources=cite.sources)

    def _topic_lines(self, topics: Sequence[str], framework_key: Optional[str], cite: Citations,
                     general_only: bool = False) -> list[str]:
        facts: list[m.Fact] = []
        for topic in topics:
            found = self.store.facts(topic=topic, framework_key=framework_key)
            if general_only:
                found = [f for f in found if f.framework_key is None]
            facts.extend(found)
        return fact_lines(self.store, facts, cite)

    def _topics(self, *topics: str, general_only: bool = True) -> Answer:
        cite = Citations()
        lines = self._topic_lines(topics, None, cite, general_only=general_only)
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND

    def _followup_buttons(self, intent: str, frameworks: Sequence[str]) -> list[dict]:
        if len(frameworks) != 1 or frameworks[0] not in PRIMARY_FRAMEWORKS:
            return []
        other = self.store.framework(next(k for k in PRIMARY_FRAMEWORKS if k != frameworks[0]))
        return [{"title": f"And for {other.name}?", "payload": f'/ask_followup{{"framework": "{other.key}"}}'}]

    # -- framework questions ----------------------------------------------
    def what_is(self, frameworks: Sequence[str] = (), **_) -> Answer:
        def build(key: str, cite: Citations) -> list[str]:
            framework = self.store.framework(key)
            lines = self._topic_lines(["overview"], key, cite)
            if not lines:
                lines = [f"{framework.summary} {cite.mark(framework.source)}"]
            if framework.category == "related" and framework.relation_to_iso9001:
                lines.append(f"Relation to ISO 9001: {framework.relation_to_iso9001} {cite.mark(framework.source)}")
            return lines

        return self._sections(frameworks, build)

    def overview(self, framework_key: str) -> Answer:
        return self.what_is([framework_key])

    def topic(self, topic: str, framework_key: Optional[str] = None) -> Answer:
        """All facts on a topic (for one framework, or all)."""
        cite = Citations()
        lines = self._topic_lines([topic], framework_key, cite)
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND

    def _framework_topics(self, frameworks: Sequence[str], *topics: str) -> Answer:
        return self._sections(frameworks, lambda key, cite: self._topic_lines(topics, key, cite))

    def owner(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "owner")

    def version(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "version", "version_changes")

    def adoption(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "adoption")

    def certification_vs_appraisal(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "certification_vs_appraisal")

    def who_audits(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "who_audits", "accreditation", "appraisal_types")

    def process(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "process")

    def validity(self, frameworks: Sequence[str] = (), **_) -> Answer:
        return self._framework_topics(frameworks, "validity", "surveillance")

    def timeline(self, frameworks: Sequence[str] = (), maturity_level: Optional[int] = None, **_) -> Answer:
        if maturity_level and not frameworks:
            frameworks = ["cmmi"]

        def build(key: str, cite: Citations) -> list[str]:
            if key == "cmmi" and maturity_level:
                rows = [r for r in self.store.timeline_estimates(key) if r.maturity_level == maturity_level]
                if rows:
                    return [
                        f"Estimate: {r.scope}: {r.min_months}–{r.max_months} months {cite.mark(r.source)}"
                        for r in rows
                    ]
            return self._topic_lines(["timeline"], key, cite)

        return self._sections(frameworks, build)

    def cost(self, frameworks: Sequence[str] = (), **_) -> Answer:
        def build(key: str, cite: Citations) -> list[str]:
            lines = []
            for item in self.store.cost_items(key):
                if item.note:  # the source's own wording of the range
                    amount = item.note
                elif item.high is not None:
                    amount = f"{_money(item.low, item.currency)}–{_money(item.high, item.currency)}"
                else:
                    amount = f"{_money(item.low, item.currency)}+"
                lines.append(f"Estimate: {item.item}: {amount} {cite.mark(item.source)}")
            drivers = self.store.cost_drivers(key)
            if drivers:
                lines.append("Cost drivers:")
                lines += [f"- {d.text} {cite.mark(d.source)}" for d in drivers]
            return lines

        answer = self._sections(frameworks, build)
        if not answer.found:
            return answer
        cite = Citations()
        cite.sources = list(answer.sources)
        # the article itself gives no figures: say so, so nobody mistakes the estimates for it
        notes = self._topic_lines(["cost"], None, cite, general_only=True)
        text = answer.text + ("\n\n" + "\n".join(notes) if notes else "")
        return Answer(text=text, sources=cite.sources)

    # -- fit -----------------------------------------------------------------
    def industry_fit(self, frameworks: Sequence[str] = (), industry: Optional[str] = None,
                     customer_type: Optional[str] = None, **_) -> Answer:
        cite = Citations()
        rows = self.store.industry_fit()
        lines: list[str] = []

        def row_line(row: m.IndustryFit) -> str:
            who = f"{row.role} ({row.qualifier})" if row.qualifier else row.role
            return f"{who} – CMMI appraisal: {row.label}. {row.why} {cite.mark(row.source)}"

        chosen: list[m.IndustryFit] = []
        if industry:
            record = self.store.industry(industry)
            name = record.name.lower() if record else industry
            chosen += [r for r in rows if r.industry_key == industry or name in r.role.lower()]
        if customer_type in CUSTOMER_FIT:
            chosen += [r for r in rows if r.industry_key in CUSTOMER_FIT[customer_type]["rows"]]
        chosen = list(dict.fromkeys(chosen))
        if industry or customer_type:
            if chosen:
                lines += [row_line(r) for r in chosen]
            else:
                # no row for this industry: the general rows, and ISO 9001's universal scope
                lines += [row_line(r) for r in rows if r.industry_key is None]
                lines += self._topic_lines(["industry_scope"], None, cite)
            if customer_type in CUSTOMER_FIT:
                lines += self._topic_lines(CUSTOMER_FIT[customer_type]["topics"], None, cite)
        else:
            lines += [row_line(r) for r in rows]
            lines += self._topic_lines(["industry_scope"], None, cite)
        lines += self._topic_lines(["bottom_line"], None, cite)
        return Answer(text="\n".join(dict.fromkeys(lines)), sources=cite.sources)

    def maturity_level(self, maturity_level: Optional[int] = None, **_) -> Answer:
        cite = Citations()
        levels = self.store.maturity_levels()
        if maturity_level:
            levels = [lv for lv in levels if lv.number == maturity_level]
            if not levels:
                return NOT_FOUND
        lines = [f"Maturity level {lv.number} – {lv.name}: {lv.description} {cite.mark(lv.source)}" for lv in levels]
        if not maturity_level:
            lines += self._topic_lines(["maturity_levels"], "cmmi", cite)
        return Answer(text="\n".join(lines), sources=cite.sources)

    # -- both frameworks ----------------------------------------------------
    def comparison(self, **_) -> Answer:
        cite = Citations()
        lines = self._topic_lines(["overview"], None, cite, general_only=True)
        iso, cmmi = self.store.framework("iso9001"), self.store.framework("cmmi")
        for row in self.store.comparison():
            lines.append(f"{row.area}: {iso.name} – {row.iso9001}; {cmmi.name} – {row.cmmi} {cite.mark(row.source)}")
        # the table compares the article's versions: add what is current
        for key in PRIMARY_FRAMEWORKS:
            article_versions = [f for f in self.store.facts(topic="version", framework_key=key) if f.status == "article"]
            lines += fact_lines(self.store, article_versions, cite)
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND

    def need_both(self, **_) -> Answer:
        return self._topics("complementary", general_only=False)

    def transfer(self, **_) -> Answer:
        cite = Citations()
        lines = self._topic_lines(["transfer"], None, cite)
        practices = self.store.practices()
        if practices:
            lines.append("Practices that transfer:")
            lines += [f"- {p.name} {cite.mark(p.source)}" for p in practices]
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND

    def integrated(self, **_) -> Answer:
        return self._topics("integrated")

    def examples(self, **_) -> Answer:
        cite = Citations()
        lines = [
            f"{e.number}. {e.title}: {e.description} Decision: {e.decision} {cite.mark(e.source)}"
            for e in self.store.examples()
        ]
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND

    def related_standard(self, frameworks: Sequence[str] = (), **_) -> Answer:
        cite = Citations()
        related = [k for k in frameworks if self.store.framework(k).category == "related"]
        lines: list[str] = []
        if related:
            for key in related:
                framework = self.store.framework(key)
                facts = self._topic_lines(["related"], key, cite)
                lines += facts or [f"{framework.summary} {cite.mark(framework.source)}"]
                if framework.relation_to_iso9001 and not facts:
                    lines.append(f"Relation to ISO 9001: {framework.relation_to_iso9001} {cite.mark(framework.source)}")
                lines += self._topic_lines(["timeline"], key, cite)
        else:
            if frameworks:
                # "what is ISO 9001?" read as a related-standards question: answer it, then list them
                overview = self.what_is(frameworks)
                lines += [overview.text, ""] if overview.found else []
                cite.sources = list(overview.sources)
            for framework in self.store.frameworks(category="related"):
                lines.append(f"{framework.name}: {framework.relation_to_iso9001} {cite.mark(framework.source)}")
            lines += self._topic_lines(["related"], None, cite, general_only=True)
        return Answer(text="\n".join(lines), sources=cite.sources) if lines else NOT_FOUND
