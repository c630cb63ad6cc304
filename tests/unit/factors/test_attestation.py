"""Attestation against trust anchors, and what earns AAL3 (issue 16, items 1 and 2).

SECURITY.md A1, A2, W5: the red team's self-made "Yubico AB" certificate, a chain to a
root in a FIDO metadata BLOB (made here, signed by a test root the service is given in
place of the FIDO Alliance's), revoked models, the organisation's own roots, software
keys, synced passkeys and the backup flags.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid

import pytest

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, SignInOutcome
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    AttestationRootsInvalidError,
    KeyMetadataInvalidError,
    KeyMetadataOlderError,
    SecurityKeyAttestationError,
    SecurityKeyBackupFlagsError,
    SecurityKeyRevokedError,
    SecurityKeySyncedError,
)
from desktop_auth.factors import metadata
from desktop_auth.store.db import Store
from tests.attestation_helpers import (
    YUBIKEY_5_NFC,
    Authority,
    attested_key,
    blob,
    entry,
    root,
    self_made,
    tampered,
)
from tests.helpers import MemoryKeyring, PinnedClock, make_service
from tests.webauthn_helpers import client_for, key_ticket, make_user_with_key, touch_key

#: Stands in for the FIDO Alliance's root: the service is given it to check BLOBs.
MDS_ROOT = root("Test FIDO Metadata Root")
#: The model maker's attestation root, as the metadata names it.
MAKER_ROOT = root("Test Yubico Attestation Root")


@pytest.fixture
def service(store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring) -> AuthService:
    return make_service(store, clock=clock, keyring=memory_keyring, metadata_root=MDS_ROOT.der)


def _policy(service: AuthService, admin: Actor, **changes: object) -> None:
    policy = dataclasses.replace(service.policy.current(), **changes)  # type: ignore[arg-type]
    service.policy.replace(actor=admin, policy=policy)


def _red_team_policy(service: AuthService, admin: Actor) -> None:
    """Attestation required; only the YubiKey 5 NFC allowed."""
    _policy(service, admin, attestation_required=True, aaguid_allowlist=(str(YUBIKEY_5_NFC),))


def _import(
    service: AuthService, admin: Actor, *entries: dict[str, object], number: int = 1
) -> None:
    service.policy.import_key_metadata(blob(MDS_ROOT, entries, number=number), actor=admin)


def _yubikey_entry(**options: object) -> dict[str, object]:
    return entry(YUBIKEY_5_NFC, MAKER_ROOT, **options)  # type: ignore[arg-type]


def _sign_in(service: AuthService, email: str, key: SoftAuthenticator) -> AssuranceLevel:
    ticket = key_ticket(service, email)
    done = service.sign_in.with_second_factor(ticket, "webauthn", touch_key(service, ticket, key))
    assert done.session is not None
    return done.session.assurance


def _passwordless(service: AuthService, key: SoftAuthenticator) -> AssuranceLevel:
    ceremony = service.security_keys.begin_passwordless()
    answer = client_for(key).authenticate(ceremony.options)
    done = service.security_keys.finish_passwordless(json.dumps(answer))
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    return done.session.assurance


# --- A1: the chain must end in a trust anchor ----------------------------------------------


@pytest.mark.parametrize("with_metadata", [False, True])
def test_a1_a_self_made_certificate_is_refused(
    service: AuthService, admin: Actor, with_metadata: bool
) -> None:
    """The red team's key: packed attestation, a certificate made on the spot (CA=false,
    O="Yubico AB", the allow-listed AAGUID).  Refused, with or without metadata."""
    _red_team_policy(service, admin)
    if with_metadata:
        _import(service, admin, _yubikey_entry())
    key = SoftAuthenticator(aaguid=YUBIKEY_5_NFC)
    key.attestation_certificate = self_made(YUBIKEY_5_NFC)
    with pytest.raises(SecurityKeyAttestationError):
        make_user_with_key(service, admin, key)
    assert service.accounts.methods("jan@example.nl") == []


def test_a1_a_chain_to_a_root_in_the_metadata_is_accepted_and_names_the_model(
    service: AuthService, admin: Actor
) -> None:
    _red_team_policy(service, admin)
    _import(service, admin, _yubikey_entry())
    user = make_user_with_key(service, admin, attested_key(MAKER_ROOT))
    [method] = service.accounts.methods(user.email)
    assert method.model == "YubiKey 5 Series with NFC"
    [added] = [
        e
        for e in service.audit.events(subject=user.email, limit=None)
        if e.event_type == "factor.added"
    ]
    assert added.details["model"] == "YubiKey 5 Series with NFC"
    # A2: a verified hardware model, with user verification: AAL3, both ways in.
    assert _sign_in(service, user.email, user.key) is AssuranceLevel.AAL3
    assert _passwordless(service, user.key) is AssuranceLevel.AAL3


def test_a1_a_chain_to_another_makers_root_is_refused(service: AuthService, admin: Actor) -> None:
    _red_team_policy(service, admin)
    _import(service, admin, _yubikey_entry())
    with pytest.raises(SecurityKeyAttestationError):
        make_user_with_key(service, admin, attested_key(root("Someone Else's Root")))


@pytest.mark.parametrize(
    "status", ["REVOKED", "ATTESTATION_KEY_COMPROMISE", "USER_KEY_REMOTE_COMPROMISE"]
)
def test_a1_a_revoked_or_compromised_model_is_refused(
    service: AuthService, admin: Actor, status: str
) -> None:
    _import(service, admin, _yubikey_entry(statuses=("FIDO_CERTIFIED", status)))
    with pytest.raises(SecurityKeyRevokedError) as refused:
        make_user_with_key(service, admin, attested_key(MAKER_ROOT))
    assert refused.value.code == "security_key_revoked"


def test_a1_a_model_whose_keys_live_in_software_is_named_but_never_aal3(
    service: AuthService, admin: Actor
) -> None:
    _import(service, admin, _yubikey_entry(description="Soft Token", key_protection=("software",)))
    user = make_user_with_key(service, admin, attested_key(MAKER_ROOT))
    assert service.accounts.methods(user.email)[0].model == "Soft Token"
    assert _sign_in(service, user.email, user.key) is AssuranceLevel.AAL2


def test_a1_the_organisations_own_root_attests_its_keys(service: AuthService, admin: Actor) -> None:
    own = root("Salariszaken Key Root")
    _red_team_policy(service, admin)
    with pytest.raises(SecurityKeyAttestationError):
        make_user_with_key(service, admin, attested_key(own), "a@example.nl")
    trust = service.policy.set_attestation_roots(own.pem, actor=admin)
    assert trust.roots == ("Salariszaken Key Root",)
    user = make_user_with_key(service, admin, attested_key(own), "b@example.nl")
    assert service.accounts.methods(user.email)[0].model == "Test EE Serial 1"
    assert _sign_in(service, user.email, user.key) is AssuranceLevel.AAL3


def test_a1_a_root_that_is_no_certificate_authority_is_refused(
    service: AuthService, admin: Actor
) -> None:
    leaf = Authority(key=None, certificate=MAKER_ROOT.issue("Leaf", ca=False).certificate)
    for text in ("no certificate", leaf.pem):
        with pytest.raises(AttestationRootsInvalidError):
            service.policy.set_attestation_roots(text, actor=admin)
    assert service.policy.key_trust(actor=admin).roots == ()


# --- A1: the BLOB itself ---------------------------------------------------------------------


def test_a1_the_imported_blob_is_kept_and_shown(service: AuthService, admin: Actor) -> None:
    assert service.policy.key_trust(actor=admin).metadata_number is None
    _import(service, admin, _yubikey_entry(), number=42)
    trust = service.policy.key_trust(actor=admin)
    assert (trust.metadata_number, trust.metadata_entries) == (42, 1)
    assert trust.metadata_next_update is not None
    assert trust.metadata_next_update.isoformat() == "2027-01-01"
    events = [e for e in service.audit.events(limit=None) if e.event_type == "policy.changed"]
    assert events[0].details == {"settings": "key_metadata", "number": 42}


def test_a1_a_blob_with_a_bad_signature_or_another_root_is_refused(
    service: AuthService,
    admin: Actor,
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
) -> None:
    good = blob(MDS_ROOT, [_yubikey_entry()])
    for bad in (tampered(good), blob(root("Not The FIDO Root"), [_yubikey_entry()]), b"x.y.z"):
        with pytest.raises(KeyMetadataInvalidError):
            service.policy.import_key_metadata(bad, actor=admin)
    # The FIDO Alliance's root is the default: a test BLOB never passes it.
    default = make_service(store, clock=clock, keyring=memory_keyring)
    with pytest.raises(KeyMetadataInvalidError):
        default.policy.import_key_metadata(good, actor=admin)
    assert service.policy.key_trust(actor=admin).metadata_number is None


def test_a1_the_default_root_is_the_fido_alliances() -> None:
    """GlobalSign Root CA - R3, which signs the chain of the FIDO MDS3 BLOB."""
    assert hashlib.sha256(metadata.FIDO_ROOT).hexdigest() == metadata.FIDO_ROOT_SHA256


def test_a1_an_older_blob_is_refused(service: AuthService, admin: Actor) -> None:
    _import(service, admin, _yubikey_entry(), number=7)
    with pytest.raises(KeyMetadataOlderError):
        _import(service, admin, _yubikey_entry(statuses=("FIDO_CERTIFIED",)), number=6)
    assert service.policy.key_trust(actor=admin).metadata_number == 7


# --- A2: AAL3 only for a verified hardware model -------------------------------------------


def test_a2_a_pure_software_key_is_at_most_aal2(service: AuthService, admin: Actor) -> None:
    """The red team's second finding: zero AAGUID, attestation "none", BE=0."""
    key = SoftAuthenticator(aaguid=uuid.UUID(int=0))
    user = make_user_with_key(service, admin, key)
    assert _sign_in(service, user.email, key) is AssuranceLevel.AAL2
    assert _passwordless(service, key) is AssuranceLevel.AAL2


def test_a2_a_backup_state_without_backup_eligibility_is_refused(
    service: AuthService, admin: Actor
) -> None:
    key = attested_key(MAKER_ROOT)
    key.backup_state = True
    with pytest.raises(SecurityKeyBackupFlagsError):
        make_user_with_key(service, admin, key, "a@example.nl")
    _import(service, admin, _yubikey_entry())
    user = make_user_with_key(service, admin, attested_key(MAKER_ROOT), "b@example.nl")
    user.key.backup_state = True
    with pytest.raises(SecurityKeyBackupFlagsError):
        _sign_in(service, user.email, user.key)


def test_a2_backup_eligibility_changed_since_registration_is_refused(
    service: AuthService, admin: Actor
) -> None:
    _import(service, admin, _yubikey_entry())
    user = make_user_with_key(service, admin, attested_key(MAKER_ROOT))
    user.key.backup_eligible = True
    with pytest.raises(SecurityKeyBackupFlagsError):
        _sign_in(service, user.email, user.key)


def test_w5_a2_synced_passkeys_only_when_the_policy_allows_and_never_aal3(
    service: AuthService, admin: Actor
) -> None:
    assert service.policy.current().synced_passkeys_allowed is False
    _import(service, admin, _yubikey_entry())
    key = attested_key(MAKER_ROOT)
    key.backup_eligible = key.backup_state = True
    with pytest.raises(SecurityKeySyncedError):
        make_user_with_key(service, admin, key, "a@example.nl")
    _policy(service, admin, synced_passkeys_allowed=True)
    user = make_user_with_key(service, admin, key, "b@example.nl")
    assert _sign_in(service, user.email, key) is AssuranceLevel.AAL2
    key.backup_state = False  # backed up or not: eligibility is what counts
    assert _sign_in(service, user.email, key) is AssuranceLevel.AAL2
