"""Who may do what: one table of the sensitive actions and what each needs (SECURITY.md S1).

Every sensitive flow's first line is ``guard.require(Action.X, who)``.  The table says,
for each action, whose account it acts on (the signed-in user's own, or anyone's as an
administrator), the lowest assurance level it accepts, and whether the sign-in must be
recent (within the policy's re-authentication window, S1).  Reading the table is how a
reviewer checks S1; ``tests/unit/core/test_guards.py`` walks it and proves every action
refused without what it needs.

A local administrator (``desktop-auth admin`` with direct access to the store, an actor
without a session) is trusted as the operating system trusts them.

A session is never taken at its word: the guard finds it again in the store by its
token and uses the store's account (live role, not disabled, no newer password).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sessions import live_session
from desktop_auth.core.users import Actor
from desktop_auth.errors import (
    InsufficientAssuranceError,
    PermissionDeniedError,
    ReauthenticationRequiredError,
)
from desktop_auth.vocabulary import Role

_AAL_ORDER = (AssuranceLevel.AAL1, AssuranceLevel.AAL2, AssuranceLevel.AAL3)


def at_least(level: AssuranceLevel, minimum: AssuranceLevel) -> bool:
    return _AAL_ORDER.index(level) >= _AAL_ORDER.index(minimum)


class Account(StrEnum):
    """Whose account an action touches."""

    OWN = "own"  # the signed-in user's own: the caller passes their Session
    ANYONE = "anyone"  # any user's, as an administrator: the caller passes an Actor


class Action(StrEnum):
    # --- the signed-in user's own account ---
    VIEW_OWN_METHODS = "view_own_methods"
    RENAME_OWN_METHOD = "rename_own_method"
    ADD_METHOD = "add_method"
    FINISH_ADD_METHOD = "finish_add_method"
    REMOVE_OWN_METHOD = "remove_own_method"
    CREATE_RECOVERY_CODES = "create_recovery_codes"
    VIEW_RECOVERY_STATUS = "view_recovery_status"
    CHANGE_PASSWORD = "change_password"  # noqa: S105 - an action name
    VIEW_OWN_SESSIONS = "view_own_sessions"
    VIEW_OWN_NOTICES = "view_own_notices"
    END_OWN_SESSION = "end_own_session"
    VIEW_VAULT = "view_vault"
    CHANGE_VAULT = "change_vault"
    CHANGE_VAULT_SLOTS = "change_vault_slots"
    REMOVE_VAULT_ENTRY = "remove_vault_entry"
    # --- the helpdesk and administrators ---
    VIEW_REPORT = "view_report"
    VIEW_ACCOUNTS = "view_accounts"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    CREATE_USER = "create_user"
    CREATE_ADMINISTRATOR = "create_administrator"
    IMPORT_USERS = "import_users"
    UNLOCK_USER = "unlock_user"
    SET_DEADLINE = "set_deadline"
    SET_DISABLED = "set_disabled"
    SET_EXEMPTION = "set_exemption"
    SET_ROLE = "set_role"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - an action name
    ISSUE_BACKUP_CODE = "issue_backup_code"
    REMOVE_USER_METHOD = "remove_user_method"
    RETIRE_METHODS = "retire_methods"
    CHANGE_POLICY = "change_policy"
    EXPORT_DATA_KEY = "export_data_key"
    IMPORT_DATA_KEY = "import_data_key"
    GRANT_SERVER_ROLE = "grant_server_role"
    RECOVER_VAULT = "recover_vault"


@dataclass(frozen=True, kw_only=True)
class Needs:
    """What an action needs of the session behind it (always: an active one)."""

    account: Account
    #: The lowest assurance level accepted.
    assurance: AssuranceLevel = AssuranceLevel.AAL1
    #: A sign-in within the policy's re-authentication window (S1).
    recent: bool = False
    #: M7, binding at the account's own level: an account with no second factor yet
    #: has only its password to prove, so a recent sign-in stands in for ``assurance``.
    recent_instead_without_factor: bool = False


_OWN = Account.OWN
_ANYONE = Account.ANYONE
_AAL2 = AssuranceLevel.AAL2
#: Any administrator's call (B3).
_ADMIN = Needs(account=_ANYONE, assurance=_AAL2)
#: A change that weakens or takes over an account: the administrator's own second
#: factor, from a sign-in of the last minutes (S1).
_DESTRUCTIVE = Needs(account=_ANYONE, assurance=_AAL2, recent=True)

GUARDS: Mapping[Action, Needs] = MappingProxyType(
    {
        Action.VIEW_OWN_METHODS: Needs(account=_OWN),
        Action.RENAME_OWN_METHOD: Needs(account=_OWN),
        Action.VIEW_RECOVERY_STATUS: Needs(account=_OWN),
        Action.VIEW_OWN_SESSIONS: Needs(account=_OWN),
        # Whether security e-mails go out: nothing of the account, but only for its owner.
        Action.VIEW_OWN_NOTICES: Needs(account=_OWN),
        # Ending a session (a workstation left signed in) only ever takes access away.
        Action.END_OWN_SESSION: Needs(account=_OWN),
        # The current password is asked for as well (P8): that is its re-authentication.
        Action.CHANGE_PASSWORD: Needs(account=_OWN),
        # Binding is as sensitive as removing (M7): a session left open for hours binds no
        # authenticator of whoever sits down at it.
        Action.ADD_METHOD: Needs(
            account=_OWN, assurance=_AAL2, recent=True, recent_instead_without_factor=True
        ),
        # The set-up begun under ADD_METHOD is the proof; its QR code may take a while.
        Action.FINISH_ADD_METHOD: Needs(account=_OWN),
        Action.REMOVE_OWN_METHOD: Needs(account=_OWN, recent=True),
        # The vault holds only ciphertext: a session may read and write it; what opens it
        # is the key's touch or the printed key, on the workstation (V1).
        Action.VIEW_VAULT: Needs(account=_OWN),
        Action.CHANGE_VAULT: Needs(account=_OWN),
        # A new way in (or one less) is binding an authenticator, as ADD_METHOD is.
        Action.CHANGE_VAULT_SLOTS: Needs(account=_OWN, recent=True),
        # Codes gone are gone: not from a session left open for hours.
        Action.REMOVE_VAULT_ENTRY: Needs(account=_OWN, recent=True),
        Action.CREATE_RECOVERY_CODES: Needs(account=_OWN, assurance=_AAL2, recent=True),
        # B3: every administrative call from a session, reads included, needs the
        # administrator's second factor: a phished password alone administers nothing.
        Action.VIEW_REPORT: _ADMIN,
        Action.VIEW_ACCOUNTS: _ADMIN,
        Action.VIEW_AUDIT: _ADMIN,
        Action.EXPORT_AUDIT: _ADMIN,
        Action.CREATE_USER: _ADMIN,
        # Making an administrator is as strong as promoting one (SET_ROLE).
        Action.CREATE_ADMINISTRATOR: _DESTRUCTIVE,
        Action.IMPORT_USERS: _ADMIN,
        # Two administrators' keys open the escrow; the session is one of them, recent.
        Action.RECOVER_VAULT: _DESTRUCTIVE,
        # An unlock after every ten guesses would undo the lock (T1): as strong as the rest.
        Action.UNLOCK_USER: _ADMIN,
        Action.SET_DISABLED: _DESTRUCTIVE,
        # A far-off deadline works as an exemption: in with the password alone until then.
        Action.SET_DEADLINE: _DESTRUCTIVE,
        Action.SET_EXEMPTION: _DESTRUCTIVE,
        Action.SET_ROLE: _DESTRUCTIVE,
        Action.RESET_PASSWORD: _DESTRUCTIVE,
        Action.ISSUE_BACKUP_CODE: _DESTRUCTIVE,
        Action.REMOVE_USER_METHOD: _DESTRUCTIVE,
        Action.RETIRE_METHODS: _DESTRUCTIVE,
        Action.CHANGE_POLICY: _DESTRUCTIVE,
        Action.EXPORT_DATA_KEY: _DESTRUCTIVE,
        Action.IMPORT_DATA_KEY: _DESTRUCTIVE,
        Action.GRANT_SERVER_ROLE: _DESTRUCTIVE,
    }
)


class Guard:
    """Applies ``GUARDS``; the capabilities call it first, before they read anything else."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def require(self, action: Action, who: Session | Actor) -> None:
        """Raise unless ``who`` may do ``action`` now; the caller passes what the table says."""
        needs = GUARDS[action]
        if needs.account is Account.OWN:
            if not isinstance(who, Session):
                raise TypeError(f"{action} acts on the caller's own account: pass its Session")
            session = who
        else:
            if not isinstance(who, Actor):
                raise TypeError(f"{action} is an administrator's action: pass an Actor")
            if who.session is None:
                return  # a local administrator
            session = who.session
        ctx = self._ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            # The store's session, not the caller's value: a forged or altered one, an
            # ended one, or one of an account disabled since, is refused here (B2).
            session = live_session(db, session, policy, now)
            has_factor = needs.recent_instead_without_factor and bool(
                ctx.enrolled_methods(db, session.user_id)
            )
        if needs.account is Account.ANYONE and session.role != Role.ADMIN:
            raise PermissionDeniedError()
        recent = session.authenticated_within(now, policy.reauthentication_window)
        if needs.recent_instead_without_factor and not has_factor:
            if not recent:
                raise ReauthenticationRequiredError()
            return
        if not at_least(session.assurance, needs.assurance):
            raise InsufficientAssuranceError()
        if needs.recent and not recent:
            raise ReauthenticationRequiredError()
