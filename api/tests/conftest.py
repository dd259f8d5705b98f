"""A real Daphne server for the API tests, with the Demo endpoint and endpoints served by the fake
provider; accounts and API keys are made in the server's own database by a manage.py subprocess."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import DaphneServer, base_env, custom_endpoint, manage, prepare_sqlite, write_librechat_yaml

FAKE_KEY_VARIABLE = "API_TEST_FAKE_KEY"
FAKE_MODELS = ["fake-chat", "fake-echo", "fake-cut", "fake-stall", "fake-error-429", "fake-error-500", "fake-reason"]

KEYS_SCRIPT = """
import json, sys
from accounts.models import User
from api.services import api_key_create, api_key_revoke
keys = []
for spec in json.loads(sys.stdin.read()):
    user = User.objects.filter(email=spec["email"]).first() or User.objects.create_user(email=spec["email"])
    api_key, raw = api_key_create(user=user, name="tests")
    if spec["revoke"]:
        api_key_revoke(user=user, key_id=api_key.pk)
    keys.append({"email": spec["email"], "key": raw, "revoke": spec["revoke"]})
print("KEYS=" + json.dumps(keys))
"""
# Keys made up front in one subprocess (each manage.py start costs seconds on a busy machine).
POOL_SIZE = 24


@dataclass
class ApiServer:
    server: DaphneServer
    env: dict[str, str]
    directory: Path
    pool: list[dict] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.url + "/v1"

    def make_keys(self, count: int, revoked: int = 0) -> list[dict]:
        specs = [{"email": f"api-{uuid.uuid4().hex[:10]}@example.org", "revoke": index < revoked}
                 for index in range(count)]
        output = manage(self.env, "shell", "-c", KEYS_SCRIPT, input_text=json.dumps(specs))
        return list(json.loads(next(line for line in output.splitlines() if line.startswith("KEYS=")).split("=", 1)[1]))

    def take_key(self, *, revoked: bool = False) -> dict:
        """{"email", "key"} of a fresh account with one key (revoked if asked)."""
        for index, entry in enumerate(self.pool):
            if entry["revoke"] == revoked:
                return self.pool.pop(index)
        return self.make_keys(1, revoked=int(revoked))[0]

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Read the server's database directly (SQLite, WAL: readers do not block it)."""
        with sqlite3.connect(self.directory / "db.sqlite3", timeout=20) as connection:
            return list(connection.execute(sql, params).fetchall())


@pytest.fixture(scope="session")
def api_fake_provider() -> Iterator[object]:
    from providers.fake_server import FakeProviderServer

    fake = FakeProviderServer(tokens_per_second=400, stall_seconds=30).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="session")
def api_server(api_fake_provider) -> Iterator[ApiServer]:
    directory = Path(tempfile.mkdtemp(prefix="librechat-api-"))
    url = prepare_sqlite(directory)
    config = write_librechat_yaml(
        directory / "librechat.yaml",
        [
            custom_endpoint("Fake", f"{api_fake_provider.url}/v1", FAKE_MODELS, FAKE_KEY_VARIABLE),
            # Offers "fake-chat" too, so the bare id "fake-chat" is ambiguous.
            custom_endpoint("Other", f"{api_fake_provider.url}/v1", ["fake-chat", "only-other"], FAKE_KEY_VARIABLE),
            custom_endpoint("Claude", api_fake_provider.url, ["claude-fake"], FAKE_KEY_VARIABLE, provider="anthropic"),
            custom_endpoint("Broken", f"{api_fake_provider.url}/v1", ["broken-model"], "SURELY_UNSET_API_TEST_KEY"),
        ],
    )
    env = base_env(
        DATABASE_URL=url,
        DATA_DIR=str(directory),
        LIBRECHAT_CONFIG=str(config),
        DEMO_TOKENS_PER_SECOND="2000",
        **{FAKE_KEY_VARIABLE: "api-test-key"},
    )
    server = DaphneServer(env, directory / "daphne.log")
    try:
        api = ApiServer(server=server, env=env, directory=directory)
        api.pool.extend(api.make_keys(POOL_SIZE, revoked=2))
        yield api
    finally:
        server.stop()
        log = server.output()
        artifacts = Path(__file__).resolve().parents[2] / "artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "daphne-api.log").write_text(log)
        shutil.rmtree(directory, ignore_errors=True)
