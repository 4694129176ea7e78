"""Knowledge store schema (SQLAlchemy 1.4, written 2.0-style).

Every statement the assistant makes is a row here, tied to a Source with an
as-of date. Content tables are rebuilt from content/*.yml by the loader; user
data tables (consultant requests) are never touched by a content reload.

Typing: every column is annotated `Mapped[...]`, the form SQLAlchemy 2.0 reads.
SQLAlchemy 1.4 ships no type information (without sqlalchemy2-stubs mypy sees its
names, Mapped included, as Any), so the annotations document the column types
without mypy checking them. `Base` is a class of its own (not the variable
`declarative_base()` returns), so mypy does check the code that passes the models
around (a Framework where an Industry is expected, a model's __table__).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """The declarative base, as declarative_base() would make it, spelled out for mypy."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor
    # set on each model by the mapping
    __tablename__: ClassVar[str]
    __table__: ClassVar[Any]


def required(type_: Any, **kwargs: Any) -> Any:
    """A NOT NULL column."""
    return Column(type_, nullable=False, **kwargs)


def reference(target: str, **kwargs: Any) -> Any:
    """A NOT NULL foreign key to `target` ("table.column")."""
    return Column(ForeignKey(target), nullable=False, **kwargs)


class Row:
    """A table whose rows have no key of their own: an integer id."""

    id: Mapped[int] = Column(Integer, primary_key=True)


class Cited:
    """A row stated by a source: its key, and the Source for the citation."""

    @declared_attr
    def source_key(cls) -> Mapped[str]:
        return reference("sources.key")

    @declared_attr
    def source(cls) -> Mapped[Source]:
        return relationship(Source)


def parts(model: str) -> Any:
    """The `model` rows (PartOf) that belong to this row, in their order; deleted with it."""
    return relationship(model, order_by=f"{model}.position", cascade="all, delete-orphan")


class PartOf(Row):
    """A row of a list that belongs to another row (a question's examples, a process's
    steps), in the order of `position`."""

    position: Mapped[int] = required(Integer)


def part_of(parent: str, key: str) -> Any:
    """A mixin for the rows that belong to a row of the table `parent`, in order: PartOf
    with the parent's key as column `key`, indexed (a foreign key in a mixin must be a
    declared_attr)."""
    column = declared_attr(lambda cls: reference(f"{parent}.key", index=True))
    return type(f"PartOf_{parent}", (PartOf,), {key: column, "__doc__": f"A row that belongs to a row of {parent}."})


class Source(Base):
    __tablename__ = "sources"
    key: Mapped[str] = Column(String(64), primary_key=True)
    title: Mapped[str] = required(Text)
    # None for the seed article, which has no URL: cited as "seed article".
    url: Mapped[Optional[str]] = Column(Text)
    publisher: Mapped[Optional[str]] = Column(String(200))
    as_of: Mapped[dt.date] = required(Date)
    # article | web | vendor (vendor pages are estimates, labelled as such)
    kind: Mapped[str] = required(String(20))
    # False when the page has no date of its own: as_of is then when it was checked.
    dated: Mapped[bool] = required(Boolean, default=True)

    def citation(self) -> str:
        """A short footnote: who, what kind, when, and the link where there is one:
        "CMMI vs ISO 9001 (consultancy article, 24 Sep 2023)"."""
        name = self.title if self.kind == "article" else (self.publisher or self.title)
        when = self.as_of.strftime("%-d %b %Y") if self.dated else "checked " + self.as_of.strftime("%b %Y")
        label = {"article": "consultancy article", "vendor": "vendor estimate"}.get(self.kind)
        text = f"{name} ({label}, {when})" if label else f"{name} ({when})"
        return f"{text} {self.url}" if self.url else text


class Framework(Cited, Base):
    """ISO 9001, CMMI and the related standards people ask about."""

    __tablename__ = "frameworks"
    key: Mapped[str] = Column(String(32), primary_key=True)
    name: Mapped[str] = required(String(100))
    full_name: Mapped[str] = required(Text)
    # standard | model | certification
    kind: Mapped[str] = required(String(20))
    # primary (ISO 9001, CMMI) | related
    category: Mapped[str] = required(String(20))
    summary: Mapped[str] = required(Text)
    relation_to_iso9001: Mapped[Optional[str]] = Column(Text)
    includes_iso9001: Mapped[bool] = required(Boolean, default=False)


class Fact(Cited, Base):
    """One sourced statement. `status` says how to present it:
    article (what the seed article states), current (newer source),
    expected (announced, not confirmed), reported (single source), estimate (vendor figure).
    `updates_key` links a newer fact to the article statement it corrects."""

    __tablename__ = "facts"
    key: Mapped[str] = Column(String(80), primary_key=True)
    topic: Mapped[str] = required(String(60), index=True)
    framework_key: Mapped[Optional[str]] = Column(ForeignKey("frameworks.key"), index=True)
    text: Mapped[str] = required(Text)
    status: Mapped[str] = required(String(20))
    updates_key: Mapped[Optional[str]] = Column(ForeignKey("facts.key"))
    position: Mapped[int] = required(Integer, default=0)
    as_of: Mapped[dt.date] = required(Date)
    # The user's situation a fact applies to (None: any): organization size in
    # staff, and a framework the user holds (when_held) or does not (unless_held).
    min_staff: Mapped[Optional[int]] = Column(Integer)
    max_staff: Mapped[Optional[int]] = Column(Integer)
    when_held: Mapped[Optional[str]] = Column(String(32))
    unless_held: Mapped[Optional[str]] = Column(String(32))
    # also the case of an organization on several sites, whatever its size ("250+ staff or multi-site")
    or_multi_site: Mapped[bool] = required(Boolean, default=False)
    # a duration fact's range, to compare with a deadline the user gives ("ml3 in 4 months?")
    min_months: Mapped[Optional[int]] = Column(Integer)
    max_months: Mapped[Optional[int]] = Column(Integer)
    # how long a certificate or rating lasts, to date one the user gives ("ML2 from March 2021, expired?")
    valid_months: Mapped[Optional[int]] = Column(Integer)
    framework: Mapped[Optional[Framework]] = relationship(Framework)


class Process(Cited, Base):
    __tablename__ = "processes"
    key: Mapped[str] = Column(String(64), primary_key=True)
    framework_key: Mapped[str] = reference("frameworks.key")
    name: Mapped[str] = required(Text)
    min_months: Mapped[int] = required(Integer)
    max_months: Mapped[int] = required(Integer)
    steps: Mapped[list[ProcessStep]] = parts("ProcessStep")


class ProcessStep(PartOf, Base):
    __tablename__ = "process_steps"
    process_key: Mapped[str] = reference("processes.key")
    name: Mapped[str] = required(String(100))
    description: Mapped[str] = required(Text)
    __table_args__ = (UniqueConstraint("process_key", "position"),)


class TimelineEstimate(Row, Cited, Base):
    """Durations beyond the article (mostly vendor estimates), by scope."""

    __tablename__ = "timeline_estimates"
    framework_key: Mapped[str] = reference("frameworks.key")
    scope: Mapped[str] = required(Text)
    min_months: Mapped[int] = required(Integer)
    max_months: Mapped[int] = required(Integer)
    # organization size band this applies to, for roadmaps (None: any size)
    min_staff: Mapped[Optional[int]] = Column(Integer)
    max_staff: Mapped[Optional[int]] = Column(Integer)
    maturity_level: Mapped[Optional[int]] = Column(Integer)
    or_multi_site: Mapped[bool] = required(Boolean, default=False)  # "250+ staff or multi-site"
    position: Mapped[int] = required(Integer, default=0)


class Industry(Base):
    __tablename__ = "industries"
    key: Mapped[str] = Column(String(32), primary_key=True)
    name: Mapped[str] = required(String(100))


class CustomerType(Base):
    __tablename__ = "customer_types"
    key: Mapped[str] = Column(String(32), primary_key=True)
    name: Mapped[str] = required(String(100))


class IndustryFit(PartOf, Cited, Base):
    """A row of the article's "Should I get CMMI appraisal?" table."""

    __tablename__ = "industry_fit"
    role: Mapped[str] = required(Text)
    qualifier: Mapped[Optional[str]] = Column(Text)
    # often_required | optional | rarely_needed | voluntary
    cmmi_recommendation: Mapped[str] = required(String(20))
    label: Mapped[str] = required(String(40))
    why: Mapped[str] = required(Text)
    industry_key: Mapped[Optional[str]] = Column(ForeignKey("industries.key"))


class ComparisonRow(PartOf, Cited, Base):
    """A row of the article's core-differences table."""

    __tablename__ = "comparison_rows"
    area: Mapped[str] = required(String(60))
    iso9001: Mapped[str] = required(Text)
    cmmi: Mapped[str] = required(Text)


class Example(Cited, Base):
    """One of the article's real-world examples, with its decision."""

    __tablename__ = "examples"
    number: Mapped[int] = Column(Integer, primary_key=True)
    title: Mapped[str] = required(Text)
    description: Mapped[str] = required(Text)
    decision: Mapped[str] = required(Text)
    # the recommendation outcome key this decision corresponds to
    outcome_key: Mapped[str] = reference("outcomes.key")
    # who the example organization sells to (customer type keys, comma-separated), so
    # a commercial-only user is not told a defense contractor "reached the same decision"
    customers: Mapped[Optional[str]] = Column(String(120))


class Outcome(Cited, Base):
    """A recommendation the assistant can give (ISO 9001 only, both, ...)."""

    __tablename__ = "outcomes"
    key: Mapped[str] = Column(String(40), primary_key=True)
    title: Mapped[str] = required(Text)
    summary: Mapped[str] = required(Text)


class Practice(Cited, Base):
    """A management practice that transfers from ISO 9001 to CMMI."""

    __tablename__ = "practices"
    position: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = required(Text)


class MaturityLevel(Cited, Base):
    __tablename__ = "maturity_levels"
    number: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = required(String(60))
    description: Mapped[str] = required(Text)


class CostItem(Row, Cited, Base):
    """A cost range; all are estimates from their source."""

    __tablename__ = "cost_items"
    framework_key: Mapped[str] = reference("frameworks.key")
    position: Mapped[int] = required(Integer, default=0)
    item: Mapped[str] = required(Text)
    low: Mapped[Optional[int]] = Column(Integer)
    # None with low set means "low and up" (e.g. $10,000+)
    high: Mapped[Optional[int]] = Column(Integer)
    currency: Mapped[str] = required(String(3), default="USD")
    note: Mapped[Optional[str]] = Column(Text)


class CostDriver(Row, Cited, Base):
    __tablename__ = "cost_drivers"
    framework_key: Mapped[str] = reference("frameworks.key")
    position: Mapped[int] = required(Integer, default=0)
    text: Mapped[str] = required(Text)


class Alias(Row, Base):
    """A way people write an entity value ("iso9k" -> framework iso9001)."""

    __tablename__ = "aliases"
    # framework | industry | customer_type | maturity_level
    entity: Mapped[str] = required(String(20))
    value: Mapped[str] = required(String(40))
    text: Mapped[str] = required(String(100))
    __table_args__ = (UniqueConstraint("entity", "text"),)


class ConsultantRequest(Row, Base):
    """User data, not content: survives content reloads."""

    __tablename__ = "consultant_requests"
    conversation_id: Mapped[str] = required(String(200), index=True)
    name: Mapped[str] = required(String(200))
    email: Mapped[str] = required(String(320))
    recommendation: Mapped[str] = required(Text)
    created_at: Mapped[dt.datetime] = required(DateTime, index=True)
    # When it was emailed to the consultancy; None: not yet (bot/leads.py sends it again).
    sent_at: Mapped[Optional[dt.datetime]] = Column(DateTime)


# Tables rebuilt by a content reload, in dependency order (parents first).
CONTENT_MODELS: list[type[Base]] = [
    Source,
    Framework,
    Industry,
    CustomerType,
    Outcome,
    Fact,
    Process,
    ProcessStep,
    TimelineEstimate,
    IndustryFit,
    ComparisonRow,
    Example,
    Practice,
    MaturityLevel,
    CostItem,
    CostDriver,
    Alias,
]


class NextStep(Row, Cited, Base):
    """A next step closing a recommendation outcome (content/next_steps.yml)."""

    __tablename__ = "next_steps"
    outcome_key: Mapped[str] = reference("outcomes.key", index=True)
    position: Mapped[int] = required(Integer, default=0)
    text: Mapped[str] = required(Text)


class Question(Base):
    """A question of the guided recommendation (content/questions.yml)."""

    __tablename__ = "questions"
    slot: Mapped[str] = Column(String(40), primary_key=True)
    position: Mapped[int] = required(Integer, default=0)
    text: Mapped[str] = required(Text)
    # shown before the question again when an answer cannot be used
    reask: Mapped[str] = required(Text)
    # "why?" typed at the question: why the recommendation needs it
    why: Mapped[Optional[str]] = Column(Text)
    options: Mapped[list[QuestionOption]] = parts("QuestionOption")


class QuestionOption(PartOf, Base):
    """A button offered with a question: its title and the value it sends."""

    __tablename__ = "question_options"
    question_slot: Mapped[str] = reference("questions.slot")
    title: Mapped[str] = required(String(100))
    value: Mapped[str] = required(String(60))
    __table_args__ = (UniqueConstraint("question_slot", "position"),)


# Rebuilt by a content reload too (appended: deleted before the tables they refer to).
CONTENT_MODELS.extend([NextStep, Question, QuestionOption])


# the examples, answering facts and related questions of a catalogue question
QuestionPart: Any = part_of("catalogue_questions", "question_key")


class CatalogueQuestion(Base):
    """A kind of question people ask (content/catalogue/*.yml), answered by facts."""

    __tablename__ = "catalogue_questions"
    key: Mapped[str] = Column(String(64), primary_key=True)
    position: Mapped[int] = required(Integer, default=0)
    title: Mapped[str] = required(Text)
    # a decision question ("which one first?"): offers the guided recommendation
    starts_recommendation: Mapped[bool] = required(Boolean, default=False)
    # "in what order?": once the user has a recommendation, its plan is the answer
    answered_by_plan: Mapped[bool] = required(Boolean, default=False)
    # asks how to get a framework (time, cost, steps): never about one the user holds
    about_getting: Mapped[bool] = required(Boolean, default=False)
    # a pattern the message must match for this kind to be read from it: "level 6" is
    # about levels above 5, "CMMI for 6 people" is not (the classifier sees digits alike)
    asked_only_if: Mapped[Optional[str]] = Column(Text, nullable=True)
    # what it asks when the user holds a framework it assumes they lack: "iso9001=already_iso_why_cmmi"
    # ("we hold ISO 9001, do we need CMMI too or is ISO enough?" is not "we have CMMI, why ISO?")
    for_holders_of: Mapped[Optional[str]] = Column(Text, nullable=True)
    # what it asks when the user's contracts require a framework: "cmmi=customer_demands_cmmi"
    # ("is iso enough for us?" from someone whose RFPs require CMMI)
    for_requirers_of: Mapped[Optional[str]] = Column(Text, nullable=True)
    examples: Mapped[list[QuestionExample]] = parts("QuestionExample")
    facts: Mapped[list[QuestionFact]] = parts("QuestionFact")
    related: Mapped[list[QuestionRelated]] = parts("QuestionRelated")


class QuestionExample(QuestionPart, Base):
    """A phrasing of a question, the training data of the question classifier."""

    __tablename__ = "question_examples"
    text: Mapped[str] = required(Text)


class QuestionFact(QuestionPart, Base):
    """A fact answering a question: role "answer" (the direct answer) or "detail"
    ("More detail"), for a subject ("" for any; a framework, industry or
    customer type key, or ml1..ml5 for a CMMI maturity level)."""

    __tablename__ = "question_facts"
    role: Mapped[str] = required(String(10))
    subject: Mapped[str] = required(String(32), default="")
    fact_key: Mapped[str] = reference("facts.key")


class QuestionRelated(QuestionPart, Base):
    __tablename__ = "question_related"
    related_key: Mapped[str] = required(String(64))


# the patterns that detect a misconception and the facts that correct it
MisconceptionPart: Any = part_of("misconceptions", "misconception_key")


class Misconception(Base):
    """A false premise people bring (e.g. "maturity level 6"), with its correction; or
    a topic the sources do not cover (`no_source_on`: "TISAX"), answered honestly."""

    __tablename__ = "misconceptions"
    key: Mapped[str] = Column(String(64), primary_key=True)
    position: Mapped[int] = required(Integer, default=0)
    no_source_on: Mapped[Optional[str]] = Column(String(120))
    patterns: Mapped[list[MisconceptionPattern]] = parts("MisconceptionPattern")
    corrections: Mapped[list[MisconceptionFact]] = parts("MisconceptionFact")


class MisconceptionPattern(MisconceptionPart, Base):
    """A case-insensitive regular expression that fires when a message holds the premise."""

    __tablename__ = "misconception_patterns"
    pattern: Mapped[str] = required(Text)


class MisconceptionFact(MisconceptionPart, Base):
    __tablename__ = "misconception_facts"
    fact_key: Mapped[str] = reference("facts.key")


class ContentVersion(Row, Base):
    """One row: a digest of the loaded content, so running assistants notice a reload."""

    __tablename__ = "content_version"
    digest: Mapped[str] = required(String(64))
    loaded_at: Mapped[dt.datetime] = required(DateTime)


# Rebuilt by a content reload too (after the facts they refer to).
CONTENT_MODELS.extend(
    [
        CatalogueQuestion,
        QuestionExample,
        QuestionFact,
        QuestionRelated,
        Misconception,
        MisconceptionPattern,
        MisconceptionFact,
        ContentVersion,
    ]
)
