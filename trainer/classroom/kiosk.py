"""Shared devices: how a learner finds their own progress again on a kiosk. Secrets (a
4-digit PIN or three pictures) are stored only as an HMAC keyed with SECRET_KEY. The
printed learner card and its typed code are ``trainer.classroom.cards``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from trainer.models import ClassMember, ClassSession, KioskLogin, Learner

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


HMAC_PREFIX = "hmac-sha256$"


def secret_hash(secret_key: str, text: str) -> str:
    """HMAC(SECRET_KEY, secret): 10,000 PINs are nothing to try, so what makes a copy of
    the database useless is a key that is not in it."""
    digest = hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()
    return HMAC_PREFIX + digest


def set_secret(db: Session, secret_key: str, learner: Learner, picture: str, kind: str,
               pin: str = "", pictures: Sequence[str] = (),
               chosen_on: str | None = None) -> KioskLogin:
    """Set (or replace) how this learner signs in on a kiosk; the caller commits."""
    if picture not in PICTURES:
        raise SecretError("picture")
    hashed = secret_hash(secret_key, secret_text(kind, pin, pictures))
    login = db.scalar(select(KioskLogin).where(KioskLogin.learner_id == learner.id))
    if login is None:
        login = KioskLogin(learner_id=learner.id, picture=picture, secret_hash=hashed,
                           secret_kind=kind)
        db.add(login)
    login.picture, login.secret_hash, login.secret_kind, login.failures = \
        picture, hashed, kind, 0
    if chosen_on:
        login.chosen_on = chosen_on[:40]
    db.flush()
    return login


def _matches(secret_key: str, login: KioskLogin, text: str) -> bool:
    if login.secret_hash.startswith(HMAC_PREFIX):
        return hmac.compare_digest(login.secret_hash, secret_hash(secret_key, text))
    return check_password_hash(login.secret_hash, text)  # set before issue 20 (scrypt)


def check_secret(db: Session, secret_key: str, login: KioskLogin, pin: str = "",
                 pictures: Sequence[str] = ()) -> bool:
    """True if right. Each try is reserved first by one atomic UPDATE (committed), so
    parallel tries cannot check more than MAX_FAILURES guesses; only a right one gives the
    tries back. A secret still hashed the old way is stored as an HMAC once it matched."""
    table = KioskLogin.__table__
    reserved = db.execute(update(table).where(table.c.id == login.id,
                                              table.c.failures < MAX_FAILURES)
                          .values(failures=table.c.failures + 1)
                          .returning(table.c.failures)).first()
    db.commit()
    if reserved is None:
        db.refresh(login)
        return False
    try:
        text = secret_text(login.secret_kind, pin, pictures)
        ok = _matches(secret_key, login, text)
    except SecretError:
        ok = False
    if ok:
        values = {"failures": 0}
        if not login.secret_hash.startswith(HMAC_PREFIX):
            values["secret_hash"] = secret_hash(secret_key, text)
        db.execute(update(table).where(table.c.id == login.id).values(**values))
        db.commit()
    db.refresh(login)
    return ok


def kiosk_logins(db: Session, since: dt.date | None = None,
                 here: str | None = None) -> list[KioskLogin]:
    """Who can sign in on a kiosk, by name (what the kiosk's list shows): learners of a
    class held on or after ``since`` (today's classes on a kiosk) and those who chose their
    pictures on this kiosk (``here``) since then, never the whole server."""
    query = select(KioskLogin).join(Learner).order_by(Learner.display_name, KioskLogin.id)
    if since is not None:
        recent = KioskLogin.learner_id.in_(select(ClassMember.learner_id).join(ClassSession)
                                           .where(ClassSession.held_on >= since))
        if here:
            recent = recent | ((KioskLogin.chosen_on == here) & (
                KioskLogin.created_at >= dt.datetime.combine(since, dt.time.min)))
        query = query.where(recent)
    return list(db.scalars(query))
