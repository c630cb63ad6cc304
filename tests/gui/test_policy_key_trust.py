"""The admin console's policy screen: what security keys are checked against (A1) and the
switch for synced passkeys (W5, A2)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.admin import AdminConsole
from tests.attestation_helpers import root
from tests.gui.test_admin_console import admin_app, console  # noqa: F401 - fixtures


def test_a1_w5_the_policy_screen_shows_the_anchors_and_switches_synced_passkeys(
    qtbot: QtBot,
    console: AdminConsole,  # noqa: F811 - the fixture
    service: AuthService,
    admin: Actor,
) -> None:
    policy = console.policy
    console.tabs.setCurrentWidget(policy)
    qtbot.waitUntil(lambda: "No FIDO metadata imported" in policy.key_trust.text())
    service.policy.set_attestation_roots(root("Salariszaken Key Root").pem, actor=admin)
    policy.load()
    qtbot.waitUntil(lambda: "Own roots: Salariszaken Key Root." in policy.key_trust.text())
    assert not policy.synced_passkeys.isChecked()
    policy.synced_passkeys.setChecked(True)
    assert policy.changes() == {"synced_passkeys_allowed": True}
    policy.save_button.click()
    qtbot.waitUntil(lambda: "Saved" in policy.saved.text(), timeout=10_000)
    assert service.policy.current().synced_passkeys_allowed
