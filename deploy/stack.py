"""The production stack on one machine: python -m deploy.stack  (./run prod)

PostgreSQL tracker store + Redis lock store (checked first, see preflight),
one action server on loopback, N Rasa replicas on loopback, nginx in front.
Every setting comes from the environment, with the defaults in DEFAULTS.
The tests start the same stack on free ports (tests/test_production_*.py).
No Rasa imports here: everything runs as a subprocess."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from string import Template
from typing import Mapping, Optional

from bot.settings import DEFAULT_MAX_BODY_BYTES, get_settings
from bot.wait_ready import wait_ready
from deploy.preflight import PreflightError, check_lock_store, check_tracker_db

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
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


class StackError(RuntimeError):
    pass


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
        env.update(
            PRODUCTION="1",
            ACTION_SERVER_URL=f"http://127.0.0.1:{env['ACTION_PORT']}/webhook",
            PYTHONPATH=str(ROOT),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
        )
        self.env = env
        self.model = model or ROOT / "models" / "assistant.tar.gz"
        self.run_dir = Path(env["PROD_RUN_DIR"])
        self.rasa_ports = [int(p) for p in env["RASA_PORTS"].split(",")]
        self.action_port = int(env["ACTION_PORT"])
        self.proxy_port = int(env["PROXY_PORT"])
        self.actions: Optional[subprocess.Popen] = None
        self.replicas: list[Optional[subprocess.Popen]] = [None] * len(self.rasa_ports)
        self.nginx: Optional[subprocess.Popen] = None

    # --- addresses -------------------------------------------------------
    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    # --- processes -------------------------------------------------------
    def _spawn(self, name: str, args: list[str], env: Optional[dict] = None) -> subprocess.Popen:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.run_dir / f"{name}.log", "a")
        # A process group of its own, so Ctrl-C in the terminal reaches us only
        # and stop() decides the order.
        return subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def preflight(self) -> None:
        check_tracker_db(self.env)
        check_lock_store(self.env)

    def start_actions(self, wait: bool = True) -> None:
        # rasa_sdk binds SANIC_HOST (0.0.0.0 when unset): keep it on loopback.
        env = dict(self.env, SANIC_HOST="127.0.0.1")
        self.actions = self._spawn("actions", [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                               "--port", str(self.action_port)], env)
        if wait:
            self._wait([f"{self.action_url}/health"], "the action server")

    def start_replica(self, index: int, wait: bool = True) -> None:
        args = [str(BIN / "rasa"), "run", "--model", str(self.model), "--interface", "127.0.0.1",
                "--port", str(self.rasa_ports[index]), "--credentials", "credentials.yml",
                "--endpoints", "endpoints.prod.yml", "--cors", *self.env["WIDGET_ORIGIN"].split(",")]
        token = self.env.get("RASA_AUTH_TOKEN")
        if token:  # the HTTP API only with a token; without one it stays off
            args += ["--enable-api", "--auth-token", token]
        self.replicas[index] = self._spawn(f"rasa-{index}", args)
        if wait:
            self.wait_replica(index)

    def wait_replica(self, index: int) -> None:
        self._wait([f"{self.replica_url(index)}/webhooks/rest/"], f"Rasa replica {index}")

    def render_nginx_config(self, print_only: bool = False):
        # RASA_UPSTREAMS (host:port,...) when the replicas run elsewhere (docker-compose).
        upstreams = self.env.get("RASA_UPSTREAMS", "").split(",") if self.env.get("RASA_UPSTREAMS") \
            else [f"127.0.0.1:{p}" for p in self.rasa_ports]
        servers = [f"        server {u.strip()} max_fails=1 fail_timeout=5s;" for u in upstreams]
        template = Template((ROOT / "deploy" / "nginx.conf.template").read_text())
        conf = template.substitute(
            RUN_DIR=self.run_dir, MAX_BODY_BYTES=self.env["MAX_BODY_BYTES"],
            REST_SERVERS="\n".join(servers), SOCKETIO_SERVERS="\n".join(servers),
            PROXY_ADDRESS=self.env["PROXY_ADDRESS"], PROXY_PORT=self.proxy_port,
            STATIC_DIR=self.env.get("STATIC_DIR") or ROOT / "bot" / "web" / "static",
        )
        if print_only:
            return conf
        (self.run_dir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
        path = self.run_dir / "nginx.conf"
        path.write_text(conf)
        return path

    def start_nginx(self) -> None:
        conf = self.render_nginx_config()
        args = [NGINX, "-p", str(self.run_dir), "-e", str(self.run_dir / "nginx-error.log"), "-c", str(conf),
                "-g", "daemon off;"]
        check = subprocess.run([*args[:-2], "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise StackError(f"nginx rejected its configuration: {check.stderr.strip()}")
        self.nginx = self._spawn("nginx", args)
        self._wait([f"{self.proxy_url}/health"], "nginx", 30)

    def start(self) -> None:
        if not self.model.exists():
            raise StackError(f"no trained model at {self.model}: run ./run train first")
        self.preflight()
        try:
            self.start_actions(wait=False)
            for index in range(len(self.rasa_ports)):
                self.start_replica(index, wait=False)
            self._wait([f"{self.action_url}/health"], "the action server")
            for index in range(len(self.rasa_ports)):
                self.wait_replica(index)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise

    def _wait(self, urls: list[str], what: str, timeout: Optional[float] = None) -> None:
        # Loading a model takes 20-60 s on a quiet machine, minutes on a busy one.
        timeout = timeout or float(self.env.get("STACK_START_TIMEOUT", "900"))
        if not wait_ready(urls, timeout):
            raise StackError(f"{what} did not start within {timeout:.0f} s; logs in {self.run_dir}")

    @staticmethod
    def _stop(proc: Optional[subprocess.Popen], kill: bool = False) -> None:
        if proc is None or proc.poll() is not None:
            return
        if kill:
            proc.kill()
        else:
            proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def stop_actions(self, kill: bool = False) -> None:
        self._stop(self.actions, kill)

    def stop_replica(self, index: int, kill: bool = False) -> None:
        self._stop(self.replicas[index], kill)

    def stop(self) -> None:
        self._stop(self.nginx)
        for proc in self.replicas:
            self._stop(proc)
        self._stop(self.actions)

    def processes(self) -> list[subprocess.Popen]:
        return [p for p in [self.nginx, self.actions, *self.replicas] if p is not None]


def main() -> int:
    stack = Stack()
    if sys.argv[1:] == ["--print-nginx-config"]:
        print(stack.render_nginx_config(print_only=True))
        return 0
    if not shutil.which(NGINX):
        print(f"error: nginx not found at {NGINX} (Debian package nginx-light)", file=sys.stderr)
        return 1

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # Ctrl-C (SIGINT) raises KeyboardInterrupt already
    print(f"starting: action server, {len(stack.rasa_ports)} Rasa replicas, nginx (logs in {stack.run_dir}) ...")
    try:
        stack.start()
        rest = (f"REST, with the bearer token REST_WEBHOOK_TOKEN: POST http://localhost:{stack.proxy_port}"
                "/webhooks/rest/webhook" if stack.env.get("REST_WEBHOOK_TOKEN") else "REST webhook off")
        print(f"Ready. Chat at http://localhost:{stack.proxy_port}  ({rest}). Ctrl-C stops.")
        while True:
            dead = [p for p in stack.processes() if p.poll() is not None]
            if dead:
                print(f"a process exited ({' '.join(map(str, dead[0].args[:3]))}); stopping. See {stack.run_dir}",
                      file=sys.stderr)
                return 1
            time.sleep(1)
    except (PreflightError, StackError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()
        print("stopped")


if __name__ == "__main__":
    sys.exit(main())
