"""Shared devices: how a learner finds their own progress again on a kiosk, and the
printable learner card. Secrets (a 4-digit PIN or three pictures) are stored only
as hashes; the card carries a signed token, never the learner's raw id.
"""

from __future__ import annotations

from collections.abc import Sequence

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.models import KioskLogin, Learner

# A picture to find one's name, and the pictures of the literacy-free secret: bundled
# drawings (static/img/kiosk/<key>.svg), never emoji, which a kiosk without an emoji
# font shows as empty boxes. Each has a word beside it (design rule: never an icon alone).
PICTURES: dict[str, tuple[str, str]] = {
    key: (f"img/kiosk/{key}.svg", word) for key, word in (
        ("flower", "Hoa"), ("fish", "Cá"), ("house", "Nhà"), ("moon", "Trăng"),
        ("sun", "Mặt trời"), ("rooster", "Gà"), ("banana", "Chuối"), ("bicycle", "Xe đạp"),
        ("tree", "Cây"))
}
PIN_LENGTH = 4
SEQUENCE_LENGTH = 3
MAX_FAILURES = 5  # then a volunteer sets a new secret
CARD_SALT = "tapso-learner-card"


class SecretError(ValueError):
    """The PIN or picture sequence is not acceptable."""


def secret_text(kind: str, pin: str = "", pictures: Sequence[str] = ()) -> str:
    """The secret as one string to hash; raises SecretError when it is malformed."""
    if kind == "pin":
        if len(pin) != PIN_LENGTH or not pin.isdigit():
            raise SecretError("pin")
        return "pin:" + pin
    if kind == "pictures":
        if len(pictures) != SEQUENCE_LENGTH or any(p not in PICTURES for p in pictures):
            raise SecretError("pictures")
        return "pictures:" + "-".join(pictures)
    raise SecretError("kind")


def set_secret(db: Session, learner: Learner, picture: str, kind: str, pin: str = "",
               pictures: Sequence[str] = ()) -> KioskLogin:
    """Set (or replace) how this learner signs in on a kiosk; the caller commits."""
    if picture not in PICTURES:
        raise SecretError("picture")
    hashed = generate_password_hash(secret_text(kind, pin, pictures), method="scrypt")
    login = db.scalar(select(KioskLogin).where(KioskLogin.learner_id == learner.id))
    if login is None:
        login = KioskLogin(learner_id=learner.id, picture=picture, secret_hash=hashed,
                           secret_kind=kind)
        db.add(login)
    login.picture, login.secret_hash, login.secret_kind, login.failures = \
        picture, hashed, kind, 0
    db.flush()
    return login


def check_secret(login: KioskLogin, pin: str = "", pictures: Sequence[str] = ()) -> bool:
    """True if right; a wrong try counts, and after MAX_FAILURES every try fails."""
    if login.failures >= MAX_FAILURES:
        return False
    try:
        ok = check_password_hash(login.secret_hash, secret_text(login.secret_kind, pin, pictures))
    except SecretError:
        ok = False
    login.failures = 0 if ok else login.failures + 1
    return ok


def kiosk_logins(db: Session) -> list[KioskLogin]:
    """Everyone who can sign in on a kiosk, by name (what the kiosk's list shows)."""
    return list(db.scalars(select(KioskLogin).join(Learner)
                           .order_by(Learner.display_name, KioskLogin.id)))


def card_token(secret_key: str, learner: Learner) -> str:
    return URLSafeSerializer(secret_key, salt=CARD_SALT).dumps(learner.public_id)


def learner_from_card(db: Session, secret_key: str, token: str) -> Learner | None:
    try:
        public_id = URLSafeSerializer(secret_key, salt=CARD_SALT).loads(token[:200])
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return db.scalar(select(Learner).where(Learner.public_id == public_id))


# --- A first-time learner on a kiosk, and the typed card code (issue 17 item 7) -----------

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L to confuse
CODE_LENGTH = 8


def card_code(db: Session, learner: Learner) -> str:
    """The learner's short card code (made on first use; the caller commits)."""
    from trainer.models import CardCode

    row = db.scalar(select(CardCode).where(CardCode.learner_id == learner.id))
    if row is None:
        import secrets

        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if db.scalar(select(CardCode.id).where(CardCode.code == code)) is None:
                break
        row = CardCode(learner_id=learner.id, code=code)
        db.add(row)
        db.flush()
    return row.code


def show_code(code: str) -> str:
    """As printed on the card: two groups of four, easier to read and type."""
    return f"{code[:4]} {code[4:]}"


def learner_from_code(db: Session, typed: str) -> Learner | None:
    """The learner whose card shows this code, however it was typed (spaces, dashes,
    small letters are forgiven)."""
    from trainer.models import CardCode

    cleaned = "".join(ch for ch in (typed or "")[:40].upper() if ch.isalnum())
    if len(cleaned) != CODE_LENGTH:
        return None
    row = db.scalar(select(CardCode).where(CardCode.code == cleaned))
    return row.learner if row is not None else None
