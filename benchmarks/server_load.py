"""64 workstations signing in at two sign-in server processes on one PostgreSQL (issue 15).

Two real ``desktop-auth server`` processes (uvicorn; plain HTTP on 127.0.0.1 with
``--insecure-loopback``) share one PostgreSQL store, as behind a load balancer.  The
simulated workstations are threads in a few processes, each with its own
``RemoteService`` (its own HTTP connection) to one of the two servers, alternating.  Each
signs in over and over for ``--seconds``: the password (default argon2id cost), then the
code of an authenticator app, computed with pyotp as the phone would.

A code is accepted once per user and 30-second step (the replay guard), and a pinned
clock cannot be shared by processes, so each workstation has several employees and signs
in as the next one whose app shows a code not spent yet.  How many is sized from the
measured argon2 throughput so that none is needed twice within a step (a workstation that
still finds none waits for the next step; the wait is printed).

Printed, and whether each target is met (the exit status is 0 regardless):

* complete sign-ins per second beside bare argon2-cffi verifies per second with the same
  parameters, in as many processes as there are cores (measured right before the load and
  again after it), and their ratio (target >= 0.9);
* p50/p95/p99 of the password step and of the code step (target: code p95 < 25 ms), and
  of the same steps one at a time with the servers otherwise idle;
* errors (target 0);
* the CPU per sign-in: servers, PostgreSQL, workstations, and other processes on the
  machine (``/proc``), whose share also gives the ratio as if they had not run;
* with ``--timing``: where a step's time goes on the servers (``server_timing.py``);
* a second run (``--kill-seconds``, 0 for none) in which server 2 is killed (SIGKILL)
  halfway.  A workstation whose server does not answer (connection refused, or the answer
  cut off) repeats that step at the other server, as one configured with both would (the
  product's client knows one URL; the failover is this benchmark's).  A sign-in fails
  when it does not end signed in all the same; the share of failed sign-ins (target < 1 %).

Preparation is not timed: the first administrator by ``desktop-auth server init``, then
each employee through ``AuthService`` in this process on the same store and data key:
account, own password (default argon2id cost; the temporary one is hashed cheaply, it is
never used again), an authenticator app set up with its first code.

    .venv/bin/python benchmarks/server_load.py                  # starts its own PostgreSQL
    .venv/bin/python benchmarks/server_load.py --database URL   # an existing, empty database
    .venv/bin/python benchmarks/server_load.py --seconds 20 --kill-seconds 20 --timing

With the defaults it takes about five minutes on two cores, most of it the preparation.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import multiprocessing
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

import httpx
import pyotp
import server_timing
from load_common import (
    ADMIN_PASSWORD,
    ROOT,
    USER_PASSWORD,
    bare_hasher,
    database,
    email,
    percentile,
)

from desktop_auth.config import load_config
from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.errors import ServerUnavailableError
from desktop_auth.vocabulary import FactorKind
from tests.totp_helpers import secret_from_uri

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService

T = TypeVar("T")

SERVERS = 2
STEP_SECONDS = 30  # the apps' time step (the product's default and only period)
#: Sign-ins with the servers otherwise idle, one after another, after the load.
QUIET_SIGN_INS = 10
#: For the temporary passwords only, never signed in with after the preparation.
CHEAP_ARGON2 = Argon2Parameters(time_cost=1, memory_kib=1024, parallelism=1)
TARGET_RATIO = 0.9
TARGET_CODE_P95_MS = 25.0
TARGET_FAILED_SHARE = 0.01
#: A workstation's employees cover this many times its expected sign-ins in one step.
EMPLOYEE_MARGIN = 1.25


def say(message: str) -> None:
    print(f"[server_load] {message}", file=sys.stderr, flush=True)


def step_now() -> int:
    return int(time.time()) // STEP_SECONDS


# --- CPU, from /proc (Linux) --------------------------------------------------------


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system, all threads) of process ``pid`` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every process, ours or not)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return math.nan
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def postgres_of(url: str) -> int | None:
    """The pid of the store's PostgreSQL server (postmaster) if it runs on this machine."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
            try:
                if Path(f"/proc/{backend}/comm").read_text().strip() != "postgres":
                    return None  # a server elsewhere: this pid is another process here
                master = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                return None
    finally:
        engine.dispose()
    return master


def postgres_cpu(master: int | None) -> float:
    """CPU seconds of the PostgreSQL server ``master`` and its processes (backends that
    have ended are not counted)."""
    if master is None:
        return math.nan
    total = cpu_of(master)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclasses.dataclass(frozen=True)
class CpuMark:
    at: float
    servers: float
    postgres: float
    machine: float

    @staticmethod
    def now(servers: list[Server], postgres: int | None) -> CpuMark:
        return CpuMark(
            at=time.time(),
            servers=sum(cpu_of(s.process.pid) for s in servers),
            postgres=postgres_cpu(postgres),
            machine=machine_cpu(),
        )


# --- bare argon2 ---------------------------------------------------------------------


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare_verifier(seconds: float, barrier: Any, results: Any) -> None:
    bare = bare_hasher()
    stored = bare.hash(USER_PASSWORD)
    barrier.wait()
    started, cpu = time.time(), process_cpu()
    deadline = started + seconds
    done = 0
    while time.time() < deadline:
        bare.verify(stored, USER_PASSWORD)
        done += 1
    results.put((started, time.time(), done, process_cpu() - cpu))


@dataclasses.dataclass(frozen=True)
class Bare:
    per_second: float
    cpu_per_verify: float
    #: The share of the machine's CPU that went to other processes meanwhile.
    others: float


def bare_throughput(processes: int, seconds: float) -> Bare:
    """Bare argon2-cffi verifies in ``processes`` processes at once, for ``seconds``."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(target=bare_verifier, args=(seconds, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    machine = machine_cpu()
    collected = [results.get(timeout=seconds + 600) for _ in workers]
    machine = machine_cpu() - machine
    for worker in workers:
        worker.join()
    wall = max(r[1] for r in collected) - min(r[0] for r in collected)
    done, cpu = sum(r[2] for r in collected), sum(r[3] for r in collected)
    others = (machine - cpu) / ((os.cpu_count() or 1) * wall)
    return Bare(done / wall, cpu / done, min(1.0, max(0.0, others)))


# --- the store: first administrator and employees --------------------------------------


@dataclasses.dataclass
class Employee:
    email: str
    secret: str
    #: The time step of the last code of this employee's app that was sent: it may be
    #: spent, so the next sign-in waits for a later step.
    last_step: int


def server_environment(url: str, folder: Path) -> dict[str, str]:
    """What the servers (and this process's preparation) are configured with."""
    config = folder / "server.toml"
    config.write_text("# the default argon2id cost; database and data key from the environment\n")
    return {
        **os.environ,
        "DESKTOP_AUTH_CONFIG": str(config),
        "DESKTOP_AUTH_DATABASE_URL": url,
        "DESKTOP_AUTH_DATA_KEY_FILE": str(folder / "data.key"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def cli(*argv: str) -> list[str]:
    """``desktop-auth ARGV`` with this Python, as the tests run it."""
    return [sys.executable, "-c", "from desktop_auth.cli import main; raise SystemExit(main())",
            *argv]  # fmt: skip


def prepare(env: dict[str, str], count: int) -> list[Employee]:
    """``server init`` as IT runs it, then ``count`` employees, each with an app."""
    from desktop_auth.core.service import AuthService, SignInOutcome

    done = subprocess.run(
        cli("server", "init", "--organisation", "Bench", "--rp-id", "bench.example",
            "--email", "admin@bench.example", "--name", "Admin", "--password-stdin"),
        input=ADMIN_PASSWORD + "\n", env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"server init failed:\n{done.stderr}")
    config = load_config(environ=env)
    real = AuthService.open(config, workstation="BENCH-PREPARE")
    cheap = AuthService.open(
        config, hasher=PasswordHasher(CHEAP_ARGON2), workstation="BENCH-PREPARE"
    )
    admin = cheap.accounts.local_administrator()

    def one(n: int) -> Employee:
        issued = cheap.accounts.create(actor=admin, email=email(n), display_name=f"M {n}")
        first = cheap.sign_in.with_password(email(n), issued.temporary_password)
        assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD, first
        assert first.ticket
        setup = real.sign_in.complete_password_change(first.ticket, USER_PASSWORD)
        assert setup.outcome is SignInOutcome.SETUP_REQUIRED, setup
        assert setup.ticket
        enrollment = real.authenticator_apps.begin_setup(setup.ticket, "Telefoon")
        secret = secret_from_uri(enrollment.uri)
        step = step_now()
        app = real.authenticator_apps.finish_setup(
            setup.ticket, enrollment.enrollment_id, pyotp.TOTP(secret).generate_otp(step)
        )
        assert app.outcome is SignInOutcome.DONE, app
        return Employee(email(n), secret, step)

    try:
        with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
            return list(pool.map(one, range(count)))
    finally:
        real.close()
        cheap.close()


# --- the sign-in servers -------------------------------------------------------------


@dataclasses.dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    #: ``server_timing.py``'s log of the sign-in steps (with ``--timing``).
    timing: Path | None


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], log: Path, timing: Path | None) -> Server:
    port = free_port()
    # Every simulated workstation calls from 127.0.0.1: lift the per-address budget (B5),
    # which would otherwise count them all as one office behind one address.
    listen = [
        "server",
        "--listen",
        f"127.0.0.1:{port}",
        "--insecure-loopback",
        "--requests-per-minute",
        "100000000",
        "--attempts-per-minute",
        "100000000",
    ]
    command = (
        [sys.executable, str(Path(__file__).with_name("server_timing.py")), str(timing), *listen]
        if timing
        else cli(*listen)
    )
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log, timing)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server did not start:\n{log.read_text(errors='replace')}")
        try:
            httpx.get(f"{server.url}/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


# --- the workstations ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SignInRecord:
    phase: int
    workstation: int
    started: float  # time.time()
    ended: float
    password_seconds: float | None
    code_seconds: float | None
    error: str | None
    #: A step was repeated at the other server, which then ended it.
    failed_over: bool


@dataclasses.dataclass
class WorkstationPlan:
    number: int
    first_server: int
    employees: list[Employee]


class UnexpectedOutcomeError(Exception):
    pass


class Workstation:
    """One workstation: a client for each server, the one it uses, and its employees."""

    def __init__(self, urls: list[str], plan: WorkstationPlan) -> None:
        from desktop_auth.remote.client import RemoteService

        name = f"BENCH-{plan.number:02d}"
        self.number = plan.number
        self.clients = [cast("AuthService", RemoteService(url, workstation=name)) for url in urls]
        self.current = plan.first_server
        self.employees = plan.employees
        self.next = 0
        self.waited = 0.0
        #: The sign-in under way repeated a step at the other server.
        self.failed_over = False

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def call(self, step: Callable[[AuthService], T]) -> T:
        """``step`` at this workstation's server; when that does not answer, once more at
        the other one, which this workstation then keeps using."""
        try:
            return step(self.clients[self.current])
        except ServerUnavailableError:
            self.current = (self.current + 1) % len(self.clients)
            self.failed_over = True
            return step(self.clients[self.current])

    def pick(self, deadline: float) -> Employee | None:
        """The next employee whose app shows a code not yet sent; None past ``deadline``."""
        while time.time() < deadline:
            step = step_now()
            for offset in range(len(self.employees)):
                employee = self.employees[(self.next + offset) % len(self.employees)]
                if employee.last_step < step:
                    self.next = (self.next + offset + 1) % len(self.employees)
                    return employee
            wake = min((step + 1) * STEP_SECONDS + 0.05, deadline)
            pause = max(0.0, wake - time.time())
            time.sleep(pause)
            self.waited += pause
        return None

    def sign_in(self, phase: int, employee: Employee) -> SignInRecord:
        from desktop_auth.core.service import SignInOutcome

        started = time.time()
        password_seconds = code_seconds = None
        self.failed_over = False
        stage = "password"
        error: str | None = None
        try:
            begun = time.perf_counter()
            first = self.call(lambda s: s.sign_in.with_password(employee.email, USER_PASSWORD))
            password_seconds = time.perf_counter() - begun
            ticket = first.ticket
            if first.outcome is not SignInOutcome.SECOND_FACTOR_REQUIRED or ticket is None:
                raise UnexpectedOutcomeError(first.outcome.value)
            stage = "code"
            step = step_now()
            code = pyotp.TOTP(employee.secret).generate_otp(step)  # what the phone shows
            employee.last_step = step  # sent: perhaps spent, whatever the answer
            begun = time.perf_counter()
            done = self.call(lambda s: s.sign_in.with_second_factor(ticket, FactorKind.TOTP, code))
            code_seconds = time.perf_counter() - begun
            if done.outcome is not SignInOutcome.DONE or done.session is None:
                raise UnexpectedOutcomeError(done.outcome.value)
        except Exception as exc:  # a benchmark counts what went wrong and goes on
            detail = f" {exc}" if isinstance(exc, UnexpectedOutcomeError) else ""
            error = f"{type(exc).__name__}{detail} at the {stage} step"
        return SignInRecord(
            phase=phase,
            workstation=self.number,
            started=started,
            ended=time.time(),
            password_seconds=password_seconds,
            code_seconds=code_seconds,
            error=error,
            failed_over=self.failed_over,
        )

    def run(self, phase: int, deadline: float, records: list[SignInRecord]) -> None:
        while (employee := self.pick(deadline)) is not None:
            records.append(self.sign_in(phase, employee))


def client_process(
    urls: list[str],
    plans: list[WorkstationPlan],
    phases: list[float],
    starts: Any,
    barrier: Any,
    results: Any,
) -> None:
    """Some of the workstations, a thread each; ``starts[i]`` is when phase i begins (set
    by the main process before it passes the barrier)."""
    workstations = [Workstation(urls, plan) for plan in plans]
    for workstation in workstations:
        for client in workstation.clients:
            client.organisation()  # connected, and the client's code loaded
    records: list[SignInRecord] = []
    cpu: list[float] = []
    for phase, seconds in enumerate(phases):
        barrier.wait()  # every workstation is ready (or done with the phase before)
        barrier.wait()  # the main process has set when this phase starts
        start = starts[phase]
        time.sleep(max(0.0, start - time.time()))
        before = process_cpu()
        threads = [
            threading.Thread(target=w.run, args=(phase, start + seconds, records))
            for w in workstations
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu.append(process_cpu() - before)
    for workstation in workstations:
        workstation.close()
    results.put((records, sum(w.waited for w in workstations), cpu))


# --- the run -------------------------------------------------------------------------


@dataclasses.dataclass
class Measured:
    records: list[SignInRecord]
    quiet: list[SignInRecord]
    starts: list[float]
    killed_at: float | None
    bare: list[Bare]
    employees: int
    processes: int
    waited: float
    #: Phase 1: from its start to its end (every workstation done).
    phase_cpu: tuple[CpuMark, CpuMark]
    clients_cpu: float
    #: Server 1's CPU seconds for the quiet sign-ins.
    quiet_server_cpu: float
    #: With ``--timing``: the servers' timing of the steps of phase 1.
    timing: dict[str, list[dict[str, float]]] | None


@contextlib.contextmanager
def servers_running(env: dict[str, str], folder: Path, *, timing: bool) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for n in range(SERVERS):
            log = folder / f"server-{n + 1}.log"
            started.append(start_server(env, log, log.with_suffix(".jsonl") if timing else None))
        yield started
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()


def quiet_sign_ins(url: str, employees: list[Employee]) -> list[SignInRecord]:
    """One workstation alone, one sign-in after another, each with an unspent code."""
    plan = WorkstationPlan(number=99, first_server=0, employees=employees)
    workstation = Workstation([url], plan)
    try:
        step = step_now()
        return [workstation.sign_in(-1, e) for e in employees if e.last_step < step]
    finally:
        workstation.close()


def run(args: argparse.Namespace, url: str, folder: Path) -> Measured:
    cores = os.cpu_count() or 1
    workstations = args.workstations
    # Enough employees that a workstation needs none twice in a step: from a first, short
    # measure of how many sign-ins the hash allows (the real one comes right before the load).
    estimate = bare_throughput(cores, 3).per_second
    per_step = estimate * STEP_SECONDS / workstations  # one workstation's sign-ins per step
    each = args.employees or max(2, math.ceil(per_step * EMPLOYEE_MARGIN) + 1)
    env = server_environment(url, folder)
    say(f"preparing {workstations} × {each} + {QUIET_SIGN_INS} employees with an app")
    prepared_at = time.perf_counter()
    employees = prepare(env, workstations * each + QUIET_SIGN_INS)
    say(f"prepared in {time.perf_counter() - prepared_at:.0f} s")
    quiet = employees[workstations * each :]

    postgres = postgres_of(url)
    with servers_running(env, folder, timing=args.timing) as servers:
        urls = [s.url for s in servers]
        say(f"bare argon2id in {cores} processes for {args.baseline_seconds:g} s")
        bare = [bare_throughput(cores, args.baseline_seconds)]
        # The set-up spent each app's first code: the load starts when none is current.
        pause = (max(e.last_step for e in employees) + 1) * STEP_SECONDS - time.time()
        if pause > 0:
            say(f"waiting {pause:.0f} s for the next code of the apps set up last")
            time.sleep(pause + 0.05)
        for n, server in enumerate(servers):  # the first calls of each kind, not measured
            [warm] = quiet_sign_ins(server.url, [quiet[n]])
            if warm.error:
                raise SystemExit(f"a sign-in at {server.url} failed: {warm.error}")
        plans = [
            WorkstationPlan(n, n % SERVERS, employees[n * each : (n + 1) * each])
            for n in range(workstations)
        ]
        processes = max(1, min(args.client_processes, workstations))
        phases = [float(args.seconds)] + ([float(args.kill_seconds)] if args.kill_seconds else [])
        context = multiprocessing.get_context("spawn")
        barrier, results = context.Barrier(processes + 1), context.Queue()
        starts = context.Array("d", len(phases))
        clients = [
            context.Process(
                target=client_process,
                args=(urls, plans[k::processes], phases, starts, barrier, results),
            )
            for k in range(processes)
        ]
        for process in clients:
            process.start()
        killed_at = None
        marks: list[CpuMark] = []
        for phase, seconds in enumerate(phases):
            barrier.wait()
            if phase == 1:
                marks.append(CpuMark.now(servers, postgres))  # phase 1 is over everywhere
            starts[phase] = time.time() + 0.5
            say(f"phase {phase + 1}: {workstations} workstations for {seconds:g} s")
            barrier.wait()
            if phase == 0:
                time.sleep(max(0.0, starts[0] - time.time()))
                marks.append(CpuMark.now(servers, postgres))
            if phase == 1:
                time.sleep(max(0.0, starts[phase] + seconds / 2 - time.time()))
                os.kill(servers[1].process.pid, signal.SIGKILL)
                killed_at = time.time()
                say("server 2 killed (SIGKILL)")
        collected = [results.get(timeout=sum(phases) + 900) for _ in clients]
        if len(marks) == 1:
            marks.append(CpuMark.now(servers, postgres))
        for process in clients:
            process.join()
        say("the servers otherwise idle; then bare argon2 once more")
        before = cpu_of(servers[0].process.pid)
        quiet_records = quiet_sign_ins(urls[0], quiet)
        quiet_cpu = cpu_of(servers[0].process.pid) - before
        bare.append(bare_throughput(cores, args.baseline_seconds))
        timing = None
        if args.timing:
            logs = [s.timing for s in servers if s.timing is not None]
            timing = server_timing.read(logs, starts[0], marks[1].at)

    return Measured(
        records=[r for rs, _, _ in collected for r in rs],
        quiet=quiet_records,
        starts=starts[:],
        killed_at=killed_at,
        bare=bare,
        employees=each,
        processes=processes,
        waited=sum(w for _, w, _ in collected),
        phase_cpu=(marks[0], marks[1]),
        clients_cpu=sum(cpu[0] for _, _, cpu in collected),
        quiet_server_cpu=quiet_cpu,
        timing=timing,
    )


# --- the report ----------------------------------------------------------------------


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def ms(values: list[float], q: int) -> str:
    return f"{percentile(values, q) * 1000:9.1f}" if values else "        -"


def latency_line(label: str, values: list[float], quiet: list[float] | None = None) -> str:
    text = f"{label:<28}{ms(values, 50)}{ms(values, 95)}{ms(values, 99)}"
    if quiet is None:
        return f"{text}   ({len(values)})"
    return f"{text}{ms(quiet, 50)}{ms(quiet, 95)}   ({len(values)}; {len(quiet)} alone)"


def errors_of(records: list[SignInRecord]) -> str:
    counted = Counter(r.error for r in records if r.error is not None)
    return ", ".join(f"{n} × {kind}" for kind, n in counted.most_common()) or "none"


def steps(records: list[SignInRecord]) -> tuple[list[float], list[float]]:
    """The password and the code steps' times of the sign-ins that ended signed in."""
    done = [r for r in records if r.error is None]
    return (
        [r.password_seconds for r in done if r.password_seconds is not None],
        [r.code_seconds for r in done if r.code_seconds is not None],
    )


def timing_table(timing: dict[str, list[dict[str, float]]], line: Callable[[str], None]) -> None:
    """The servers' own timing of the phase's steps: p50 and mean of each part, in ms."""
    password, code = timing.get("password", []), timing.get("code", [])
    line(
        f"on the servers (ms)             password step ({len(password)})  code step ({len(code)})"
    )
    line("                                     p50     mean      p50     mean")
    for field, label in server_timing.FIELDS.items():
        cells = ""
        for records in (password, code):
            values = [r.get(field, 0.0) * 1000 for r in records] or [math.nan]
            cells += f"{percentile(values, 50):9.1f}{statistics.mean(values):9.1f}"
        line(f"  {label:<30}{cells}")


def report(args: argparse.Namespace, m: Measured, out: IO[str] = sys.stdout) -> None:
    def line(text: str = "") -> None:
        print(text, file=out)

    cores = os.cpu_count() or 1
    p = Argon2Parameters()
    first = [r for r in m.records if r.phase == 0]
    done = [r for r in first if r.error is None]
    # From the start until the last sign-in ended: none begins after the deadline, those
    # under way then are finished and counted (as the bare verifies are).
    wall = max((r.ended for r in done), default=math.nan) - m.starts[0]
    rate = len(done) / wall if done else 0.0
    bare_rate = statistics.mean(b.per_second for b in m.bare)
    ratio = rate / bare_rate
    passwords, codes = steps(first)
    quiet_passwords, quiet_codes = steps(m.quiet)
    errors = len(first) - len(done)
    code_p95 = percentile(codes, 95) * 1000 if codes else math.inf
    start, end = m.phase_cpu
    available = cores * (end.at - start.at)
    servers = end.servers - start.servers
    postgres = end.postgres - start.postgres
    machine = end.machine - start.machine
    others = machine - servers - m.clients_cpu - (0.0 if math.isnan(postgres) else postgres)
    # What other work on this machine took away, from the sign-ins and from the bare run.
    others_share = min(1.0, max(0.0, others / available)) if available else math.nan
    bare_others = statistics.mean(b.others for b in m.bare)
    # Meaningful only while other work took a small part of the machine.
    adjusted = ratio * (1 - bare_others) / (1 - others_share)

    line(
        f"sign-in servers             {SERVERS} processes, plain HTTP on 127.0.0.1, one PostgreSQL"
    )
    line(
        f"workstations                {args.workstations} (threads in {m.processes} processes), "
        f"{m.employees} employees with an app each, servers alternating"
    )
    line(
        f"argon2id                    m={p.memory_kib} KiB t={p.time_cost} p={p.parallelism}; "
        f"{cores} cores"
    )
    line()
    line(f"phase 1: {args.seconds:g} s, both servers")
    line(f"complete sign-ins           {len(done)} in {wall:.1f} s: {rate:.2f} per second")
    line(
        f"bare argon2 verifies        {bare_rate:.2f} per second ({cores} processes; "
        + " before, ".join(f"{b.per_second:.2f}" for b in m.bare)
        + " after the load)"
    )
    line(
        f"ratio                       {ratio:.3f}   "
        f"target >= {TARGET_RATIO}: {met(ratio >= TARGET_RATIO)}"
    )
    if others_share > 0.05 or bare_others > 0.05:
        line(
            f"  other processes' CPU      {others_share * 100:.0f} % during the sign-ins, "
            f"{bare_others * 100:.0f} % during the bare runs"
        )
        if max(others_share, bare_others) < 0.5:
            line(
                f"  ratio without them        {adjusted:.3f}   (each side scaled to the CPU "
                f"left to it)   target: {met(adjusted >= TARGET_RATIO)}"
            )
        else:
            line("  ratio without them        - (other work had most of the machine: run again)")
    line("latency (ms)                      p50      p95      p99 alone p50   p95")
    line(latency_line("password step", passwords, quiet_passwords))
    line(latency_line("code step (TOTP)", codes, quiet_codes))
    line(
        f"code step p95               {code_p95:.1f} ms   target < {TARGET_CODE_P95_MS:g} ms: "
        f"{met(code_p95 < TARGET_CODE_P95_MS)}"
    )
    line(
        f"errors                      {errors} ({errors_of(first)})   target 0: {met(errors == 0)}"
    )
    if m.waited:
        line(
            f"waits for an unspent code   {m.waited:.1f} s in all "
            "(too few employees per workstation)"
        )
    if done and not math.isnan(machine):

        def per_sign_in(cpu_seconds: float) -> str:
            return f"{cpu_seconds / len(done) * 1000:9.1f}"

        argon2 = statistics.mean(b.cpu_per_verify for b in m.bare)
        alone = m.quiet_server_cpu / max(1, len(m.quiet))
        line("CPU per complete sign-in (ms)")
        line(
            f"  available                 {per_sign_in(available)}"
            f"   ({cores} cores for the phase; the machine was busy {per_sign_in(machine)})"
        )
        line(
            f"  sign-in servers           {per_sign_in(servers)}"
            f"   (alone {alone * 1000:.1f}; a bare argon2 verify {argon2 * 1000:.1f})"
        )
        line(f"  PostgreSQL                {per_sign_in(postgres)}")
        line(f"  workstations              {per_sign_in(m.clients_cpu)}")
        line(f"  other processes           {per_sign_in(others)}   (not this benchmark's)")

    if m.timing:
        timing_table(m.timing, line)

    second = [r for r in m.records if r.phase == 1]
    if m.killed_at is None:
        return
    line()
    line(
        f"phase 2: {args.kill_seconds:g} s, server 2 killed (SIGKILL) after "
        f"{m.killed_at - m.starts[1]:.0f} s"
    )
    if not second:
        line("sign-ins                    none")
        return
    failed = [r for r in second if r.error is not None]
    share = len(failed) / len(second)
    after = [r for r in second if r.error is None and r.ended >= m.killed_at]
    end_at = max(r.ended for r in second)
    moved = [r for r in second if r.failed_over]
    line(f"sign-ins                    {len(second)}, failed {len(failed)} ({errors_of(second)})")
    line(
        f"share failed                {share * 100:.2f} %   "
        f"target < {TARGET_FAILED_SHARE * 100:g} %: {met(share < TARGET_FAILED_SHARE)}"
    )
    line(
        f"failed over                 {len(moved)} sign-ins repeated a step at server 1, "
        f"{sum(r.error is None for r in moved)} of them signed in"
        + (f", the slowest in {max(r.ended - r.started for r in moved):.1f} s" if moved else "")
    )
    line(
        f"complete sign-ins/s         {len(after) / (end_at - m.killed_at):.2f} after the kill, "
        f"one server for {args.workstations} workstations ({rate:.2f} with two in phase 1)"
    )
    after_passwords, after_codes = steps(after)
    line("after the kill (ms)               p50      p95      p99")
    line(latency_line("password step", after_passwords))
    line(latency_line("code step (TOTP)", after_codes))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--workstations", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60, help="phase 1, both servers")
    parser.add_argument(
        "--kill-seconds",
        type=float,
        default=60,
        help="phase 2, server 2 killed halfway (0: no phase 2)",
    )
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=20,
        help="bare argon2 verifies, before and after the load",
    )
    parser.add_argument(
        "--employees",
        type=int,
        default=0,
        metavar="N",
        help="employees per workstation (default: sized from the argon2 throughput)",
    )
    parser.add_argument(
        "--client-processes", type=int, default=4, help="processes the workstations run in"
    )
    parser.add_argument(
        "--timing",
        action="store_true",
        help="run the servers under server_timing.py; print where a step's time goes",
    )
    args = parser.parse_args()
    with database(args.database) as url, tempfile.TemporaryDirectory(prefix="bench-") as folder:
        measured = run(args, url, Path(folder))
    report(args, measured)


if __name__ == "__main__":
    main()
