"""The benchmark's plumbing: metric definitions, the held-out set, the bounded
load generator against the running assistant, the table and the README
section. No timings are asserted; the full benchmark is `./run bench`."""

from __future__ import annotations

import uuid

import pytest

from bench import heldout, load, metrics, nlu_metrics, table


def test_intent_macro_f1_averages_over_intents_in_the_heldout_set():
    expected = ["greet", "greet", "ask_cost", "ask_cost"]
    predicted = ["greet", "ask_cost", "ask_cost", "nlu_fallback"]
    # greet: P 1, R 1/2 -> 2/3; ask_cost: P 1/2, R 1/2 -> 1/2; nlu_fallback is not in the set.
    assert nlu_metrics.intent_macro_f1(expected, predicted) == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert nlu_metrics.intent_macro_f1([], []) is None


def test_entity_f1_is_micro_over_entity_value_pairs():
    expected = [[("framework", "iso9001")], [("framework", "cmmi"), ("industry", "software")], []]
    predicted = [[("framework", "ISO9001")], [("framework", "cmmi")], [("framework", "as9100")]]
    # tp 2 (case does not matter), fp 1, fn 1 -> P 2/3, R 2/3.
    assert nlu_metrics.entity_micro_f1(expected, predicted) == pytest.approx(2 / 3)
    assert nlu_metrics.entity_micro_f1([[]], [[]]) is None


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert metrics.median(values) == pytest.approx(50.5)
    assert metrics.percentile(values, 95) == pytest.approx(95.05)
    assert metrics.percentile([], 50) is None


def test_heldout_values_come_from_annotations_synonyms_or_store_aliases(tmp_path, sqlite_store):
    path = tmp_path / "heldout.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n  - intent: ask_what_is\n    examples: |\n'
        "      - what is [iso 9k](framework)\n"
        '      - what is [nine thousand one]{"entity": "framework", "value": "iso9001"}\n'
        "      - what is [capability model](framework)\n"
        "  - synonym: cmmi\n    examples: |\n      - capability model\n"
    )
    examples = heldout.load_examples(path, sqlite_store.resolve)
    assert [e.entities for e in examples] == [
        [("framework", "iso9001")],
        [("framework", "iso9001")],
        [("framework", "cmmi")],
    ]


def test_missing_heldout_set_is_reported_not_raised(tmp_path):
    result = heldout.evaluate("http://127.0.0.1:9", tmp_path / "nope.yml")
    assert result == {"status": "missing", "path": str(tmp_path / "nope.yml")}


def test_load_generator_refuses_other_hosts():
    with pytest.raises(ValueError, match="localhost"):
        load.run_load("http://example.com:5005", ["hi"], 1, 1, 1, "x")


@pytest.mark.rasa_server
def test_load_generator_is_bounded_and_every_message_is_answered(assistant):
    result = load.run_load(
        assistant.rasa_url, load.messages(), users=3, max_messages=7, max_seconds=120, run_id=uuid.uuid4().hex[:8]
    )
    assert result.sent == 7
    assert result.errors == 0
    assert len(result.latencies_ms) == 7


def _results(heldout_status="ok"):
    pipeline = {
        "nlu": {"intent_macro_f1": 0.96, "entity_f1": 0.8},
        "load": {
            "1": {"p50_ms": 110.0, "p95_ms": 150.0},
            "10": {"p50_ms": 300.0, "p95_ms": 450.0, "throughput": 25.0},
            "errors": 0,
        },
        "rss_mib": 900.0,
        "start_seconds": 30.0,
        "training": {"seconds": 200.0, "reused": False},
    }
    baseline = {
        **pipeline,
        "load": {
            "1": {"p50_ms": 100.0, "p95_ms": 140.0},
            "10": {"p50_ms": 250.0, "p95_ms": 380.0, "throughput": 30.0},
            "errors": 0,
        },
    }
    results = {
        "measured_at": "2026-01-01 00:00 UTC",
        "machine": {
            "cpu": "Test CPU",
            "cores": 2,
            "memory_gib": 24.0,
            "os": "Linux",
            "python": "3.11",
            "rasa": "3.6.21",
            "load_before": "0.1",
            "load_after": "0.2",
        },
        "settings": {"users": 10, "messages_single": 60, "messages_concurrent": 300, "max_seconds": 60.0},
        "pipelines": {"ours": pipeline, "baseline": baseline},
        "store": {"slowest": "facts()", "slowest_ms": 1.5},
        "heldout": {"status": heldout_status, "path": "tests/nlu/heldout.yml", "examples": 40},
    }
    results["figures"] = table.figures(results)
    return results


def test_table_gives_ratios_and_goals():
    rows = {r["figure"]: r for r in _results()["figures"]}
    latency = rows["reply latency p50, 1 user"]
    assert latency["ratio"] == pytest.approx(1.1) and latency["met"] is True  # 110 <= 1.2 * 100
    assert rows["reply latency p95, 10 users"]["met"] is False  # 450 > 400 ms
    assert rows["entity F1"]["met"] is False
    assert rows["throughput, 10 users"]["ratio"] == pytest.approx(25 / 30)
    text = table.markdown(_results())
    assert "| reply latency p95, 10 users (ms) | 450 | 380 | 1.18 | ≤ 400 ms | **no** |" in text
    assert "Test CPU (2 cores" in text


def test_table_says_when_the_heldout_set_is_missing():
    results = _results("missing")
    for name in ("ours", "baseline"):
        results["pipelines"][name]["nlu"] = {"status": "missing"}
    results["figures"] = table.figures(results)
    text = table.markdown(results)
    assert "| intent macro-F1 | n/a | n/a | n/a | ≥ 0.95 | — |" in text
    assert "tests/nlu/heldout.yml is missing" in text


def test_readme_section_is_replaced_not_duplicated(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Project\n\nIntro.\n")
    table.update_readme(readme, "first table\n")
    table.update_readme(readme, "second table\n")
    text = readme.read_text()
    assert text.count("## Benchmark") == 1
    assert "second table" in text and "first table" not in text
    assert text.startswith("# Project\n\nIntro.\n")
