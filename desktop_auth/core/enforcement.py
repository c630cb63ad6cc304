"""When a user must set up 2FA: the organisation's date, an admin's extension or exemption.

The customer manual's rollout: from the enforcement date a second factor is
required; before it, users without one are reminded at every sign-in and may
choose "Remind me later".  An admin may exempt a user or give them a later
date; both are audited where they are changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop_auth.core.policy import Policy
from desktop_auth.store.models import User


@dataclass(frozen=True, kw_only=True)
class SetupRule:
    """Whether this user needs 2FA, and until when setting it up may wait."""

    required: bool
    #: Before this day "Remind me later" is allowed; None: set up now.
    deferrable_until: date | None = None


def setup_rule(user: User, policy: Policy, today: date) -> SetupRule:
    if not policy.second_factor_required or user.second_factor_exempt:
        return SetupRule(required=False)
    dates = [d for d in (policy.enforcement_day, user.setup_deadline) if d is not None]
    deadline = max(dates) if dates else None
    if deadline is not None and today < deadline:
        return SetupRule(required=True, deferrable_until=deadline)
    return SetupRule(required=True)
