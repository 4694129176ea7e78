"""The action server serves many requests at once.

rasa-sdk awaits every action on the server's single event loop. A synchronous
action, or a form's synchronous validators, runs its blocking SQLAlchemy
calls on that loop, so the server served one request at a time. Here each
action call runs in a worker thread with an event loop of its own, so the
server's loop only receives requests and sends replies. The store's engine is
thread-safe (bot/store/db.py); actions keep no per-request state on their
(shared) instances."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional

from rasa_sdk.executor import ActionExecutor


def run_actions_in_threads(threads: int) -> None:
    """Make ActionExecutor.run run each action call in a pool of `threads` threads (idempotent)."""
    if getattr(ActionExecutor.run, "runs_in_threads", False):
        return
    run_on_loop = ActionExecutor.run
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")

    async def run(self: ActionExecutor, action_call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, lambda: asyncio.run(run_on_loop(self, action_call)))

    run.runs_in_threads = True  # type: ignore[attr-defined]
    ActionExecutor.run = run  # type: ignore[method-assign]
