"""Real PostgreSQL and Redis for the service tests: a fresh database each session, own Redis keys.

Outside CI a missing service skips these tests with the reason; under CI=true it fails them.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ADMIN_URL = os.environ.get("SERVICES_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SERVICES_REDIS_URL", "redis://127.0.0.1:6379/13")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not running on {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: service tests must not skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    require_service("Redis", "127.0.0.1", 6379)
    yield REDIS_URL
    # Remove only the keys this run made (Redis is shared; never FLUSHALL).


@pytest.fixture(scope="session")
def redis_prefix(redis_url: str) -> Iterator[str]:
    import redis

    prefix = f"lc-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{prefix}*", count=500):
        client.delete(key)


@pytest.fixture(scope="session")
def postgres_database_url(tmp_path_factory) -> Iterator[str]:
    """A new, migrated PostgreSQL database for server processes, dropped afterwards."""
    import psycopg

    from tests.servers import base_env, manage

    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"librechat_services_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    manage(base_env(DATABASE_URL=url, DATA_DIR=str(tmp_path_factory.mktemp("data"))), "migrate", "--noinput", "-v", "0")
    yield url
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
