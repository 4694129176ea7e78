"""Compose answers from the knowledge store. No Rasa here, and no facts:
every sentence of substance comes from a store row and is cited."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from bot.store import KnowledgeStore
from bot.store import models as m


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
    """One line per fact; an article statement that a newer source corrects is
    followed by what is current, so the user hears both."""
    lines: list[str] = []
    shown: set[str] = set()
    facts = list(facts)
    for fact in facts:
        if fact.key in shown or (fact.updates_key and fact.updates_key in {f.key for f in facts}):
            continue
        shown.add(fact.key)
        lines.append(f"{_prefix(fact)}{fact.text} {cite.mark(fact.source)}")
        if fact.status == "article":
            for update in store.updates_of(fact.key):
                shown.add(update.key)
                lines.append(f"  Current ({_date(update)}): {update.text} {cite.mark(update.source)}")
    return lines


def _prefix(fact: m.Fact) -> str:
    return {
        "article": "",
        "expected": "Expected, not yet confirmed: ",
        "reported": "Reported: ",
        "estimate": "Estimate: ",
    }.get(fact.status, "")


def _date(fact: m.Fact) -> str:
    return fact.as_of.strftime("%-d %B %Y")


class AnswerComposer:
    def __init__(self, store: KnowledgeStore):
        self.store = store

    def topic(self, topic: str, framework_key: Optional[str] = None) -> Answer:
        """All facts on a topic (for one framework, or general ones)."""
        facts = self.store.facts(topic=topic, framework_key=framework_key)
        if not facts:
            return Answer(text="", found=False)
        cite = Citations()
        lines = fact_lines(self.store, facts, cite)
        return Answer(text="\n".join(lines), sources=cite.sources)

    def overview(self, framework_key: str) -> Answer:
        framework = self.store.framework(framework_key)
        if framework is None:
            return Answer(text="", found=False)
        facts = self.store.facts(topic="overview", framework_key=framework_key)
        cite = Citations()
        if facts:
            lines = fact_lines(self.store, facts, cite)
        else:
            lines = [f"{framework.summary} {cite.mark(framework.source)}"]
        return Answer(text=f"{framework.name}: " + "\n".join(lines), sources=cite.sources)
