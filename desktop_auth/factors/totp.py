"""Authenticator apps (TOTP, RFC 6238) as a second factor.

Same verbs as every factor: begin enrollment → finish enrollment (a current
code proves possession; only then is the app active) → verify → remove.  The
seed is sealed by the SecretBox, bound to its row.  Throttling and auditing are
the sign-in flow's, not this module's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.attributes import set_committed_value

from desktop_auth.errors import (
    CodeAlreadyUsedError,
    EnrollmentExpiredError,
    InvalidCodeError,
    InvalidLabelError,
    MethodNotFoundError,
    SecondFactorError,
    SecretUnreadableError,
    TooManyAppsError,
)
from desktop_auth.factors import otp_codes
from desktop_auth.factors.base import AfterSignIn, EnrolledMethod
from desktop_auth.store.models import TotpCredential
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.store.settings import TOTP_SEALS_OWNER_BOUND, get_setting, put_setting
from desktop_auth.vocabulary import FactorKind

KIND = FactorKind.TOTP
STRENGTH = 10  # below security keys: a code can be phished, a key cannot
ENROLLMENT_LIFETIME = timedelta(minutes=10)
MAX_LABEL = 60
#: Each app adds its codes to what one guess can hit; five is plenty for anyone.
MAX_APPS = 5
#: Seeds sealed before issue 16 (item 12): bound to their row only.  Opened only while
#: the store has not bound them all to their owners (``bind_seals_to_owners``).
LEGACY_SEAL_PURPOSE = "totp-seed"
#: Bound to the row and its owner: a row moved to another user no longer opens.
SEAL_PURPOSE = "totp-seed/owner"


def _sealed_row(credential: TotpCredential) -> str:
    return f"{credential.id}/user/{credential.user_id}"


@dataclass(frozen=True, kw_only=True)
class TotpEnrollment:
    """What the setup screen shows: a QR code and the key in groups for typing."""

    enrollment_id: int
    label: str
    expires_at: datetime
    uri: str = field(repr=False)
    secret_groups: str = field(repr=False)

    def qr_svg(self) -> str:
        return otp_codes.qr_svg(self.uri)

    def qr_png(self) -> bytes:
        return otp_codes.qr_png(self.uri)


def clean_label(label: str) -> str:
    text = " ".join(label.split())
    if not text or len(text) > MAX_LABEL or not text.isprintable():
        raise InvalidLabelError(maximum=MAX_LABEL)
    return text


def _method(credential: TotpCredential) -> EnrolledMethod:
    return EnrolledMethod(
        kind=KIND,
        method_id=credential.id,
        label=credential.label,
        created_at=credential.created_at,
        last_used_at=credential.last_used_at,
        workstation=credential.workstation,
        strength=STRENGTH,
    )


def _parameters(credential: TotpCredential) -> otp_codes.OtpParameters:
    return otp_codes.OtpParameters(
        algorithm=credential.algorithm, digits=credential.digits, period=credential.period
    )


class TotpFactor:
    kind = KIND
    after_sign_in = AfterSignIn.SESSION
    used_notice: str | None = None
    guessable = True

    def __init__(
        self,
        secret_box: Callable[[DbSession], SecretBox],
        window: Callable[[DbSession], int],
    ) -> None:
        # Injected so this module needs nothing from the core: the SecretBox opens
        # lazily (keyring access), the accepted window comes from the stored policy.
        self._secret_box = secret_box
        self._window = window

    def _secret(self, db: DbSession, credential: TotpCredential) -> bytes:
        box = self._secret_box(db)
        try:
            return box.open(
                credential.sealed_secret,
                table=TotpCredential.__tablename__,
                row_id=_sealed_row(credential),
                purpose=SEAL_PURPOSE,
            )
        except SecretUnreadableError:
            if get_setting(db, TOTP_SEALS_OWNER_BOUND):
                raise  # every seed is bound to its owner: this one was moved or damaged
            return box.open(
                credential.sealed_secret,
                table=TotpCredential.__tablename__,
                row_id=credential.id,
                purpose=LEGACY_SEAL_PURPOSE,
            )

    def bind_seals_to_owners(self, db: DbSession) -> int:
        """Once per store: seal every seed again, bound to its owner, then open only such
        seals (SECURITY.md M13).  Returns how many were sealed again."""
        if get_setting(db, TOTP_SEALS_OWNER_BOUND):
            return 0
        rows = list(db.execute(select(TotpCredential).with_for_update()).scalars())
        box = self._secret_box(db) if rows else None
        resealed = 0
        for credential in rows:
            assert box is not None
            secret = self._secret(db, credential)
            credential.sealed_secret = box.seal(
                secret,
                table=TotpCredential.__tablename__,
                row_id=_sealed_row(credential),
                purpose=SEAL_PURPOSE,
            )
            resealed += 1
        put_setting(db, TOTP_SEALS_OWNER_BOUND, True)
        return resealed

    def enrolled_methods(self, db: DbSession, user_id: int, now: datetime) -> list[EnrolledMethod]:
        query = select(TotpCredential).where(
            TotpCredential.user_id == user_id, TotpCredential.confirmed_at.isnot(None)
        )
        return [_method(c) for c in db.execute(query.order_by(TotpCredential.id)).scalars()]

    # --- enrollment -----------------------------------------------------------------

    def begin_enrollment(
        self,
        db: DbSession,
        *,
        user_id: int,
        account: str,
        issuer: str,
        label: str,
        workstation: str,
        now: datetime,
    ) -> TotpEnrollment:
        name = clean_label(label)
        # Set-ups still under way count too: nine begun at once would otherwise all be
        # finished beside the one there is (the caller holds the user's row lock).
        if self._apps_counted(db, user_id, now, pending=True) >= MAX_APPS:
            raise TooManyAppsError(maximum=MAX_APPS)
        box = self._secret_box(db)
        # Abandoned set-ups of this user are void anyway; clear them out.
        db.execute(
            delete(TotpCredential).where(
                TotpCredential.user_id == user_id,
                TotpCredential.confirmed_at.is_(None),
                TotpCredential.enrollment_expires_at <= now,
            )
        )
        secret = otp_codes.new_secret()
        parameters = otp_codes.OtpParameters()
        credential = TotpCredential(
            user_id=user_id,
            label=name,
            sealed_secret=b"",
            algorithm=parameters.algorithm,
            digits=parameters.digits,
            period=parameters.period,
            created_at=now,
            workstation=workstation,
            enrollment_expires_at=now + ENROLLMENT_LIFETIME,
        )
        db.add(credential)
        db.flush()  # the row id is part of the seal's associated data
        credential.sealed_secret = box.seal(
            secret,
            table=TotpCredential.__tablename__,
            row_id=_sealed_row(credential),
            purpose=SEAL_PURPOSE,
        )
        db.flush()
        return TotpEnrollment(
            enrollment_id=credential.id,
            label=name,
            expires_at=now + ENROLLMENT_LIFETIME,
            uri=otp_codes.provisioning_uri(secret, account=account, issuer=issuer),
            secret_groups=otp_codes.grouped(otp_codes.base32_secret(secret)),
        )

    def finish_enrollment(
        self, db: DbSession, *, user_id: int, enrollment_id: int, code: str, now: datetime
    ) -> EnrolledMethod:
        credential = db.get(TotpCredential, enrollment_id)
        if credential is None or credential.user_id != user_id or credential.confirmed_at:
            raise MethodNotFoundError()
        expires = credential.enrollment_expires_at
        if expires is None or expires <= now:
            raise EnrollmentExpiredError()
        if self._apps_counted(db, user_id, now, pending=False) >= MAX_APPS:
            raise TooManyAppsError(maximum=MAX_APPS)
        typed = otp_codes.normalize_code(code, credential.digits)
        step = otp_codes.matching_step(
            self._secret(db, credential),
            typed,
            now=now,
            window=self._window(db),
            parameters=_parameters(credential),
        )
        if step is None:
            raise InvalidCodeError()
        # Activate and spend the proving code in one compare-and-set.
        activated = db.execute(
            update(TotpCredential)
            .where(TotpCredential.id == credential.id, TotpCredential.confirmed_at.is_(None))
            .values(confirmed_at=now, enrollment_expires_at=None, last_used_step=step)
        )
        if activated.rowcount != 1:  # type: ignore[attr-defined]
            raise MethodNotFoundError()
        db.refresh(credential)
        return _method(credential)

    @staticmethod
    def _apps_counted(db: DbSession, user_id: int, now: datetime, *, pending: bool) -> int:
        """Active apps, and with ``pending`` the set-ups not yet expired (M12)."""
        active = TotpCredential.confirmed_at.isnot(None)
        condition = or_(active, TotpCredential.enrollment_expires_at > now) if pending else active
        return int(
            db.execute(
                select(func.count())
                .select_from(TotpCredential)
                .where(TotpCredential.user_id == user_id, condition)
            ).scalar_one()
        )

    # --- verification ---------------------------------------------------------------

    def verify(
        self, db: DbSession, *, user_id: int, response: str, now: datetime
    ) -> EnrolledMethod:
        """Accept a current code of any of the user's apps, each time step at most once."""
        credentials = list(
            db.execute(
                select(TotpCredential).where(
                    TotpCredential.user_id == user_id, TotpCredential.confirmed_at.isnot(None)
                )
            ).scalars()
        )
        if not credentials:
            raise MethodNotFoundError()
        typed = otp_codes.normalize_code(response, credentials[0].digits)
        window = self._window(db)
        replayed = False
        for credential in credentials:
            step = otp_codes.matching_step(
                self._secret(db, credential),
                typed,
                now=now,
                window=window,
                parameters=_parameters(credential),
            )
            if step is None:
                continue
            # Compare-and-set: of two workstations racing with one code, one wins.
            won = db.execute(
                update(TotpCredential)
                .where(
                    and_(
                        TotpCredential.id == credential.id,
                        or_(
                            TotpCredential.last_used_step.is_(None),
                            TotpCredential.last_used_step < step,
                        ),
                    )
                )
                .values(last_used_step=step, last_used_at=now)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                # What the UPDATE wrote, without reading the row back.
                set_committed_value(credential, "last_used_step", step)
                set_committed_value(credential, "last_used_at", now)
                return _method(credential)
            replayed = True
        raise CodeAlreadyUsedError() if replayed else InvalidCodeError()

    # --- nickname and removal -------------------------------------------------------

    def rename(self, db: DbSession, *, user_id: int, method_id: int, label: str) -> EnrolledMethod:
        """Give an active app another nickname; ``MethodNotFoundError`` if it is not theirs."""
        name = clean_label(label)
        credential = db.get(TotpCredential, method_id)
        if credential is None or credential.user_id != user_id or credential.confirmed_at is None:
            raise MethodNotFoundError()
        credential.label = name
        db.flush()
        return _method(credential)

    def after_failure(self, db: DbSession, *, user_id: int, error: SecondFactorError) -> None:
        """Nothing beyond the shared counter."""

    def remove(self, db: DbSession, *, user_id: int, method_id: int) -> EnrolledMethod:
        credential = db.get(TotpCredential, method_id)
        if credential is None or credential.user_id != user_id:
            raise MethodNotFoundError()
        method = _method(credential)
        db.delete(credential)
        db.flush()
        return method
