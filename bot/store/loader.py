"""Load content/*.yml into the knowledge store.

A reload replaces all content tables in one transaction, so a running
assistant sees either the old or the new content, never a mix. User data
(consultant requests) is not touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store import models as m
from bot.store.db import session_scope


class ContentError(ValueError):
    """A content file is malformed or refers to something that does not exist."""


# YAML reference names -> column names.
_RENAMES = {
    "source": "source_key",
    "framework": "framework_key",
    "outcome": "outcome_key",
    "industry": "industry_key",
    "updates": "updates_key",
}

# Nested lists in a row -> the model of their rows (ordered children of the row).
_CHILD_ROWS = {"steps": m.ProcessStep, "options": m.QuestionOption}
_CATALOGUE_CHILDREN = ("examples", "facts", "related", "patterns", "corrections")

# file -> (model, alias entity type or None)
_FILES: list[tuple[str, type, str | None]] = [
    ("sources.yml", m.Source, None),
    ("frameworks.yml", m.Framework, "framework"),
    ("industries.yml", m.Industry, "industry"),
    ("customer_types.yml", m.CustomerType, "customer_type"),
    ("outcomes.yml", m.Outcome, None),
    ("facts.yml", m.Fact, None),
    ("processes.yml", m.Process, None),
    ("timelines.yml", m.TimelineEstimate, None),
    ("industry_fit.yml", m.IndustryFit, None),
    ("comparison.yml", m.ComparisonRow, None),
    ("examples.yml", m.Example, None),
    ("practices.yml", m.Practice, None),
    ("maturity_levels.yml", m.MaturityLevel, "maturity_level"),
    ("next_steps.yml", m.NextStep, None),
    ("questions.yml", m.Question, None),
]


def _read(path: Path) -> Any:
    if not path.exists():
        raise ContentError(f"missing content file: {path}")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: invalid YAML: {exc}") from exc


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: as_of must be YYYY-MM-DD, got {value!r}") from exc


def _row(model: type[m.Base], raw: dict, position: int, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: expected a mapping, got {raw!r}")
    row = {_RENAMES.get(k, k): v for k, v in raw.items()}
    columns = set(model.__table__.columns.keys())
    if "position" in columns and "position" not in row:
        row["position"] = position
    unknown = set(row) - columns
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {sorted(unknown)}")
    if "as_of" in row and row["as_of"] is not None:
        row["as_of"] = _as_date(row["as_of"], where)
    return row


CATALOGUE_DIR = "catalogue"
# What a catalogue file may add to the rows of a content file.
_CATALOGUE_ROWS = {"sources.yml": "sources", "facts.yml": "facts"}


def _catalogue_files(content_dir: Path) -> list[tuple[str, dict]]:
    files = []
    for path in sorted((content_dir / CATALOGUE_DIR).glob("*.yml")):
        doc = _read(path) or {}
        if not isinstance(doc, dict):
            raise ContentError(f"{CATALOGUE_DIR}/{path.name}: expected sources/facts/questions/misconceptions")
        unknown = set(doc) - {"sources", "facts", "questions", "misconceptions"}
        if unknown:
            raise ContentError(f"{CATALOGUE_DIR}/{path.name}: unknown section(s) {sorted(unknown)}")
        files.append((f"{CATALOGUE_DIR}/{path.name}", doc))
    return files


def content_digest(content_dir: Path) -> str:
    """A digest of every content file: changes whenever the content does."""
    digest = hashlib.sha256()
    for path in sorted(content_dir.rglob("*.yml")):
        digest.update(str(path.relative_to(content_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _by_subject(value: Any, where: str) -> list[tuple[str, list[str]]]:
    """answer/detail: a list of fact keys (any subject) or a mapping subject -> list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [("", [str(k) for k in value])]
    if isinstance(value, dict):
        return [(str(subject), [str(k) for k in keys or []]) for subject, keys in value.items()]
    raise ContentError(f"{where}: expected a list of fact keys or a mapping by subject")


def _catalogue_objects(files: list[tuple[str, dict]], fact_keys: set[str]) -> list[object]:
    objects: list[object] = []
    questions: dict[str, str] = {}
    related: list[tuple[str, str, str]] = []
    held_by: list[tuple[str, str, str]] = []  # (where, field, question it names)
    position = 0
    for filename, doc in files:
        for n, raw in enumerate(doc.get("questions") or [], start=1):
            where = f"{filename} question {n}"
            key = str(raw.get("key") or "")
            if not re.fullmatch(r"[a-z0-9_]+", key):
                raise ContentError(f"{where}: key must be snake_case, got {key!r}")
            if key in questions:
                raise ContentError(f"{where}: question {key!r} is also in {questions[key]}")
            questions[key] = filename
            examples = [str(e).strip() for e in raw.get("examples") or [] if str(e).strip()]
            position += 1
            question = m.CatalogueQuestion(
                key=key,
                title=str(raw.get("title") or ""),
                position=position,
                starts_recommendation=bool(raw.get("starts_recommendation")),
                answered_by_plan=bool(raw.get("answered_by_plan")),
                about_getting=bool(raw.get("about_getting")),
                asked_only_if=raw.get("asked_only_if"),
                for_holders_of=",".join(f"{k}={v}" for k, v in (raw.get("for_holders_of") or {}).items()) or None,
                for_requirers_of=",".join(f"{k}={v}" for k, v in (raw.get("for_requirers_of") or {}).items()) or None,
            )
            for field_name in ("for_holders_of", "for_requirers_of"):
                held_by += [(where, field_name, str(v)) for v in (raw.get(field_name) or {}).values()]
            if not question.title:
                raise ContentError(f"{where}: no title")
            if question.asked_only_if is not None:
                try:
                    re.compile(question.asked_only_if)
                except re.error as e:
                    raise ContentError(f"{where} asked_only_if: {e}") from e
            question.examples = [m.QuestionExample(position=i, text=t) for i, t in enumerate(examples, start=1)]
            rows = []
            for role in ("answer", "detail"):
                for subject, keys in _by_subject(raw.get(role), f"{where} {role}"):
                    for i, fact_key in enumerate(keys, start=1):
                        if fact_key not in fact_keys:
                            raise ContentError(f"{where} {role}: unknown fact {fact_key!r}")
                        rows.append(m.QuestionFact(role=role, subject=subject, position=i, fact_key=fact_key))
            question.facts = rows
            question.related = [
                m.QuestionRelated(position=i, related_key=str(r))
                for i, r in enumerate(raw.get("related") or [], start=1)
            ]
            related += [(where, key, str(r)) for r in raw.get("related") or []]
            objects.append(question)
        for n, raw in enumerate(doc.get("misconceptions") or [], start=1):
            where = f"{filename} misconception {n}"
            position += 1
            no_source = raw.get("no_source_on")
            item = m.Misconception(
                key=str(raw.get("key")), position=position, no_source_on=str(no_source) if no_source else None
            )
            patterns = [str(p) for p in raw.get("match") or []]
            for pattern in patterns:
                try:
                    re.compile(pattern, re.I)
                except re.error as exc:
                    raise ContentError(f"{where}: invalid pattern {pattern!r}: {exc}") from exc
            corrections = [str(k) for k in raw.get("correction") or []]
            if not patterns or not (corrections or no_source):
                raise ContentError(f"{where}: needs match, and correction or no_source_on")
            for fact_key in corrections:
                if fact_key not in fact_keys:
                    raise ContentError(f"{where}: unknown fact {fact_key!r}")
            item.patterns = [m.MisconceptionPattern(position=i, pattern=p) for i, p in enumerate(patterns, 1)]
            item.corrections = [m.MisconceptionFact(position=i, fact_key=k) for i, k in enumerate(corrections, 1)]
            objects.append(item)
    for where, _key, other in related:
        if other not in questions:
            raise ContentError(f"{where}: related question {other!r} is not in the catalogue")
    for where, field_name, other in held_by:
        if other not in questions:
            raise ContentError(f"{where}: {field_name} question {other!r} is not in the catalogue")
    return objects


def parse_content(content_dir: Path) -> list[object]:
    """Parse and check all content files; return ORM objects in insert order."""
    objects: list[object] = []
    catalogue = _catalogue_files(content_dir)
    aliases: dict[tuple[str, str], str] = {}
    source_dates: dict[str, dt.date] = {}

    def add_aliases(entity: str, value: str, texts: list[str], where: str) -> None:
        for alias in texts or []:
            norm = " ".join(str(alias).lower().split())
            owner = aliases.get((entity, norm))
            if owner is not None and owner != value:
                raise ContentError(f"{where}: alias {norm!r} already names {entity} {owner!r}")
            if owner is None:
                aliases[(entity, norm)] = value
                objects.append(m.Alias(entity=entity, value=value, text=norm))

    for filename, model, alias_entity in _FILES:
        rows = _read(content_dir / filename) or []
        if not isinstance(rows, list):
            raise ContentError(f"{filename}: expected a list of rows")
        origins = [filename] * len(rows)
        for catalogue_file, doc in catalogue:
            extra = doc.get(_CATALOGUE_ROWS.get(filename, ""), None) or []
            rows = rows + list(extra)
            origins += [catalogue_file] * len(extra)
        for position, (raw, origin) in enumerate(zip(rows, origins), start=1):
            where = f"{origin} row {position}"
            raw = dict(raw) if isinstance(raw, dict) else raw
            alias_texts = raw.pop("aliases", None) if isinstance(raw, dict) else None
            children = {name: raw.pop(name, None) if isinstance(raw, dict) else None for name in _CHILD_ROWS}
            row = _row(model, raw, position, where)
            if model is m.Source:
                source_dates[row["key"]] = row["as_of"]
            if model is m.Fact and row.get("as_of") is None:
                if row.get("source_key") not in source_dates:
                    raise ContentError(f"{where}: unknown source {row.get('source_key')!r}")
                row["as_of"] = source_dates[row["source_key"]]
            obj = model(**row)
            for name, child_rows in children.items():
                if child_rows is not None:
                    child_model = _CHILD_ROWS[name]
                    setattr(
                        obj,
                        name,
                        [
                            child_model(**_row(child_model, child, n, f"{where} {name} {n}"))
                            for n, child in enumerate(child_rows, start=1)
                        ],
                    )
            objects.append(obj)
            if alias_entity:
                key = row.get("key", row.get("number"))
                add_aliases(alias_entity, str(key), alias_texts or [], where)

    # A fact that corrects another must be inserted after it.
    objects.sort(key=lambda obj: isinstance(obj, m.Fact) and obj.updates_key is not None)
    fact_keys = {obj.key for obj in objects if isinstance(obj, m.Fact)}
    objects += _catalogue_objects(catalogue, fact_keys)
    costs = _read(content_dir / "costs.yml") or {}
    for section, model in (("items", m.CostItem), ("drivers", m.CostDriver)):
        for position, raw in enumerate(costs.get(section) or [], start=1):
            objects.append(model(**_row(model, raw, position, f"costs.yml {section} row {position}")))
    return objects


def load_content(engine: Engine, content_dir: Path) -> dict[str, int]:
    """Replace the store's content with content_dir; return row counts per table."""
    objects = parse_content(content_dir)
    counts: dict[str, int] = {}
    for obj in objects:
        table = obj.__tablename__  # type: ignore[attr-defined]  # every parsed object is a declarative model
        counts[table] = counts.get(table, 0) + 1
        names = _CATALOGUE_CHILDREN if isinstance(obj, (m.CatalogueQuestion, m.Misconception)) else _CHILD_ROWS
        for child in [c for name in names for c in (getattr(obj, name, None) or [])]:
            counts[child.__tablename__] = counts.get(child.__tablename__, 0) + 1
    try:
        with session_scope(engine) as session:
            for model in reversed(m.CONTENT_MODELS):
                session.execute(delete(model))
            for obj in objects:
                session.add(obj)
                # Flush in dependency order so foreign keys are checked row by row.
                session.flush()
            session.add(m.ContentVersion(id=1, digest=content_digest(content_dir), loaded_at=dt.datetime.utcnow()))
    except IntegrityError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise ContentError(f"content refers to a missing or duplicate key: {reason}") from exc
    return counts
