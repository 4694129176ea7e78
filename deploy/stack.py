"""The production stack on one machine: python -m deploy.stack  (./run prod)

PostgreSQL tracker store + Redis lock store (checked first, see preflight),
one action server on loopback, N Rasa replicas on loopback, nginx in front,
each started and stopped by tools/launcher.py. Every setting comes from the
environment, with the defaults in DEFAULTS. The tests start the same stack on
free ports (tests/test_production_*.py).
No Rasa imports here: everything runs as a subprocess."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from string import Template
from typing import Mapping, Optional

from bot.settings import DEFAULT_MAX_BODY_BYTES, get_settings
from deploy.preflight import PreflightError, check_lock_store, check_tracker_db
from tools.launcher import MODEL, Launcher, Server, StartError, run_until_stopped

ROOT = Path(__file__).resolve().parent.parent
NGINX = get_settings().nginx

DEFAULTS = {
    "TRACKER_DB_HOST": "127.0.0.1",
    "TRACKER_DB_PORT": "5432",
    "TRACKER_DB_NAME": "rasa",
    "TRACKER_DB_USER": "postgres",
    "TRACKER_DB_PASSWORD": "",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "",
    "LOCK_KEY_PREFIX": "cmmiiso",
    "ACTION_PORT": "5055",
    "RASA_PORTS": "5006,5007",
    "PROXY_ADDRESS": "127.0.0.1",
    "PROXY_PORT": "8000",
    "PROD_RUN_DIR": str(ROOT / "var" / "prod"),
    "MAX_BODY_BYTES": str(DEFAULT_MAX_BODY_BYTES),
}


StackError = StartError  # the stack (or one of its servers) did not start


class Stack:
    def __init__(self, overrides: Optional[Mapping[str, str]] = None, model: Optional[Path] = None):
        env = dict(os.environ)
        for key, value in DEFAULTS.items():
            env.setdefault(key, value)
        env.update(overrides or {})
        env.setdefault("WIDGET_ORIGIN", f"http://localhost:{env['PROXY_PORT']}")
        # One key for all replicas, so a session id one issued is valid on the others. Without
        # SESSION_SECRET set, the widget's sessions last as long as this stack.
        if not env.get("SESSION_SECRET"):
            env["SESSION_SECRET"] = secrets.token_hex(32)
        env.update(PRODUCTION="1", ACTION_SERVER_URL=f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
        self.run_dir = Path(env["PROD_RUN_DIR"])
        # Logs appended to across restarts; a model loads in 20-60 s on a quiet machine, minutes on a busy one.
        self.launcher = Launcher(
            self.run_dir, env, append_logs=True, timeout=float(env.get("STACK_START_TIMEOUT", "900"))
        )
        self.env = self.launcher.env  # env and what every server needs (RASA_TELEMETRY_ENABLED=false, ...)
        self.model = model or MODEL
        self.rasa_ports = [int(p) for p in env["RASA_PORTS"].split(",")]
        self.action_port = int(env["ACTION_PORT"])
        self.proxy_port = int(env["PROXY_PORT"])
        self.actions: Optional[Server] = None
        self.replicas: list[Optional[Server]] = [None] * len(self.rasa_ports)
        self.nginx: Optional[Server] = None

    # --- addresses -------------------------------------------------------
    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    # --- processes (tools/launcher.py: each in a session of its own, so Ctrl-C reaches us only
    # and stop() decides the order) ------------------------------------------
    def preflight(self) -> None:
        check_tracker_db(self.env)
        check_lock_store(self.env)

    def start_actions(self, wait: bool = True) -> None:
        self.actions = self.launcher.actions(self.action_port)
        if wait:
            self.launcher.wait([self.actions], "the action server")

    def start_replica(self, index: int, wait: bool = True) -> None:
        # The HTTP API only with a token (RASA_AUTH_TOKEN); without one it stays off.
        self.replicas[index] = self.launcher.rasa(
            self.rasa_ports[index],
            model=self.model,
            endpoints="endpoints.prod.yml",
            interface="127.0.0.1",
            cors=self.env["WIDGET_ORIGIN"].split(","),
            auth_token=self.env.get("RASA_AUTH_TOKEN"),
            name=f"rasa-{index}",
            ready_path="/webhooks/rest/",
        )
        if wait:
            self.wait_replica(index)

    def wait_replica(self, index: int) -> None:
        self.launcher.wait([self.replicas[index]], f"Rasa replica {index}")

    def render_nginx_config(self, print_only: bool = False):
        # RASA_UPSTREAMS (host:port,...) when the replicas run elsewhere (docker-compose).
        upstreams = (
            self.env.get("RASA_UPSTREAMS", "").split(",")
            if self.env.get("RASA_UPSTREAMS")
            else [f"127.0.0.1:{p}" for p in self.rasa_ports]
        )
        servers = [f"        server {u.strip()} max_fails=1 fail_timeout=5s;" for u in upstreams]
        template = Template((ROOT / "deploy" / "nginx.conf.template").read_text())
        conf = template.substitute(
            RUN_DIR=self.run_dir,
            MAX_BODY_BYTES=self.env["MAX_BODY_BYTES"],
            REST_SERVERS="\n".join(servers),
            SOCKETIO_SERVERS="\n".join(servers),
            PROXY_ADDRESS=self.env["PROXY_ADDRESS"],
            PROXY_PORT=self.proxy_port,
            STATIC_DIR=self.env.get("STATIC_DIR") or ROOT / "web" / "static",
        )
        if print_only:
            return conf
        (self.run_dir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
        path = self.run_dir / "nginx.conf"
        path.write_text(conf)
        return path

    def start_nginx(self) -> None:
        conf = self.render_nginx_config()
        args = [
            NGINX,
            "-p",
            str(self.run_dir),
            "-e",
            str(self.run_dir / "nginx-error.log"),
            "-c",
            str(conf),
            "-g",
            "daemon off;",
        ]
        check = subprocess.run([*args[:-2], "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise StackError(f"nginx rejected its configuration: {check.stderr.strip()}")
        self.nginx = self.launcher.spawn("nginx", args, self.proxy_port, "/health")
        self.launcher.wait([self.nginx], "nginx", 30)

    def start(self) -> None:
        if not self.model.exists():
            raise StackError(f"no trained model at {self.model}: run ./run train first")
        self.preflight()
        try:
            self.start_actions(wait=False)
            for index in range(len(self.rasa_ports)):
                self.start_replica(index, wait=False)
            self.launcher.wait([self.actions], "the action server")
            for index in range(len(self.rasa_ports)):
                self.wait_replica(index)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise

    def stop_actions(self, kill: bool = False) -> None:
        if self.actions:
            self.actions.stop(kill)

    def stop_replica(self, index: int, kill: bool = False) -> None:
        if self.replicas[index]:
            self.replicas[index].stop(kill)

    def stop(self) -> None:
        """nginx, the replicas, the action server."""
        for server in [self.nginx, *self.replicas, self.actions]:
            if server:
                server.stop()

    def processes(self) -> list[Server]:
        return [p for p in [self.nginx, self.actions, *self.replicas] if p is not None]


def main() -> int:
    stack = Stack()
    if sys.argv[1:] == ["--print-nginx-config"]:
        print(stack.render_nginx_config(print_only=True))
        return 0
    if not shutil.which(NGINX):
        print(f"error: nginx not found at {NGINX} (Debian package nginx-light)", file=sys.stderr)
        return 1

    def start() -> None:
        print(f"starting: action server, {len(stack.rasa_ports)} Rasa replicas, nginx (logs in {stack.run_dir}) ...")
        stack.start()
        rest = (
            f"REST, with the bearer token REST_WEBHOOK_TOKEN: POST http://localhost:{stack.proxy_port}"
            "/webhooks/rest/webhook"
            if stack.env.get("REST_WEBHOOK_TOKEN")
            else "REST webhook off"
        )
        print(f"Ready. Chat at http://localhost:{stack.proxy_port}  ({rest}). Ctrl-C stops.")

    return run_until_stopped(
        start,
        stack.launcher.watch,
        stack.stop,
        errors=(PreflightError, StackError),
        exited=lambda dead: f"a process exited ({dead.name}); stopping. See {stack.run_dir}",
        signals=(signal.SIGTERM,),  # Ctrl-C (SIGINT) raises KeyboardInterrupt already
    )


if __name__ == "__main__":
    sys.exit(main())
