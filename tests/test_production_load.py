"""Load, bounded: 50 concurrent users x 20 messages through nginx across the
two replicas. Each user sends its messages in pairs sent at the same moment,
so two replicas often process one conversation's messages concurrently and
only the Redis lock keeps them serial. Checks: every message got a reply, every
user event is in the tracker store exactly once, turns are not interleaved,
pairs are in order. The figures (messages, lost events, p95) go to
reports/production_load.json; they are measured, not asserted."""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bot.settings import PROJECT_ROOT
from channels.guard import UNAVAILABLE_REPLY

USERS = 50
MESSAGES_PER_USER = 20
QUESTIONS = ["hello", "what is ISO 9001?", "what is CMMI?", "thanks", "tell me about AS9100", "what's cmmi"]


def user_messages(user: int) -> list[str]:
    return [f"{QUESTIONS[(user + n) % len(QUESTIONS)]} ({n})" for n in range(MESSAGES_PER_USER)]


def test_fifty_users_twenty_messages_nothing_lost(prod):
    run = uuid.uuid4().hex[:8]
    senders = [f"load-{run}-{u}" for u in range(USERS)]
    latencies: list[float] = []
    failures: list[str] = []
    upstreams: dict[str, int] = {}
    lock = threading.Lock()
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=2 * USERS))

    def send(sender: str, message: str) -> None:
        started = time.monotonic()
        try:
            resp = session.post(
                f"{prod.proxy}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
                headers=prod.rest_headers,
                timeout=180,
            )
            replies = resp.json() if resp.status_code == 200 else []
            ok = any(r.get("text") for r in replies) and all(r.get("text") != UNAVAILABLE_REPLY for r in replies)
            problem = None if ok else f"{sender} {message!r}: {resp.status_code} {resp.text[:100]}"
            upstream = resp.headers.get("X-Upstream", "?")
        except requests.RequestException as exc:
            problem, upstream = f"{sender} {message!r}: {exc}", "error"
        with lock:
            latencies.append(time.monotonic() - started)
            upstreams[upstream] = upstreams.get(upstream, 0) + 1
            if problem:
                failures.append(problem)

    def user(index: int) -> None:
        messages = user_messages(index)
        with ThreadPoolExecutor(2) as pair:
            for n in range(0, MESSAGES_PER_USER, 2):
                list(pair.map(lambda m: send(senders[index], m), messages[n : n + 2]))

    started = time.monotonic()
    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(user, range(USERS)))
    elapsed = time.monotonic() - started

    lost = duplicated = out_of_order = interleaved = 0
    for index, sender in enumerate(senders):
        sent = user_messages(index)
        events = prod.events(sender)
        stored = [e["text"] for e in events if e["event"] == "user"]
        lost += len(set(sent) - set(stored))
        duplicated += len(stored) - len(set(stored))
        # Pairs in order (within a pair either order is right).
        if [sorted(stored[n : n + 2]) for n in range(0, len(stored), 2)] != [
            sorted(sent[n : n + 2]) for n in range(0, len(sent), 2)
        ]:
            out_of_order += 1
        # Serial processing: each user message's turn ends (action_listen) before the next one starts.
        names = [e["event"] if e["event"] != "action" else e["name"] for e in events]
        for position, name in enumerate(names):
            if name == "user" and position > 0:
                previous = [n for n in names[:position] if n not in ("slot", "session_started")]
                if previous and previous[-1] != "action_listen":
                    interleaved += 1

    latencies.sort()
    figures = {
        "users": USERS,
        "messages_per_user": MESSAGES_PER_USER,
        "messages_sent": len(latencies),
        "messages_failed": len(failures),
        "user_events_lost": lost,
        "user_events_duplicated": duplicated,
        "conversations_out_of_order": out_of_order,
        "interleaved_turns": interleaved,
        "replies_by_replica": upstreams,
        "seconds": round(elapsed, 1),
        "throughput_msg_per_s": round(len(latencies) / elapsed, 2),
        "latency_p50_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "latency_max_s": round(latencies[-1], 3),
    }
    report = PROJECT_ROOT / "reports" / "production_load.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))

    assert len(latencies) == USERS * MESSAGES_PER_USER
    assert failures == [], failures[:5]
    assert (lost, duplicated, out_of_order, interleaved) == (0, 0, 0, 0), figures
    assert len([u for u in upstreams if u.startswith("127.0.0.1")]) == 2, f"not spread over both replicas: {upstreams}"
