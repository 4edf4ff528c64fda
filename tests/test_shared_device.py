"""Nobody can read, wipe or take over a learner (issue 20): shared devices, cross-site
requests, learner cards, kiosk and login tries under parallel load, stored secrets,
backups and bad input. Each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PG_URL, ROOT, htmx, lesson_text, run_parallel
from trainer import models, progress
from trainer.classroom import auth, kiosk
from trainer.models import ClassSession, KioskLogin, Learner, Volunteer

PASSWORD = "correct horse"


@pytest.fixture
def app(lesson_app):
    return lesson_app(steps=3)


@pytest.fixture
def kiosk_app(lesson_app):
    return lesson_app(steps=3, KIOSK=True, KIOSK_IDLE_SECONDS=5, KIOSK_ASK_SECONDS=5)


def db_of(app):
    return app.extensions["sessionmaker"]()


def add_volunteer(app, username="an", role="volunteer") -> int:
    with db_of(app) as db:
        volunteer = auth.create_volunteer(db, username, PASSWORD, role)
        db.commit()
        return volunteer.id


def signed_in(app, username="an", role="volunteer"):
    add_volunteer(app, username, role)
    client = app.test_client()
    r = client.post("/volunteer/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 303
    return client


def new_class(client, title="Lớp VNeID") -> int:
    r = client.post("/volunteer/classes/new", data={
        "title": title, "commune": "Xã A", "village": "Thôn 1",
        "held_on": dt.date.today().isoformat(), "lesson": ["test-lesson"]})
    assert r.status_code == 303, r.data
    return int(r.headers["Location"].rsplit("/", 1)[1])


def code_of(app, class_id: int) -> str:
    with db_of(app) as db:
        return db.get(ClassSession, class_id).code


def learner_with_progress(app):
    client = app.test_client()
    htmx(client, "/lessons/test-lesson/1", target="app-messages")
    with client.session_transaction() as s:
        return client, s["learner"]


def cookie_header(response) -> str:
    return ";".join(response.headers.getlist("Set-Cookie"))


# --- 1. the service worker and the browser cache -----------------------------------------------

def test_personal_and_volunteer_pages_are_never_stored(app):
    learner, _ = learner_with_progress(app)
    volunteer = signed_in(app)
    class_id = new_class(volunteer)
    personal = [learner.get("/my-data/"), learner.get("/my-card"), learner.get("/settings"),
                volunteer.get("/volunteer/"), volunteer.get(f"/volunteer/classes/{class_id}"),
                volunteer.get(f"/volunteer/classes/{class_id}/cards")]
    for response in personal:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    shared = [learner.get("/lessons/test-lesson/1"), learner.get("/handbook"),
              learner.get("/practice-card/")]
    for response in shared:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_lesson_page_showing_the_learners_name_is_not_stored(app):
    volunteer = signed_in(app)
    code = code_of(app, new_class(volunteer))
    member = app.test_client()
    assert member.post(f"/join/{code}", data={"name": "Bà Tư"}).status_code == 303
    page = member.get("/lessons/test-lesson/1")
    assert "Bà Tư" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_kiosk_start_and_end_logout_and_deletion_empty_the_browser_cache(kiosk_app, app):
    k = kiosk_app.test_client()
    for response in (k.post("/kiosk/start"), k.post("/kiosk/end")):
        assert response.headers["Clear-Site-Data"] == '"cache"'
    volunteer = signed_in(app)
    assert volunteer.post("/volunteer/logout").headers["Clear-Site-Data"] == '"cache"'
    learner, _ = learner_with_progress(app)
    assert learner.post("/my-data/delete").headers["Clear-Site-Data"] == '"cache"'


SW_HARNESS = r"""
const vm = require("vm"); const fs = require("fs");
const stored = {}; const listeners = {};
function headers(h) { return { get: (k) => h[k] === undefined ? null : h[k] }; }
function response(path, h) {
  return { ok: true, type: "basic", headers: headers(h), clone() { return this; }, path };
}
const cache = { put: (k, r) => { stored[typeof k === "string" ? k : k.url] = r;
                                 return Promise.resolve(); },
                keys: () => Promise.resolve(Object.keys(stored)),
                delete: (k) => { delete stored[k]; return Promise.resolve(true); },
                addAll: () => Promise.resolve() };
const sandbox = {
  self: { addEventListener: (t, f) => { listeners[t] = f; }, location: { origin: "http://x" },
          skipWaiting() {}, clients: { claim() {} } },
  caches: { open: () => Promise.resolve(cache), match: () => Promise.resolve(undefined),
            keys: () => Promise.resolve([]), delete: () => Promise.resolve(true) },
  fetch: (req) => Promise.resolve(response(req.url, PAGES[new URL(req.url).pathname] || {})),
  URL, Promise, Response: { error: () => null },
};
const PAGES = JSON.parse(process.argv[3]);
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), sandbox);
const waits = [];
for (const path of Object.keys(PAGES)) {
  const req = { method: "GET", url: "http://x" + path, mode: "navigate", headers: headers({}) };
  listeners.fetch({ request: req, respondWith: (p) => waits.push(p) });
}
Promise.all(waits).then(() => setTimeout(() => {
  console.log(JSON.stringify(Object.keys(stored).map((u) => new URL(u).pathname).sort()));
}, 50));
"""


def test_the_service_worker_keeps_only_shared_pages(tmp_path):
    """static/sw.js run in node with a fake cache: what does it store?"""
    harness = tmp_path / "harness.js"
    harness.write_text(SW_HARNESS)
    pages = {"/lessons/x/1": {}, "/handbook": {}, "/static/css/app.css?v=1": {},
             "/my-data/": {}, "/my-card": {}, "/c/sometoken": {}, "/volunteer/": {},
             "/volunteer/classes/1/cards": {}, "/settings": {},
             "/lessons/x/2": {"Cache-Control": "no-store"}}
    out = subprocess.run(["node", str(harness), str(ROOT / "static/sw.js"), json.dumps(pages)],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert json.loads(out) == ["/handbook", "/lessons/x/1", "/static/css/app.css"]


# --- 2. cross-site requests ----------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "https://evil.example"},
                                     {"Origin": "null"}])
def test_a_cross_site_post_is_refused_without_touching_the_cookie(make_app, lessons_dir,
                                                                  headers):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root), WTF_CSRF_ENABLED=True)
    r = app.test_client().post("/my-data/delete", data={"confirm": "1"}, headers=headers)
    assert r.status_code == 403 and "Set-Cookie" not in r.headers
    learner, public_id = learner_with_progress(make_app(LESSONS_DIR=str(lessons_dir.root)))
    r = learner.post("/lang", data={"lang": "en"}, headers=headers)
    assert r.status_code == 403 and "Set-Cookie" not in r.headers
    with learner.session_transaction() as s:
        assert s["learner"] == public_id


def test_a_same_origin_post_still_works(app):
    learner, _ = learner_with_progress(app)
    r = learner.post("/lang", data={"lang": "en", "next": "/"},
                     headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"})
    assert r.status_code == 303


def test_an_error_page_never_gives_a_cookieless_request_a_new_cookie(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    r = client.post("/my-data/delete")  # no cookie (SameSite kept it out), no token: 400
    assert r.status_code == 400 and "Set-Cookie" not in r.headers
    assert "Set-Cookie" not in client.get("/nowhere").headers


# --- 3. and 4. learner cards --------------------------------------------------------------------

def card_token(app, public_id: str) -> str:
    with db_of(app) as db:
        learner = progress.find_learner(db, public_id)
        token = kiosk.new_card(db, learner)
        db.commit()
        return token


def test_opening_a_card_link_asks_before_switching_and_keeps_a_volunteer(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson"))
    app = make_app(LESSONS_DIR=str(lessons_dir.root), WTF_CSRF_ENABLED=True)
    owner = app.test_client()
    page = owner.get("/lessons/test-lesson/1").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    owner.post("/lessons/test-lesson/1", data={"target": "app-messages", "sid": "a"},
               headers={"X-CSRFToken": token})
    with owner.session_transaction() as s:
        public_id = s["learner"]
    with db_of(app) as db:
        db.get(Learner, 1).display_name = "Bà Hai"
        db.commit()
    card = card_token(app, public_id)

    volunteer = app.test_client()
    add_volunteer(app)
    login_page = volunteer.get("/volunteer/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    assert volunteer.post("/volunteer/login", data={
        "username": "an", "password": PASSWORD, "csrf_token": csrf}).status_code == 303
    ask = volunteer.get(f"/c/{card}")
    assert ask.status_code == 200 and "Tiếp tục với tên Bà Hai?" in ask.get_data(as_text=True)
    with volunteer.session_transaction() as s:
        assert "learner" not in s and s["volunteer"]
    assert volunteer.post(f"/c/{card}").status_code == 400  # no CSRF token: refused
    form = re.search(r'name="csrf_token" value="([^"]+)"', ask.get_data(as_text=True)).group(1)
    assert volunteer.post(f"/c/{card}", data={"csrf_token": form}).status_code == 303
    with volunteer.session_transaction() as s:
        assert s["learner"] == public_id and s["volunteer"]
    assert volunteer.get("/volunteer/").status_code == 200


def test_card_tokens_are_random_hashed_and_revocable(app):
    learner, public_id = learner_with_progress(app)
    first = card_token(app, public_id)
    assert public_id not in first and app.test_client().get(f"/c/{first}").status_code == 200
    with db_of(app) as db:
        card = models.LearnerCard
        assert db.scalar(select(func.count()).select_from(card)
                         .where(card.token_hash == first)) == 0  # only a hash is kept
    assert learner.get("/my-card").status_code == 200  # printing a new card …
    assert app.test_client().get(f"/c/{first}").status_code == 404  # … revokes the old one
    with db_of(app) as db:
        assert [c.revoked_at is None for c in db.scalars(select(card).order_by(card.id))] == \
            [False, True]

    volunteer = signed_in(app)
    class_id = new_class(volunteer)
    learner.post(f"/join/{code_of(app, class_id)}", data={"name": "Ông Bảy"})
    board = volunteer.get(f"/volunteer/classes/{class_id}").get_data(as_text=True)
    member = re.search(r"/members/(\d+)/kiosk", board).group(1)
    third = card_token(app, public_id)
    r = volunteer.post(f"/volunteer/classes/{class_id}/members/{member}/card/revoke")
    assert r.status_code == 303
    assert app.test_client().get(f"/c/{third}").status_code == 404


def test_card_paths_never_reach_an_access_log(caplog):
    with caplog.at_level(logging.INFO):
        for name in ("werkzeug", "gunicorn.access"):
            logging.getLogger(name).info('127.0.0.1 "GET /c/%s HTTP/1.1" 200', "SeCrEtToKeN")
    assert "SeCrEtToKeN" not in caplog.text and "/c/…" in caplog.text


# --- 5. kiosk: idle on the server, cookie for the session only -----------------------------------

def test_a_kiosk_forgets_its_learner_when_idle_even_without_javascript(kiosk_app):
    k = kiosk_app.test_client()
    k.post("/kiosk/start")
    htmx(k, "/lessons/test-lesson/1", target="app-messages")
    with k.session_transaction() as s:
        assert s["learner"]
        s["kiosk_seen"] -= 11  # idle 5 s + the question's 5 s have passed
    r = k.get("/lessons/test-lesson/2")
    assert r.status_code == 303 and r.headers["Location"].endswith("/kiosk")
    with k.session_transaction() as s:
        assert "learner" not in s


def test_after_the_idle_limit_the_pages_end_and_a_late_answer_go_to_the_start(kiosk_app):
    for send in (lambda k: k.post("/kiosk/end"),
                 lambda k: htmx(k, "/lessons/test-lesson/2", target="app-messages")):
        k = kiosk_app.test_client()
        k.post("/kiosk/start")
        htmx(k, "/lessons/test-lesson/1", target="app-messages")
        with k.session_transaction() as s:
            s["kiosk_seen"] -= 11
        r = send(k)
        assert (r.headers.get("Location") or r.headers.get("HX-Redirect")).endswith("/kiosk")
        with k.session_transaction() as s:
            assert "learner" not in s
    with kiosk_app.extensions["sessionmaker"]() as db:
        assert db.scalar(select(func.count()).select_from(models.StepEvent)) == 2


def test_a_kiosk_learner_who_says_still_here_is_kept(kiosk_app):
    k = kiosk_app.test_client()
    k.post("/kiosk/start")
    htmx(k, "/lessons/test-lesson/1", target="app-messages")
    with k.session_transaction() as s:
        s["kiosk_seen"] -= 8  # the question is showing; "Còn, tôi đang học" is tapped
    assert k.get("/kiosk/here").status_code == 204
    with k.session_transaction() as s:
        s["kiosk_seen"] -= 8
    assert k.get("/lessons/test-lesson/2").status_code == 200  # 16 s in all, 8 since the tap


def test_a_kiosk_cookie_ends_with_the_browser(kiosk_app):
    k = kiosk_app.test_client()
    r = k.post("/kiosk/start")
    assert "tapso=" in cookie_header(r) and "Expires" not in cookie_header(r)
    r = htmx(k, "/lessons/test-lesson/1", target="app-messages")
    assert "Expires" not in cookie_header(r)


# --- 6. tries reserved atomically ---------------------------------------------------------------

def kiosk_login_id(app) -> int:
    with db_of(app) as db:
        learner = progress.get_or_create_learner(db, progress.new_public_id())
        learner.display_name = "Bà Năm"
        login = kiosk.set_secret(db, app.config["SECRET_KEY"], learner, "fish", "pin",
                                 pin="4826")
        db.commit()
        return login.id


def test_parallel_kiosk_pin_tries_check_at_most_five_guesses(kiosk_app):
    login_id = kiosk_login_id(kiosk_app)

    def guess(i: int) -> str:
        r = kiosk_app.test_client().post(f"/kiosk/sign-in/{login_id}", data={"pin": f"{i:04d}"})
        return r.get_data(as_text=True)

    pages = run_parallel(30, guess)
    checked = sum("Chưa đúng. Bác thử lại nhé." in p for p in pages)
    assert 1 <= checked <= kiosk.MAX_FAILURES, checked
    right = kiosk_app.test_client().post(f"/kiosk/sign-in/{login_id}", data={"pin": "4826"})
    assert right.status_code == 400  # locked: the right PIN after the limit does not sign in


def test_parallel_volunteer_logins_check_at_most_five_passwords(app):
    add_volunteer(app)

    def guess(i: int) -> int:
        return app.test_client().post("/volunteer/login", data={
            "username": "an", "password": f"wrong {i}"}).status_code

    codes = run_parallel(30, guess)
    assert 1 <= codes.count(401) <= auth.MAX_FAILURES and codes.count(429) >= 25, codes


def test_login_lock_is_per_address_slower_per_name_and_an_admin_unlocks(app):
    add_volunteer(app)
    here, there = {"REMOTE_ADDR": "10.0.0.5"}, {"REMOTE_ADDR": "10.0.0.9"}
    client = app.test_client()
    for _ in range(auth.MAX_FAILURES):
        client.post("/volunteer/login", data={"username": "an", "password": "nope"},
                    environ_base=here)
    form = {"username": "an", "password": PASSWORD}
    assert client.post("/volunteer/login", data=form, environ_base=here).status_code == 429
    assert client.post("/volunteer/login", data=form, environ_base=there).status_code == 303
    result = app.test_cli_runner().invoke(args=["unlock", "an"])
    assert result.exit_code == 0, result.output
    assert client.post("/volunteer/login", data=form, environ_base=here).status_code == 303


def test_tries_of_a_passed_window_are_deleted(app):
    from trainer.classroom import limits
    from trainer.models import TryCounter

    with db_of(app) as db:
        old = dt.datetime(2020, 1, 1)
        db.add(TryCounter(key="login:an|10.0.0.1", tries=3, since=old))
        db.commit()
        assert limits.reserve(db, "join:10.0.0.2", 5, limits.JOIN_WINDOW)
        assert db.scalar(select(func.count()).select_from(TryCounter)) == 1


# --- 7. stored secrets and backups ------------------------------------------------------------

def test_kiosk_secrets_are_keyed_and_old_hashes_are_upgraded(app):
    from werkzeug.security import generate_password_hash

    with db_of(app) as db:
        learner = progress.get_or_create_learner(db, progress.new_public_id())
        login = kiosk.set_secret(db, "key-one", learner, "fish", "pin", pin="4826")
        db.commit()
        assert login.secret_hash != kiosk.secret_hash("key-two", "pin:4826")
        assert not kiosk.check_secret(db, "key-two", login, pin="4826")  # the key matters
        assert kiosk.check_secret(db, "key-one", login, pin="4826")
        login.secret_hash = generate_password_hash("pin:1234", method="scrypt")
        db.commit()
        assert kiosk.check_secret(db, "key-one", login, pin="1234")
        assert db.get(KioskLogin, login.id).secret_hash == kiosk.secret_hash("key-one",
                                                                             "pin:1234")


SQLITE_ONLY = pytest.mark.skipif(bool(PG_URL), reason="PostgreSQL is backed up with pg_dump")


@SQLITE_ONLY
def test_a_backup_is_readable_by_its_owner_only(app, tmp_path):
    learner_with_progress(app)
    os.umask(0o022)
    dest = tmp_path / "backups" / "copy.db"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert stat.S_IMODE(dest.parent.stat().st_mode) == 0o700


@SQLITE_ONLY
@pytest.mark.skipif(not Path("/usr/bin/gpg").exists(), reason="gpg not installed")
def test_a_backup_can_be_encrypted_with_gpg(app, tmp_path):
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "backup@tapso",
                    "default", "default", "never"], env=env, check=True, capture_output=True)
    os.environ["GNUPGHOME"] = str(home)
    try:
        dest = tmp_path / "copy.db"
        result = app.test_cli_runner().invoke(args=["backup", str(dest),
                                                    "--encrypt-to", "backup@tapso"])
    finally:
        del os.environ["GNUPGHOME"]
    assert result.exit_code == 0, result.output
    encrypted = tmp_path / "copy.db.gpg"
    assert encrypted.exists() and not dest.exists()
    assert b"SQLite format" not in encrypted.read_bytes()
    assert stat.S_IMODE(encrypted.stat().st_mode) == 0o600


# --- 9. next= ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "\t//evil.example",
                                    "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
                                    "//evil.example", "https://evil.example/", "/\r\n/x",
                                    "javascript:alert(1)", " /x"])
def test_next_never_leads_to_another_site(app, target):
    from urllib.parse import quote

    client = app.test_client()
    for url in {f"/settings?next={target}", f"/settings?next={quote(target, safe='%')}"}:
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="next" value="/"' in page.get_data(as_text=True)  # the settings form's
    for url, form in (("/settings", {"text": "large"}), ("/lang", {"lang": "en"})):
        r = client.post(url, data={**form, "next": target})
        assert r.status_code == 303 and r.headers["Location"] == "/", (url, r.status_code)


# --- 10. bad input is a friendly 4xx ----------------------------------------------------------

def test_huge_ids_report_dates_and_nul_bytes_are_4xx(app):
    volunteer = signed_in(app)
    class_id = new_class(volunteer)
    code = code_of(app, class_id)
    huge = 2**31
    for url in (f"/practice/{huge}", f"/volunteer/classes/{huge}", f"/volunteer/classes/{10**30}",
                f"/volunteer/classes/{class_id}/members/{huge}/kiosk", f"/kiosk/sign-in/{huge}",
                "/lessons/test-lesson/99999999999999999999"):
        r = volunteer.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "Không tìm thấy trang này" in r.get_data(as_text=True)
    for start, end in (("0001-01-01", "9999-12-31"), ("9999-12-31", "0001-01-01")):
        r = volunteer.get(f"/volunteer/reports/?start={start}&end={end}")
        assert r.status_code == 400 and "từ năm 2020" in r.get_data(as_text=True)
        r = volunteer.get(f"/volunteer/reports/report.csv?start={start}&end={end}")
        assert 400 <= r.status_code < 500
    learner = app.test_client()
    bad = [learner.post(f"/join/{code}", data={"name": "Bà\x00Lan"}),
           learner.post("/volunteer/login", data={"username": "an\x00", "password": "x"}),
           htmx(learner, "/lessons/test-lesson/1", target="app-messages", sid="a\x00b"),
           volunteer.post("/volunteer/classes/new", data={
               "title": "Lớp\x00", "held_on": dt.date.today().isoformat(),
               "lesson": ["test-lesson"]}),
           learner.get("/settings?next=/%00")]
    for r in bad:
        assert r.status_code == 400, r.status_code
        assert "Có gì đó chưa đúng" in r.get_data(as_text=True)


# --- 11. class codes -------------------------------------------------------------------------

def test_join_codes_cannot_be_guessed_and_titles_show_only_after_joining(app):
    from trainer.classroom import limits

    volunteer = signed_in(app)
    class_id = new_class(volunteer, title="Lớp bí mật")
    code = code_of(app, class_id)
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    real, fake = stranger.get(f"/join/{code}"), stranger.get("/join/ZZZZZZ")
    assert real.status_code == fake.status_code == 200
    assert real.get_data(as_text=True).replace(code, "") == \
        fake.get_data(as_text=True).replace("ZZZZZZ", "")
    assert "Lớp bí mật" not in real.get_data(as_text=True)
    codes = [stranger.post(f"/join/WRONG{i}", data={"name": "X"}).status_code
             for i in range(limits.JOIN_LIMIT)]
    assert set(codes) == {404}
    assert stranger.post(f"/join/{code}", data={"name": "X"}).status_code == 429
    assert stranger.post("/join", data={"code": code}).status_code == 429
    member = app.test_client()
    assert member.post(f"/join/{code}", data={"name": "Bà Ba"}).status_code == 303
    assert "Lớp bí mật" in member.get("/lessons/test-lesson/1").get_data(as_text=True)


def test_a_locked_class_lets_nobody_new_join(app):
    volunteer = signed_in(app)
    class_id = new_class(volunteer)
    code = code_of(app, class_id)
    member = app.test_client()
    assert member.post(f"/join/{code}", data={"name": "Bà Ba"}).status_code == 303
    assert volunteer.post(f"/volunteer/classes/{class_id}/lock",
                          data={"locked": "1"}).status_code == 303
    late = app.test_client().post(f"/join/{code}", data={"name": "Người lạ"})
    assert late.status_code == 403 and "khoá" in late.get_data(as_text=True)
    assert member.post(f"/join/{code}", data={"name": "Bà Ba"}).status_code == 303
    volunteer.post(f"/volunteer/classes/{class_id}/lock", data={"locked": "0"})
    assert app.test_client().post(f"/join/{code}", data={"name": "Ông Tư"}).status_code == 303


# --- 12. a volunteer's logout ends every copy of the cookie ---------------------------------

def test_logout_and_a_new_password_end_copied_cookies(app):
    volunteer = signed_in(app)
    copy = app.test_client()
    cookie = volunteer.get_cookie("tapso")
    copy.set_cookie("tapso", cookie.value)
    assert copy.get("/volunteer/").status_code == 200
    volunteer.post("/volunteer/logout")
    assert copy.get("/volunteer/").status_code == 302

    again = app.test_client()
    assert again.post("/volunteer/login", data={"username": "an",
                                                "password": PASSWORD}).status_code == 303
    copy.set_cookie("tapso", again.get_cookie("tapso").value)
    with db_of(app) as db:
        auth.set_password(db.get(Volunteer, 1), "a new password")
        db.commit()
    assert copy.get("/volunteer/").status_code == 302
    assert again.get("/volunteer/").status_code == 302


# --- 13. bodies and patterns --------------------------------------------------------------------

def test_nested_quantifiers_are_found():
    from trainer.content.patterns import nested_quantifier

    for risky in ("(a+)+$", r"(\w*)*$", r"(?:\s*\d)+", "(x+x+)+y"):
        assert nested_quantifier(risky), risky
    for fine in (r"^\d{9}$", "(ab)+", r"^(0|\+84)\d{9}$", "[0-9 ]+", r"(\d{3} ?){3}",
                 ".*l[iy] ?l[iy]c?h.*", "(demo-)?000\\.00"):
        assert nested_quantifier(fine) is None, fine


def test_waitress_refuses_a_big_body_itself(tmp_path, lessons_dir):
    import http.client

    from tests.browser.conftest import LiveServer
    from tests.conftest import fresh_database_url

    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson"))
    server = LiveServer(tmp_path, {"DATABASE_URL": fresh_database_url(tmp_path),
                                   "SECRET_KEY": "s",
                                   "TRAINER_LESSONS_DIR": str(lessons_dir.root)}).start()
    try:
        host, port = server.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.putrequest("POST", "/lessons/test-lesson/1")
        conn.putheader("Content-Length", str(1024**3))
        conn.endheaders()
        conn.send(b"x" * 1024)
        response = conn.getresponse()
        assert response.status == 413
        assert "tapso" not in response.getheader("Set-Cookie", "")  # waitress, not Flask
    finally:
        server.stop(kill=True)


# --- 15. logs ------------------------------------------------------------------------------------

def test_sql_errors_in_the_log_never_carry_values(app):
    from sqlalchemy.exc import IntegrityError

    with db_of(app) as db:
        db.add(Learner(public_id="same", display_name="Nguyễn Thị Bí Mật"))
        db.add(Learner(public_id="same", display_name="Nguyễn Thị Bí Mật"))
        with pytest.raises(IntegrityError) as caught:
            db.commit()
    assert "Bí Mật" not in str(caught.value)


def test_the_nginx_config_sends_the_browser_policies_and_keeps_card_links_out_of_logs():
    conf = (ROOT / "deploy/nginx/tapso.conf").read_text()
    for header in ("Permissions-Policy", "Cross-Origin-Opener-Policy",
                   "Strict-Transport-Security"):
        assert f"add_header {header}" in conf, header
    card_links = re.search(r"location /c/ \{(.*?)\}", conf, re.S).group(1)
    assert "access_log off;" in card_links and "proxy_pass http://tapso;" in card_links


# --- 16. privacy -------------------------------------------------------------------------------

def test_my_data_shows_everything_kept_and_offers_a_download(app):
    volunteer = signed_in(app)
    class_id = new_class(volunteer, title="Lớp Thôn Đông")
    learner = app.test_client()
    learner.post(f"/join/{code_of(app, class_id)}", data={"name": "Bà Sáu",
                                                          "birth_year": "1955"})
    learner.post("/settings", data={"text": "xlarge", "contrast": "1"})
    with db_of(app) as db:
        member = db.scalar(select(Learner).where(Learner.display_name == "Bà Sáu"))
        kiosk.set_secret(db, app.config["SECRET_KEY"], member, "moon", "pin", pin="1357")
        db.commit()
    page = learner.get("/my-data/").get_data(as_text=True)
    for shown in ("Lớp Thôn Đông", "1955", "Bà Sáu", "Trăng", "rất lớn", "tương phản cao",
                  "/my-data/download"):
        assert shown in page, shown
    download = learner.get("/my-data/download")
    assert download.status_code == 200 and "attachment" in download.headers[
        "Content-Disposition"]
    data = json.loads(download.get_data(as_text=True))
    assert data["class_member"][0]["birth_year"] == 1955
    assert "1357" not in download.get_data(as_text=True)
    assert all("hash" not in key for row in data["kiosk_login"] for key in row)
    assert app.test_client().get("/my-data/download").status_code == 404


def test_purge_deletes_learners_inactive_for_months(app):
    learner_with_progress(app)
    _, recent = learner_with_progress(app)
    with db_of(app) as db:
        old = db.get(Learner, 1)
        old.created_at = dt.datetime(2020, 1, 1)
        for attempt in old.attempts:
            for event in attempt.events:
                event.created_at = dt.datetime(2020, 1, 2)
        db.commit()
    runner = app.test_cli_runner()
    assert "1 learner" in runner.invoke(args=["purge", "--inactive", "12m", "--dry-run"]).output
    result = runner.invoke(args=["purge", "--inactive", "12m"])
    assert result.exit_code == 0 and "1 learner" in result.output
    with db_of(app) as db:
        assert [x.public_id for x in db.scalars(select(Learner))] == [recent]
    assert runner.invoke(args=["purge", "--inactive", "soon"]).exit_code == 2


def test_the_kiosk_list_shows_only_learners_of_recent_classes(kiosk_app):
    volunteer = signed_in(kiosk_app)
    class_id = new_class(volunteer)
    kiosk_app.test_client().post(f"/join/{code_of(kiosk_app, class_id)}",
                                 data={"name": "Bà Trong Lớp"})
    with db_of(kiosk_app) as db:
        inside = db.scalar(select(Learner).where(Learner.display_name == "Bà Trong Lớp"))
        kiosk.set_secret(db, "k", inside, "fish", "pin", pin="1111")
        outside = progress.get_or_create_learner(db, progress.new_public_id())
        outside.display_name = "Ông Ngoài Lớp"
        kiosk.set_secret(db, "k", outside, "moon", "pin", pin="2222")
        db.commit()
    k = kiosk_app.test_client()
    k.post("/kiosk/start")
    who = k.get("/kiosk/who").get_data(as_text=True)
    assert "Bà Trong Lớp" in who and "Ông Ngoài Lớp" not in who


def test_pages_ask_no_other_host_by_default(make_app):
    from trainer import config

    assert config.load("/tmp", {})["USE_CDN"] is False
    app = make_app(USE_CDN=config.load("/tmp", {})["USE_CDN"])
    page = app.test_client().get("/").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page and "https://" not in re.sub(
        r'<a [^>]*href="https://[^"]*"', "", page).split("<body", 1)[0]


# --- 17. supply chain -----------------------------------------------------------------------

def test_make_audit_checks_the_installed_packages_for_known_vulnerabilities():
    out = subprocess.run(["make", "-n", "audit"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "pip-audit" in out
