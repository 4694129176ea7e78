"""Knowledge store schema (SQLAlchemy 1.4, written 2.0-style).

Every statement the assistant makes is a row here, tied to a Source with an
as-of date. Content tables are rebuilt from content/*.yml by the loader; user
data tables (consultant requests) are never touched by a content reload.
"""

from __future__ import annotations

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
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Source(Base):
    __tablename__ = "sources"
    key = Column(String(64), primary_key=True)
    title = Column(Text, nullable=False)
    # None for the seed article, which has no URL: cited as "seed article".
    url = Column(Text)
    publisher = Column(String(200))
    as_of = Column(Date, nullable=False)
    # article | web | vendor (vendor pages are estimates, labelled as such)
    kind = Column(String(20), nullable=False)
    # False when the page has no date of its own: as_of is then when it was checked.
    dated = Column(Boolean, nullable=False, default=True)

    def citation(self) -> str:
        """A short footnote: who, what kind, when, and the link where there is one:
        "CMMI vs ISO 9001 (consultancy article, 24 Sep 2023)"."""
        name = self.title if self.kind == "article" else (self.publisher or self.title)
        when = self.as_of.strftime("%-d %b %Y") if self.dated else "checked " + self.as_of.strftime("%b %Y")
        label = {"article": "consultancy article", "vendor": "vendor estimate"}.get(self.kind)
        text = f"{name} ({label}, {when})" if label else f"{name} ({when})"
        return f"{text} {self.url}" if self.url else text


class Framework(Base):
    """ISO 9001, CMMI and the related standards people ask about."""

    __tablename__ = "frameworks"
    key = Column(String(32), primary_key=True)
    name = Column(String(100), nullable=False)
    full_name = Column(Text, nullable=False)
    # standard | model | certification
    kind = Column(String(20), nullable=False)
    # primary (ISO 9001, CMMI) | related
    category = Column(String(20), nullable=False)
    summary = Column(Text, nullable=False)
    relation_to_iso9001 = Column(Text)
    includes_iso9001 = Column(Boolean, nullable=False, default=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Fact(Base):
    """One sourced statement. `status` says how to present it:
    article (what the seed article states), current (newer source),
    expected (announced, not confirmed), reported (single source), estimate (vendor figure).
    `updates_key` links a newer fact to the article statement it corrects."""

    __tablename__ = "facts"
    key = Column(String(80), primary_key=True)
    topic = Column(String(60), nullable=False, index=True)
    framework_key = Column(ForeignKey("frameworks.key"), index=True)
    text = Column(Text, nullable=False)
    status = Column(String(20), nullable=False)
    updates_key = Column(ForeignKey("facts.key"))
    position = Column(Integer, nullable=False, default=0)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    as_of = Column(Date, nullable=False)
    # The user's situation a fact applies to (None: any): organization size in
    # staff, and a framework the user holds (when_held) or does not (unless_held).
    min_staff = Column(Integer)
    max_staff = Column(Integer)
    when_held = Column(String(32))
    unless_held = Column(String(32))
    # a duration fact's range, to compare with a deadline the user gives ("ml3 in 4 months?")
    min_months = Column(Integer)
    max_months = Column(Integer)
    source = relationship(Source)
    framework = relationship(Framework)


class Process(Base):
    __tablename__ = "processes"
    key = Column(String(64), primary_key=True)
    framework_key = Column(ForeignKey("frameworks.key"), nullable=False)
    name = Column(Text, nullable=False)
    min_months = Column(Integer, nullable=False)
    max_months = Column(Integer, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)
    steps = relationship("ProcessStep", order_by="ProcessStep.position", cascade="all, delete-orphan")


class ProcessStep(Base):
    __tablename__ = "process_steps"
    id = Column(Integer, primary_key=True)
    process_key = Column(ForeignKey("processes.key"), nullable=False)
    position = Column(Integer, nullable=False)
    name = Column(String(100), nullable=False)
    description = Column(Text, nullable=False)
    __table_args__ = (UniqueConstraint("process_key", "position"),)


class TimelineEstimate(Base):
    """Durations beyond the article (mostly vendor estimates), by scope."""

    __tablename__ = "timeline_estimates"
    id = Column(Integer, primary_key=True)
    framework_key = Column(ForeignKey("frameworks.key"), nullable=False)
    scope = Column(Text, nullable=False)
    min_months = Column(Integer, nullable=False)
    max_months = Column(Integer, nullable=False)
    # organization size band this applies to, for roadmaps (None: any size)
    min_staff = Column(Integer)
    max_staff = Column(Integer)
    maturity_level = Column(Integer)
    position = Column(Integer, nullable=False, default=0)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Industry(Base):
    __tablename__ = "industries"
    key = Column(String(32), primary_key=True)
    name = Column(String(100), nullable=False)


class CustomerType(Base):
    __tablename__ = "customer_types"
    key = Column(String(32), primary_key=True)
    name = Column(String(100), nullable=False)


class IndustryFit(Base):
    """A row of the article's "Should I get CMMI appraisal?" table."""

    __tablename__ = "industry_fit"
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    role = Column(Text, nullable=False)
    qualifier = Column(Text)
    # often_required | optional | rarely_needed | voluntary
    cmmi_recommendation = Column(String(20), nullable=False)
    label = Column(String(40), nullable=False)
    why = Column(Text, nullable=False)
    industry_key = Column(ForeignKey("industries.key"))
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class ComparisonRow(Base):
    """A row of the article's core-differences table."""

    __tablename__ = "comparison_rows"
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    area = Column(String(60), nullable=False)
    iso9001 = Column(Text, nullable=False)
    cmmi = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Example(Base):
    """One of the article's real-world examples, with its decision."""

    __tablename__ = "examples"
    number = Column(Integer, primary_key=True)
    title = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    decision = Column(Text, nullable=False)
    # the recommendation outcome key this decision corresponds to
    outcome_key = Column(ForeignKey("outcomes.key"), nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Outcome(Base):
    """A recommendation the assistant can give (ISO 9001 only, both, ...)."""

    __tablename__ = "outcomes"
    key = Column(String(40), primary_key=True)
    title = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Practice(Base):
    """A management practice that transfers from ISO 9001 to CMMI."""

    __tablename__ = "practices"
    position = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class MaturityLevel(Base):
    __tablename__ = "maturity_levels"
    number = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    description = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class CostItem(Base):
    """A cost range; all are estimates from their source."""

    __tablename__ = "cost_items"
    id = Column(Integer, primary_key=True)
    framework_key = Column(ForeignKey("frameworks.key"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    item = Column(Text, nullable=False)
    low = Column(Integer)
    # None with low set means "low and up" (e.g. $10,000+)
    high = Column(Integer)
    currency = Column(String(3), nullable=False, default="USD")
    note = Column(Text)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class CostDriver(Base):
    __tablename__ = "cost_drivers"
    id = Column(Integer, primary_key=True)
    framework_key = Column(ForeignKey("frameworks.key"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    text = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Alias(Base):
    """A way people write an entity value ("iso9k" -> framework iso9001)."""

    __tablename__ = "aliases"
    id = Column(Integer, primary_key=True)
    # framework | industry | customer_type | maturity_level
    entity = Column(String(20), nullable=False)
    value = Column(String(40), nullable=False)
    text = Column(String(100), nullable=False)
    __table_args__ = (UniqueConstraint("entity", "text"),)


class ConsultantRequest(Base):
    """User data, not content: survives content reloads."""

    __tablename__ = "consultant_requests"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(200), nullable=False, index=True)
    name = Column(String(200), nullable=False)
    email = Column(String(320), nullable=False)
    recommendation = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)
    # When it was emailed to the consultancy; None: not yet (bot/leads.py sends it again).
    sent_at = Column(DateTime)


# Tables rebuilt by a content reload, in dependency order (parents first).
CONTENT_MODELS = [
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


class NextStep(Base):
    """A next step closing a recommendation outcome (content/next_steps.yml)."""

    __tablename__ = "next_steps"
    id = Column(Integer, primary_key=True)
    outcome_key = Column(ForeignKey("outcomes.key"), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    text = Column(Text, nullable=False)
    source_key = Column(ForeignKey("sources.key"), nullable=False)
    source = relationship(Source)


class Question(Base):
    """A question of the guided recommendation (content/questions.yml)."""

    __tablename__ = "questions"
    slot = Column(String(40), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    text = Column(Text, nullable=False)
    # shown before the question again when an answer cannot be used
    reask = Column(Text, nullable=False)
    # "why?" typed at the question: why the recommendation needs it
    why = Column(Text)
    options = relationship("QuestionOption", order_by="QuestionOption.position", cascade="all, delete-orphan")


class QuestionOption(Base):
    """A button offered with a question: its title and the value it sends."""

    __tablename__ = "question_options"
    id = Column(Integer, primary_key=True)
    question_slot = Column(ForeignKey("questions.slot"), nullable=False)
    position = Column(Integer, nullable=False)
    title = Column(String(100), nullable=False)
    value = Column(String(60), nullable=False)
    __table_args__ = (UniqueConstraint("question_slot", "position"),)


# Rebuilt by a content reload too (appended: deleted before the tables they refer to).
CONTENT_MODELS.extend([NextStep, Question, QuestionOption])


class CatalogueQuestion(Base):
    """A kind of question people ask (content/catalogue/*.yml), answered by facts."""

    __tablename__ = "catalogue_questions"
    key = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    title = Column(Text, nullable=False)
    # a decision question ("which one first?"): offers the guided recommendation
    starts_recommendation = Column(Boolean, nullable=False, default=False)
    # "in what order?": once the user has a recommendation, its plan is the answer
    answered_by_plan = Column(Boolean, nullable=False, default=False)
    # a pattern the message must match for this kind to be read from it: "level 6" is
    # about levels above 5, "CMMI for 6 people" is not (the classifier sees digits alike)
    asked_only_if = Column(Text, nullable=True)
    examples = relationship("QuestionExample", order_by="QuestionExample.position", cascade="all, delete-orphan")
    facts = relationship("QuestionFact", order_by="QuestionFact.position", cascade="all, delete-orphan")
    related = relationship("QuestionRelated", order_by="QuestionRelated.position", cascade="all, delete-orphan")


class QuestionExample(Base):
    """A phrasing of a question, the training data of the question classifier."""

    __tablename__ = "question_examples"
    id = Column(Integer, primary_key=True)
    question_key = Column(ForeignKey("catalogue_questions.key"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class QuestionFact(Base):
    """A fact answering a question: role "answer" (the direct answer) or "detail"
    ("More detail"), for a subject ("" for any; a framework, industry or
    customer type key, or ml1..ml5 for a CMMI maturity level)."""

    __tablename__ = "question_facts"
    id = Column(Integer, primary_key=True)
    question_key = Column(ForeignKey("catalogue_questions.key"), nullable=False, index=True)
    role = Column(String(10), nullable=False)
    subject = Column(String(32), nullable=False, default="")
    position = Column(Integer, nullable=False)
    fact_key = Column(ForeignKey("facts.key"), nullable=False)


class QuestionRelated(Base):
    __tablename__ = "question_related"
    id = Column(Integer, primary_key=True)
    question_key = Column(ForeignKey("catalogue_questions.key"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    related_key = Column(String(64), nullable=False)


class Misconception(Base):
    """A false premise people bring (e.g. "maturity level 6"), with its correction."""

    __tablename__ = "misconceptions"
    key = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    patterns = relationship(
        "MisconceptionPattern", order_by="MisconceptionPattern.position", cascade="all, delete-orphan"
    )
    corrections = relationship("MisconceptionFact", order_by="MisconceptionFact.position", cascade="all, delete-orphan")


class MisconceptionPattern(Base):
    """A case-insensitive regular expression that fires when a message holds the premise."""

    __tablename__ = "misconception_patterns"
    id = Column(Integer, primary_key=True)
    misconception_key = Column(ForeignKey("misconceptions.key"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    pattern = Column(Text, nullable=False)


class MisconceptionFact(Base):
    __tablename__ = "misconception_facts"
    id = Column(Integer, primary_key=True)
    misconception_key = Column(ForeignKey("misconceptions.key"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    fact_key = Column(ForeignKey("facts.key"), nullable=False)


class ContentVersion(Base):
    """One row: a digest of the loaded content, so running assistants notice a reload."""

    __tablename__ = "content_version"
    id = Column(Integer, primary_key=True)
    digest = Column(String(64), nullable=False)
    loaded_at = Column(DateTime, nullable=False)


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
