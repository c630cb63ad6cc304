"""The tables.  Factor tables arrive with their factors, each through a migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from desktop_auth.store.types import UTCDateTime
from desktop_auth.vocabulary import Role


class Base(DeclarativeBase):
    pass


#: Made by migration 0006 beside the models, which cannot describe them: PostgreSQL's
#: trigram indexes and, on SQLite, the FTS5 user search.
_NOT_MODELLED = frozenset({"ix_users_email_trgm", "ix_users_name_trgm"})
#: An escrow key: two base64 X25519 public keys and ":" (``core.escrow_key``, above the
#: store, checks it; a test keeps the two equal).
ESCROW_KEY_LENGTH = 2 * 44 + 1


def is_modelled(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's ``include_name``: leave what the models do not describe out of comparisons."""
    if name is None:
        return True
    if type_ == "table" and name.startswith("user_search"):
        return False
    return name not in _NOT_MODELLED


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_name_sort", "name_key", "email_key"),
        Index("ix_users_role_sort", "role", "email_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The address as the user typed it, NFKC-normalised (shown in lists and e-mails).
    email: Mapped[str] = mapped_column(String(320))
    #: The sign-in name: NFKC + case-folded, so "Jan@X.nl" and "jan@x.nl" are one account.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: The name case-folded, set with it (see ``_fold_name``): what search and sort read.
    name_key: Mapped[str] = mapped_column(String(200), server_default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.EMPLOYEE.value)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Consecutive failed password attempts; changed only by one atomic UPDATE.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last of them: a run is forgotten a day after (``throttle.FAILURE_MEMORY``).
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Temporary locks in this run of failures; at the policy's number the account waits
    #: for the helpdesk (``locked_for_helpdesk``) instead of opening on its own.
    lock_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_for_helpdesk: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, index=True
    )
    #: Consecutive wrong second-factor answers; at the policy's limit the second factor is
    #: locked until an admin unlocks it (a time-limited lock would let six digits be guessed).
    second_factor_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The WebAuthn user handle: random, made at the first security key, never the e-mail
    #: (it is stored on keys and must not identify the person to anyone else).
    webauthn_handle: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, unique=True)
    #: When the first second factor was proven.  Once set, losing every method means
    #: a recovery or backup code is needed: the password alone never sets up anew.
    second_factor_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The language of the user's security e-mails ("en" or "nl").
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    #: Exempted by an admin from the organisation's 2FA requirement.
    second_factor_exempt: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    #: An admin's extension of the organisation's enforcement date for this user.
    setup_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)

    @validates("display_name")
    def _fold_name(self, _key: str, name: str) -> str:
        self.name_key = name.casefold()
        return name


class Setting(Base):
    """Store-wide values shared by every workstation (organisation, policy, key fingerprint)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """One link of the append-only, hash-chained audit log.

    ``id`` is the position in the chain (1, 2, 3, … without gaps); database
    triggers refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(400))
    subject: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    workstation: Mapped[str] = mapped_column(String(255))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's newest link, in one row.

    Appending locks this row, so concurrent writers queue instead of forking
    the chain; it also lets ``verify`` notice events cut off the end.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: 0 while the log is empty.
    last_event_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    #: The event from which the chain is keyed (HMAC); 0 before the first keyed event.
    keyed_from: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Ed25519 over count, hash and ``keyed_from`` (hex); None only before the first event.
    signature: Mapped[str | None] = mapped_column(String(128), nullable=True)


class AuditCheckpoint(Base):
    """A signed statement "the log had ``event_count`` events, ending in ``head_hash``".

    Written every ``audit.CHECKPOINT_EVERY`` events, append-only like the events:
    a tail cut off behind the owner's back is still missing against the last one.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


class TotpCredential(Base):
    """An authenticator app.  Active only once ``confirmed_at`` is set (proof of possession)."""

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    #: The seed, sealed by the SecretBox with this row's id as associated data.
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    algorithm: Mapped[str] = mapped_column(String(10))
    digits: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Where it was set up (shown to the user beside the label).
    workstation: Mapped[str] = mapped_column(String(255))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: An unconfirmed enrollment is void after this.
    enrollment_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The newest time step accepted; only a later step is ever accepted (replay guard).
    last_used_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RecoveryCode(Base):
    """One code of a user's recovery batch, as a keyed hash.  Spent once, in any order."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The batch (and printed sheet) this code belongs to; a new batch replaces the old.
    batch_id: Mapped[str] = mapped_column(String(32))
    #: Its number on the sheet, so the user can cross it off.
    position: Mapped[int] = mapped_column(Integer)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class BackupCode(Base):
    """A helpdesk's one-time code: one sign-in, straight to setting up 2FA again."""

    __tablename__ = "backup_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    issued_by: Mapped[str] = mapped_column(String(320))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    workstation: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Set when a newer code replaced this one (at most one live code per user).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebAuthnCredential(Base):
    """A security key or platform authenticator (Windows Hello) registered to a user."""

    __tablename__ = "webauthn_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Unique over all accounts: one credential is never registered twice (W2).
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    #: The COSE public key, CBOR-encoded as the authenticator sent it.
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger)
    aaguid: Mapped[str] = mapped_column(String(36))
    transports: Mapped[str] = mapped_column(String(100))
    attestation_format: Mapped[str] = mapped_column(String(32))
    user_verified: Mapped[bool] = mapped_column(Boolean)
    backup_eligible: Mapped[bool] = mapped_column(Boolean)
    backup_state: Mapped[bool] = mapped_column(Boolean)
    discoverable: Mapped[bool] = mapped_column(Boolean)
    nickname: Mapped[str] = mapped_column(String(100))
    workstation: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Set when the signature counter went backwards; the key is refused until removed.
    possibly_cloned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The model its attestation proved (the FIDO metadata's description), if any (A1).
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Its attestation verified to a trust anchor, for a model that keeps keys in
    #: hardware: a condition of AAL3 (A2).
    hardware_attested: Mapped[bool] = mapped_column(Boolean, default=False)


class QueuedMail(Base):
    """A security e-mail waiting to be sent, or sent.  It never holds a secret."""

    __tablename__ = "mail_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8))
    #: A ``SecurityNotice`` value: the text is made from the catalogue when sending.
    notice: Mapped[str] = mapped_column(String(64))
    #: Where it happened, for the mail's "on workstation …" line.
    workstation: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: Why the last attempt failed, as an error class name (never the server's text).
    last_error: Mapped[str | None] = mapped_column(String(100), nullable=True)


class SignInSession(Base):
    """A signed-in user, server-side: the holder keeps only the token, this keeps its hash.

    Every call re-reads this row and the user's: an ended, expired or idle session, or
    one whose account was disabled since, is refused (SECURITY.md B2).
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 of the 256-bit random token: a copy of the table signs nobody in.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: How the user proved it, comma-separated in order ("password,totp").
    methods: Mapped[str] = mapped_column(String(200))
    assurance: Mapped[str] = mapped_column(String(4))
    recovered: Mapped[bool] = mapped_column(Boolean, default=False)
    workstation: Mapped[str] = mapped_column(String(255))
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The absolute end; the idle end is ``last_used_at`` plus the policy's idle minutes.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PendingSignInRow(Base):
    """A sign-in between two steps, under the hash of its one-use ticket.

    In the store, not in a process's memory, so that several sign-in servers behind one
    load balancer can serve one sign-in between them.
    """

    __tablename__ = "pending_sign_ins"

    ticket_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    methods_used: Mapped[str] = mapped_column(String(200))
    recovered: Mapped[bool] = mapped_column(Boolean, default=False)
    deferrable_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The assurance a second factor already earned (a password change may come after it).
    assurance: Mapped[str | None] = mapped_column(String(4), nullable=True)


class PendingCeremonyRow(Base):
    """An open WebAuthn ceremony, found again by its challenge, used once (W4)."""

    __tablename__ = "webauthn_ceremonies"

    challenge: Mapped[str] = mapped_column(String(128), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    #: None: passwordless, the key says who it is.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True
    )
    #: python-fido2's state for the ceremony, as JSON (challenge, user verification).
    state: Mapped[str] = mapped_column(Text)
    nickname: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class UnknownAccountFailures(Base):
    """Failed sign-ins for an address that matches no account, under a keyed hash of it.

    Shared by every server, like the users' own counters; the address itself is never
    written (T3).
    """

    __tablename__ = "unknown_account_failures"

    slot: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    closed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: As an account's: an unknown address escalates alike, so the lock tells nothing (T2).
    lock_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_for_helpdesk: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )


class RateLimitBucket(Base):
    """How many requests one address or account made in the current window (B5).

    ``bucket`` is an HMAC of what is counted, so no address is written; ``window_number``
    is the window's number (seconds since the epoch // the window's length).
    """

    __tablename__ = "rate_limit_buckets"

    bucket: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    window_number: Mapped[int] = mapped_column(Integer, index=True)
    requests: Mapped[int] = mapped_column(Integer)


class Vault(Base):
    """A user's recovery-code vault: what the store knows of it is ids and ciphertext
    (SECURITY.md V1).  The vault key is in no column: only wrapped, in its slots."""

    __tablename__ = "vaults"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: The vault's own id (a UUID the workstation chose), bound into every seal.
    vault_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: SHA-256 of the vault key's write proof: every change must show the proof.
    write_check: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When administrators last gave it a printed key with the escrow: they know the vault
    #: key until the owner makes a new one (``rekey`` clears this).
    escrow_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: When a security key or a printed key last stopped opening it: the vault key that
    #: slot unwrapped is unchanged until the owner makes a new one (``rekey`` clears this).
    slot_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VaultSlot(Base):
    """The vault key, wrapped under one way in: a security key's PRF, or the printed key."""

    __tablename__ = "vault_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vault_id: Mapped[int] = mapped_column(ForeignKey("vaults.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: A ``VaultSlotKind`` value.
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    #: A security key's slot goes with the key: removing the key removes the slot (V3).
    credential_row_id: Mapped[int | None] = mapped_column(
        ForeignKey("webauthn_credentials.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    #: The PRF input this slot's wrapping key came from (security keys only).
    salt: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    #: An escrow slot: the escrow key it was sealed to (two administrators' base64
    #: public keys joined by ":", ``core/escrow_key.py``).
    sealed_to: Mapped[str | None] = mapped_column(String(ESCROW_KEY_LENGTH), nullable=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VaultEscrowRequest(Base):
    """One administrator's request to open a user's vault with the escrow, and a second
    administrator's approval: the escrow slot is handed out only on an approved request,
    once, to one of the two (issue 17, SECURITY.md V2)."""

    __tablename__ = "vault_escrow_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: What the administrators say to each other and type: not a secret.
    request_id: Mapped[str] = mapped_column(String(16), unique=True)
    vault_id: Mapped[int] = mapped_column(ForeignKey("vaults.id", ondelete="CASCADE"), index=True)
    #: The escrow key in force when it was asked for: a new key, or off, voids it.
    escrow_key: Mapped[str] = mapped_column(String(ESCROW_KEY_LENGTH))
    #: Who asked and who approved, as the audit log names them.
    requested_by: Mapped[str] = mapped_column(String(320))
    #: Whom the store knows them as: an account (by id) or a local administrator; the two
    #: of one request must differ.
    requester: Mapped[str] = mapped_column(String(320))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(320), nullable=True)
    approver: Mapped[str | None] = mapped_column(String(320), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: When the escrow slot was handed out on it: a request opens the vault once.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: When the printed key made with that slot was added: one, by the same administrator.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VaultEntryRow(Base):
    """One sealed entry (service, account, codes, notes): ciphertext only."""

    __tablename__ = "vault_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vault_id: Mapped[int] = mapped_column(ForeignKey("vaults.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    #: Raised by one on every save: a save from an older read is refused, not lost.
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
