"""The sidebar with ten thousand conversations: server time and queries of the chat page and of a
JSON page deep in the list (keyset), beside the same deep page read with OFFSET for comparison.

Runs in process through Django's test client (no network), on a throwaway database: a SQLite
file by default, or PostgreSQL with `--database-url` (a test database is created and dropped).

    .venv/bin/python bench/sidebar.py [--conversations 10000] [--runs 30]
    .venv/bin/python bench/sidebar.py --database-url postgres://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url: str | None, directory: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="librechat.settings",
        LIBRECHAT_CONFIG="",
        DATABASE_URL=database_url or f"sqlite:///{directory}/db.sqlite3",
        DATABASE_TEST_NAME="bench_sidebar",
        DATA_DIR=directory,
        LOG_LEVEL="ERROR",
    )


def seed(user, count: int, folders: int, per_folder: int, pinned: int) -> None:
    from django.utils import timezone

    from chat.models import Conversation, Folder, Tag

    now = timezone.now()
    made = []
    for index in range(count):
        # Every third pair shares a timestamp: the keyset must neither repeat nor skip them.
        moment = now - dt.timedelta(minutes=(index // 3) * 7)
        made.append(Conversation(id=uuid.uuid4(), user=user, title=f"Conversation {index}", endpoint="Demo",
                                 model="demo-chat"))
        made[-1]._bench_moment = moment  # type: ignore[attr-defined]
    Conversation.objects.bulk_create(made, batch_size=1000)
    for conversation in made:
        conversation.updated_at = conversation._bench_moment  # type: ignore[attr-defined]
    Conversation.objects.bulk_update(made, ["updated_at"], batch_size=1000)

    folder_rows = [Folder.objects.create(user=user, name=f"Folder {index}") for index in range(folders)]
    cursor = 0
    for folder in folder_rows:
        ids = [c.pk for c in made[1000 + cursor: 1000 + cursor + per_folder]]
        Conversation.objects.filter(pk__in=ids).update(folder=folder)
        cursor += per_folder
    Conversation.objects.filter(pk__in=[c.pk for c in made[50:50 + pinned]]).update(pinned=True)
    tags = [Tag.objects.create(user=user, name=f"tag{index}") for index in range(5)]
    through = Conversation.tags.through
    through.objects.bulk_create(
        [through(conversation_id=c.pk, tag_id=tags[i % 5].pk) for i, c in enumerate(made[::10])], batch_size=1000
    )


def measure(client, path: str, runs: int) -> tuple[float, float, float, int, int]:
    """Median wall ms, median CPU ms of this process (the server's own work, whatever the machine's
    load; for SQLite that includes the database), max wall ms, queries, response bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    cpu = []
    queries = 0
    size = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
        size = len(response.content)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, max(times) * 1000, queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--folders", type=int, default=5)
    parser.add_argument("--per-folder", type=int, default=100)
    parser.add_argument("--pinned", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="bench-sidebar-")
    configure(args.database_url, directory)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import User
        from chat.models import Conversation
        from chat.organise.selectors import PAGE_SIZE, cursor_encode

        user = User.objects.create_user(email="bench@example.org", password=None)
        started = time.perf_counter()
        seed(user, args.conversations, args.folders, args.per_folder, args.pinned)
        seeded = time.perf_counter() - started
        client = Client()
        client.force_login(user)

        listed = Conversation.objects.filter(user=user, archived=False, folder__isnull=True, pinned=False)
        ordered = listed.order_by("-updated_at", "-pk")
        total = ordered.count()
        deep_at = int(total * 0.9)
        anchor = ordered[deep_at - 1]
        deep = "/sidebar/page/?" + urlencode({"cursor": cursor_encode(anchor)})

        rows = [
            ("GET / (first page rendered)", "/"),
            ("GET /sidebar/page/ first JSON page", "/sidebar/page/"),
            (f"GET /sidebar/page/ at row {deep_at:,} (keyset)", deep),
            ("GET /?tag=<id> (filtered)", f"/?tag={user.tags.first().pk}"),
        ]
        print(f"database: {connection.vendor}; {args.conversations:,} conversations "
              f"({total:,} in the date list, {args.folders} folders x {args.per_folder}, {args.pinned} pinned); "
              f"seeded in {seeded:.1f} s; {args.runs} runs each; page size {PAGE_SIZE}")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'request':44} {'median ms':>10} {'CPU ms':>8} {'max ms':>8} {'queries':>8} {'bytes':>9}")
        for label, path in rows:
            median, cpu, worst, queries, size = measure(client, path, args.runs)
            print(f"{label:44} {median:10.1f} {cpu:8.1f} {worst:8.1f} {queries:8d} {size:9,d}")

        # The database's part alone: the ids of the deep page by keyset (the app's query, from
        # selectors._keyset) and by OFFSET (never used by the app), at two depths.
        from django.db.models import Q

        from chat.organise.selectors import cursor_decode

        def timed(read) -> float:
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                read()
                samples.append(time.perf_counter() - started)
            return statistics.median(samples) * 1000

        for depth in (PAGE_SIZE, deep_at):
            row = ordered[depth - 1]
            moment, key = cursor_decode(cursor_encode(row))
            ids = ordered.values_list("pk", flat=True)
            after = Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=key)
            keyset = ids.filter(updated_at__lte=moment).filter(after)
            keyset_ms = timed(lambda keyset=keyset: list(keyset[:PAGE_SIZE + 1]))
            offset_ms = timed(lambda ids=ids, depth=depth: list(ids[depth: depth + PAGE_SIZE + 1]))
            print(f"page query at row {depth:>6,}: keyset {keyset_ms:6.2f} ms, OFFSET {offset_ms:6.2f} ms (median)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
