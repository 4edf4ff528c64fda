"""Volunteer accounts: passwords, roles, a login rate limit and the view decorators.

Volunteers sign in with a username and password (hashed with scrypt by
werkzeug). Their sign-in lives in the same signed cookie as the learner's, but
under its own keys and with its own, short expiry, so a volunteer leaving a
laptop logged in is signed out after ``VOLUNTEER_SESSION_HOURS`` while the
learner's progress cookie stays.

Failed logins are rows in ``login_failure``, so the limit holds across every
server process (waitress threads, several workers, a restart).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.models import LoginFailure, Volunteer, utcnow

ROLES = ("volunteer", "admin")
USERNAME = re.compile(r"^[a-z0-9._-]{2,40}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_FAILURES = 5  # per username (and per address) within FAILURE_WINDOW
FAILURE_WINDOW = dt.timedelta(minutes=15)
HASH_METHOD = "scrypt"

SESSION_KEY = "volunteer"
SESSION_SINCE = "volunteer_since"


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


def is_locked(db: Session, username: str, address: str, now: dt.datetime | None = None) -> bool:
    """Too many recent failures for this username or from this address."""
    since = (now or utcnow()) - FAILURE_WINDOW
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.created_at >= since)
    by_name = db.scalar(recent.where(LoginFailure.username == normalise_username(username)[:40]))
    by_address = db.scalar(recent.where(LoginFailure.address == address[:64]))
    return (by_name or 0) >= MAX_FAILURES or (by_address or 0) >= MAX_FAILURES * 4


def record_failure(db: Session, username: str, address: str) -> None:
    """Remember a failed login (the caller commits); old rows are swept on the way."""
    now = utcnow()
    db.execute(delete(LoginFailure).where(LoginFailure.created_at < now - FAILURE_WINDOW * 4))
    db.add(LoginFailure(username=normalise_username(username)[:40], address=address[:64],
                        created_at=now))


def clear_failures(db: Session, username: str) -> None:
    db.execute(delete(LoginFailure).where(
        LoginFailure.username == normalise_username(username)[:40]))


# --- Flask glue ---------------------------------------------------------------------------

def log_in(volunteer: Volunteer) -> None:
    """Remember the volunteer in the session, next to (never instead of) the learner."""
    session[SESSION_KEY] = volunteer.id
    session[SESSION_SINCE] = utcnow().isoformat()
    session.permanent = True


def log_out() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_SINCE, None)


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
            if volunteer is not None and not volunteer.active:
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
