"""One code per learner card, one limit on guessing codes, cards that stay the same until
"In thẻ mới", and card QR codes that phones can open (issues 17 and 20)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

import pytest
from sqlalchemy import select, text, update

from tests.conftest import htmx, lesson_text
from tests.test_shared_device import PASSWORD, add_volunteer, code_of, db_of, new_class, signed_in
from trainer import db as database
from trainer import progress
from trainer.classroom import addresses, cards, limits, qr
from trainer.models import LearnerCard, LearnerCode, TryCounter

SECRET = "test-secret"


@pytest.fixture
def make(make_app, lessons_dir):
    lessons_dir("vi/test-lesson.md", lesson_text("test-lesson", steps=3))
    return lambda **config: make_app(LESSONS_DIR=str(lessons_dir.root), **config)


def learner(app, **client_options):
    """A learner with a step done on a phone: (client, public id)."""
    client = app.test_client(**client_options)
    htmx(client, "/lessons/test-lesson/1", target="app-messages")
    with client.session_transaction() as s:
        return client, s["learner"]


def code_on_card(page: str) -> str:
    return re.search(r'class="card-code">.*?<strong>([0-9A-Z]{3} [0-9A-Z]{3})</strong>',
                     page, re.S).group(1)


def cards_of(page: str) -> str:
    """The printed cards of a page (its CSRF token changes from one second to the next)."""
    return page[page.index('<div class="cards">'):page.rindex("</article>")]


def token_of(app, public_id: str) -> str:
    """The token of the learner's current card (the one its page shows)."""
    with db_of(app) as db:
        token = cards.card_token(db, SECRET, progress.find_learner(db, public_id))
        db.commit()
        return token


def signed_in_as(client) -> str | None:
    with client.session_transaction() as s:
        return s.get("learner")


# --- 1. one code per learner ------------------------------------------------------------------

def test_the_card_shows_one_code_for_another_phone_and_for_a_kiosk(make):
    app = make(KIOSK=True)
    phone, public_id = learner(app)
    card = phone.get("/my-card").get_data(as_text=True)
    code = code_on_card(card)
    assert card.count('class="card-code"') == 1 and "Mã thẻ" not in card
    assert phone.post("/resume/new").status_code == 303  # "mã học tiếp" is the same code
    assert code in phone.get("/resume/code").get_data(as_text=True)
    with db_of(app) as db:  # kept only as HMAC(SECRET_KEY, code)
        row = db.scalar(select(LearnerCode))
        assert row.code_hash == hmac.new(SECRET.encode(), code.replace(" ", "").encode(),
                                         hashlib.sha256).hexdigest()
        if not database_is_pg(db):  # nowhere in the whole database
            raw = db.connection().connection.dbapi_connection
            assert code.replace(" ", "") not in "\n".join(raw.iterdump())
    download = phone.get("/my-data/download").get_data(as_text=True)
    assert "learner_code" in download and '"seed"' not in download and "hash" not in download
    other = app.test_client()
    assert other.post("/resume", data={"code": code.lower()}).status_code == 303
    assert signed_in_as(other) == public_id
    kiosk = app.test_client()
    kiosk.post("/kiosk/start")
    assert kiosk.post("/kiosk/code", data={"code": code}).status_code == 303
    assert signed_in_as(kiosk) == public_id


def database_is_pg(db) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def test_the_code_stays_until_a_new_card_and_then_only_the_new_one_works(make):
    app = make()
    phone, _ = learner(app)
    first = code_on_card(phone.get("/my-card").get_data(as_text=True))
    assert code_on_card(phone.get("/my-card").get_data(as_text=True)) == first
    phone.post("/my-card/new")
    second = code_on_card(phone.get("/my-card").get_data(as_text=True))
    assert second != first
    assert app.test_client().post("/resume", data={"code": first}).status_code == 200
    assert app.test_client().post("/resume", data={"code": second}).status_code == 303


def test_codes_from_before_the_single_code_keep_working(database_url, make):
    """Migration 0012: a "mã học tiếp" (already an HMAC) and a kiosk "mã thẻ" (plain until
    then) both still sign in, on /resume and on a kiosk; no code is left in plain."""
    engine = database.make_engine(database_url)
    database.upgrade(engine, "0011")
    with engine.begin() as conn:
        for i in (1, 2):
            conn.execute(text("INSERT INTO learner (id, public_id, created_at) VALUES "
                              "(:i, :p, CURRENT_TIMESTAMP)"), {"i": i, "p": f"old-{i}"})
        resume = hmac.new(SECRET.encode(), b"KXM4RT", hashlib.sha256).hexdigest()
        conn.execute(text("UPDATE learner SET resume_hash = :h WHERE id = 1"), {"h": resume})
        conn.execute(text("INSERT INTO card_code (learner_id, code) VALUES (2, 'ABCD2345')"))
        conn.execute(text("INSERT INTO attempt (uid, learner_id, lesson_id, started_at) "
                          "VALUES ('a-1', 1, 'test-lesson', CURRENT_TIMESTAMP)"))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):  # plain codes need the key
        database.upgrade(engine)
    database.upgrade(engine, secret_key=SECRET)
    with engine.connect() as conn:
        tables = set(engine.dialect.get_table_names(conn))
        # Changing the learner table on SQLite (a copy, then a drop) kept her progress.
        assert conn.execute(text("SELECT count(*) FROM attempt")).scalar() == 1
    engine.dispose()
    assert "card_code" not in tables and "resume_try" not in tables
    app = make(KIOSK=True)
    for typed, public_id in (("kxm 4rt", "old-1"), ("ABCD 2345", "old-2")):
        phone = app.test_client()
        assert phone.post("/resume", data={"code": typed}).status_code == 303
        assert signed_in_as(phone) == public_id
        kiosk = app.test_client()
        kiosk.post("/kiosk/start")
        assert kiosk.post("/kiosk/code", data={"code": typed}).status_code == 303
        assert signed_in_as(kiosk) == public_id
    # Her card shows one new code; the old ones go with the next new card.
    shown = code_on_card(phone.get("/my-card").get_data(as_text=True))
    assert shown.replace(" ", "") not in ("ABCD2345", "KXM4RT")
    phone.post("/my-card/new")
    assert app.test_client().post("/resume", data={"code": "ABCD2345"}).status_code == 200


# --- 2. one limit on guessing codes, on every page that takes one -------------------------------

def _learner_code(app) -> str:
    phone, _ = learner(app)
    return code_on_card(phone.get("/my-card").get_data(as_text=True))


def _kiosk_client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.post("/kiosk/start")
    return client


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


ENTRY_POINTS = {  # page: (limit, a kiosk?, path of a wrong try, form, path of the right one)
    "resume": (limits.LEARNER_CODE, False, lambda i, right: "/resume",
               lambda i, right: {"code": right or f"AAAAA{'CEFHJ'[i % 5]}"}),
    "kiosk": (limits.LEARNER_CODE, True, lambda i, right: "/kiosk/code",
              lambda i, right: {"code": right or f"AAAAA{'CEFHJ'[i % 5]}"}),
    "join-form": (limits.JOIN, False, lambda i, right: "/join",
                  lambda i, right: {"code": right or f"WRONG{i}"}),
    "join-link": (limits.JOIN, False, lambda i, right: f"/join/{right or f'WRONG{i}'}",
                  lambda i, right: {"name": "Bà Tư"}),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_burst_of_wrong_codes_locks_that_address_until_the_window_ends(make, entry):
    guess, on_kiosk, path, form = ENTRY_POINTS[entry]
    app = make(KIOSK=on_kiosk)
    if guess is limits.JOIN:
        right = code_of(app, new_class(signed_in(app)))
    else:
        right = _learner_code(app)
    open_client = _kiosk_client if on_kiosk else _client
    guesser = open_client(app, "10.0.0.66")
    for i in range(guess.tries):
        r = guesser.post(path(i, None), data=form(i, None))
        assert r.status_code in (200, 400, 404), (i, r.status_code)
    r = guesser.post(path(0, right), data=form(0, right))  # the right code, locked out
    assert r.status_code == 429 and signed_in_as(guesser) is None
    assert "15 phút" in r.get_data(as_text=True) or guess is limits.JOIN
    other = open_client(app, "10.0.0.77")  # another address is not locked
    assert other.post(path(0, right), data=form(0, right)).status_code == 303
    with db_of(app) as db:  # the window ends
        db.execute(update(TryCounter).values(since=TryCounter.since - guess.window
                                             - dt.timedelta(seconds=1)))
        db.commit()
    assert guesser.post(path(0, right), data=form(0, right)).status_code == 303


def test_wrong_codes_count_together_on_the_resume_page_and_the_kiosk(make):
    app = make(KIOSK=True)
    code = _learner_code(app)
    phone = _client(app, "10.0.0.66")
    for _ in range(limits.LEARNER_CODE.tries - 1):
        assert phone.post("/resume", data={"code": "AAAAAA"}).status_code == 200
    kiosk = _kiosk_client(app, "10.0.0.66")
    assert kiosk.post("/kiosk/code", data={"code": "AAAAAA"}).status_code == 400
    refused = kiosk.post("/kiosk/code", data={"code": code})
    assert refused.status_code == 429 and "15 phút" in refused.get_data(as_text=True)
    assert phone.post("/resume", data={"code": code}).status_code == 429


def test_ipv6_addresses_are_counted_per_64():
    assert limits.address_key("2001:db8:1:2:aaaa::1") == limits.address_key("2001:db8:1:2::9")
    assert limits.address_key("2001:db8:1:3::1") != limits.address_key("2001:db8:1:2::1")
    assert limits.address_key("::ffff:10.0.0.1") == "10.0.0.1"


# --- 3. the card page shows the current card; only "In thẻ mới" replaces it ---------------------

def test_viewing_my_card_keeps_the_card_and_in_the_moi_replaces_it(make, on_a_network):
    app = make(WTF_CSRF_ENABLED=True)
    phone = app.test_client()
    page = phone.get("/lessons/test-lesson/1").get_data(as_text=True)
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    phone.post("/lessons/test-lesson/1", data={"target": "app-messages", "sid": "a"},
               headers={"X-CSRFToken": csrf})
    public_id = signed_in_as(phone)
    first_page = phone.get("/my-card").get_data(as_text=True)
    first = token_of(app, public_id)
    assert qr.svg_inline(f"http://192.168.1.5/c/{first}") in first_page
    assert cards_of(phone.get("/my-card").get_data(as_text=True)) == cards_of(first_page)
    assert app.test_client().get(f"/c/{first}").status_code == 200  # still works
    # A forged "In thẻ mới" (no CSRF token) changes nothing.
    assert phone.post("/my-card/new").status_code == 400
    assert app.test_client().get(f"/c/{first}").status_code == 200

    form = re.search(r'action="/my-card/new">\s*<input type="hidden" name="csrf_token" '
                     r'value="([^"]+)"', first_page).group(1)
    r = phone.post("/my-card/new", data={"csrf_token": form})
    assert r.status_code == 303
    renewed = phone.get(r.location).get_data(as_text=True)
    assert "Thẻ cũ và mã cũ không dùng được nữa" in renewed
    second = token_of(app, public_id)
    assert second != first and qr.svg_inline(f"http://192.168.1.5/c/{second}") in renewed
    gone = app.test_client().get(f"/c/{first}")
    assert gone.status_code == 404
    assert "Thẻ này không dùng được nữa" in gone.get_data(as_text=True)
    assert "Không tìm thấy thẻ này" in app.test_client().get("/c/nothing").get_data(as_text=True)
    assert "Tiếp tục" in app.test_client().get(f"/c/{second}").get_data(as_text=True)
    with db_of(app) as db:
        assert [c.revoked_at is None for c in db.scalars(select(LearnerCard)
                                                         .order_by(LearnerCard.id))] == \
            [False, True]


def test_printing_the_class_cards_again_keeps_the_cards_handed_out(make):
    app = make()
    volunteer = signed_in(app)
    class_id = new_class(volunteer)
    phone = app.test_client()
    assert phone.post(f"/join/{code_of(app, class_id)}", data={"name": "Bà Hai"}).status_code \
        == 303
    first = volunteer.get(f"/volunteer/classes/{class_id}/cards").get_data(as_text=True)
    token = token_of(app, signed_in_as(phone))
    again = volunteer.get(f"/volunteer/classes/{class_id}/cards").get_data(as_text=True)
    assert cards_of(again) == cards_of(first)  # the same cards
    assert app.test_client().get(f"/c/{token}").status_code == 200
    assert code_on_card(first) == code_on_card(phone.get("/my-card").get_data(as_text=True))


# --- 4. cards carry an address phones can open ------------------------------------------------

@pytest.fixture
def on_a_network(monkeypatch):
    """The laptop's Wi-Fi and hotspot addresses (what psutil would find)."""
    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.1.5", "10.42.0.1"])


def test_a_card_printed_on_the_laptop_itself_carries_its_lan_address(make, on_a_network):
    app = make(SERVER_NAME="127.0.0.1:8000")  # the browser on the laptop itself
    laptop = app.test_client()
    htmx(laptop, "/lessons/test-lesson/1", target="app-messages")
    page = laptop.get("/my-card").get_data(as_text=True)
    token = token_of(app, signed_in_as(laptop))
    assert qr.svg_inline(f"http://192.168.1.5:8000/c/{token}") in page
    assert qr.svg_inline(f"http://127.0.0.1:8000/c/{token}") not in page
    # Reached at a network address (a phone, or the app bound to one): that address.
    phone = make(SERVER_NAME="10.42.0.1:8000").test_client()
    htmx(phone, "/lessons/test-lesson/1", target="app-messages")
    page = phone.get("/my-card").get_data(as_text=True)
    assert qr.svg_inline(f"http://10.42.0.1:8000/c/{token_of(app, signed_in_as(phone))}") \
        in page


def test_class_cards_carry_the_address_the_volunteer_chose(make, on_a_network):
    app = make(SERVER_NAME="127.0.0.1:8000")
    add_volunteer(app)
    volunteer = app.test_client()
    assert volunteer.post("/volunteer/login", data={"username": "an", "password": PASSWORD}
                          ).status_code == 303
    class_id = new_class(volunteer)
    phone = app.test_client()
    phone.post(f"/join/{code_of(app, class_id)}", data={"name": "Bà Hai"})
    token = token_of(app, signed_in_as(phone))
    chosen = "http://10.42.0.1:8000"
    page = volunteer.get(f"/volunteer/classes/{class_id}", query_string={"address": chosen})
    assert f'value="{chosen}" selected' in page.get_data(as_text=True)
    cards_page = volunteer.get(f"/volunteer/classes/{class_id}/cards").get_data(as_text=True)
    assert qr.svg_inline(f"{chosen}/c/{token}") in cards_page
    assert qr.svg_inline(f"http://127.0.0.1:8000/c/{token}") not in cards_page


def test_a_public_address_wins_on_every_card(make, on_a_network):
    app = make(PUBLIC_URL="https://tapso.example/", SERVER_NAME="127.0.0.1:8000")
    laptop = app.test_client()
    htmx(laptop, "/lessons/test-lesson/1", target="app-messages")
    page = laptop.get("/my-card").get_data(as_text=True)
    token = token_of(app, signed_in_as(laptop))
    assert qr.svg_inline(f"https://tapso.example/c/{token}") in page


def test_upgrading_an_old_laptop_keeps_every_learners_progress(database_url):
    """SQLite changes a table by copying it and dropping the old one; with foreign keys on,
    the drop deleted every row pointing at it (0007 and 0012 change ``learner``: every
    attempt went). Migrations run with foreign keys off."""
    engine = database.make_engine(database_url)
    database.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, public_id, created_at) VALUES "
                          "(1, 'old', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO attempt (uid, learner_id, lesson_id, started_at) "
                          "VALUES ('a-1', 1, 'test-lesson', CURRENT_TIMESTAMP)"))
    database.upgrade(engine, secret_key=SECRET)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM attempt")).scalar() == 1
        if conn.dialect.name == "sqlite":  # and foreign keys are on again afterwards
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
