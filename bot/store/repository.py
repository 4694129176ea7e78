"""Read access to the knowledge store: plain Python, no Rasa."""

from __future__ import annotations

import threading
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from bot.store import models as m


class KnowledgeStore:
    """Queries used by the answer composer and the recommendation rules.

    Objects are returned detached (expire_on_commit=False) with the relations
    answers need already loaded, so callers never trigger lazy loads."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, future=True, expire_on_commit=False)

    def _all(self, stmt) -> list:
        with self._session() as session:
            return list(session.execute(stmt).scalars().unique())

    def _one(self, stmt):
        with self._session() as session:
            return session.execute(stmt).scalars().first()

    # -- entities --------------------------------------------------------
    def framework(self, key: str) -> Optional[m.Framework]:
        return self._one(select(m.Framework).options(selectinload(m.Framework.source)).where(m.Framework.key == key))

    def frameworks(self, category: Optional[str] = None) -> list[m.Framework]:
        stmt = select(m.Framework).options(selectinload(m.Framework.source)).order_by(m.Framework.key)
        if category:
            stmt = stmt.where(m.Framework.category == category)
        return self._all(stmt)

    def aliases(self, entity: Optional[str] = None) -> list[m.Alias]:
        stmt = select(m.Alias).order_by(m.Alias.entity, m.Alias.text)
        if entity:
            stmt = stmt.where(m.Alias.entity == entity)
        return self._all(stmt)

    def resolve(self, entity: str, text: str) -> Optional[str]:
        """Normalise what a user wrote to the store's key, or None if unknown."""
        norm = " ".join(str(text).lower().split())
        alias = self._one(select(m.Alias).where(m.Alias.entity == entity, m.Alias.text == norm))
        return alias.value if alias else None

    def industry(self, key: str) -> Optional[m.Industry]:
        return self._one(select(m.Industry).where(m.Industry.key == key))

    def customer_type(self, key: str) -> Optional[m.CustomerType]:
        return self._one(select(m.CustomerType).where(m.CustomerType.key == key))

    # -- facts -----------------------------------------------------------
    def facts(
        self,
        topic: Optional[str] = None,
        framework_key: Optional[str] = None,
        statuses: Optional[Sequence[str]] = None,
        include_general: bool = False,
    ) -> list[m.Fact]:
        """Facts on a topic, article statements first, then in file order."""
        stmt = select(m.Fact).options(selectinload(m.Fact.source)).order_by(m.Fact.position)
        if topic:
            stmt = stmt.where(m.Fact.topic == topic)
        if framework_key:
            if include_general:
                stmt = stmt.where((m.Fact.framework_key == framework_key) | (m.Fact.framework_key.is_(None)))
            else:
                stmt = stmt.where(m.Fact.framework_key == framework_key)
        if statuses:
            stmt = stmt.where(m.Fact.status.in_(list(statuses)))
        return self._all(stmt)

    def fact(self, key: str) -> Optional[m.Fact]:
        return self._one(select(m.Fact).options(selectinload(m.Fact.source)).where(m.Fact.key == key))

    def updates_of(self, fact_key: str) -> list[m.Fact]:
        """Newer facts that correct an article statement."""
        return self._all(
            select(m.Fact)
            .options(selectinload(m.Fact.source))
            .where(m.Fact.updates_key == fact_key)
            .order_by(m.Fact.position)
        )

    # -- structured content ----------------------------------------------
    def process(self, framework_key: str) -> Optional[m.Process]:
        return self._one(
            select(m.Process)
            .options(selectinload(m.Process.steps), selectinload(m.Process.source))
            .where(m.Process.framework_key == framework_key)
        )

    def timeline_estimates(self, framework_key: str) -> list[m.TimelineEstimate]:
        return self._all(
            select(m.TimelineEstimate)
            .options(selectinload(m.TimelineEstimate.source))
            .where(m.TimelineEstimate.framework_key == framework_key)
            .order_by(m.TimelineEstimate.position)
        )

    def comparison(self) -> list[m.ComparisonRow]:
        return self._all(
            select(m.ComparisonRow).options(selectinload(m.ComparisonRow.source)).order_by(m.ComparisonRow.position)
        )

    def industry_fit(self) -> list[m.IndustryFit]:
        return self._all(
            select(m.IndustryFit).options(selectinload(m.IndustryFit.source)).order_by(m.IndustryFit.position)
        )

    def examples(self) -> list[m.Example]:
        return self._all(select(m.Example).options(selectinload(m.Example.source)).order_by(m.Example.number))

    def outcome(self, key: str) -> Optional[m.Outcome]:
        return self._one(select(m.Outcome).options(selectinload(m.Outcome.source)).where(m.Outcome.key == key))

    def practices(self) -> list[m.Practice]:
        return self._all(select(m.Practice).options(selectinload(m.Practice.source)).order_by(m.Practice.position))

    def maturity_levels(self) -> list[m.MaturityLevel]:
        return self._all(
            select(m.MaturityLevel).options(selectinload(m.MaturityLevel.source)).order_by(m.MaturityLevel.number)
        )

    def maturity_level(self, number: int) -> Optional[m.MaturityLevel]:
        return self._one(
            select(m.MaturityLevel)
            .options(selectinload(m.MaturityLevel.source))
            .where(m.MaturityLevel.number == number)
        )

    def cost_items(self, framework_key: str) -> list[m.CostItem]:
        return self._all(
            select(m.CostItem)
            .options(selectinload(m.CostItem.source))
            .where(m.CostItem.framework_key == framework_key)
            .order_by(m.CostItem.position)
        )

    def cost_drivers(self, framework_key: str) -> list[m.CostDriver]:
        return self._all(
            select(m.CostDriver)
            .options(selectinload(m.CostDriver.source))
            .where(m.CostDriver.framework_key == framework_key)
            .order_by(m.CostDriver.position)
        )

    def next_steps(self, outcome_key: str) -> list[m.NextStep]:
        return self._all(
            select(m.NextStep)
            .options(selectinload(m.NextStep.source))
            .where(m.NextStep.outcome_key == outcome_key)
            .order_by(m.NextStep.position)
        )

    def question(self, slot: str) -> Optional[m.Question]:
        return self._one(select(m.Question).options(selectinload(m.Question.options)).where(m.Question.slot == slot))


_default_store: Optional[KnowledgeStore] = None
_default_store_lock = threading.Lock()


def default_store() -> KnowledgeStore:
    """The process-wide store for DATABASE_URL (created on first use)."""
    global _default_store
    with _default_store_lock:  # actions run in threads: one engine for all of them
        if _default_store is None:
            from bot.settings import get_settings
            from bot.store.db import get_engine

            _default_store = KnowledgeStore(get_engine(get_settings().database_url))
    return _default_store
