"""An in-memory copy of the read-only content the answers need.

Answers are composed from this snapshot instead of querying the database for
every fact: one query per answer checks the content's digest
(content_version, written by `./run load`), and a new snapshot is read only
when the content changed, so a reload still needs no retraining or restart."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.store import models as m
from bot.store.repository import KnowledgeStore


@dataclass(frozen=True)
class QuestionKind:
    key: str
    title: str
    # role ("answer" | "detail") -> subject ("" for any) -> facts, in order
    facts: dict[str, dict[str, list[m.Fact]]]
    related: list[str]
    examples: list[str]
    starts_recommendation: bool = False
    answered_by_plan: bool = False
    # how to get a framework: "how long, since we already have CMMI?" is about ISO 9001
    about_getting: bool = False
    # framework held -> the question it is then (content's for_holders_of)
    for_holders_of: dict[str, str] = field(default_factory=dict)
    # framework the user's contracts require -> the question it is then (content's for_requirers_of)
    for_requirers_of: dict[str, str] = field(default_factory=dict)

    def subjects(self, role: str = "answer") -> list[str]:
        return list(self.facts.get(role, {}))

    def for_subject(self, role: str, subject: str) -> list[m.Fact]:
        return list(self.facts.get(role, {}).get(subject, []))


@dataclass(frozen=True)
class Premise:
    key: str
    patterns: list[re.Pattern]
    corrections: list[m.Fact]
    # a topic the sources do not cover ("TISAX"): no correction, an honest reply
    no_source_on: Optional[str] = None

    def held_by(self, message: str) -> bool:
        return any(p.search(message) for p in self.patterns)


@dataclass
class ContentSnapshot:
    digest: str
    facts: dict[str, m.Fact]
    questions: dict[str, QuestionKind]
    premises: list[Premise]
    frameworks: dict[str, m.Framework]
    # fact key -> newer facts that correct it
    updates: dict[str, list[m.Fact]] = field(default_factory=dict)

    def name(self, subject: str) -> str:
        """How a subject is called in a reply: "ISO 9001", "Maturity level 3", "Software"."""
        if subject in self.frameworks:
            return self.frameworks[subject].name
        level = re.fullmatch(r"ml([1-5])", subject)
        if level:
            return f"Maturity level {level.group(1)}"
        return subject.replace("_", " ").capitalize()


def _pairs(stored: Optional[str]) -> dict[str, str]:
    """ "iso9001=already_iso_why_cmmi,cmmi=x" as stored -> {"iso9001": "already_iso_why_cmmi", "cmmi": "x"}"""
    return dict(pair.split("=", 1) for pair in (stored or "").split(",") if pair)


def read_snapshot(store: KnowledgeStore, digest: str) -> ContentSnapshot:
    with Session(store.engine, future=True, expire_on_commit=False) as session:
        facts = {
            f.key: f
            for f in session.execute(
                select(m.Fact).options(selectinload(m.Fact.source)).order_by(m.Fact.position)
            ).scalars()
        }
        frameworks = {
            f.key: f for f in session.execute(select(m.Framework).options(selectinload(m.Framework.source))).scalars()
        }
        rows = (
            session.execute(
                select(m.CatalogueQuestion)
                .options(
                    selectinload(m.CatalogueQuestion.facts),
                    selectinload(m.CatalogueQuestion.related),
                    selectinload(m.CatalogueQuestion.examples),
                )
                .order_by(m.CatalogueQuestion.position)
            )
            .scalars()
            .all()
        )
        premises_rows = (
            session.execute(
                select(m.Misconception)
                .options(selectinload(m.Misconception.patterns), selectinload(m.Misconception.corrections))
                .order_by(m.Misconception.position)
            )
            .scalars()
            .all()
        )
        questions: dict[str, QuestionKind] = {}
        for row in rows:
            by_role: dict[str, dict[str, list[m.Fact]]] = {}
            for link in sorted(row.facts, key=lambda link: (link.id,)):
                by_role.setdefault(link.role, {}).setdefault(link.subject, []).append(facts[link.fact_key])
            questions[row.key] = QuestionKind(
                key=row.key,
                title=row.title,
                facts=by_role,
                related=[r.related_key for r in row.related],
                examples=[e.text for e in row.examples],
                starts_recommendation=row.starts_recommendation,
                answered_by_plan=row.answered_by_plan,
                about_getting=row.about_getting,
                for_holders_of=_pairs(row.for_holders_of),
                for_requirers_of=_pairs(row.for_requirers_of),
            )
        premises = [
            Premise(
                key=p.key,
                patterns=[re.compile(x.pattern, re.I) for x in p.patterns],
                corrections=[facts[c.fact_key] for c in p.corrections],
                no_source_on=p.no_source_on,
            )
            for p in premises_rows
        ]
    updates: dict[str, list[m.Fact]] = {}
    for fact in facts.values():
        if fact.updates_key:
            updates.setdefault(fact.updates_key, []).append(fact)
    return ContentSnapshot(digest, facts, questions, premises, frameworks, updates)


class SnapshotCache:
    """The current snapshot of a store, re-read when the content digest changes."""

    def __init__(self, store: KnowledgeStore):
        self.store = store
        self._snapshot: Optional[ContentSnapshot] = None
        self._lock = threading.Lock()

    def current_digest(self) -> str:
        with Session(self.store.engine, future=True) as session:
            return session.execute(select(m.ContentVersion.digest)).scalar() or ""

    def get(self) -> ContentSnapshot:
        digest = self.current_digest()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.digest == digest:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.digest != digest:
                self._snapshot = read_snapshot(self.store, digest)
            return self._snapshot
