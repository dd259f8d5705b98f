"""Real processes for tests and benchmarks: a prepared database, Daphne servers, a Celery worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    """A clean environment for a child process: no developer keys, no developer config."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "librechat.settings",
        "LIBRECHAT_CONFIG": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, input_text: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=input_text, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SESSION_SCRIPT = """
import json, sys
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
data = json.loads(sys.stdin.read())
user = User.objects.filter(email=data["email"]).first() or User.objects.create_user(
    email=data["email"], password=data["password"])
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print("SESSION=" + session.session_key)
"""


def create_session(env: dict[str, str], email: str, password: str = "correct-horse-battery") -> str:  # noqa: S107
    """A signed-in session key for `email` (the account is created if needed)."""
    credentials = json.dumps({"email": email, "password": password})
    output = manage(env, "shell", "-c", SESSION_SCRIPT, input_text=credentials)
    return next(line for line in output.splitlines() if line.startswith("SESSION=")).split("=", 1)[1]


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - kept open for the life of the process
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


class DaphneServer(Process):
    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/chat/"
        args = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "librechat.asgi:application"]
        super().__init__(args, env, log)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not become ready:\n{self.output()}")


class CeleryWorker(Process):
    def __init__(self, env: dict[str, str], log: Path, queue: str) -> None:
        args = [
            str(BIN / "celery"), "-A", "librechat", "worker", "--pool=solo", "-l", "WARNING", "-Q", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        super().__init__(args, env, log)


def custom_endpoint(name: str, base_url: str, models: list[str], key_variable: str, **options: object) -> dict:
    """One `endpoints.custom` entry of librechat.yaml; the key is referred to as ${key_variable}."""
    return {"name": name, "apiKey": f"${{{key_variable}}}", "baseURL": base_url, "models": {"default": models},
            **options}


def write_librechat_yaml(path: Path, endpoints: list[dict], **top_level: object) -> Path:
    """Write a librechat.yaml with these custom endpoints (as LibreChat's schema spells them)."""
    document = {"version": "1.3.14", **top_level, "endpoints": {"custom": endpoints}}
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path


def prepare_sqlite(directory: Path) -> str:
    """A migrated SQLite database file; returns its DATABASE_URL."""
    url = f"sqlite:///{directory / 'db.sqlite3'}"
    manage(base_env(DATABASE_URL=url, DATA_DIR=str(directory)), "migrate", "--noinput", "-v", "0")
    return url


SESSIONS_SCRIPT = """
import json, sys
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
data = json.loads(sys.stdin.read())
keys = {}
for email in data["emails"]:
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, password=data["password"])
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    keys[email] = session.session_key
print("SESSIONS=" + json.dumps(keys))
"""


def create_sessions(env: dict[str, str], emails: list[str], password: str | None = None) -> dict[str, str]:
    """Signed-in session keys for many accounts in one process (created if needed): {email: key}.

    Without a password the accounts get an unusable one, which skips the slow password hashing.
    """
    payload = json.dumps({"emails": list(emails), "password": password})
    output = manage(env, "shell", "-c", SESSIONS_SCRIPT, input_text=payload)
    line = next(line for line in output.splitlines() if line.startswith("SESSIONS="))
    return dict(json.loads(line.split("=", 1)[1]))
