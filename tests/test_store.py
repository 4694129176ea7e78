"""Knowledge store: coverage of the seed article and FACTS.md, reloads, bad configuration.
Runs on SQLite and PostgreSQL (the `store` fixture is parametrised)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml
from sqlalchemy import func, select

from bot.settings import PROJECT_ROOT
from bot.store import StoreUnavailable, get_engine, mask_url
from bot.store import models as m
from bot.store.db import session_scope
from bot.store.loader import ContentError, load_content
from tests import seed_article
from tests.conftest import CONTENT_DIR


def _norm(text: str) -> str:
    return " ".join(text.replace("–", "-").lower().split())


def test_core_differences_table_is_in_the_store(store):
    rows = store.comparison()
    article = seed_article.comparison_rows()
    assert len(article) == 6
    assert [(_norm(r.area), _norm(r.iso9001), _norm(r.cmmi)) for r in rows] == [
        tuple(_norm(c) for c in row) for row in article
    ]
    assert all(r.source.kind == "article" for r in rows)


def test_should_i_get_cmmi_table_is_in_the_store(store):
    rows = store.industry_fit()
    article = seed_article.industry_fit_rows()
    assert len(article) == 5
    assert len(rows) == 5
    for row, expected in zip(rows, article):
        assert _norm(row.role) == _norm(expected["role"])
        assert _norm(row.qualifier or "") == _norm(expected["qualifier"] or "")
        assert _norm(row.label) == _norm(expected["label"])
        assert _norm(row.why) == _norm(expected["why"])


def test_six_transferable_practices(store):
    assert [_norm(p.name) for p in store.practices()] == [_norm(p) for p in seed_article.practices()]
    assert len(store.practices()) == 6


def test_five_examples_with_decisions(store):
    examples = store.examples()
    article = seed_article.examples()
    assert len(article) == 5
    assert [(e.number, _norm(e.title), _norm(e.decision)) for e in examples] == [
        (a["number"], _norm(a["title"]), _norm(a["decision"])) for a in article
    ]
    for example in examples:
        assert store.outcome(example.outcome_key) is not None


@pytest.mark.parametrize(
    "framework, header, months",
    [("iso9001", "ISO 9001 certification process", (2, 6)), ("cmmi", "CMMI appraisal process", (6, 12))],
)
def test_both_step_lists_with_durations(store, framework, header, months):
    process = store.process(framework)
    assert process is not None
    assert (process.min_months, process.max_months) == months
    expected = seed_article.process_steps(header)
    assert len(expected) in (4, 5)
    assert [(_norm(s.name), _norm(s.description)) for s in process.steps] == [(_norm(a), _norm(b)) for a, b in expected]


def test_conclusion_tips_are_facts(store):
    tip_texts = " ".join(_norm(f.text) for f in store.facts(topic="tip"))
    for tip in seed_article.tips():
        assert _norm(tip.split(".")[0]) in tip_texts


def test_every_content_row_has_a_dated_source(store):
    with session_scope(store.engine) as session:
        for model in (m.Fact, m.Process, m.IndustryFit, m.ComparisonRow, m.Example, m.Practice, m.CostItem):
            missing = session.execute(
                select(func.count()).select_from(model).where(model.source_key.is_(None))
            ).scalar_one()
            assert missing == 0, model.__name__
        undated = session.execute(select(func.count()).select_from(m.Source).where(m.Source.as_of.is_(None)))
        assert undated.scalar_one() == 0


@pytest.mark.parametrize(
    "framework, text",
    [
        ("cmmi", "V3.0"),  # FACTS B: CMMI V3.0 released 6 April 2023
        ("cmmi", "ISACA"),  # FACTS B: owned by ISACA since March 2016
        ("iso9001", "Amendment 1:2024"),
        ("iso9001", "1,474,118"),  # ISO Survey 2024
        ("iso9001", "GACI"),
        ("cmmi", "Benchmark"),
        ("iso9001", "surveillance"),
    ],
)
def test_newer_facts_are_stored_with_their_source(store, framework, text):
    facts = [f for f in store.facts(framework_key=framework) if text.lower() in f.text.lower()]
    assert facts, f"no {framework} fact mentions {text!r}"
    assert all(f.status != "article" and f.source.kind != "article" for f in facts)


def test_iso_9001_2026_is_expected_and_gaci_reported(store):
    about_2026 = [f for f in store.facts(framework_key="iso9001") if "9001:2026" in f.text]
    assert about_2026
    # a fact on the 2026 edition is "expected", or says so in its words
    assert all(f.status == "expected" or "expected" in f.text for f in about_2026), about_2026
    assert {f.status for f in store.facts() if "GACI" in f.text} == {"reported"}


def test_article_statements_that_are_out_of_date_link_to_current_facts(store):
    version = [f for f in store.facts(topic="version", framework_key="cmmi") if f.status == "article"]
    assert version and "V2.0" in version[0].text
    updates = store.updates_of(version[0].key)
    assert any("V3.0" in u.text for u in updates)


def test_costs_are_sourced_estimates_never_from_the_article(store):
    items = store.cost_items("iso9001")
    assert items and all(i.source.kind in ("vendor", "web") for i in items)
    assert store.cost_items("cmmi") == []  # no reliable published price list for CMMI
    drivers = " ".join(d.text for d in store.cost_drivers("cmmi"))
    assert "appraiser" in drivers.lower()


def test_aliases_normalise_to_store_keys(store):
    assert store.resolve("framework", "iso9k") == "iso9001"
    assert store.resolve("framework", "  ISO   9001 ") == "iso9001"
    assert store.resolve("framework", "capability maturity model integration") == "cmmi"
    assert store.resolve("maturity_level", "ml3") == "3"
    assert store.resolve("framework", "banana") is None


def _copy_content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_reload_replaces_content_and_keeps_user_data(tmp_path):
    import datetime as dt

    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    content = _copy_content(tmp_path)
    load_content(engine, content)
    with session_scope(engine) as session:
        session.add(
            m.ConsultantRequest(
                conversation_id="c1",
                name="Ada",
                email="ada@example.com",
                recommendation="iso9001_only",
                created_at=dt.datetime(2026, 1, 1),
            )
        )
    practices = yaml.safe_load((content / "practices.yml").read_text())
    practices[0]["name"] = "Document control procedures (edited)"
    (content / "practices.yml").write_text(yaml.safe_dump(practices))
    load_content(engine, content)

    from bot.store import KnowledgeStore

    assert KnowledgeStore(engine).practices()[0].name == "Document control procedures (edited)"
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(m.ConsultantRequest)).scalar_one() == 1


def test_unknown_source_is_a_clear_content_error_and_keeps_old_content(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    content = _copy_content(tmp_path)
    load_content(engine, content)
    practices = yaml.safe_load((content / "practices.yml").read_text())
    practices[0]["source"] = "no_such_source"
    (content / "practices.yml").write_text(yaml.safe_dump(practices))
    with pytest.raises(ContentError):
        load_content(engine, content)
    from bot.store import KnowledgeStore

    assert len(KnowledgeStore(engine).practices()) == 6  # the failed reload rolled back


def test_mask_url_hides_the_password():
    assert mask_url("postgresql://bot:s3cret@db.example:5432/kb") == "postgresql://bot:***@db.example:5432/kb"
    assert mask_url("sqlite:///var/k.db") == "sqlite:///var/k.db"


def test_unreachable_database_raises_with_masked_url():
    with pytest.raises(StoreUnavailable) as info:
        get_engine("postgresql://bot:s3cret@127.0.0.1:1/kb", connect_timeout=2)
    assert "bot:***@127.0.0.1:1/kb" in str(info.value)
    assert "s3cret" not in str(info.value)


def test_startup_check_exits_non_zero_with_a_clear_message():
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgresql://bot:s3cret@127.0.0.1:1/kb",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tools.cli", "check-db"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode != 0
    assert "postgresql://bot:***@127.0.0.1:1/kb" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
