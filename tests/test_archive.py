"""Two class laptops' work merged into one provincial server (``trainer export`` and
``trainer import``): the distinct people supported come out right, importing twice
changes nothing, and a file that cannot be trusted changes nothing either."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import func, select

from tests.conftest import fresh_database_url, htmx, lesson_text
from tests.test_classroom import (
    PASSWORD,
    add_volunteer,
    code_of,
    join,
    login,
    make_class,
    volunteer_client,
)
from trainer.classroom import archive
from trainer.models import Attempt, ClassMember, ClassSession, Learner, StepEvent, Volunteer

KEY = b"province-key"


@pytest.fixture
def laptops(make_app, lessons_dir, tmp_path):
    """Two class laptops, each with its own SQLite file and volunteer, and one evening's
    classes: Bà Lan's phone goes to both laptops' classes, and laptop B has an empty class."""
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=3))
    common = {"LESSONS_DIR": str(lessons_dir.root), "ARCHIVE_KEY": KEY.decode()}
    a = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", **common)
    b = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}", **common)

    an = volunteer_client(a, "an")
    lan = join(a, code_of(a, make_class(an, "Lớp A")), "Bà Lan", "1950")
    ba = join(a, code_of(a, make_class(an, "Lớp A")), "Ông Ba", "1948")
    for number in (1, 2):  # Lan answers two steps right, Ba one wrong
        htmx(lan, f"/lessons/test-lesson/{number}", target="app-messages")
    htmx(ba, "/lessons/test-lesson/1", target="nothing")

    binh = volunteer_client(b, "binh")
    b_class = make_class(binh, "Lớp B")
    make_class(binh, "Lớp trống")  # nobody came
    # The same phone (same signed cookie) at laptop B: Bà Lan, again.
    lan_b = b.test_client()
    lan_b.set_cookie("tapso", lan.get_cookie("tapso").value)
    assert lan_b.post(f"/join/{code_of(b, b_class)}",
                      data={"name": "Bà Lan", "birth_year": "1950"}).status_code == 303
    htmx(lan_b, "/lessons/test-lesson/3", target="app-messages")
    cuc = join(b, code_of(b, b_class), "Bà Cúc", "1960")
    htmx(cuc, "/lessons/test-lesson/1", target="app-messages")
    return a, b


def export(app) -> bytes:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        try:
            return archive.export_archive(db, KEY)
        finally:
            db.close()


def import_into(app, blob: bytes, key: bytes = KEY) -> archive.ImportResult:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        try:
            result = archive.import_archive(db, blob, key)
            db.commit()
            return result
        finally:
            db.close()


def totals(app) -> dict[str, int]:
    with app.app_context():
        db = app.extensions["sessionmaker"]()
        try:
            return {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                    for model in (Volunteer, Learner, ClassSession, ClassMember, Attempt,
                                  StepEvent)}
        finally:
            db.close()


@pytest.fixture
def server(make_app, lessons_dir, tmp_path):
    """The provincial server: PostgreSQL when the suite runs on it, else SQLite."""
    (tmp_path / "server").mkdir()
    return make_app(DATABASE_URL=fresh_database_url(tmp_path / "server"),
                    LESSONS_DIR=str(lessons_dir.root), ARCHIVE_KEY=KEY.decode())


def test_two_laptops_merge_into_one_server_and_each_person_counts_once(laptops, server):
    a, b = laptops
    import_into(server, export(a))
    import_into(server, export(b))
    got = totals(server)
    truth_a, truth_b = totals(a), totals(b)
    assert got["class_session"] == 4  # two at A, a full and an empty one at B
    assert got["learner"] == 3  # Lan (both laptops), Ba, Cúc: each person once
    assert got["class_member"] == truth_a["class_member"] + truth_b["class_member"] == 4
    assert got["attempt"] == truth_a["attempt"] + truth_b["attempt"]
    assert got["step_event"] == truth_a["step_event"] + truth_b["step_event"]
    with server.app_context():
        db = server.extensions["sessionmaker"]()
        people = {m.display_name for m in db.scalars(select(ClassMember))}
        imported = {v.username: v.active for v in db.scalars(select(Volunteer))}
        db.close()
    assert people == {"Bà Lan", "Ông Ba", "Bà Cúc"}
    # volunteers the server did not know arrive, inactive, until an admin lets them in
    assert imported == {"an": False, "binh": False}
    assert server.test_client().post("/volunteer/login", data={
        "username": "an", "password": PASSWORD}).status_code in (400, 401, 403)


def test_importing_the_same_files_again_changes_nothing(laptops, server):
    a, b = laptops
    files = [export(a), export(b)]
    for blob in files:
        import_into(server, blob)
    before = totals(server)
    for blob in files:
        again = import_into(server, blob)
        assert not again.changed
        assert again.already["event"] > 0
    assert totals(server) == before


def test_an_attempt_finished_after_the_last_import_is_finished_on_the_server(
        make_app, lessons_dir, tmp_path, server):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=2))
    laptop = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
                      LESSONS_DIR=str(lessons_dir.root), ARCHIVE_KEY=KEY.decode())
    phone = laptop.test_client()
    htmx(phone, "/lessons/test-lesson/1", target="app-messages")
    import_into(server, export(laptop))
    htmx(phone, "/lessons/test-lesson/2", target="app-messages")  # finishes the lesson
    result = import_into(server, export(laptop))
    assert result.added["event"] == 1 and result.added["attempt"] == 0
    with server.app_context():
        db = server.extensions["sessionmaker"]()
        finished = db.scalar(select(Attempt.finished_at))
        db.close()
    assert finished is not None


def _rezip(blob: bytes, **replace: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, replace.get(name.replace(".", "_"), src.read(name)))
    return out.getvalue()


def _signed_manifest(blob: bytes, **changes) -> bytes:
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(blob)).read("manifest.json"))
    manifest.update(changes)
    text = json.dumps(manifest).encode()
    return _rezip(blob, manifest_json=text, signature=archive._sign(KEY, text).encode())


@pytest.mark.parametrize("spoil, reason", [
    (lambda blob: blob[: len(blob) // 2], "truncated"),
    (lambda blob: b"not a zip at all", "truncated"),
    (lambda blob: _rezip(blob, data_jsonl=zipfile.ZipFile(io.BytesIO(blob)).read(
        "data.jsonl").replace('"Ông Ba"'.encode(), '"Ông Bảy"'.encode())), "signature"),
    (lambda blob: _signed_manifest(blob, schema=archive.SCHEMA + 1), "newer"),
    (lambda blob: _signed_manifest(blob, format="something-else"), "format"),
])
def test_a_file_that_cannot_be_trusted_is_refused_and_changes_nothing(
        laptops, server, spoil, reason):
    a, b = laptops
    import_into(server, export(b))
    before = totals(server)
    with pytest.raises(archive.ArchiveError) as refused:
        import_into(server, spoil(export(a)))
    assert refused.value.reason == reason
    assert totals(server) == before


def test_a_file_signed_with_another_key_is_refused(laptops, server):
    with pytest.raises(archive.ArchiveError) as refused:
        import_into(server, export(laptops[0]), key=b"another province")
    assert refused.value.reason == "signature"


def test_export_since_a_day_leaves_older_work_out(laptops, server):
    a, _ = laptops
    with a.app_context():
        db = a.extensions["sessionmaker"]()
        import datetime as dt
        later = archive.export_archive(db, KEY, since=dt.date.today() + dt.timedelta(days=1))
        db.close()
    result = import_into(server, later)
    assert not result.changed and sum(result.already.values()) == 0


def test_the_commands_export_and_import_with_clear_words(laptops, server, tmp_path):
    a, _ = laptops
    target = tmp_path / "lop-a.tapso"
    out = a.test_cli_runner().invoke(args=["export", "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert target.stat().st_size > 0
    first = server.test_cli_runner().invoke(args=["import", str(target)])
    assert first.exit_code == 0 and "learner: 2 new" in first.output
    second = server.test_cli_runner().invoke(args=["import", str(target)])
    assert "learner: 0 new, 2 already here" in second.output
    target.write_bytes(target.read_bytes()[:100])
    broken = server.test_cli_runner().invoke(args=["import", str(target)])
    assert broken.exit_code == 1 and "Nothing was imported" in broken.output


def test_an_admin_uploads_a_laptops_file_on_the_server_page(laptops, make_app, lessons_dir,
                                                             tmp_path):
    a, _ = laptops
    (tmp_path / "web").mkdir()
    server = make_app(DATABASE_URL=fresh_database_url(tmp_path / "web"),
                      LESSONS_DIR=str(lessons_dir.root), ARCHIVE_KEY=KEY.decode(),
                      WTF_CSRF_ENABLED=True)
    add_volunteer(server, "chief", "admin")
    admin = server.test_client()

    def token() -> str:
        page = admin.get("/volunteer/import" if admin.get_cookie("tapso") else
                         "/volunteer/login").get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    assert admin.post("/volunteer/login", data={
        "username": "chief", "password": PASSWORD, "csrf_token": token()}).status_code == 303
    blob = export(a)

    def upload(data: bytes, name: str = "lop-a.tapso"):
        return admin.post("/volunteer/import", data={
            "csrf_token": token(), "archive": (io.BytesIO(data), name)},
            content_type="multipart/form-data")

    first = upload(blob)
    assert first.status_code == 200
    assert "Đã nhập xong" in first.get_data(as_text=True)
    assert totals(server)["learner"] == 2
    again = upload(blob).get_data(as_text=True)
    assert totals(server)["learner"] == 2 and "Đã nhập xong" in again
    broken = upload(blob[:200])
    assert broken.status_code == 400
    assert "Chưa có gì được nhập" in broken.get_data(as_text=True)
    assert upload(b"", "").status_code == 400
    # a volunteer who is not an admin cannot import
    plain = a.test_client()  # laptop A's volunteer "an" is not an admin
    assert login(plain, "an").status_code == 303
    assert plain.get("/volunteer/import").status_code == 403
    assert plain.post("/volunteer/import", data={"archive": (io.BytesIO(blob), "x.tapso")},
                      content_type="multipart/form-data").status_code == 403
