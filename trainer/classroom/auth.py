"""Volunteer accounts: passwords, roles, a login rate limit and the view decorators.

Volunteers sign in with a username and password (hashed with scrypt by
werkzeug). Their sign-in lives in the same signed cookie as the learner's, but
under its own keys and with its own, short expiry, so a volunteer leaving a
laptop logged in is signed out after ``VOLUNTEER_SESSION_HOURS`` while the
learner's progress cookie stays.

Login tries are counted in the database before each check (``limits``), so the limit
holds across every server process and cannot be raced. The cookie also carries the
volunteer's ``session_generation``: logging out or a new password ends every copy.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.classroom import limits
from trainer.models import Volunteer, utcnow

ROLES = ("volunteer", "admin")
USERNAME = re.compile(r"^[a-z0-9._-]{2,40}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_FAILURES = 5  # per username and address within FAILURE_WINDOW
USER_FAILURES = 20  # per username from any address
FAILURE_WINDOW = dt.timedelta(minutes=15)
HASH_METHOD = "scrypt"

SESSION_KEY = "volunteer"
SESSION_SINCE = "volunteer_since"
SESSION_GENERATION = "volunteer_gen"
SESSION_KEYS = (SESSION_KEY, SESSION_SINCE, SESSION_GENERATION)


class AccountError(ValueError):
    """A volunteer account cannot be created as asked; the message says why."""


@functools.cache
def _dummy_hash() -> str:
    """A hash of a password nobody has, checked when the username is unknown so that a
    wrong username takes as long as a wrong password. Made on first use: scrypt is
    deliberately slow, and the server should not pay for it on every start."""
    return generate_password_hash("not a real password", method=HASH_METHOD)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def create_volunteer(db: Session, username: str, password: str, role: str = "volunteer",
                     display_name: str = "") -> Volunteer:
    """Add a volunteer; the caller commits. Raises AccountError on bad input."""
    username = normalise_username(username)
    if not USERNAME.match(username):
        raise AccountError("username: 2–40 of a–z, 0–9, '.', '_', '-'")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise AccountError(f"password: {MIN_PASSWORD}–{MAX_PASSWORD} characters")
    if find_volunteer(db, username) is not None:
        raise AccountError("username already taken")
    volunteer = Volunteer(username=username, role=role,
                          display_name=(display_name or username).strip()[:60],
                          password_hash=generate_password_hash(password, method=HASH_METHOD))
    db.add(volunteer)
    db.flush()
    return volunteer


def set_password(volunteer: Volunteer, password: str) -> None:
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise AccountError(f"password: {MIN_PASSWORD}–{MAX_PASSWORD} characters")
    volunteer.password_hash = generate_password_hash(password, method=HASH_METHOD)
    volunteer.session_generation = (volunteer.session_generation or 0) + 1


def find_volunteer(db: Session, username: str) -> Volunteer | None:
    return db.scalar(select(Volunteer).where(Volunteer.username == normalise_username(username)))


def verify(db: Session, username: str, password: str) -> Volunteer | None:
    """The active volunteer with these credentials, else None (in constant-ish time)."""
    volunteer = find_volunteer(db, username)
    if volunteer is None or not volunteer.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(volunteer.password_hash, password or ""):
        return None
    return volunteer


def _keys(username: str, address: str) -> tuple[str, str, str]:
    """Counters of one login: this name from this address, this name from anywhere, and
    this address with any name."""
    name = normalise_username(username)[:40]
    return f"login:{name}|{address[:64]}", f"login:{name}", f"login-from:{address[:64]}"


def reserve_try(db: Session, username: str, address: str) -> bool:
    """Count this login try before the password is checked (commits); False when the
    name is locked from this address (MAX_FAILURES), from everywhere (USER_FAILURES, a
    slower back-off, so a stranger cannot lock a volunteer out with five tries) or the
    address has tried too many names."""
    pair, name, place = _keys(username, address)
    return (limits.reserve(db, pair, MAX_FAILURES, FAILURE_WINDOW)
            and limits.reserve(db, name, USER_FAILURES, FAILURE_WINDOW)
            and limits.reserve(db, place, MAX_FAILURES * 4, FAILURE_WINDOW))


def login_succeeded(db: Session, username: str, address: str) -> None:
    """A right password: this name's tries are forgotten (the caller commits)."""
    pair, name, place = _keys(username, address)
    limits.clear(db, pair, name)
    limits.refund(db, place)


def unlock(db: Session, username: str) -> int:
    """An admin lets a locked-out volunteer try again (the caller commits)."""
    name = normalise_username(username)[:40]
    return limits.clear_prefix(db, f"login:{name}|") + limits.clear_prefix(db, f"login:{name}")


# --- Flask glue ---------------------------------------------------------------------------

def log_in(volunteer: Volunteer) -> None:
    """Remember the volunteer in the session, next to (never instead of) the learner."""
    session[SESSION_KEY] = volunteer.id
    session[SESSION_SINCE] = utcnow().isoformat()
    session[SESSION_GENERATION] = volunteer.session_generation or 0
    session.permanent = True


def log_out(everywhere: bool = False) -> None:
    """Forget the sign-in in this cookie; ``everywhere`` (the logout button) also ends
    every copy of it, by moving the volunteer's session generation on."""
    volunteer_id = session.pop(SESSION_KEY, None)
    session.pop(SESSION_SINCE, None)
    session.pop(SESSION_GENERATION, None)
    if everywhere and isinstance(volunteer_id, int):
        from trainer.web import get_db

        db = get_db()
        db.execute(update(Volunteer).where(Volunteer.id == volunteer_id)
                   .values(session_generation=Volunteer.session_generation + 1))
        db.commit()
        g.pop("volunteer_user", None)


def session_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config.get("VOLUNTEER_SESSION_HOURS", 12)))


def current_volunteer() -> Volunteer | None:
    """The signed-in, active volunteer whose sign-in has not expired, else None."""
    if "volunteer_user" in g:
        return g.volunteer_user
    from trainer.web import get_db

    volunteer = None
    volunteer_id, since = session.get(SESSION_KEY), session.get(SESSION_SINCE)
    if isinstance(volunteer_id, int) and isinstance(since, str):
        try:
            started = dt.datetime.fromisoformat(since)
        except ValueError:
            started = None
        if started is not None and utcnow() - started < session_lifetime():
            volunteer = get_db().get(Volunteer, volunteer_id)
            if volunteer is not None and (not volunteer.active or session.get(
                    SESSION_GENERATION) != (volunteer.session_generation or 0)):
                volunteer = None
        if volunteer is None:
            log_out()
    g.volunteer_user = volunteer
    return volunteer


def volunteer_required(view: Callable) -> Callable:
    """Only a signed-in volunteer (or admin) may see this page; others go to login."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_volunteer() is None:
            if request.method == "GET" and request.headers.get("HX-Request") != "true":
                return redirect(url_for("volunteer.login", next=request.full_path))
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable) -> Callable:
    """Only an admin may do this; a signed-in volunteer gets "not for you" (403)."""

    @functools.wraps(view)
    @volunteer_required
    def wrapped(*args, **kwargs):
        if current_volunteer().role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def can_author(volunteer: Volunteer | None) -> bool:
    """Editing lesson files is for admins and the volunteers they made authors."""
    return volunteer is not None and (volunteer.role == "admin" or bool(volunteer.author))


def author_required(view: Callable) -> Callable:
    """Only an author may do this; another signed-in volunteer gets "not for you" (403)."""

    @functools.wraps(view)
    @volunteer_required
    def wrapped(*args, **kwargs):
        if not can_author(current_volunteer()):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
