"""Start and stop the assistant's servers, the one way ./run start, the tests
(tests/servers.py) and the production stack (deploy/stack.py) do it.

    python -m tools.launcher start [--rasa-port 5005] [--action-port 5055] [--web-port 8080]

starts the action server, Rasa and the chat page for development (./run start
does this after loading the store and training). Each server is a subprocess
in a session of its own (Ctrl-C reaches the launcher, which stops them), with
its log in a directory, the environment it needs and a URL that answers 200
once it is ready. No Rasa imports here: everything runs as a subprocess."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from tools.wait_ready import wait_ready

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "assistant.tar.gz"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def base_env(base: Optional[Mapping[str, str]] = None, **extra: str) -> dict:
    """`base` (os.environ by default) with what every server here needs, then `extra`."""
    env = dict(os.environ if base is None else base)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra)
    return env


class StartError(RuntimeError):
    """A server (or the stack) did not start."""


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str  # http://127.0.0.1:port
    ready_urls: list
    log: Path

    def poll(self) -> Optional[int]:
        return self.process.poll()

    def stop(self, kill: bool = False, timeout: float = 30) -> None:
        if self.process.poll() is not None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class Launcher:
    """Starts servers with their logs in log_dir (appended to, or each start a new
    log) and the environment `env` (os.environ by default) plus base_env's."""

    def __init__(
        self, log_dir: Path, env: Optional[Mapping[str, str]] = None, append_logs: bool = False, timeout: float = 900
    ):
        self.log_dir = Path(log_dir)
        self.env = base_env(env)
        self.append_logs = append_logs
        self.timeout = timeout  # loading a model takes 20-60 s on a quiet machine, minutes on a busy one
        self.servers: dict[str, Server] = {}  # the latest of each name, in the order first started

    def spawn(
        self, name: str, args: Sequence[str], port: int, ready_path: str = "/", env: Optional[Mapping[str, str]] = None
    ) -> Server:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        with open(log, "a" if self.append_logs else "w") as out:
            process = subprocess.Popen(
                list(args),
                cwd=ROOT,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://{LOOPBACK}:{port}"
        server = Server(name, process, url, [f"{url}{ready_path}"], log)
        self.servers[name] = server
        return server

    def actions(self, port: int, name: str = "actions") -> Server:
        """The action server (the actions package); rasa_sdk binds SANIC_HOST, 0.0.0.0 when unset:
        keep it on loopback."""
        return self.spawn(
            name,
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
            port,
            "/health",
            {"SANIC_HOST": LOOPBACK},
        )

    def rasa(
        self,
        port: int,
        *,
        model: Path = MODEL,
        endpoints: str = "endpoints.yml",
        credentials: str = "credentials.yml",
        cors: Sequence[str] = (),
        interface: Optional[str] = None,
        auth_token: Optional[str] = None,
        action_server_url: Optional[str] = None,
        name: str = "rasa",
        ready_path: str = "/",
        env: Optional[Mapping[str, str]] = None,
    ) -> Server:
        """A Rasa server: channels from `credentials`, stores and action server from `endpoints`
        (ACTION_SERVER_URL), browsers of the `cors` origins; the HTTP API only with `auth_token`."""
        args = [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--credentials",
            str(credentials),
            "--endpoints",
            str(endpoints),
        ]
        if interface:
            args += ["--interface", interface]
        if cors:
            args += ["--cors", *cors]
        if auth_token:
            args += ["--enable-api", "--auth-token", auth_token]
        extra = dict(env or {})
        if action_server_url:
            extra["ACTION_SERVER_URL"] = action_server_url
        return self.spawn(name, args, port, ready_path, extra)

    def web(
        self, port: int, rasa_url: Optional[str] = None, name: str = "web", env: Optional[Mapping[str, str]] = None
    ) -> Server:
        """The chat page (python -m web), its widget talking to `rasa_url`
        (default: the page server's, $RASA_PUBLIC_URL or http://localhost:$RASA_PORT)."""
        args = [sys.executable, "-m", "web", "--port", str(port)]
        if rasa_url:
            args += ["--rasa-url", rasa_url]
        return self.spawn(name, args, port, "/", env)

    def wait(self, servers: Sequence[Server], what: Optional[str] = None, timeout: Optional[float] = None) -> None:
        """Until every server answers; StartError after `timeout` (the launcher's by default)."""
        timeout = timeout or self.timeout
        if not wait_ready([url for server in servers for url in server.ready_urls], timeout):
            what = what or " and ".join(server.name for server in servers)
            raise StartError(f"{what} did not start within {timeout:.0f} s; logs in {self.log_dir}")

    def watch(self, interval: float = 1) -> Server:
        """Block until one of the servers exits; return it."""
        while True:
            for server in self.servers.values():
                if server.poll() is not None:
                    return server
            time.sleep(interval)

    def stop(self) -> None:
        """Stop every server, the last started first."""
        for server in reversed(list(self.servers.values())):
            server.stop()


def run_until_stopped(
    start: Callable[[], None],
    watch: Callable[[], Server],
    stop: Callable[[], None],
    *,
    errors: tuple[type[Exception], ...],
    exited: Callable[[Server], str],
    signals: Sequence[int] = (signal.SIGINT, signal.SIGTERM),
) -> int:
    """Serve until Ctrl-C or one of the servers exits, the way ./run start and ./run prod
    do: `start()` starts the servers and says they are ready, `watch()` blocks until one
    exits (message `exited(server)`), `stop()` stops them all, whatever happened. Each
    of `signals` stops them as Ctrl-C does. Exit code 0 after Ctrl-C, else 1 (an error
    of `errors` is printed as one line)."""

    def interrupt(*_):
        raise KeyboardInterrupt

    for signum in signals:
        signal.signal(signum, interrupt)
    try:
        start()
        dead = watch()
        print(exited(dead), file=sys.stderr)
        return 1
    except errors as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        print("stopped")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Start the action server, Rasa and the chat page (./run start).")
    parser.add_argument("command", choices=["start"])
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--log-dir", type=Path, default=Path("var/log"))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    launcher = Launcher(args.log_dir, timeout=args.timeout)
    action_server_url = os.environ.get("ACTION_SERVER_URL") or f"http://{LOOPBACK}:{args.action_port}/webhook"

    def start() -> None:
        servers = [
            launcher.actions(args.action_port),
            launcher.rasa(
                args.rasa_port,
                action_server_url=action_server_url,
                cors=(f"http://localhost:{args.web_port}", f"http://127.0.0.1:{args.web_port}"),
            ),
            launcher.web(args.web_port, env={"RASA_PORT": str(args.rasa_port)}),
        ]
        print(f"starting (logs in {args.log_dir}/) ...", flush=True)
        launcher.wait(servers)
        print(
            f"Ready. Chat at http://localhost:{args.web_port}  "
            f"(REST: POST http://localhost:{args.rasa_port}/webhooks/rest/webhook)"
        )
        print("Press Ctrl-C to stop.", flush=True)

    # SIGINT too (the default): a shell ignores it in the jobs it starts in the background.
    return run_until_stopped(
        start,
        launcher.watch,
        launcher.stop,
        errors=(StartError,),
        exited=lambda dead: f"a process exited ({dead.name}); see {dead.log}",
    )


if __name__ == "__main__":
    sys.exit(main())
