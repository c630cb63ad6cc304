"""The organisation's policy as administrators change it (``AuthService.policy``), and
the trust anchors of security-key attestation that go with it (SECURITY.md A1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.key_trust import KeyTrust, key_trust, save_blob, save_roots
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.users import Actor
from desktop_auth.core.vault import remove_stale_escrow_slots
from desktop_auth.errors import (
    KeyMetadataInvalidError,
    KeyMetadataOlderError,
    PolicyEscrowKeyLocalError,
)
from desktop_auth.factors import metadata
from desktop_auth.vocabulary import AuditEventType


@dataclasses.dataclass(frozen=True, kw_only=True)
class EscrowChange:
    """The policy with its new escrow key, and how many vaults' old escrow slots went."""

    policy: Policy
    slots_removed: int


class PolicySettings:
    """Read by anyone who signs in (the rules apply to them); changed by administrators."""

    def __init__(
        self, context: ServiceContext, guard: Guard, *, metadata_root: bytes = metadata.FIDO_ROOT
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._metadata_root = metadata_root

    def current(self) -> Policy:
        """The policy in force now."""
        with self._ctx.store.transaction() as db:
            return load_policy(db)

    def update(self, *, actor: Actor, changes: Mapping[str, object]) -> Policy:
        """Change some settings ("throttle.lock_after" reaches inside); all checked, audited.
        Not the vault escrow key: ``set_vault_escrow_key``, on the store's host."""
        self._guard.require(Action.CHANGE_POLICY, actor)
        if "vault_escrow_key" in changes:
            raise PolicyEscrowKeyLocalError()
        with self._ctx.store.transaction() as db:
            policy = load_policy(db).with_changes(changes)
            save_policy(db, policy)
            self._ctx.audit(
                db,
                AuditEventType.POLICY_CHANGED,
                actor=actor,
                subject=None,
                details={"settings": ",".join(sorted(changes))},
            )
        return policy

    def replace(self, *, actor: Actor, policy: Policy) -> None:
        """Every setting at once (a policy built with ``dataclasses.replace``); audited."""
        self._guard.require(Action.CHANGE_POLICY, actor)
        with self._ctx.store.transaction() as db:
            # The escrow key stays as it is: one administrator's API call must not choose
            # whom every vault key is sealed to (set_vault_escrow_key).
            kept = load_policy(db).vault_escrow_key
            save_policy(db, dataclasses.replace(policy, vault_escrow_key=kept))
            self._ctx.audit(db, AuditEventType.POLICY_CHANGED, actor=actor, subject=None)

    def set_vault_escrow_key(self, public_key: str, *, actor: Actor) -> EscrowChange:
        """The organisation's vault escrow key (two administrators' X25519 public keys,
        ``core/escrow_key.py``; "" switches escrow off).
        Every escrow slot sealed to another key goes in the same change.

        Not served: only on the store's host (``admin vault escrow init | off``), as the
        data key's import is.  Through the API one administrator, or a stolen token, could
        otherwise have every vault sealed to a key that person holds whole."""
        self._guard.require(Action.CHANGE_POLICY, actor)
        with self._ctx.store.transaction() as db:
            policy = dataclasses.replace(load_policy(db), vault_escrow_key=public_key)
            save_policy(db, policy)
            # In the same transaction: from now on the old keys open no vault, and a
            # workstation gives each vault a slot for the new key as it next opens.
            removed = remove_stale_escrow_slots(db, policy.vault_escrow_key)
            self._ctx.audit(
                db,
                AuditEventType.POLICY_CHANGED,
                actor=actor,
                subject=None,
                details={
                    "settings": "vault_escrow_key",
                    "escrow": bool(public_key),
                    "slots_removed": removed,
                },
            )
        return EscrowChange(policy=policy, slots_removed=removed)

    # --- the trust anchors of attestation (A1) --------------------------------------------

    def key_trust(self, *, actor: Actor | None = None) -> KeyTrust:
        """The FIDO metadata in use (its number, next update) and the organisation's roots.
        An administrator's read (B3) when ``actor`` is given, as the server always does."""
        if actor is not None:
            self._guard.require(Action.VIEW_REPORT, actor)
        with self._ctx.store.transaction() as db:
            return key_trust(db)

    def import_key_metadata(self, blob: bytes, *, actor: Actor) -> KeyTrust:
        """Keep a FIDO Metadata Service BLOB (from https://mds3.fidoalliance.org/) once its
        signature leads to the FIDO root; an older one than kept is refused (a rollback
        would bring back models since revoked).  On the server's host only: it is
        megabytes, more than a request may carry."""
        self._guard.require(Action.CHANGE_POLICY, actor)
        payload = metadata.read_blob(blob, trust_root=self._metadata_root)
        try:
            text = blob.decode("ascii").strip()
        except UnicodeDecodeError as exc:
            raise KeyMetadataInvalidError() from exc
        summary = metadata.summary(payload)
        with self._ctx.store.transaction() as db:
            kept = key_trust(db).metadata_number
            if kept is not None and summary.number < kept:
                raise KeyMetadataOlderError(number=summary.number, kept=kept)
            save_blob(db, text, summary, self._ctx.now())
            self._ctx.audit(
                db,
                AuditEventType.POLICY_CHANGED,
                actor=actor,
                subject=None,
                details={"settings": "key_metadata", "number": summary.number},
            )
            return key_trust(db)

    def set_attestation_roots(self, pem: str, *, actor: Actor) -> KeyTrust:
        """The organisation's own root certificates (PEM; empty text: none), for keys it
        attests itself; they replace the ones kept."""
        self._guard.require(Action.CHANGE_POLICY, actor)
        roots = metadata.read_roots(pem.encode()) if pem.strip() else ()
        with self._ctx.store.transaction() as db:
            save_roots(db, roots)
            self._ctx.audit(
                db,
                AuditEventType.POLICY_CHANGED,
                actor=actor,
                subject=None,
                details={"settings": "attestation_roots", "roots": len(roots)},
            )
            return key_trust(db)
