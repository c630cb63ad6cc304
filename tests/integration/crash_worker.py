"""A workstation killed with SIGKILL at random points, hundreds of times (spawned helper).

One spawned "zygote" process imports everything once, then forks a child per
round: the child signs in (password + TOTP), sets up a second app and removes
it again, spends a recovery code and makes a new batch.  The zygote kills it
with SIGKILL either at a random point of its database work (before a random
statement, before or after a random commit) or after a random time, and then
checks the store's invariants with a connection of its own.  Forking from a
warmed-up process is what makes hundreds of kills cheap.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session as OrmSession

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import AuthService
from desktop_auth.errors import DesktopAuthError
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore
from desktop_auth.store.models import AuditEvent, RecoveryCode, TotpCredential, User
from tests.helpers import FAST_ARGON2, PinnedClock
from tests.totp_helpers import phone_code, secret_from_uri

ROUND_SECONDS = 120  # each round's clock is later: a fresh TOTP step, a fresh sign-in


@dataclass
class Campaign:
    database_url: str
    key_file: str
    email: str
    password: str
    app_secret: str
    start: float
    #: Every batch the user was shown, oldest first: (batch id, codes).
    shown: list[tuple[str, tuple[str, ...]]]
    spent: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    last_step: int = -1


def _service(campaign: Campaign, now: datetime) -> AuthService:
    return AuthService(
        Store.open(campaign.database_url),
        data_keys=KeyFileDataKeyStore(Path(campaign.key_file)),
        clock=PinnedClock(now),
        hasher=PasswordHasher(FAST_ARGON2),
        workstation=f"WS-{os.getpid()}",
    )


# --- the child: one workstation's round, reporting what the user saw ------------------


def _install_kill_points(store: Store, kill_at: int | None) -> list[int]:
    """Count statements and commits; SIGKILL this process at point ``kill_at``."""
    counter = [0]

    def point(*_: Any, **__: Any) -> None:
        counter[0] += 1
        if counter[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(store.engine, "before_cursor_execute", point)
    event.listen(store.engine, "commit", point)  # just before COMMIT goes out
    event.listen(OrmSession, "after_commit", point)  # committed, caller not yet told
    return counter


#: The round's steps, each ending at the report of that name; kills aim at one of them.
PHASES = ("signed_in", "enrolled", "removed", "spent", "shown")
#: One round in this many is left alone, so new batches keep being shown.
UNKILLED_EVERY = 6


class Reporter:
    """Tells the zygote what the user has seen, with how far the work had got."""

    def __init__(self, pipe: int, counter: list[int]) -> None:
        self.pipe = pipe
        self.counter = counter
        self.started = time.monotonic()

    def __call__(self, kind: str, **values: Any) -> None:
        values.update(points=self.counter[0], t=time.monotonic() - self.started)
        os.write(self.pipe, (json.dumps({"kind": kind, **values}) + "\n").encode())


def _round(campaign: Campaign, round_number: int, pipe: int, kill_at: int | None) -> None:
    now = datetime.fromtimestamp(campaign.start, UTC) + timedelta(
        seconds=ROUND_SECONDS * round_number
    )
    service = _service(campaign, now)
    clock = PinnedClock(now)
    counter = _install_kill_points(service._context.store, kill_at)
    report = Reporter(pipe, counter)
    report("ready")
    email, password = campaign.email, campaign.password

    ticket = service.sign_in.with_password(email, password).ticket
    assert ticket is not None
    code = phone_code(campaign.app_secret, clock)
    session = service.sign_in.with_second_factor(ticket, "totp", code).session
    assert session is not None
    report("signed_in")

    # A round killed between enrolling and removing leaves its tablet behind; clear
    # them first, or the five-apps cap would end the campaign early.
    for left in service.my_account.methods(session):
        if left.label == "Tablet":
            service.my_account.remove_method(session, "totp", left.method_id)
    enrollment = service.authenticator_apps.begin_add(session, "Tablet")
    tablet = secret_from_uri(enrollment.uri)
    service.authenticator_apps.finish_add(
        session, enrollment.enrollment_id, phone_code(tablet, clock)
    )
    report("enrolled", method=enrollment.enrollment_id)
    service.my_account.remove_method(session, "totp", enrollment.enrollment_id)
    report("removed")

    unspent = [c for c in campaign.shown[-1][1] if c not in campaign.spent]
    ticket = service.sign_in.with_password(email, password).ticket
    assert ticket is not None
    try:
        service.sign_in.with_second_factor(ticket, "recovery", unspent[0])
        report("spent", code=unspent[0])
    except DesktopAuthError as refused:  # an unseen batch replaced the shown one
        report("spent", refused=refused.code)

    sheet = service.recovery_codes.generate(session)
    report("shown", batch=sheet.sheet_id, codes=list(sheet.codes))


def _child(campaign: Campaign, round_number: int, pipe: int, kill_at: int | None) -> None:
    status = 0
    try:
        _round(campaign, round_number, pipe, kill_at)
    except BaseException as error:
        os.write(pipe, (json.dumps({"kind": "error", "error": repr(error)}) + "\n").encode())
        status = 1
    finally:
        os._exit(status)


# --- the zygote: fork, kill, check ------------------------------------------------------


def _read_reports(pipe: int) -> list[dict[str, Any]]:
    chunks = []
    while chunk := os.read(pipe, 65536):
        chunks.append(chunk)
    return [json.loads(line) for line in b"".join(chunks).decode().splitlines()]


def _read_line(pipe: int) -> bytes:
    line = b""
    while not line.endswith(b"\n") and (byte := os.read(pipe, 1)):
        line += byte
    return line


def _run_child(
    campaign: Campaign, round_number: int, kill_at: int | None, kill_after: float | None
) -> tuple[list[dict[str, Any]], bool, float]:
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(campaign, round_number, write_end, kill_at)
    os.close(write_end)
    if kill_after is not None:
        first = _read_line(read_end)  # "ready" (or "error"): the child is at work
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
        reports = [json.loads(first)] if first else []
        reports += _read_reports(read_end)
    else:
        reports = _read_reports(read_end)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return reports, killed, time.monotonic() - started


def _absorb(campaign: Campaign, reports: list[dict[str, Any]]) -> str:
    """Learn what the user saw; return the last step the child reached."""
    last = "start"
    for report in reports:
        last = report["kind"]
        if report["kind"] == "spent" and "code" in report:
            campaign.spent.add(report["code"])
        elif report["kind"] == "shown":
            campaign.shown.append((report["batch"], tuple(report["codes"])))
        elif report["kind"] == "error":
            campaign.violations.append(f"child failed: {report['error']}")
    return last


def check_invariants(campaign: Campaign, checker: AuthService, *, verify_chain: bool) -> None:
    """What must hold whenever and wherever a workstation was killed."""
    problems = campaign.violations
    with checker._context.store.transaction() as db:
        user = db.execute(select(User).where(User.email == campaign.email)).scalar_one()
        rows = db.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).scalars()
        codes = list(rows)
        apps = list(
            db.execute(select(TotpCredential).where(TotpCredential.user_id == user.id)).scalars()
        )
        events = list(db.execute(select(AuditEvent).where(AuditEvent.subject == user.email)))
    details = [(e[0].event_type, json.loads(e[0].details)) for e in events]
    # SQLite reuses a deleted row's id, so count: each id's adds minus its removals.
    net = Counter(d.get("method") for t, d in details if t == "factor.added")
    net.subtract(d.get("method") for t, d in details if t == "factor.removed")

    # Never no codes after new ones were shown; never old and new valid together.
    batches = {c.batch_id for c in codes}
    shown_ids = [batch for batch, _ in campaign.shown]
    if len(batches) != 1 or len(codes) != len(campaign.shown[-1][1]):
        problems.append(f"recovery codes: {len(codes)} rows in batches {sorted(batches)}")
    elif (current := batches.pop()) in shown_ids[:-1]:
        problems.append(f"an older shown batch {current} is valid again")
    elif current == shown_ids[-1]:
        used = {c.position for c in codes if c.used_at is not None}
        spent = {n for n, c in enumerate(campaign.shown[-1][1], 1) if c in campaign.spent}
        if not spent <= used:
            problems.append(f"a code the user spent is unspent again: {spent - used}")

    # No factor active without proof of possession (and its audit record).
    for app in apps:
        active = app.confirmed_at is not None
        if active and app.last_used_step is None:
            problems.append(f"app {app.id} active without a proving code")
        if net.pop(app.id, 0) != int(active):
            problems.append(f"app {app.id} (active: {active}) disagrees with the audit log")
    if any(net.values()):
        problems.append(f"apps the audit log calls active are gone: {+net}")
    first_app = min(apps, key=lambda a: a.id)
    step = first_app.last_used_step or -1
    if step < campaign.last_step:
        problems.append(f"the TOTP step went backwards: {step} < {campaign.last_step}")
    campaign.last_step = step

    if verify_chain and not checker.audit.verify().ok:
        problems.append("the audit chain is broken")


def crash_campaign(campaign: Campaign, kills: int, seed: int, results: Any) -> None:
    """Spawned: calibrate one round, then ``kills`` rounds killed at random points."""
    rng = random.Random(seed)
    checker = _service(campaign, datetime.fromtimestamp(campaign.start, UTC))
    checker._context.store.dispose()  # no connection may cross a fork

    reports, _, _ = _run_child(campaign, 0, None, None)
    _absorb(campaign, reports)
    # Where each step starts and ends, in kill points and in seconds since "ready".
    marks = {r["kind"]: (r["points"], r["t"]) for r in reports if r["kind"] in ("ready", *PHASES)}
    check_invariants(campaign, checker, verify_chain=True)
    checker._context.store.dispose()

    aimed: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    killed_rounds = 0
    for round_number in range(1, kills + kills // (UNKILLED_EVERY - 1) + 1):
        kill_at, kill_after = None, None
        if round_number % UNKILLED_EVERY:
            phase = rng.choice(PHASES)
            before = "ready" if phase == PHASES[0] else PHASES[PHASES.index(phase) - 1]
            (first, since), (last, until) = marks[before], marks[phase]
            if round_number % 2:
                kill_at = rng.randint(first + 1, last)
            else:
                kill_after = rng.uniform(since, until)
            aimed[phase] += 1
        reports, killed, _ = _run_child(campaign, round_number, kill_at, kill_after)
        reached[_absorb(campaign, reports)] += 1
        killed_rounds += killed
        check_invariants(campaign, checker, verify_chain=round_number % 10 == 0)
        checker._context.store.dispose()
        if len(campaign.violations) > 20:
            break
    check_invariants(campaign, checker, verify_chain=True)
    checker.close()
    results.put(
        {
            "violations": campaign.violations,
            "killed": killed_rounds,
            "aimed": dict(aimed),
            "reached": dict(reached),
            "points": marks["shown"][0],
            "shown": len(campaign.shown),
        }
    )
