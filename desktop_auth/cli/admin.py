"""Handlers for ``desktop-auth admin`` (store, users, doctor).  Each returns an exit code."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from desktop_auth.cli.context import CliContext

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session, TemporaryPassword, UserSummary
from desktop_auth.errors import (
    GateNothingToStartError,
    InsufficientAssuranceError,
    LocalOnlyError,
    PermissionDeniedError,
    SignInRequiredError,
    StoreNotInitializedError,
)
from desktop_auth.vocabulary import FactorKind, Role

_STATUS_MARK = {"ok": "ok", "warning": "!!", "failed": "XX"}


def _when(value: object, ctx: CliContext) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return ctx.t("cli.never")


def init(ctx: CliContext) -> int:
    args = ctx.args
    service = ctx.service()
    password = ctx.read_new_password(from_stdin=args.password_stdin)
    admin = service.initialize(
        actor=service.accounts.local_administrator(),
        organisation_name=args.organisation,
        rp_id=args.rp_id,
        admin_email=args.email,
        admin_display_name=args.name,
        admin_password=password,
    )
    organisation = service.organisation()
    if organisation is None:  # initialize() sets it or raises: a store changed under us
        raise StoreNotInitializedError()
    ctx.out("cli.init.done", organisation=organisation.name, email=admin.email)
    return 0


def _print_temporary(ctx: CliContext, issued: TemporaryPassword, key: str) -> None:
    ctx.out(key, email=issued.user.email)
    # Shown once, on purpose: the admin hands it over; it must be changed at first sign-in.
    print(f"\n    {issued.temporary_password}\n")
    ctx.out("cli.temporary_password_note")


def user_add(ctx: CliContext) -> int:
    service = ctx.service()
    issued = service.accounts.create(
        actor=service.accounts.local_administrator(),
        email=ctx.args.email,
        display_name=ctx.args.name,
        role=ctx.args.role,
        language=ctx.language,
    )
    _print_temporary(ctx, issued, "cli.user.created")
    return 0


def user_list(ctx: CliContext) -> int:
    service, args = ctx.service(), ctx.args
    users = service.accounts.page(
        search=args.search,
        role=args.role,
        sort=args.sort,
        descending=args.descending,
        limit=args.limit,
        offset=args.offset,
    )
    now = service.accounts.now()
    header = (
        ctx.t("cli.col.email"),
        ctx.t("cli.col.name"),
        ctx.t("cli.col.role"),
        ctx.t("cli.col.status"),
        ctx.t("cli.col.last_sign_in"),
    )
    rows = [
        (
            u.email,
            u.display_name,
            ctx.t(f"role.{u.role}"),
            ctx.t(f"status.{u.status(now).value}"),
            _when(u.last_sign_in_at, ctx),
        )
        for u in users
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    if not rows:
        ctx.out("cli.user.none")
    else:
        total = service.accounts.count(search=args.search, role=args.role)
        ctx.out("cli.user.count", first=args.offset + 1, last=args.offset + len(rows), total=total)
    return 0


def _show(ctx: CliContext, user: UserSummary, service: AuthService) -> None:
    now = service.accounts.now()
    lines = [
        ("cli.col.email", user.email),
        ("cli.col.name", user.display_name),
        ("cli.col.role", ctx.t(f"role.{user.role}")),
        ("cli.col.status", ctx.t(f"status.{user.status(now).value}")),
        ("cli.col.locked_until", _when(user.locked_until, ctx) if user.locked_until else "-"),
        ("cli.col.failed_attempts", str(user.failed_attempts)),
        ("cli.col.second_factor_failures", str(user.second_factor_failures)),
        (
            "cli.col.must_change_password",
            ctx.t("cli.yes") if user.must_change_password else ctx.t("cli.no"),
        ),
        ("cli.col.created", _when(user.created_at, ctx)),
        ("cli.col.password_changed", _when(user.password_changed_at, ctx)),
        ("cli.col.last_sign_in", _when(user.last_sign_in_at, ctx)),
    ]
    width = max(len(ctx.t(key)) for key, _ in lines)
    for key, value in lines:
        print(f"{ctx.t(key).ljust(width)}  {value}")
    methods = service.accounts.methods(user.email)
    print(
        f"{ctx.t('cli.col.methods').ljust(width)}  {'' if methods else ctx.t('cli.methods.none')}"
    )
    for method in methods:
        print(
            "    "
            + ctx.t(
                "cli.methods.line",
                id=method.method_id,
                kind=ctx.t(f"kind.{method.kind}") + (f" ({method.model})" if method.model else ""),
                label=method.label,
                created=_when(method.created_at, ctx),
                workstation=method.workstation,
                last_used=_when(method.last_used_at, ctx),
            )
            + (f"  {ctx.t('cli.methods.flagged')}" if method.flagged else "")
        )


def user_show(ctx: CliContext) -> int:
    service = ctx.service()
    _show(ctx, service.accounts.get(ctx.args.email), service)
    return 0


def user_disable(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.accounts.set_disabled(
        actor=service.accounts.local_administrator(), email=ctx.args.email, disabled=True
    )
    ctx.out("cli.user.disabled", email=user.email)
    return 0


def user_enable(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.accounts.set_disabled(
        actor=service.accounts.local_administrator(), email=ctx.args.email, disabled=False
    )
    ctx.out("cli.user.enabled", email=user.email)
    return 0


def user_unlock(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.accounts.unlock(
        actor=service.accounts.local_administrator(), email=ctx.args.email
    )
    ctx.out("cli.user.unlocked", email=user.email)
    return 0


def user_set_role(ctx: CliContext) -> int:
    service = ctx.service()
    user = service.accounts.set_role(
        actor=service.accounts.local_administrator(), email=ctx.args.email, role=ctx.args.role
    )
    ctx.out("cli.user.role_set", email=user.email, role=ctx.t(f"role.{user.role}"))
    return 0


def user_reset_password(ctx: CliContext) -> int:
    service = ctx.service()
    issued = service.accounts.reset_password(
        actor=service.accounts.local_administrator(), email=ctx.args.email, language=ctx.language
    )
    _print_temporary(ctx, issued, "cli.user.password_reset")
    return 0


def user_remove_method(ctx: CliContext) -> int:
    service = ctx.service()
    method = service.accounts.remove_method(
        actor=service.accounts.local_administrator(),
        email=ctx.args.email,
        kind=FactorKind(ctx.args.kind),
        method_id=ctx.args.method_id,
    )
    ctx.out(
        "cli.user.method_removed",
        label=method.label,
        email=service.accounts.get(ctx.args.email).email,
    )
    return 0


def user_backup_code(ctx: CliContext) -> int:
    service = ctx.service()
    issued = service.recovery_codes.issue_backup_code(
        actor=service.accounts.local_administrator(),
        email=ctx.args.email,
        remove_methods=not ctx.args.keep_methods,
    )
    if not ctx.args.keep_methods:
        ctx.out("cli.user.methods_removed", email=issued.email)
    ctx.out("cli.user.backup_code", email=issued.email, expires=_when(issued.expires_at, ctx))
    # Shown once, on purpose, to the admin who hands it over.
    print(f"    {issued.code}")
    return 0


def db_upgrade(ctx: CliContext) -> int:
    if ctx.config.server_url:  # the server migrates its store when it starts
        raise LocalOnlyError(command="desktop-auth admin db upgrade")
    ctx.service(check_data_key=False)  # opening the service applies the migrations
    ctx.out("cli.db.upgraded")
    return 0


def db_grant(ctx: CliContext) -> int:
    if ctx.config.server_url:
        raise LocalOnlyError(command="desktop-auth admin db grant")
    service = ctx.service(check_data_key=False)  # brings the schema up to date first
    tables = service.operations.grant_server_role(
        ctx.args.role, actor=service.accounts.local_administrator()
    )
    ctx.out("cli.db.granted", role=ctx.args.role, tables=len(tables))
    return 0


def doctor(ctx: CliContext) -> int:
    from desktop_auth.core.service import AuthService, CheckStatus

    results = AuthService.diagnose(ctx.config)
    ctx.out("cli.doctor.config", source=str(ctx.config.source or ctx.t("cli.doctor.defaults")))
    for result in results:
        detail = ctx.t(result.detail_key, **result.params)
        print(f"[{_STATUS_MARK[result.status]}] {ctx.t(result.name_key)}: {detail}")
        if result.fix_key:
            print(f"     → {ctx.t(result.fix_key, **result.params)}")
    return 1 if any(r.status is CheckStatus.FAILED for r in results) else 0


def gate(ctx: CliContext) -> int:
    """Sign in, then start the program (or open the URL); the program's exit status."""
    program = [part for part in ctx.args.program if part != "--"] if ctx.args.program else []
    if not program and not ctx.args.url:
        raise GateNothingToStartError()
    # Imported here: the admin commands never load Qt.
    from desktop_auth.gui.embed import gate as run_gate

    return run_gate(
        ctx.config,
        language=ctx.language,
        command=program,
        url=ctx.args.url,
        idle_minutes=ctx.args.idle_minutes,
        audience=ctx.args.audience,
    )


def jwks(ctx: CliContext) -> int:
    """The public keys that verify signed sign-in tokens, as a JWKS (nothing secret)."""
    print(json.dumps(ctx.service().sign_in.public_keys(), indent=2))
    return 0


def login(ctx: CliContext) -> int:
    """Sign in at the sign-in server as an administrator: password, then the second factor
    (the same rules as the window); the session is kept in the keyring until it ends."""
    from desktop_auth.core.service import AssuranceLevel
    from desktop_auth.remote.connect import store_admin_token

    url = ctx.config.server_url
    if not url:
        ctx.out("cli.login.not_server")
        return 0
    service = ctx.service()
    session = sign_in_here(ctx, service, ctx.args.email, password_stdin=ctx.args.password_stdin)
    if session.role != Role.ADMIN:
        service.sign_in.sign_out(session)
        raise PermissionDeniedError()
    if session.assurance is AssuranceLevel.AAL1:  # B3: administration needs a second factor
        service.sign_in.sign_out(session)
        raise InsufficientAssuranceError()
    store_admin_token(url, session.token)
    ctx.out("cli.login.done", email=session.email, until=session.expires_at)
    return 0


def sign_in_here(
    ctx: CliContext, service: AuthService, email: str, *, password_stdin: bool
) -> Session:
    """Password, then the second factor (a key's touch, else the app's code), as the
    window asks them; a new password or a first second factor is set up in the window."""
    from desktop_auth.core.service import SignInOutcome

    result = service.sign_in.with_password(email, ctx.read_password(from_stdin=password_stdin))
    ticket = result.ticket
    if result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and ticket is not None:
        kinds = [method.kind for method in result.methods]
        if FactorKind.WEBAUTHN in kinds:
            ceremony = service.security_keys.begin_sign_in(ticket)
            ctx.out("cli.login.touch")
            answer = service.security_keys.client().authenticate(ceremony.options)
            result = service.sign_in.with_second_factor(
                ticket, FactorKind.WEBAUTHN, json.dumps(answer)
            )
        else:
            code = ctx.read_line("cli.prompt.code")
            result = service.sign_in.with_second_factor(ticket, FactorKind.TOTP, code)
    if result.outcome is not SignInOutcome.DONE or result.session is None:
        raise SignInRequiredError()
    return result.session


def logout(ctx: CliContext) -> int:
    from desktop_auth.remote.connect import store_admin_token, stored_admin_token

    url = ctx.config.server_url
    if not url:
        ctx.out("cli.login.not_server")
        return 0
    token = stored_admin_token(url)
    if token is not None:
        try:
            ctx.service().sign_in.sign_out(ctx.service().sign_in.resume(token))
        finally:
            store_admin_token(url, None)
    ctx.out("cli.login.logged_out")
    return 0
