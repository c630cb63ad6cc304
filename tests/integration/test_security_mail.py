"""Security e-mails through a real SMTP server on loopback (aiosmtpd), with TLS and a login.

SECURITY.md M7 (an independent channel for every add/remove), C2 (no secret in a mail),
C4 (the SMTP password comes from the keyring).
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from desktop_auth.config import Config
from desktop_auth.core.mail import KEYRING_SERVICE, SmtpSettings
from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import InvalidCodeError, SecondFactorLockedError
from tests.helpers import (
    FAST_ARGON2,
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
)
from tests.tls_helpers import self_signed_certificate
from tests.totp_helpers import make_user_with_app, phone_code, secret_from_uri, sign_in_ticket

SMTP_USER = "desktop-auth"
SMTP_PASSWORD = "Planted-Smtp-Secret-Vuurtoren"


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1, trusted through the settings' ca_file."""
    cert_file, key_file = self_signed_certificate(tmp_path, "smtp")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(inbox: Inbox, port: int, context: ssl.SSLContext, *, implicit: bool) -> Controller:
    if implicit:
        # aiosmtpd does not count implicit TLS as TLS for AUTH (and warns when told so);
        # the socket is TLS from its first byte.
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            ssl_context=context,
            authenticator=check_login,
            auth_required=True,
            auth_require_tls=False,
        )
    else:
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            authenticator=check_login,
            auth_required=True,
        )
    controller.start()
    return controller


def open_service(
    tmp_path: Path, port: int, ca_file: Path, *, security: str, clock: PinnedClock
) -> tuple[AuthService, Actor]:
    keyring = MemoryKeyring()
    keyring.set_password(KEYRING_SERVICE, f"smtp/{SMTP_USER}@127.0.0.1", SMTP_PASSWORD)
    config = Config(
        database_url=f"sqlite:///{tmp_path / 'store.sqlite3'}",
        argon2=FAST_ARGON2,
        smtp=SmtpSettings(
            host="127.0.0.1",
            port=port,
            security=security,
            sender="beveiliging@salariszaken.nl",
            username=SMTP_USER,
            ca_file=ca_file,
            timeout=5,
        ),
    )
    service = AuthService.open(config, keyring_backend=keyring, clock=clock, workstation="WS-042")
    admin = initialize_organisation(service)
    return service, admin


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def test_m7_every_security_event_mails_the_user_over_starttls_in_their_language(
    tmp_path: Path, certificate: tuple[Path, ssl.SSLContext], inbox: Inbox
) -> None:
    ca_file, context = certificate
    port = free_port()
    server = start_server(inbox, port, context, implicit=False)
    clock = PinnedClock()
    service, admin = open_service(tmp_path, port, ca_file, security="starttls", clock=clock)
    try:
        service.accounts.create(
            actor=admin, email="jan@example.nl", display_name="Jan", language="nl"
        )
        service.accounts.reset_password(actor=admin, email="jan@example.nl", language="nl")
        # user_with_app makes its own user; use it for a second, English-speaking account.
        user = make_user_with_app(service, admin, clock, "piet@example.nl")
        sheet = service.recovery_codes.generate(user.session)
        ticket = sign_in_ticket(service, user.email)
        setup = service.sign_in.with_second_factor(ticket, "recovery", sheet.codes[0])
        assert setup.ticket
        enrollment = service.authenticator_apps.begin_setup(setup.ticket, "Nieuw")
        new_secret = secret_from_uri(enrollment.uri)
        service.authenticator_apps.finish_setup(
            setup.ticket, enrollment.enrollment_id, phone_code(new_secret, clock)
        )
        issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
        clock.advance(seconds=30)
        service.sign_in.with_second_factor(
            sign_in_ticket(service, user.email), "backup", issued.code
        )
        service.operations.send_queued_mail()
    finally:
        service.close()
        server.stop()

    to_jan = [m for m in inbox.messages if m["To"] == "jan@example.nl"]
    assert [str(m["Subject"]) for m in to_jan] == ["Je wachtwoord is gewijzigd (Salariszaken)"]
    to_piet = [str(m["Subject"]) for m in inbox.messages if m["To"] == "piet@example.nl"]
    assert to_piet == [
        "A verification method was added to your account (Salariszaken)",
        "New recovery codes for your account (Salariszaken)",
        "A recovery code was used to sign in (Salariszaken)",
        "A verification method was added to your account (Salariszaken)",
        "A verification method was removed from your account (Salariszaken)",
        "A verification method was removed from your account (Salariszaken)",
        "The helpdesk made a backup code for you (Salariszaken)",
        "A backup code was used to sign in (Salariszaken)",
    ]
    body = inbox.messages[-1].get_content()
    assert "WS-042" in body and "helpdesk" in body
    everything = "\n".join(m.as_string() for m in inbox.messages)
    for secret in (
        *sheet.codes,
        issued.code,
        user.secret,
        new_secret,
        USER_PASSWORD,
        SMTP_PASSWORD,
    ):
        assert secret not in everything
    assert service.operations.queued_mail() == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_and_an_account_lock(
    tmp_path: Path, certificate: tuple[Path, ssl.SSLContext], inbox: Inbox
) -> None:
    ca_file, context = certificate
    port = free_port()
    server = start_server(inbox, port, context, implicit=True)
    clock = PinnedClock()
    service, admin = open_service(tmp_path, port, ca_file, security="tls", clock=clock)
    try:
        user = make_user_with_app(service, admin, clock)
        ticket = sign_in_ticket(service, user.email)
        wrong = str((int(phone_code(user.secret, clock)) + 1) % 10**6).zfill(6)
        for _ in range(9):
            with pytest.raises(InvalidCodeError):
                service.sign_in.with_second_factor(ticket, "totp", wrong)
        with pytest.raises(SecondFactorLockedError):
            service.sign_in.with_second_factor(ticket, "totp", wrong)
    except Exception:
        server.stop()
        raise
    finally:
        service.operations.send_queued_mail()
        service.close()
    server.stop()
    assert "Your account was locked after wrong attempts (Salariszaken)" in inbox.subjects()


def test_a_down_mail_server_never_blocks_a_sign_in_and_the_mail_waits(
    tmp_path: Path, certificate: tuple[Path, ssl.SSLContext], inbox: Inbox
) -> None:
    ca_file, context = certificate
    port = free_port()  # nothing listens here yet
    clock = PinnedClock()
    service, admin = open_service(tmp_path, port, ca_file, security="starttls", clock=clock)
    try:
        user = make_user_with_app(service, admin, clock)  # sends "method added": fails
        assert user.session is not None
        service.operations.send_queued_mail()
        [waiting] = service.operations.queued_mail()
        assert waiting.recipient == user.email and waiting.attempts >= 1
        assert waiting.last_error and "Refused" in waiting.last_error
        result = service.sign_in.with_password(user.email, USER_PASSWORD)
        assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED
        server = start_server(inbox, port, context, implicit=False)
        try:
            assert service.operations.send_queued_mail() == (0, 1)  # not due yet: it waits its turn
            clock.advance(hours=7)
            assert service.operations.send_queued_mail() == (1, 0)
        finally:
            server.stop()
    finally:
        service.close()
    assert inbox.subjects() == ["A verification method was added to your account (Salariszaken)"]


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    tmp_path: Path, certificate: tuple[Path, ssl.SSLContext], inbox: Inbox
) -> None:
    """TLS is verified: without the private CA, the mail stays queued (fail closed)."""
    _, context = certificate
    port = free_port()
    server = start_server(inbox, port, context, implicit=False)
    clock = PinnedClock()
    other_ca, _ = self_signed_certificate(tmp_path, "other")  # a real, unrelated CA
    service, admin = open_service(tmp_path, port, other_ca, security="starttls", clock=clock)
    try:
        make_user_with_app(service, admin, clock)
        service.operations.send_queued_mail()
        [waiting] = service.operations.queued_mail()
        assert waiting.last_error == "SSLCertVerificationError"
    finally:
        service.close()
        server.stop()
    assert inbox.messages == []
