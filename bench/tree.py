"""Opening a big branched conversation: server time and SQL queries, as the size grows.

Builds conversations of `--sizes` messages (default 1,000 and 10,000) with one branch per 20
messages (500 branches at 10,000), then times, with Django's test client in process:

- the page: GET /c/<id>/ (tree, shown path with sibling counts, the sidebar, the template);
- a branch switch: POST /c/<id>/branch/ (JSON of the new shown path);
- the tree view: GET /c/<id>/tree/ (every branch with a preview).

    .venv/bin/python bench/tree.py [--sizes 1000,10000] [--runs 15] [--database-url postgres://...]

The shown path is `--shown` messages long (default 200, a long chat); the rest of the messages
hang off it in branches. Prints the median wall and CPU time (CPU time is steadier on a busy machine: the request runs
in this one thread) and the query count of each request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str | None, directory: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="librechat.settings",
        LIBRECHAT_CONFIG="",
        DATABASE_URL=database_url or f"sqlite:///{directory}/db.sqlite3",
        DATA_DIR=directory,
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="testserver",
    )


def build(user, *, size: int, shown: int, branch_every: int):  # noqa: ANN001, ANN201
    """A conversation of `size` messages: a shown path of `shown` and branches off it."""
    from django.utils import timezone

    from chat.models import Conversation, Message

    conversation = Conversation.objects.create(user=user, title=f"Bench {size}", endpoint="Demo", model="demo-chat")
    start = timezone.now() - timedelta(days=1)
    rows: list[Message] = []
    clock = 0

    def add(parent_id, role: str) -> uuid.UUID:  # noqa: ANN001
        nonlocal clock
        clock += 1
        message_id = uuid.uuid4()
        rows.append(
            Message(
                id=message_id,
                conversation=conversation,
                parent_id=parent_id,
                role=role,
                endpoint="Demo",
                model="demo-chat",
                text=f"Message {clock}: " + "some words of a reply " * 12,
                created_at=start + timedelta(milliseconds=clock),
            )
        )
        return message_id

    path: list[uuid.UUID] = []
    parent = None
    for index in range(shown):
        parent = add(parent, "user" if index % 2 == 0 else "assistant")
        path.append(parent)
    branches = max(1, size // branch_every)
    branch_length, extra = divmod(max(0, size - shown), branches)
    for branch in range(branches):
        # A new version of one of the shown path's questions, answered for a few turns.
        question = (branch * 7919) % max(1, len(path) // 2) * 2
        node = path[question - 1] if question > 0 else None
        for step in range(branch_length + (1 if branch < extra else 0)):
            node = add(node, "user" if step % 2 == 0 else "assistant")
    # The shown path's messages are the newest of their siblings, as after a fresh reply.
    for offset, row in enumerate(rows[: len(path)]):
        row.created_at = start + timedelta(days=1, milliseconds=offset)
    Message.objects.bulk_create(rows, batch_size=2000)
    Conversation.objects.filter(pk=conversation.pk).update(current_leaf_id=path[-1])
    conversation.refresh_from_db()
    return conversation, len(rows), branches, path


def measure(client, method: str, url: str, runs: int, data=None) -> tuple[float, float, int, int]:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    cpu = []
    queries = 0
    size = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data) if method == "POST" else client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
        size = len(response.content)
    return statistics.median(times), statistics.median(cpu), queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--shown", type=int, default=200)
    parser.add_argument("--branch-every", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="librechat-bench-tree-")
    configure(args.database_url, directory)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.org", password="bench-pass-1")
    client = Client()
    client.force_login(user)

    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}, shown path {args.shown} messages")
    print(f"{'messages':>9} {'branches':>9} | {'request':<20} {'wall ms':>8} {'CPU ms':>7} {'queries':>8} {'KB':>6}")
    for size in [int(value) for value in args.sizes.split(",")]:
        conversation, count, branches, path = build(
            user, size=size, shown=args.shown, branch_every=args.branch_every
        )
        base = f"/c/{conversation.pk}/"
        # Switch to the version beside the shown path's second question, and back, alternately.
        rows = [
            ("GET page", "GET", base, None),
            ("GET tree view", "GET", f"{base}tree/", None),
            ("POST branch switch", "POST", f"{base}branch/", {"message": str(path[-1])}),
        ]
        for label, method, url, data in rows:
            wall, cpu, queries, length = measure(client, method, url, args.runs, data)
            print(f"{count:>9} {branches:>9} | {label:<20} {wall:>8.1f} {cpu:>7.1f} {queries:>8} {length / 1024:>6.0f}")


if __name__ == "__main__":
    main()
