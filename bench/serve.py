"""Start the action server and a Rasa server for one model on free localhost
ports, time the start until ready, and read the server's resident memory."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.servers import BIN, base_env, free_port


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    start_seconds: float

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _until_ready(process: subprocess.Popen, url: str, started: float, timeout: float) -> float:
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before it was ready ({url})")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"not ready after {timeout:.0f} s: {url}")


def _start(args: list[str], env: dict, log: Path, url: str, ready_path: str, timeout: float) -> Server:
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        seconds = _until_ready(process, url + ready_path, started, timeout)
    except RuntimeError:
        process.kill()
        process.wait()
        raise
    return Server(process, url, seconds)


def start_action_server(database_url: str, log_dir: Path, timeout: float = 240) -> Server:
    port = free_port()
    return _start(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        base_env(DATABASE_URL=database_url),
        log_dir / "actions.log",
        f"http://127.0.0.1:{port}",
        "/health",
        timeout,
    )


def start_rasa(model: str, action_url: str, log: Path, timeout: float = 300) -> Server:
    """Rasa with the API on (for /model/parse), the project's endpoints, bound to localhost."""
    port = free_port()
    return _start(
        [
            str(BIN / "rasa"),
            "run",
            "--model",
            model,
            "--port",
            str(port),
            "-i",
            "127.0.0.1",
            "--enable-api",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ],
        base_env(ACTION_SERVER_URL=f"{action_url}/webhook"),
        log,
        f"http://127.0.0.1:{port}",
        "/",
        timeout,
    )


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
