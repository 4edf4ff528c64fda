"""Learner cards and their one code. Plain functions over a session; no Flask.

A printed card carries a QR (``/c/<token>``) and one short code, the "mã học tiếp": typed
on another phone (``/resume``) or on a kiosk without a camera. Both bring the learner's
progress to that device, so both are kept like passwords:

- the token and the code are HMAC(SECRET_KEY, a random seed): the card page shows the
  same card every time it is opened, yet a copy of the database (seeds and hashes) gives
  neither away without the key, which is not in it;
- they are found by a hash (SHA-256 of the token; HMAC(SECRET_KEY, code) for the code,
  because 85 million codes are quickly tried against a plain hash);
- only "In thẻ mới" (``new_card``) or a volunteer (``revoke_cards``) ends a card, and
  with it the code printed on it;
- typing codes is limited per address (``trainer.classroom.limits.LEARNER_CODE``).

Codes from before migration 0012 (a "mã học tiếp" shown once, a kiosk "mã thẻ") are rows
without a seed: still accepted, never shown, gone with the next new card.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from trainer.models import Learner, LearnerCard, LearnerCode, utcnow

# Letters and digits nobody mixes up when reading them off paper or saying them aloud:
# no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G, 8/B. 21⁶ = 85 million codes.
CODE_ALPHABET = "ACEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
OLD_CODE_LENGTHS = (6, 8)  # before 0012: "mã học tiếp" (6), kiosk "mã thẻ" (8)


def _mac(secret: str, text: str) -> bytes:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()


# --- the code ----------------------------------------------------------------------------------

def code_hash(secret: str, code: str) -> str:
    """What is stored of a code: HMAC(SECRET_KEY, code) (as before 0012, so older codes
    keep working). One indexed lookup finds a typed code."""
    return hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def _code_from_seed(secret: str, seed: str) -> str:
    number = int.from_bytes(_mac(secret, "learner-code:" + seed), "big")
    letters = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def normalise_code(text: str) -> str:
    """What was typed, as a code: capitals, no spaces or dashes, full-width letters read
    as plain ones."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text or "")[:40].upper())[:20]


def show_code(code: str) -> str:
    """As printed and shown: two groups of three ("KXM 4RT")."""
    return f"{code[:3]} {code[3:]}"


def _shown_code(db: Session, secret: str, learner: Learner) -> str | None:
    rows = db.scalars(select(LearnerCode).where(LearnerCode.learner_id == learner.id,
                                                LearnerCode.seed.is_not(None))
                      .order_by(LearnerCode.id.desc()))
    for row in rows:
        code = _code_from_seed(secret, row.seed or "")
        if hmac.compare_digest(row.code_hash, code_hash(secret, code)):
            return code  # (a row made under another SECRET_KEY cannot be shown)
    return None


def _add_code(db: Session, secret: str, learner: Learner) -> str:
    while True:
        seed = secrets.token_hex(16)
        code = _code_from_seed(secret, seed)
        digest = code_hash(secret, code)
        if db.scalar(select(LearnerCode.id).where(LearnerCode.code_hash == digest)) is None:
            db.add(LearnerCode(learner_id=learner.id, code_hash=digest, seed=seed))
            db.flush()
            return code


def learner_code(db: Session, secret: str, learner: Learner) -> str:
    """The learner's code as printed on her card, made the first time (the caller
    commits). The same every time until a new card is printed."""
    return _shown_code(db, secret, learner) or _add_code(db, secret, learner)


def code_to_show(db: Session, secret: str, learner: Learner | None) -> str | None:
    """Her code as printed ("KXM 4RT") if she has one, else None: pages that offer a
    code show it once she asked for it (the caller commits: a learner with only a code
    from before 0012 is given one that can be shown)."""
    if learner is None or db.scalar(select(LearnerCode.id).where(
            LearnerCode.learner_id == learner.id).limit(1)) is None:
        return None
    return show_code(learner_code(db, secret, learner))


def learner_from_code(db: Session, secret: str, typed: str) -> Learner | None:
    """The learner whose code this is, however it was typed (spaces, dashes, small
    letters are forgiven). Call only after ``limits.may_try``."""
    code = normalise_code(typed)
    if len(code) not in OLD_CODE_LENGTHS:
        return None
    row = db.scalar(select(LearnerCode).where(LearnerCode.code_hash == code_hash(secret, code)))
    return db.get(Learner, row.learner_id) if row is not None else None


# --- the card ----------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_from_seed(secret: str, seed: str) -> str:
    return base64.urlsafe_b64encode(_mac(secret, "learner-card:" + seed)).decode()[:32]


def card_token(db: Session, secret: str, learner: Learner) -> str:
    """The token of the learner's current card, to show its QR again; a first card if she
    has none that can be shown (the caller commits). Never revokes anything: opening the
    card page or the class cards page twice prints the same card."""
    rows = db.scalars(select(LearnerCard).where(LearnerCard.learner_id == learner.id,
                                                LearnerCard.revoked_at.is_(None),
                                                LearnerCard.seed.is_not(None))
                      .order_by(LearnerCard.id.desc()))
    for card in rows:
        token = _token_from_seed(secret, card.seed or "")
        if hmac.compare_digest(card.token_hash, _token_hash(token)):
            return token
    seed = secrets.token_hex(16)
    token = _token_from_seed(secret, seed)
    db.add(LearnerCard(learner_id=learner.id, token_hash=_token_hash(token), seed=seed))
    db.flush()
    return token


def new_card(db: Session, secret: str, learner: Learner) -> str:
    """"In thẻ mới": every older card of hers and the code printed on it stop working;
    a new card with a new code. Returns the new token (the caller commits)."""
    revoke_cards(db, learner)
    learner_code(db, secret, learner)
    return card_token(db, secret, learner)


def revoke_cards(db: Session, learner: Learner) -> int:
    """A lost card: every card of this learner and every code she had stop working (the
    code is printed on the card). How many cards; the caller commits."""
    db.execute(delete(LearnerCode).where(LearnerCode.learner_id == learner.id))
    return db.execute(update(LearnerCard).where(LearnerCard.learner_id == learner.id,
                                                LearnerCard.revoked_at.is_(None))
                      .values(revoked_at=utcnow())).rowcount


def card_status(db: Session, token: str) -> tuple[Learner | None, bool]:
    """The learner of a live card, else None; and whether the token was a card that has
    been replaced or revoked (the page then says so, instead of "not found")."""
    if not token or len(token) > 64:
        return None, False
    card = db.scalar(select(LearnerCard).where(LearnerCard.token_hash == _token_hash(token)))
    if card is None:
        return None, False
    if card.revoked_at is not None:
        return None, True
    return db.get(Learner, card.learner_id), False


def learner_from_card(db: Session, token: str) -> Learner | None:
    """The learner of a card that has not been revoked, else None."""
    return card_status(db, token)[0]
