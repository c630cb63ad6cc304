"""The admin console at scale: 100,000 users and 1,000,000 audit events in SQLite (issue 7).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/admin_console.py [--users N] [--events N]

Builds a temporary store, then prints:

* console open: the window shown, and every view loaded (users' first page, dashboard,
  newest audit events, policy), each from its worker;
* search-as-you-type: p50/p95 of ``accounts.page(search=…)`` over 50 queries, as a person
  types (targets: open < 1 s, search p95 < 50 ms);
* the count of a search (the table's scroll bar) and a page deep in each sort order;
* memory while the table is scrolled from the top to the end, a page at a time, as a
  person dragging the scroll bar would (tracemalloc), and the time of each page.

The synthetic users and audit events are bulk-inserted with SQLAlchemy Core to build the
data quickly: the audit events are NOT hash-chained, so "Verify chain" would report them
as tampered with.  Only the first administrator is made through AuthService.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from sqlalchemy import insert

from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.core.service import AuthService, Session
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore
from desktop_auth.store.models import AuditEvent, User
from desktop_auth.vocabulary import UserSort

PASSWORD = "koffie tafel regen zomer fiets"
FIRST_NAMES = ["Jan", "Piet", "Kees", "Anna", "Sanne", "Fleur", "Daan", "Noor", "Bram", "Lotte"]
SURNAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer"]
EVENT_TYPES = ["sign_in.succeeded", "sign_in.failed", "second_factor.succeeded", "factor.added"]
QUERIES = [
    "j",
    "ja",
    "jan",
    "jan.",
    "jan.d",
    "jan.de",
    "p",
    "pi",
    "pie",
    "piet",
    "ba",
    "bak",
    "bakk",
    "bakker",
    "user4",
    "user42",
    "user421",
    "user4217",
    "s",
    "sm",
    "smi",
    "smit",
    "sanne",
    "fleur",
    "fleur.m",
    "mulder",
    "daan",
    "noor",
    "bram",
    "lotte",
    "visser",
    "meijer",
    "de boer",
    "de vr",
    "de vries",
    "kees",
    "anna",
    "anna.j",
    "x",
    "xyz",
    "example",
    "@ex",
    "@example.nl",
    "9999",
    "99999",
    "user0",
    "user1000",
    "lotte.s",
    "bram.b",
    "noor.v",
]


def build(folder: Path, users: int, events: int) -> tuple[AuthService, Session, float]:
    started = time.perf_counter()
    store = Store.open(f"sqlite:///{folder / 'store.sqlite3'}")
    store.upgrade()
    service = AuthService(
        store,
        data_keys=KeyFileDataKeyStore(folder / "data.key"),
        hasher=PasswordHasher(Argon2Parameters(time_cost=1, memory_kib=1024, parallelism=1)),
        workstation="BENCH",
    )
    local = service.accounts.local_administrator()
    service.initialize(
        actor=local,
        organisation_name="Salariszaken",
        rp_id="salariszaken.nl",
        admin_email="beheer@salariszaken.nl",
        admin_display_name="Anna Beheer",
        admin_password=PASSWORD,
    )
    # The admin signs in with a password only; the dashboard and lists are not destructive.
    service.policy.replace(
        actor=local,
        policy=dataclasses.replace(service.policy.current(), second_factor_required=False),
    )
    now = datetime.now(UTC)
    hashed = "$argon2id$v=19$m=1024,t=1,p=1$c3ludGhldGlj$c3ludGhldGljc3ludGhldGljc3ludGhldGlj"
    with store.engine.begin() as connection:
        chunk = []
        for number in range(users):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = SURNAMES[(number // len(FIRST_NAMES)) % len(SURNAMES)]
            local_part = f"{first}.{last.replace(' ', '')}.user{number}".lower()
            chunk.append(
                {
                    "email": f"{local_part}@example.nl",
                    "email_key": f"{local_part}@example.nl",
                    "display_name": f"{first} {last}",
                    "name_key": f"{first} {last}".casefold(),
                    "role": "employee",
                    "disabled": number % 97 == 0,
                    "password_hash": hashed,
                    "password_changed_at": now,
                    "must_change_password": False,
                    "failed_attempts": 0,
                    "created_at": now,
                    "last_sign_in_at": now - timedelta(minutes=number),
                    "second_factor_failures": 0,
                    "language": "nl",
                    "second_factor_exempt": False,
                }
            )
            if len(chunk) == 10_000:
                connection.execute(insert(User), chunk)
                chunk = []
        if chunk:
            connection.execute(insert(User), chunk)
    with store.engine.begin() as connection:
        first_id = 1_000  # after the administrator's real, chained events
        batch = []
        for number in range(events):
            batch.append(
                {
                    "id": first_id + number,
                    "occurred_at": now - timedelta(seconds=events - number),
                    "event_type": EVENT_TYPES[number % len(EVENT_TYPES)],
                    "actor": "system",
                    "subject": f"user{number % max(users, 1)}@example.nl",
                    "workstation": "BENCH",
                    "details": "{}",
                    "prev_hash": "0" * 64,
                    "hash": "0" * 64,
                }
            )
            if len(batch) == 50_000:
                connection.execute(insert(AuditEvent), batch)
                batch = []
        if batch:
            connection.execute(insert(AuditEvent), batch)
    result = service.sign_in.with_password("beheer@salariszaken.nl", PASSWORD)
    assert result.session is not None, result.outcome
    return service, result.session, time.perf_counter() - started


def wait(app: QCoreApplication, done: object, timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():  # type: ignore[operator]
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError
        time.sleep(0.001)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    arguments = parser.parse_args()

    from desktop_auth.gui.admin import AdminConsole
    from desktop_auth.gui.admin.users_model import UsersModel
    from desktop_auth.gui.app import application
    from desktop_auth.gui.i18n import install_language

    app = application()
    install_language("en")
    with tempfile.TemporaryDirectory() as temporary:
        service, session, seconds = build(Path(temporary), arguments.users, arguments.events)
        print(
            f"data: {arguments.users:,} users, {arguments.events:,} audit events "
            f"built in {seconds:.1f} s (synthetic events: the audit chain does NOT verify)"
        )

        started = time.perf_counter()
        console = AdminConsole(service, session)
        console.show()
        app.processEvents()
        shown = time.perf_counter() - started
        wait(app, lambda: console.users.model.row_at(0) is not None)
        first_page = time.perf_counter() - started
        wait(
            app,
            lambda: (
                console.dashboard.report is not None
                and console.audit.entries
                and console.policy.policy is not None
            ),
        )
        loaded = time.perf_counter() - started
        print(
            f"console open: shown {shown * 1000:.0f} ms, users' first page "
            f"{first_page * 1000:.0f} ms, every view loaded {loaded * 1000:.0f} ms (target < 1 s)"
        )
        console.close()

        timings = []
        for query in QUERIES:
            begin = time.perf_counter()
            service.accounts.page(search=query, limit=200)
            timings.append((time.perf_counter() - begin) * 1000)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        verdict = "meets" if p95 < 50 else "MISSES"
        print(
            f"search-as-you-type over {len(QUERIES)} queries: p50 "
            f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
            f"({verdict} the 50 ms target)"
        )

        for query in ("", "jan", "example", "j"):
            begin = time.perf_counter()
            total = service.accounts.count(search=query or None)
            print(
                f"count of {query or 'everyone'!r}: {total:,} in "
                f"{(time.perf_counter() - begin) * 1000:.1f} ms"
            )
        deep = []
        for sort in tuple(UserSort):
            begin = time.perf_counter()
            service.accounts.page(sort=sort, limit=200, offset=arguments.users // 2)
            deep.append(f"{sort} {(time.perf_counter() - begin) * 1000:.0f} ms")
        print("a page half-way down, by sort order: " + ", ".join(deep))

        model = UsersModel(service)
        tracemalloc.start()
        model.set_search("")
        wait(app, lambda: model.total is not None and model.total > 0)
        page_times: list[float] = []
        marks: list[tuple[int, int]] = []
        pages = -(-model.rowCount() // model.page_size)
        for number in range(pages):
            row = number * model.page_size
            begin = time.perf_counter()
            model.data(model.index(row, 0))  # the view asks for the row it shows
            wait(app, lambda row=row: model.row_at(row) is not None)
            page_times.append(time.perf_counter() - begin)
            if number % (pages // 5 or 1) == 0 or number == pages - 1:
                marks.append((row + model.page_size, tracemalloc.get_traced_memory()[0]))
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        growth = ", ".join(f"row {rows:,}: {size / 2**20:.1f} MiB" for rows, size in marks)
        page_times.sort()
        print(
            f"scrolling to the end: {model.rowCount():,} rows in {pages} pages; a page "
            f"p50 {statistics.median(page_times) * 1000:.0f} ms, "
            f"p95 {page_times[int(0.95 * (len(page_times) - 1))] * 1000:.0f} ms; "
            f"{len(model.pages)} pages held at the end"
        )
        print(
            f"memory (tracemalloc): peak {peak / 2**20:.1f} MiB, at the end "
            f"{current / 2**20:.1f} MiB; while scrolling: {growth}"
        )
        service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
