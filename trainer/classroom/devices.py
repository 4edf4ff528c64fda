"""Kiosks per device: a volunteer turns one browser (the library's tablet, the commune
counter's laptop) into a shared kiosk, and every other device on the same server stays
as it was: the volunteer's live board, the learners' own phones.

The device keeps a random token in its cookie (signed by the caller); the server keeps
only the token's SHA-256, so a copy of the database cannot make a kiosk. Revoking sets
``revoked_at`` and the device is an ordinary browser again at its next request.
"""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.models import KioskDevice, Volunteer, utcnow

COOKIE = "tapso_kiosk"
COOKIE_SALT = "tapso-kiosk-device"
COOKIE_DAYS = 400  # the longest a browser keeps a cookie
NAME_LENGTH = 60


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_kiosk(db: Session, name: str, volunteer: Volunteer | None) -> tuple[KioskDevice, str]:
    """A new kiosk device and the token its cookie will hold; the caller commits."""
    token = secrets.token_urlsafe(32)
    device = KioskDevice(token_hash=_digest(token), created_by=volunteer,
                         name=(name or "").strip()[:NAME_LENGTH] or "Máy học chung")
    db.add(device)
    db.flush()
    return device, token


def device_for(db: Session, token: object) -> KioskDevice | None:
    """The live (not revoked) kiosk device this token belongs to, else None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    device = db.scalar(select(KioskDevice).where(KioskDevice.token_hash == _digest(token)))
    return device if device is not None and device.revoked_at is None else None


def revoke(device: KioskDevice) -> None:
    """This device is an ordinary browser again (the caller commits)."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()


def kiosk_devices(db: Session) -> list[KioskDevice]:
    """Every kiosk device, live ones first, newest first (the volunteers' list)."""
    return list(db.scalars(select(KioskDevice).order_by(
        KioskDevice.revoked_at.is_not(None), KioskDevice.created_at.desc(), KioskDevice.id)))


def cookie_value(secret_key: str, token: str) -> str:
    """The token signed for the device cookie (a tampered cookie is simply no kiosk)."""
    return URLSafeSerializer(secret_key, salt=COOKIE_SALT).dumps(token)


def token_from_cookie(secret_key: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        token = URLSafeSerializer(secret_key, salt=COOKIE_SALT).loads(value[:300])
    except BadSignature:
        return None
    return token if isinstance(token, str) else None
