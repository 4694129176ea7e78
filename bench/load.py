"""Simulated users over the REST channel, bounded in messages and time, localhost only."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

MESSAGES_FILE = Path(__file__).with_name("messages.txt")


def messages() -> list[str]:
    """What simulated users say: a conversation's worth of typical messages."""
    lines = MESSAGES_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class LoadResult:
    users: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def throughput(self) -> float:
        """Answered messages per second of wall time."""
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def run_load(
    rasa_url: str, texts: list[str], users: int, max_messages: int, max_seconds: float, run_id: str
) -> LoadResult:
    """`users` threads, each a user who says `texts` in order (a new conversation
    each time round), until `max_messages` in all or `max_seconds` have passed."""
    host = urlsplit(rasa_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load test only targets localhost, not {host}")
    result = LoadResult(users)
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + max_seconds

    def user(number: int) -> None:
        nonlocal issued
        with requests.Session() as session:
            turn = 0
            while True:
                with lock:
                    if issued >= max_messages or time.perf_counter() >= deadline:
                        return
                    issued += 1
                sender = f"bench-{run_id}-{users}u{number}-c{turn // len(texts)}"
                text = texts[(turn + number) % len(texts)]
                turn += 1
                start = time.perf_counter()
                try:
                    resp = session.post(
                        f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                    )
                    ok = resp.status_code == 200 and isinstance(resp.json(), list)
                except (requests.RequestException, ValueError):
                    ok = False
                elapsed_ms = (time.perf_counter() - start) * 1000
                with lock:
                    if ok:
                        result.latencies_ms.append(elapsed_ms)
                    else:
                        result.errors += 1

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result
