"""The organisation's policy as administrators change it (``AuthService.policy``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.policy import Policy, load_policy, save_policy
from desktop_auth.core.users import Actor
from desktop_auth.errors import InvalidInputError
from desktop_auth.vocabulary import AuditEventType


def _fits(current: object, value: object) -> bool:
    """A new policy value has the type of the one it replaces (None accepts text)."""
    if current is None:
        return value is None or isinstance(value, str)
    if isinstance(current, list | tuple):
        return isinstance(value, list)
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    return isinstance(value, type(current))


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
            current = load_policy(db).to_dict()
            for key, value in changes.items():
                section, _, name = key.rpartition(".")
                target = current.get(section) if section else current
                if not isinstance(target, dict) or name not in target:
                    raise InvalidInputError("error.policy_unknown_setting", setting=key)
                defaults: dict[str, Any] = Policy().to_dict()
                default = (defaults[section] if section else defaults)[name]
                # An optional setting (default None, e.g. enforcement_date) may go back to None.
                if not (_fits(target[name], value) or (value is None and default is None)):
                    raise InvalidInputError("error.policy_bad_value", setting=key)
                target[name] = value
            policy = Policy.from_dict(current)
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
