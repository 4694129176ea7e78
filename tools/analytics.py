"""What users ask: a report from a Rasa SQL tracker store's `events` table.

Plain Python + SQLAlchemy (no Rasa): reads the rows Rasa's SQLTrackerStore
writes (sender_id, type_name, timestamp, intent_name, action_name, data JSON)
and computes conversations and messages per day, questions per topic, the
fallback rate with the unanswered questions, recommendations by outcome and
the recommendation funnel. `python -m tools.analytics` writes an HTML report
with PNG charts.

    python -m tools.analytics --db-url sqlite:///tracker.db --out reports/
    python -m tools.analytics --endpoints endpoints.yml      (its tracker_store section)
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Optional, Sequence

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot.privacy import mask_personal_data
from bot.settings import PROJECT_ROOT, get_settings

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
SESSION_START_ACTION = "action_session_start"
LISTEN_ACTION = "action_listen"
REQUESTED_SLOT = "requested_slot"
# What users type while these are asked is their contact data: never shown.
CONTACT_SLOTS = ("contact_name", "contact_email")
CONTACT_DETAILS_MASK = "[contact details]"


@dataclass(frozen=True)
class ReportSettings:
    """Names the report looks for; they follow the domain's conventions."""

    recommendation_slot: str = "rec_outcome"
    form_name: str = "recommendation_form"
    start_intent: str = "start_recommendation"
    # Responses that mean "I have no answer to that" (honest no-answer / default fallback).
    no_answer_responses: tuple[str, ...] = (
        "utter_default",
        "utter_cannot_answer",
        "utter_out_of_scope",
        "utter_closest_match",
        "utter_did_you_mean",
        "utter_no_source_on",
    )
    # the intent of every catalogue question; its `question` entities name the question kinds
    question_intent: str = "ask_question"
    question_entity: str = "question"


@dataclass
class Event:
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: dict

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.timestamp or 0, tz=timezone.utc).date()


@dataclass
class DayCount:
    day: date
    conversations: int
    messages: int


@dataclass
class Unanswered:
    sender_id: str
    timestamp: float
    text: str
    reason: str  # nlu_fallback, action_default_fallback or the no-answer response name


@dataclass
class Report:
    days: list[DayCount] = field(default_factory=list)
    user_messages: int = 0
    conversations: int = 0
    questions_per_topic: dict[str, int] = field(default_factory=dict)
    unanswered: list[Unanswered] = field(default_factory=list)
    recommendations: dict[str, int] = field(default_factory=dict)
    funnel: list[tuple[str, int]] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        """Share of user messages the assistant did not answer."""
        return len(self.unanswered) / self.user_messages if self.user_messages else 0.0


# -- reading ---------------------------------------------------------------
def read_events(engine: Engine, since: Optional[date] = None, until: Optional[date] = None) -> list[Event]:
    """All events, per sender in the order Rasa stored them (UTC days, inclusive)."""
    stmt = sa.select(EVENTS).order_by(EVENTS.c.sender_id, EVENTS.c.id)
    if since:
        stmt = stmt.where(EVENTS.c.timestamp >= _epoch(since))
    if until:
        stmt = stmt.where(EVENTS.c.timestamp < _epoch(until) + 86400)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        Event(r.sender_id, r.type_name, r.timestamp or 0.0, r.intent_name, r.action_name, _json(r.data)) for r in rows
    ]


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _json(raw: Optional[str]) -> dict:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def tracker_db_url(endpoints_file: Path) -> str:
    """The SQLAlchemy URL of an endpoints file's SQL tracker store (${VAR}s expanded)."""
    config = yaml.safe_load(os.path.expandvars(Path(endpoints_file).read_text())) or {}
    store = config.get("tracker_store") or {}
    if str(store.get("type", "")).lower() != "sql":
        raise ValueError(f"{endpoints_file} has no SQL tracker_store (type: sql)")
    dialect = store.get("dialect", "sqlite")
    db = store.get("db", "rasa.db")
    host = store.get("url") or store.get("host")
    if dialect == "sqlite":
        return f"sqlite:///{db}"
    if host and "://" in str(host):
        return str(host)
    return sa.engine.URL.create(
        drivername=dialect,
        username=store.get("username"),
        password=store.get("password"),
        host=host,
        port=store.get("port"),
        database=db,
        query=store.get("query") or {},
    ).render_as_string(hide_password=False)


# -- figures ---------------------------------------------------------------
def build_report(events: Iterable[Event], settings: ReportSettings = ReportSettings()) -> Report:
    by_sender: dict[str, list[Event]] = {}
    for event in events:
        by_sender.setdefault(event.sender_id, []).append(event)

    report = Report()
    day_senders: dict[date, set[str]] = {}
    day_messages: Counter = Counter()
    topics: Counter = Counter()
    outcomes: Counter = Counter()
    runs: list[_FormRun] = []

    for sender, stream in by_sender.items():
        last_user: Optional[Event] = None
        last_user_unanswered = False
        in_session_start = False
        run: Optional[_FormRun] = None
        requested: Optional[str] = None
        for event in stream:
            if event.type_name == "user":
                if requested in CONTACT_SLOTS:
                    event.data = {**event.data, "text": CONTACT_DETAILS_MASK}
                report.user_messages += 1
                day_senders.setdefault(event.day, set()).add(sender)
                day_messages[event.day] += 1
                in_session_start = False
                last_user, last_user_unanswered = event, False
                intent = event.intent_name or ""
                if intent == settings.question_intent:
                    for entity in event.data.get("parse_data", {}).get("entities") or []:
                        if entity.get("entity") == settings.question_entity:
                            topics[str(entity.get("value"))] += 1
                if intent == FALLBACK_INTENT:
                    last_user_unanswered = _mark_unanswered(report, event, FALLBACK_INTENT)
                if intent == settings.start_intent and (run is None or run.closed):
                    run = _FormRun()
                    runs.append(run)
            elif event.type_name == "action":
                name = event.action_name or ""
                if name == SESSION_START_ACTION:
                    in_session_start = True
                elif name == LISTEN_ACTION:
                    in_session_start = False
                elif name == FALLBACK_ACTION and last_user and not last_user_unanswered:
                    last_user_unanswered = _mark_unanswered(report, last_user, FALLBACK_ACTION)
            elif event.type_name == "bot":
                response = (event.data.get("metadata") or {}).get("utter_action")
                if response in settings.no_answer_responses and last_user and not last_user_unanswered:
                    last_user_unanswered = _mark_unanswered(report, last_user, response)
            elif event.type_name == "active_loop":
                loop_name = event.data.get("name")
                if loop_name == settings.form_name:
                    if run is None or run.closed:
                        run = _FormRun()
                        runs.append(run)
                    run.form_active = True
                elif loop_name is None and run is not None and run.form_active:
                    run.form_active = False
                    run.closed = True
            elif event.type_name == "slot" and not in_session_start:
                # Slots re-set by action_session_start (carry-over) are not new events.
                slot, value = event.data.get("name"), event.data.get("value")
                if slot == REQUESTED_SLOT:
                    requested = value
                if slot == settings.recommendation_slot and value is not None:
                    outcomes[str(value)] += 1
                    if run is not None and not run.completed:
                        run.completed = True
                        run.closed = True
                elif slot == REQUESTED_SLOT and value is not None and run is not None and not run.closed:
                    if value not in run.asked:
                        run.asked.append(value)

    report.days = [DayCount(day, len(day_senders[day]), day_messages[day]) for day in sorted(day_senders)]
    report.conversations = len({s for senders in day_senders.values() for s in senders})
    report.questions_per_topic = dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])))
    report.recommendations = dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
    report.funnel = _funnel(runs)
    return report


@dataclass
class _FormRun:
    """One pass through the recommendation form: from its start to a result or an exit."""

    asked: list[str] = field(default_factory=list)
    form_active: bool = False
    closed: bool = False
    completed: bool = False


def _mark_unanswered(report: Report, event: Event, reason: str) -> bool:
    text = mask_personal_data(event.data.get("text") or "")
    report.unanswered.append(Unanswered(event.sender_id, event.timestamp, text, reason))
    return True


def _funnel(runs: Sequence[_FormRun]) -> list[tuple[str, int]]:
    """started → each requested slot (in the order the form usually asks) → completed."""
    if not runs:
        return []
    reached: Counter = Counter()
    positions: dict[str, list[int]] = {}
    for run in runs:
        for index, slot in enumerate(run.asked):
            reached[slot] += 1
            positions.setdefault(slot, []).append(index)
    order = sorted(reached, key=lambda s: (sum(positions[s]) / len(positions[s]), -reached[s], s))
    steps = [("started", len(runs))]
    steps += [(f"asked {slot}", reached[slot]) for slot in order]
    steps.append(("completed", sum(1 for run in runs if run.completed)))
    return steps


# -- rendering -------------------------------------------------------------
def write_html(report: Report, out_dir: Path, title: str = "What users ask") -> Path:
    """index.html plus one PNG per chart in out_dir; returns the HTML path."""
    import matplotlib

    matplotlib.use("Agg")
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = _charts(report, out_dir)

    def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def img(name: str, alt: str) -> str:
        return f'<img src="{charts[name]}" alt="{html.escape(alt)}">' if name in charts else ""

    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>Generated {generated}. "
        f"{report.conversations} conversations, {report.user_messages} user messages.</p>",
        "<h2>Conversations and messages per day</h2>",
        img("per_day", "conversations and messages per day"),
        table(
            ["day (UTC)", "conversations", "user messages"],
            [(d.day.isoformat(), d.conversations, d.messages) for d in report.days],
        ),
        "<h2>Questions per topic</h2>",
        img("topics", "questions per topic"),
        table(["topic", "questions"], report.questions_per_topic.items()),
        "<h2>Unanswered questions</h2>",
        f"<p id='fallback-rate'>Fallback rate: {report.fallback_rate:.1%} "
        f"({len(report.unanswered)} of {report.user_messages} user messages)</p>",
        table(
            ["time (UTC)", "conversation", "message", "why"],
            [(_time(u.timestamp), u.sender_id, u.text, u.reason) for u in report.unanswered],
        ),
        "<h2>Recommendations by outcome</h2>",
        img("outcomes", "recommendations by outcome"),
        table(["outcome", "recommendations"], report.recommendations.items()),
        "<h2>Recommendation funnel</h2>",
        img("funnel", "recommendation funnel"),
        "<p>Each start of the form counts once; a step counts the runs that reached it.</p>",
        table(["step", "runs"], report.funnel),
        "</body></html>",
    ]
    path = out_dir / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _charts(report: Report, out_dir: Path) -> dict[str, str]:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    charts: dict[str, str] = {}

    def save(fig, name: str) -> None:
        fig.tight_layout()
        fig.savefig(out_dir / f"{name}.png", dpi=96)
        plt.close(fig)
        charts[name] = f"{name}.png"

    if report.days:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        labels = [d.day.isoformat() for d in report.days]
        x = range(len(labels))
        ax.bar([i - 0.2 for i in x], [d.conversations for d in report.days], width=0.4, label="conversations")
        ax.bar([i + 0.2 for i in x], [d.messages for d in report.days], width=0.4, label="user messages")
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, rotation=45, ha="right")
        ax.legend()
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        save(fig, "per_day")
    for name, data, xlabel in (
        ("topics", report.questions_per_topic, "questions"),
        ("outcomes", report.recommendations, "recommendations"),
        ("funnel", dict(report.funnel), "recommendation runs"),
    ):
        if not data:
            continue
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(data) + 1.2))
        labels = list(data)[::-1]
        ax.barh(labels, [data[k] for k in labels])
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        save(fig, name)
    return charts


# -- command line ----------------------------------------------------------
def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="report", description="HTML report of what users ask, from the tracker store")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db-url", help="SQLAlchemy URL of the tracker store (default: $TRACKER_DB_URL)")
    source.add_argument("--endpoints", type=Path, help="read the URL from this endpoints file's tracker_store")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports", help="output folder (default reports/)")
    parser.add_argument("--since", type=date.fromisoformat, help="first day (UTC), YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, help="last day (UTC), YYYY-MM-DD")
    parser.add_argument("--recommendation-slot", default=ReportSettings.recommendation_slot)
    parser.add_argument("--form", default=ReportSettings.form_name)
    parser.add_argument(
        "--no-answer-response",
        action="append",
        help="a response meaning 'no answer' "
        "(repeatable; default utter_default, utter_cannot_answer, utter_out_of_scope)",
    )
    args = parser.parse_args(argv)

    try:
        url = str(tracker_db_url(args.endpoints)) if args.endpoints else (args.db_url or get_settings().tracker_db_url)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not url:
        print("error: give --db-url, --endpoints or set TRACKER_DB_URL", file=sys.stderr)
        return 2
    settings = ReportSettings(
        recommendation_slot=args.recommendation_slot,
        form_name=args.form,
        no_answer_responses=tuple(args.no_answer_response or ReportSettings.no_answer_responses),
    )
    engine = sa.create_engine(url, future=True)
    try:
        events = read_events(engine, args.since, args.until)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        print(f"error: cannot read the events table: {reason}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    report = build_report(events, settings)
    path = write_html(report, args.out)
    print(
        f"report: {path} ({report.conversations} conversations, {report.user_messages} user messages, "
        f"fallback rate {report.fallback_rate:.1%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
