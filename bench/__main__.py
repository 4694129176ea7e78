"""./run bench: our pipeline and Rasa's stock one, measured in one run on this machine.

Trains both models (timed), serves each in turn on localhost next to one
action server, and measures: NLU intent macro-F1 and entity F1 on the held-out
set, REST reply latency at 1 and N users, throughput, server RSS, start time;
plus knowledge store lookup times. Writes bench/results/<time>.json and .md
(latest.json / latest.md too) and the table into README.md's Benchmark section."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

from bench import heldout, load, serve, store_timing, table, training
from bench.metrics import median, percentile
from bot.settings import PROJECT_ROOT
from bot.store import KnowledgeStore, get_engine
from bot.store.loader import load_content

PIPELINES = {"ours": PROJECT_ROOT / "config.yml", "baseline": PROJECT_ROOT / "bench" / "baseline_config.yml"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./run bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--heldout",
        type=Path,
        default=PROJECT_ROOT / "tests" / "nlu" / "heldout.yml",
        help="held-out NLU set (default tests/nlu/heldout.yml)",
    )
    parser.add_argument(
        "--reuse-models",
        action="store_true",
        help="skip training when nothing changed; reports the last measured training time",
    )
    parser.add_argument("--users", type=int, default=10, help="concurrent users for the load level (default 10)")
    parser.add_argument("--messages-single", type=int, default=60, help="messages at 1 user (default 60)")
    parser.add_argument("--messages-concurrent", type=int, default=300, help="messages at N users (default 300)")
    parser.add_argument("--max-seconds", type=float, default=60, help="time bound per load level (default 60)")
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=900,
        help="give up on a server not ready after this many seconds (default 900)",
    )
    parser.add_argument("--store-calls", type=int, default=300, help="calls per store lookup (default 300)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    parser.add_argument("--no-readme", action="store_true", help="don't copy the table into README.md")
    args = parser.parse_args(argv)
    for name in ("users", "messages_single", "messages_concurrent", "store_calls"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def machine(load_before: str) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )
    from rasa.version import __version__ as rasa_version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_kib / 2**20,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "rasa": rasa_version,
        "load_before": load_before,
        "load_after": _load_average(),
    }


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _load_figures(result: load.LoadResult) -> dict:
    return {
        "users": result.users,
        "sent": result.sent,
        "answered": len(result.latencies_ms),
        "errors": result.errors,
        "seconds": result.seconds,
        "throughput": result.throughput,
        "p50_ms": median(result.latencies_ms),
        "p95_ms": percentile(result.latencies_ms, 95),
    }


def measure_pipeline(name: str, model: str, action_url: str, args, resolve, log_dir: Path, say) -> dict:
    figures: dict = {}
    say(f"{name}: starting Rasa")
    try:
        server = serve.start_rasa(model, action_url, log_dir / f"rasa-{name}.log", args.start_timeout)
    except RuntimeError as exc:
        say(f"{name}: {exc}; its figures are n/a (log in {log_dir})")
        return {"error": str(exc), "nlu": {"status": "not measured"}}
    try:
        figures["start_seconds"] = server.start_seconds
        say(f"{name}: ready in {server.start_seconds:.1f} s")
        texts = load.messages()
        run_id = uuid.uuid4().hex[:8]
        load.run_load(server.url, texts, 1, 3, 60, f"{run_id}-warmup")
        nlu = heldout.evaluate(server.url, args.heldout, resolve)
        figures["nlu"] = nlu
        if nlu["status"] == "ok":
            say(
                f"{name}: intent macro-F1 {nlu['intent_macro_f1']:.3f}, entity F1 "
                f"{nlu['entity_f1'] if nlu['entity_f1'] is None else round(nlu['entity_f1'], 3)} "
                f"on {nlu['examples']} examples"
            )
        levels = [(1, args.messages_single), (args.users, args.messages_concurrent)]
        figures["load"] = {}
        for users, count in levels:
            result = load.run_load(server.url, texts, users, count, args.max_seconds, run_id)
            figures["load"][str(users)] = _load_figures(result)
            say(
                f"{name}: {users} user(s): {result.sent} messages in {result.seconds:.1f} s, "
                f"p50 {median(result.latencies_ms) or 0:.0f} ms, "
                f"p95 {percentile(result.latencies_ms, 95) or 0:.0f} ms, "
                f"{result.throughput:.1f} msg/s, {result.errors} failed"
            )
        figures["load"]["errors"] = sum(v["errors"] for v in figures["load"].values())
        figures["rss_mib"] = serve.rss_bytes(server.process.pid) / 2**20
    finally:
        server.stop()
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = _load_average()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log_dir = args.out / f"{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        print(f"bench: {message}", flush=True)

    if not args.heldout.exists():
        say(f"held-out NLU set {args.heldout} is missing: intent and entity F1 will be reported as n/a")

    results: dict = {
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "users": args.users,
            "messages_single": args.messages_single,
            "messages_concurrent": args.messages_concurrent,
            "max_seconds": args.max_seconds,
            "store_calls": args.store_calls,
            "reuse_models": args.reuse_models,
        },
        "pipelines": {},
    }
    trained = {}
    for name, config in PIPELINES.items():
        say(
            f"{name}: training with {config.relative_to(PROJECT_ROOT)}"
            + (" (reused if unchanged)" if args.reuse_models else "")
        )
        trained[name] = training.train(name, config, log_dir, reuse=args.reuse_models)
        say(f"{name}: training {'reused: ' if trained[name]['reused'] else ''}{trained[name]['seconds']:.0f} s")

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'knowledge.db'}"
        engine = get_engine(database_url)
        load_content(engine, PROJECT_ROOT / "content")
        store = KnowledgeStore(engine)
        actions = serve.start_action_server(database_url, log_dir, args.start_timeout)
        try:
            for name in PIPELINES:
                figures = measure_pipeline(name, trained[name]["model"], actions.url, args, store.resolve, log_dir, say)
                figures["config"] = str(PIPELINES[name].relative_to(PROJECT_ROOT))
                figures["training"] = trained[name]
                results["pipelines"][name] = figures
        finally:
            actions.stop()
        say("timing store lookups")
        medians = store_timing.time_lookups(store, args.store_calls)
        say("timing answers")
        results["answers"] = store_timing.time_answers(store)
        engine.dispose()
    slowest = max(medians, key=medians.get)
    results["store"] = {
        "database": "SQLite (temporary copy of content/)",
        "calls": args.store_calls,
        "medians_ms": medians,
        "slowest": slowest,
        "slowest_ms": medians[slowest],
        "note": f"Store lookups: SQLite, median of {args.store_calls} calls per method; "
        "the same store serves both pipelines, so it has no ratio.",
    }
    results["heldout"] = {
        "status": "ok" if args.heldout.exists() else "missing",
        "path": str(args.heldout),
        "examples": results["pipelines"]["ours"]["nlu"].get("examples"),
    }
    results["machine"] = machine(load_before)
    results["figures"] = table.figures(results)

    text = table.markdown(results)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in (stamp, "latest"):
        (args.out / f"{name}.json").write_text(json.dumps(results, indent=2, default=str))
        (args.out / f"{name}.md").write_text(text)
    if not args.no_readme:
        table.update_readme(PROJECT_ROOT / "README.md", text)
    print()
    print(text)
    say(f"results in {args.out / (stamp + '.json')} and .md" + ("" if args.no_readme else "; README.md updated"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
