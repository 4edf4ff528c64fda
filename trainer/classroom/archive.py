"""Bringing a class laptop's work to the provincial server, and two laptops' work together.

``export_archive`` writes what happened since a day — classes, their members, learners,
attempts and step events, each with its stable ``uid`` — into one signed file.
``import_archive`` merges such a file into any instance (SQLite or PostgreSQL):

- nothing is ever overwritten or deleted: a row already there (same uid) is left as it
  is, so importing the same file twice changes nothing, and files from two laptops
  combine without collisions;
- a learner is one person wherever they practised: learners are matched by the random
  ``public_id`` in their cookie and on their card;
- an attempt finished since the last import gets its ``finished_at``;
- a volunteer is matched by username; one the server does not know arrives as an
  inactive account (no password works for it) until an admin activates it;
- a class whose join code is taken on the server gets a new code (the class is over).

The file is a zip: ``data.jsonl`` (one row per line) and ``manifest.json`` (format,
schema, counts and the data's SHA-256), and ``signature``: HMAC-SHA256 of the manifest
under the province's archive key (``TRAINER_ARCHIVE_KEY``, the same on every laptop and
the server). A truncated, edited or foreign file, or one from a newer version of Tập Số,
is refused before anything is written. Plain functions; no Flask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trainer.classroom.classes import new_code
from trainer.models import Attempt, ClassMember, ClassSession, Learner, StepEvent, Volunteer, utcnow

FORMAT = "tapso-archive"
SCHEMA = 1  # the layout of the rows; an archive with a higher number needs a newer Tập Số
BATCH = 2000  # rows written per statement
KINDS = ("volunteer", "learner", "class", "member", "attempt", "event")


class ArchiveError(ValueError):
    """Why a file cannot be imported; ``reason`` is one of ``format``, ``truncated``,
    ``signature``, ``newer``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class ImportResult:
    """How many rows of each kind were new, and how many were there already."""

    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    already: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    manifest: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.added.values())


# --- export --------------------------------------------------------------------------------

def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(db: Session, since: dt.date | None) -> Iterator[dict]:
    """Every row touched on or after ``since`` (everything when None), parents first."""
    start = dt.datetime.combine(since, dt.time.min) if since else dt.datetime.min
    touched = ((Attempt.started_at >= start) | (Attempt.finished_at >= start)
               | Attempt.id.in_(select(StepEvent.attempt_id).where(StepEvent.created_at >= start)))
    attempts = db.scalars(select(Attempt).where(touched).order_by(Attempt.id)).all()
    held = ClassSession.held_on >= (since or dt.date.min)
    classes = db.scalars(select(ClassSession).where(held).order_by(ClassSession.id)).all()
    members = [m for c in classes for m in c.members]
    learners = {x.id: x for x in db.scalars(select(Learner).where(
        Learner.id.in_(select(Attempt.learner_id).where(touched))
        | Learner.id.in_(select(ClassMember.learner_id).join(ClassSession).where(held))))}
    volunteers = {v.id: v for v in db.scalars(select(Volunteer).where(
        Volunteer.id.in_(select(ClassSession.volunteer_id).where(held))))}
    for v in volunteers.values():
        yield {"t": "volunteer", "username": v.username, "display_name": v.display_name}
    for x in learners.values():
        yield {"t": "learner", "public_id": x.public_id, "display_name": x.display_name,
               "created_at": _iso(x.created_at)}
    for c in classes:
        yield {"t": "class", "uid": c.uid, "code": c.code, "title": c.title,
               "commune": c.commune, "village": c.village, "held_on": _iso(c.held_on),
               "lessons": c.lessons, "volunteer": volunteers[c.volunteer_id].username,
               "closed_at": _iso(c.closed_at), "created_at": _iso(c.created_at)}
    for m in members:
        yield {"t": "member", "uid": m.uid, "class": m.klass.uid,
               "learner": learners[m.learner_id].public_id, "display_name": m.display_name,
               "birth_year": m.birth_year, "joined_at": _iso(m.joined_at)}
    attempt_uid = {}
    for a in attempts:
        attempt_uid[a.id] = a.uid
        yield {"t": "attempt", "uid": a.uid, "learner": learners[a.learner_id].public_id,
               "lesson_id": a.lesson_id, "started_at": _iso(a.started_at),
               "finished_at": _iso(a.finished_at)}
    columns = (StepEvent.uid, StepEvent.attempt_id, StepEvent.step_key, StepEvent.kind,
               StepEvent.correct, StepEvent.finished, StepEvent.detail, StepEvent.submission,
               StepEvent.created_at)
    events = db.execute(select(*columns).where(
        StepEvent.created_at >= start).order_by(StepEvent.id)
        .execution_options(yield_per=BATCH))
    for uid, attempt_id, step_key, kind, correct, finished, detail, submission, at in events:
        yield {"t": "event", "uid": uid, "attempt": attempt_uid[attempt_id],
               "step_key": step_key, "kind": kind, "correct": correct, "finished": finished,
               "detail": detail, "submission": submission, "created_at": _iso(at)}


def export_archive(db: Session, key: bytes, since: dt.date | None = None,
                   origin: str = "") -> bytes:
    """The signed archive of everything touched on or after ``since``."""
    data = io.BytesIO()
    counts = dict.fromkeys(KINDS, 0)
    for row in _rows(db, since):
        counts[row["t"]] += 1
        data.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
        data.write(b"\n")
    body = data.getvalue()
    manifest = json.dumps({
        "format": FORMAT, "schema": SCHEMA, "created_at": _iso(utcnow()),
        "since": _iso(since), "origin": origin[:80], "counts": counts,
        "sha256": hashlib.sha256(body).hexdigest()}, ensure_ascii=False, indent=1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", _sign(key, manifest))
        archive.writestr("data.jsonl", body)
    return out.getvalue()


def _sign(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


# --- reading --------------------------------------------------------------------------------

def read_archive(blob: bytes, key: bytes) -> tuple[dict, list[dict]]:
    """The manifest and rows of a file, once its signature and contents are checked."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            names = set(archive.namelist())
            if not {"manifest.json", "signature", "data.jsonl"} <= names:
                raise ArchiveError("format", "not a Tập Số archive")
            manifest_bytes = archive.read("manifest.json")
            signature = archive.read("signature").decode("ascii", "replace").strip()
            body = archive.read("data.jsonl")
    except zipfile.BadZipFile as exc:
        raise ArchiveError("truncated", str(exc)) from exc
    except (zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ArchiveError("truncated", str(exc)) from exc
    if not hmac.compare_digest(_sign(key, manifest_bytes), signature):
        raise ArchiveError("signature")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ArchiveError("format", str(exc)) from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError("format", "not a Tập Số archive")
    if not isinstance(manifest.get("schema"), int) or manifest["schema"] > SCHEMA:
        raise ArchiveError("newer", str(manifest.get("schema")))
    if hashlib.sha256(body).hexdigest() != manifest.get("sha256"):
        raise ArchiveError("signature", "the data does not match its signed manifest")
    try:
        rows = [json.loads(line) for line in body.splitlines() if line]
    except ValueError as exc:
        raise ArchiveError("format", str(exc)) from exc
    return manifest, rows


# --- import --------------------------------------------------------------------------------

def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _insert(db: Session, model: type, values: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row already there (by any unique key) stays."""
    if not values:
        return
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    for first in range(0, len(values), BATCH):
        db.execute(dialect.insert(model).on_conflict_do_nothing(), values[first:first + BATCH])


def _ids(db: Session, column, key_column, keys: Iterable[str]) -> dict[str, int]:  # noqa: ANN001
    """Primary keys by uid (or public id / username), asked in batches."""
    keys = list(dict.fromkeys(keys))
    found: dict[str, int] = {}
    for first in range(0, len(keys), BATCH):
        found.update((key, pk) for key, pk in db.execute(
            select(key_column, column).where(key_column.in_(keys[first:first + BATCH]))))
    return found


def import_archive(db: Session, blob: bytes, key: bytes) -> ImportResult:
    """Merge an archive into this database (the caller commits). Raises ``ArchiveError``
    before writing anything when the file cannot be trusted."""
    manifest, rows = read_archive(blob, key)
    try:
        return _merge(db, manifest, rows)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # signed, so ours; a row that does not fit is a bug or a hand-made file
        raise ArchiveError("format", f"{exc.__class__.__name__}: {exc}") from exc


def archive_key(secret: str, archive_key_setting: str = "") -> bytes:
    """The key archives are signed with: the province's shared one, else this site's."""
    return (archive_key_setting or secret).encode()


def _merge(db: Session, manifest: dict, rows: list[dict]) -> ImportResult:
    result = ImportResult(manifest=manifest)
    by_kind: dict[str, list[dict]] = {k: [] for k in KINDS}
    for row in rows:
        if row.get("t") in by_kind:
            by_kind[row["t"]].append(row)

    def count(kind: str, before: int, after: int, total: int) -> None:
        result.added[kind] += after - before
        result.already[kind] += total - (after - before)

    # volunteers: by username; unknown ones arrive inactive, with no usable password
    wanted = [r["username"] for r in by_kind["volunteer"]]
    known = _ids(db, Volunteer.id, Volunteer.username, wanted)
    _insert(db, Volunteer, [{"username": r["username"][:40],
                             "display_name": (r.get("display_name") or "")[:60],
                             "password_hash": "!imported", "role": "volunteer",
                             "active": False, "created_at": utcnow()}
                            for r in by_kind["volunteer"] if r["username"] not in known])
    volunteers = _ids(db, Volunteer.id, Volunteer.username, wanted)
    count("volunteer", len(known), len(volunteers), len(wanted))

    # learners: by public id
    wanted = [r["public_id"] for r in by_kind["learner"]]
    known = _ids(db, Learner.id, Learner.public_id, wanted)
    _insert(db, Learner, [{"public_id": r["public_id"][:36],
                           "display_name": (r.get("display_name") or None),
                           "created_at": _time(r.get("created_at")) or utcnow()}
                          for r in by_kind["learner"] if r["public_id"] not in known])
    learners = _ids(db, Learner.id, Learner.public_id, wanted)
    count("learner", len(known), len(learners), len(wanted))

    # classes: by uid; a join code taken here gets a new one
    wanted = [r["uid"] for r in by_kind["class"]]
    known = _ids(db, ClassSession.id, ClassSession.uid, wanted)
    codes_taken = set(_ids(db, ClassSession.id, ClassSession.code,
                           [r["code"] for r in by_kind["class"]]))
    fresh = []
    for r in by_kind["class"]:
        if r["uid"] in known:
            continue
        fresh.append({"uid": r["uid"], "title": r["title"][:120],
                      "code": new_code(db) if r["code"] in codes_taken else r["code"],
                      "commune": (r.get("commune") or "")[:80],
                      "village": (r.get("village") or "")[:80],
                      "held_on": _date(r["held_on"]), "lessons": (r.get("lessons") or "")[:1000],
                      "volunteer_id": volunteers[r["volunteer"]],
                      "current_lesson": "", "current_step": 1, "highlight": False,
                      "follow_on": False, "closed_at": _time(r.get("closed_at")),
                      "created_at": _time(r.get("created_at")) or utcnow()})
    _insert(db, ClassSession, fresh)
    classes = _ids(db, ClassSession.id, ClassSession.uid, wanted)
    count("class", len(known), len(classes), len(wanted))

    # members: by uid, and one membership per learner and class
    wanted = [r["uid"] for r in by_kind["member"]]
    known = _ids(db, ClassMember.id, ClassMember.uid, wanted)
    _insert(db, ClassMember, [{"uid": r["uid"], "class_id": classes[r["class"]],
                               "learner_id": learners[r["learner"]],
                               "display_name": (r.get("display_name") or "")[:60],
                               "birth_year": r.get("birth_year"), "following": False,
                               "joined_at": _time(r.get("joined_at")) or utcnow()}
                              for r in by_kind["member"] if r["uid"] not in known])
    count("member", len(known), len(_ids(db, ClassMember.id, ClassMember.uid, wanted)),
          len(wanted))

    # attempts: by uid; an attempt finished since the last import gets its finished_at
    wanted = [r["uid"] for r in by_kind["attempt"]]
    known = _ids(db, Attempt.id, Attempt.uid, wanted)
    _insert(db, Attempt, [{"uid": r["uid"], "learner_id": learners[r["learner"]],
                           "lesson_id": r["lesson_id"][:80],
                           "started_at": _time(r.get("started_at")) or utcnow(),
                           "finished_at": _time(r.get("finished_at"))}
                          for r in by_kind["attempt"] if r["uid"] not in known])
    for r in by_kind["attempt"]:
        if r["uid"] in known and r.get("finished_at"):
            db.execute(update(Attempt).where(Attempt.uid == r["uid"],
                                             Attempt.finished_at.is_(None))
                       .values(finished_at=_time(r["finished_at"])))
    attempts = _ids(db, Attempt.id, Attempt.uid, wanted)
    count("attempt", len(known), len(attempts), len(wanted))

    # step events: by uid (and the form's submission id within its attempt)
    wanted = [r["uid"] for r in by_kind["event"]]
    known = _ids(db, StepEvent.id, StepEvent.uid, wanted)
    _insert(db, StepEvent, [{"uid": r["uid"], "attempt_id": attempts[r["attempt"]],
                             "step_key": r["step_key"][:80], "kind": r["kind"][:10],
                             "correct": r.get("correct"), "finished": bool(r.get("finished")),
                             "detail": (r.get("detail") or "")[:80],
                             "submission": r.get("submission"),
                             "created_at": _time(r.get("created_at")) or utcnow()}
                            for r in by_kind["event"] if r["uid"] not in known])
    count("event", len(known), len(set(wanted)), len(wanted))
    return result
