"""What a real phone would see: the QR code decodes to the key URI, and an independent
generator's codes (oathtool, from Debian) are accepted."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from desktop_auth.core.service import Actor, AuthService, SignInOutcome, TotpEnrollment
from tests.helpers import USER_PASSWORD, PinnedClock, make_user
from tests.totp_helpers import secret_from_uri, sign_in_ticket


def decode(image: Image.Image) -> list[str]:
    """What an authenticator app's scanner reads: QR codes only.  Reading every format, zxing
    now and then also found a "linear barcode" inside the QR code's modules ('9960')."""
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


@pytest.fixture
def enrollment_and_ticket(service: AuthService, admin: Actor) -> tuple[TotpEnrollment, str]:
    make_user(service, admin, email="jan.de.vries@example.nl")
    result = service.sign_in.with_password("jan.de.vries@example.nl", USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    return service.authenticator_apps.begin_setup(result.ticket, "Telefoon"), result.ticket


def test_png_qr_code_decodes_to_exactly_the_uri(
    enrollment_and_ticket: tuple[TotpEnrollment, str],
) -> None:
    enrollment, _ = enrollment_and_ticket
    image = Image.open(io.BytesIO(enrollment.qr_png()))
    assert decode(image.convert("L")) == [enrollment.uri]


def test_svg_qr_code_as_the_gui_draws_it_decodes_to_exactly_the_uri(
    enrollment_and_ticket: tuple[TotpEnrollment, str],
) -> None:
    enrollment, _ = enrollment_and_ticket
    svg = enrollment.qr_svg()
    assert svg.lstrip().startswith("<svg")
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    assert renderer.isValid()
    canvas = QImage(400, 400, QImage.Format.Format_RGB32)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    renderer.render(painter)
    painter.end()
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QBuffer.OpenModeFlag.WriteOnly)
    canvas.save(device, "PNG")
    device.close()
    image = Image.open(io.BytesIO(bytes(buffer.data())))
    assert decode(image.convert("L")) == [enrollment.uri]


def oathtool(secret_b32: str, clock: PinnedClock) -> str:
    tool = shutil.which("oathtool")
    # CI installs it (tasks.py); a missing tool must fail here, never skip.
    assert tool, "oathtool is missing: run 'python3 tasks.py system-deps'"
    moment = clock.now().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    done = subprocess.run(
        [tool, "--totp", "--base32", f"--now={moment}", secret_b32],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_codes_from_oathtool_are_accepted(
    service: AuthService,
    clock: PinnedClock,
    enrollment_and_ticket: tuple[TotpEnrollment, str],
) -> None:
    enrollment, ticket = enrollment_and_ticket
    secret = secret_from_uri(enrollment.uri)
    code = oathtool(secret, clock)
    assert len(code) == 6 and code.isdigit()
    done = service.authenticator_apps.finish_setup(ticket, enrollment.enrollment_id, code)
    assert done.session is not None
    for _ in range(3):
        clock.advance(minutes=7)
        again = service.sign_in.with_second_factor(
            sign_in_ticket(service, "jan.de.vries@example.nl"), "totp", oathtool(secret, clock)
        )
        assert again.session is not None


def test_m11_an_organisation_name_with_a_colon_stays_the_issuer(
    service: AuthService, clock: PinnedClock
) -> None:
    """Apps read "Acme: Payroll:jan@…" as issuer "Acme"; the colon must not reach the URI."""
    import pyotp

    admin = service.accounts.local_administrator()
    service.initialize(
        actor=admin,
        organisation_name="Acme: Payroll",
        rp_id="acme.example",
        admin_email="beheer@acme.example",
        admin_display_name="Beheer",
        admin_password="koffie tafel regen zomer fiets",
    )
    make_user(service, admin, email="jan@acme.example")
    result = service.sign_in.with_password("jan@acme.example", USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket
    enrollment = service.authenticator_apps.begin_setup(result.ticket, "Telefoon")
    [uri] = decode(Image.open(io.BytesIO(enrollment.qr_png())))
    app = pyotp.parse_uri(uri)
    assert (app.issuer, app.name) == ("Acme Payroll", "jan@acme.example")
