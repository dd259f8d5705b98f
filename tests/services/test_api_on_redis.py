"""The OpenAI-compatible API in production shape: Daphne on PostgreSQL with the channels-redis
layer (the API follows the reply's group through Redis), driven by the official openai SDK."""

from __future__ import annotations

import json
import uuid

import openai
import psycopg
import pytest

from providers.demo_text import demo_reply
from tests.servers import DaphneServer, base_env, manage

pytestmark = pytest.mark.services

KEY_SCRIPT = """
from accounts.models import User
from api.services import api_key_create
user = User.objects.create_user(email="api-redis@example.org")
print("KEY=" + api_key_create(user=user, name="redis")[1])
"""


@pytest.fixture(scope="module")
def api_on_redis(postgres_database_url, redis_url, redis_prefix, tmp_path_factory):
    env = base_env(
        DATABASE_URL=postgres_database_url,
        REDIS_URL=redis_url,
        REDIS_PREFIX=redis_prefix,
        DATA_DIR=str(tmp_path_factory.mktemp("data")),
        DEMO_TOKENS_PER_SECOND="400",
    )
    server = DaphneServer(env, tmp_path_factory.mktemp("logs") / "daphne-api.log")
    output = manage(env, "shell", "-c", KEY_SCRIPT)
    key = next(line for line in output.splitlines() if line.startswith("KEY=")).split("=", 1)[1]
    yield {"server": server, "key": key, "database": postgres_database_url}
    server.stop()


def test_stream_and_whole_reply_over_redis_are_stored_in_postgres(api_on_redis):
    client = openai.OpenAI(api_key=api_on_redis["key"], base_url=api_on_redis["server"].url + "/v1", max_retries=0)
    prompt = "Redis and the API " + uuid.uuid4().hex[:6]
    chunks = list(client.chat.completions.create(
        model="Demo/demo-chat", messages=[{"role": "user", "content": prompt}], stream=True,
        stream_options={"include_usage": True},
    ))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == demo_reply(prompt)
    usage = chunks[-1].usage
    whole = client.chat.completions.create(model="demo-chat", messages=[{"role": "user", "content": prompt}])
    assert whole.choices[0].message.content == demo_reply(prompt)

    with psycopg.connect(api_on_redis["database"].replace("postgres://", "postgresql://")) as connection:
        rows = connection.execute(
            "SELECT m.text, m.prompt_tokens, m.completion_tokens, m.unfinished, c.source FROM chat_message m "
            "JOIN chat_conversation c ON c.id = m.conversation_id WHERE m.id = %s",
            (uuid.UUID(chunks[0].id.removeprefix("chatcmpl-")),),
        ).fetchall()
    assert rows == [(demo_reply(prompt), usage.prompt_tokens, usage.completion_tokens, False, "api")]
    assert json.dumps(whole.usage.model_dump())  # usage is present on the whole reply too
