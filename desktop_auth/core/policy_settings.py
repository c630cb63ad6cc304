"""The organisation's policy as administrators change it (``AuthService.policy``)."""

from __future__ import annotations

from collections.abc import Mapping

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.users import Actor
from desktop_auth.vocabulary import AuditEventType


class PolicySettings:
    """Read by anyone who signs in (the rules apply to them); changed by administrators."""

    def __init__(self, context: ServiceContext, guard: Guard) -> None:
        self._ctx = context
        self._guard = guard

    def current(self) -> Policy:
        """The policy in force now."""
        with self._ctx.store.transaction() as db:
            return load_policy(db)

    def update(self, *, actor: Actor, changes: Mapping[str, object]) -> Policy:
        """Change some settings ("throttle.lock_after" reaches inside); all checked, audited."""
        self._guard.require(Action.CHANGE_POLICY, actor)
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
            save_policy(db, policy)
            self._ctx.audit(db, AuditEventType.POLICY_CHANGED, actor=actor, subject=None)
