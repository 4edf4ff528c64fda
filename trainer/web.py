"""What every request needs: database session, learner, language, CSRF, security
headers, asset URLs, friendly error pages, and the few hooks that run on every page.

Every app-wide hook is registered here, in ``init_app``, with the reason it exists; the
views only ever register their own URLs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import re
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel, get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_compress import Compress
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import BadSignature
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from trainer import db as database
from trainer import progress
from trainer.a11y import Prefs
from trainer.answers import BadSubmission, Submission
from trainer.classroom import addresses, cards, classes, devices
from trainer.content.authoring.preview import signature
from trainer.content.languages import language_name, languages
from trainer.content.lesson import Lesson
from trainer.content.library import Library, load_library
from trainer.forms import submission_id
from trainer.models import ClassMember, KioskDevice, Learner
from trainer.screens import FILTERS
from trainer.speech import recordings, voice

csrf = CSRFProtect()
babel = Babel()
compress = Compress()


SESSION_RESIGN_AFTER = dt.timedelta(days=1)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, with two changes. It is Secure whenever the page came over
    HTTPS (also behind a proxy). An unchanged cookie is signed again at most once a day
    rather than on every request: its 400 days still start again from a learner's last
    day of practice, and the phones' frequent class-bar polls cost less."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:  # noqa: ANN001
        serializer = self.get_signing_serializer(app)
        value = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not value:
            return super().open_session(app, request)
        try:
            data, signed_at = serializer.loads(
                value, max_age=int(app.permanent_session_lifetime.total_seconds()),
                return_timestamp=True)
        except BadSignature:
            return self.session_class()
        opened = self.session_class(data)
        opened.signed_at = signed_at  # when it was last signed: see should_set_cookie
        return opened

    def save_session(self, app: Flask, session: SecureCookieSession, response) -> None:  # noqa: ANN001
        """Never a Set-Cookie on a refused cross-site request, nor a new cookie on an error
        page for a request that carried none (the error page's CSRF token would otherwise
        replace a learner's cookie that SameSite kept out of a hostile POST)."""
        if g.get("cross_site") or (response.status_code >= 400 and
                                   self.get_cookie_name(app) not in request.cookies):
            return
        super().save_session(app, session, response)

    def should_set_cookie(self, app: Flask, session: SecureCookieSession) -> bool:
        if session.modified:
            return True
        signed_at = getattr(session, "signed_at", None)
        return session.permanent and (
            signed_at is None or dt.datetime.now(dt.UTC) - signed_at > SESSION_RESIGN_AFTER)


class BoundedInt(IntegerConverter):
    """``<int:…>`` that only matches ids a database column can hold: a huge number in
    the address is "not found" (404), never an OverflowError (500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002, ANN001
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    # Ids in addresses fit the database's 32-bit integers (before any view registers).
    app.url_map.converters["int"] = BoundedInt
    engine = database.make_engine(app.config["DATABASE_URL"])
    app.extensions["engine"] = engine
    app.extensions["sessionmaker"] = database.make_sessionmaker(engine)
    app.config["LANGUAGES"] = languages(app.config["TRANSLATIONS_DIR"],
                                        app.config["DEFAULT_LOCALE"])
    babel.init_app(app, locale_selector=select_locale,
                   default_locale=app.config["DEFAULT_LOCALE"],
                   default_translation_directories=app.config["TRANSLATIONS_DIR"])
    app.jinja_env.install_gettext_callables(  # flask-babel's, with the catalogue looked up once
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    # A hostile site's form POST is refused before anything else runs: no session is
    # read or written, so it cannot sign a volunteer out or replace a learner's cookie.
    app.before_request(_refuse_cross_site)
    # An archive from a class laptop is far bigger than an answer: its page says so before
    # CSRF reads the form (every other request keeps MAX_CONTENT_LENGTH, 16 KB).
    app.before_request(_larger_uploads)
    # NUL bytes in an address or a form are refused before a view passes them to the
    # database (PostgreSQL refuses them with an error).
    app.before_request(_refuse_nul)
    csrf.init_app(app)
    # gzip/brotli for pages and (streamed) static files; static files are cached for a year.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    compress.init_app(app)
    app.session_interface = SessionInterface()
    if app.config.get("PROXY_FIX"):  # TRAINER_PROXY_FIX=1: trust 1 proxy's X-Forwarded-*
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # A learner card's token (a sign-in) is never written to an access log.
    for name in ACCESS_LOGGERS:
        logging.getLogger(name).addFilter(HIDE_CARD_TOKENS)
    app.teardown_appcontext(_close_db)
    app.after_request(_security_headers)
    # A page and its htmx fragment share one address: caches, and the browser going Back,
    # must keep them apart.
    app.after_request(_vary_on_htmx)
    app.add_url_rule("/static/<path:filename>", "static", _static)
    app.jinja_env.filters.update(FILTERS)
    # Each group of screens may bring its own stylesheet: static/css/screens/<group>.css;
    # pages get them merged with the kit apps' colours, as one sheet (/static/screens.css).
    screen_css = Path(app.config["STATIC_DIR"]) / "css" / "screens"
    app.config["SCREEN_CSS"] = sorted(f"css/screens/{p.name}" for p in screen_css.glob("*.css"))
    from trainer.screens.render import (  # they draw with this module's helpers
        draw_screen,
        kit_app_icon,
        screen_css_url,
        screen_stylesheet,
    )
    app.add_url_rule("/static/screens.css", "screen_css", screen_stylesheet)

    app.jinja_env.globals.update(asset_url=asset_url, language_name=language_name,
                                 kiosk_mode=kiosk_mode,
                                 get_locale=get_locale, draw_screen=draw_screen,
                                 lesson_card=lesson_card, screen_css_url=screen_css_url,
                                 kit_app_icon=kit_app_icon)
    # "Nghe": the sources of a text's sound; the volunteer pages say when the voice is missing.
    app.jinja_env.globals.update(speech_parts=speech_parts,
                                 server_voice=lambda: voice.engine() is not None)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _error_page)

    # Authors save a lesson and see it at once (trainer serve --dev / flask run --debug).
    app.before_request(_reload_lessons_in_dev)
    # On a kiosk the home page waits behind the start screen ("Bắt đầu học").
    app.before_request(_kiosk_start_screen)
    # A kiosk forgets its learner after the idle limit even without JavaScript.
    app.before_request(_kiosk_idle)
    # Personal and volunteer pages are never stored by a browser or the service worker.
    app.after_request(_no_store_personal)
    # A kiosk's cookie ends with the browser; a learner's own phone keeps it for 400 days.
    app.after_request(_kiosk_cookie)
    # Every page is drawn in the learner's text size, contrast and motion settings; the
    # step page and the done page show the class bar; topics offer their certificate.
    app.context_processor(_page_context)
    # Settings chosen before the first answer move onto the learner created by it.
    app.after_request(_adopt_settings)


# endpoint -> bytes: an archive from a class laptop, a volunteer's recording of a text
LARGER_UPLOADS = {"volunteer.import_work": 200 * 1024 * 1024,
                  "authors.save_recording": recordings.MAX_BYTES}


def largest_body(app: Flask) -> int:
    """The largest request body any page takes (``trainer serve`` tells waitress)."""
    return max(app.config["MAX_CONTENT_LENGTH"], *LARGER_UPLOADS.values())


def _larger_uploads() -> None:
    limit = LARGER_UPLOADS.get(request.endpoint or "")
    if limit:
        request.max_content_length = limit


def _translations():
    """This request's catalogue: a page calls gettext hundreds of times (the home page)."""
    if "translations" not in g:
        g.translations = get_translations()
    return g.translations


def select_locale() -> str:
    choice = request.cookies.get("lang")
    return choice if choice in current_app.config["LANGUAGES"] else \
        current_app.config["DEFAULT_LOCALE"]


def get_db() -> Session:
    if "db" not in g:
        g.db = current_app.extensions["sessionmaker"]()
    return g.db


def _close_db(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def library() -> Library:
    return current_app.extensions["library"]


def current_learner() -> Learner | None:
    """The learner behind this browser, looked up once per request (pages ask often)."""
    public_id = session.get("learner")
    public_id = public_id if isinstance(public_id, str) else None
    cached = g.get("learner")
    if cached is None or cached[0] != public_id:
        g.learner = (public_id, progress.find_learner(get_db(), public_id))
    return g.learner[1]


def ensure_learner() -> Learner:
    """The learner behind this browser, created on their first answer (no sign-up).

    A cookie this province signed but this database does not know yet (the phone
    practised on another class laptop) keeps its id, so the two laptops' archives merge
    into one person on the provincial server (``classroom.archive``). The id also comes
    from the cookie when a page with a form gave one (``reserve_learner_id``), so a
    double-tapped first answer makes one learner, not two."""
    learner = current_learner()
    if learner is None:
        known = session.get("learner")
        learner = progress.get_or_create_learner(
            get_db(), known if progress.is_public_id(known) else progress.new_public_id())
        get_db().commit()  # the learner stays even if the view's own change is rolled back
        session["learner"] = learner.public_id
        session.permanent = not kiosk_session()
        g.learner = (learner.public_id, learner)
    return learner


def reserve_learner_id() -> None:
    """Give a newcomer's browser the id their learner row will have, before they answer:
    a page with an answer form calls this, so every copy of its first answer (a double
    tap, two tabs) names the same learner."""
    if not session.get("learner"):
        session["learner"] = progress.new_public_id()
        session.permanent = not kiosk_session()


def dev_mode() -> bool:
    """``trainer serve --dev`` or ``flask run --debug``: lessons and assets change while running."""
    return bool(current_app.debug or current_app.config.get("DEV"))


KEPT_MAX = 8192  # kept drawings per process: a few MB at most
_kept: dict[tuple, tuple[object, Markup]] = {}


def render_kept(owner: object, key: tuple, draw: Callable[[], str]) -> Markup:
    """HTML that depends only on ``owner`` (a lesson), ``key`` and the language, drawn
    once by ``draw()`` and kept: the same simulated screen or lesson card drawn for every
    learner is most of the work of a page. ``owner`` is compared by identity, so a lesson
    reloaded in development mode is drawn afresh. A cache, not state: losing it (another
    process, a restart) only costs drawing again."""
    kept_key = (id(owner), key, str(get_locale()))
    kept = _kept.get(kept_key)
    if kept is not None and kept[0] is owner:
        return kept[1]
    html = Markup(draw())
    if len(_kept) >= KEPT_MAX:
        _kept.clear()
    _kept[kept_key] = (owner, html)
    return html


def is_htmx() -> bool:
    """An htmx swap wants only the changed part; restoring history (Back) wants the page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(full: str, fragment: str, code: int = 200, **context) -> tuple[str, int]:
    """A whole page for plain browsers, only the changed part for htmx."""
    return render_template(fragment if is_htmx() else full, **context), code


@cache
def _hashed_url(static_dir: str, filename: str, mtime: float) -> Markup:
    """``mtime`` is only part of the cache key: a changed file gets a new entry."""
    path = Path(static_dir) / filename
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "0"
    return Markup(f"/static/{filename}?v={version}")


def asset_url(filename: str) -> Markup:
    """URL of a static file with its content hash, so it can be cached for a year.

    Static files only change with a new release, so each URL is worked out once per
    process; in development mode (``trainer serve --dev``) a changed file gets a new URL.
    """
    static_dir = current_app.config["STATIC_DIR"]
    if dev_mode():
        path = Path(static_dir) / filename
        return _hashed_url(static_dir, filename, path.stat().st_mtime if path.is_file() else 0)
    return _hashed_url(static_dir, filename, -1)


# Python reads MIME types from the system (on Windows, the registry), which may not know
# these or may say text/plain for .js; with ``nosniff`` a wrong type stops the browser from
# using the file. So every kind of static file has its type written here.
STATIC_TYPES = {
    ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".ico": "image/x-icon", ".gif": "image/gif",
    ".woff2": "font/woff2", ".woff": "font/woff", ".json": "application/json",
    ".webmanifest": "application/manifest+json", ".wav": "audio/wav", ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg", ".txt": "text/plain", ".html": "text/html", ".pdf": "application/pdf",
}
for _suffix, _type in STATIC_TYPES.items():  # also for files sent elsewhere (/sw.js)
    mimetypes.add_type(_type, _suffix)


def send_static(filename: str, **options):  # noqa: ANN003, ANN201 - send_file's options
    """A file of ``static/`` with its type from ``STATIC_TYPES``, never the system's."""
    mimetype = STATIC_TYPES.get(Path(filename).suffix.lower(), "application/octet-stream")
    return send_from_directory(current_app.config["STATIC_DIR"], filename, mimetype=mimetype,
                               **options)


def _static(filename: str):
    return send_static(filename)


CARD_PATH = re.compile(r"/c/[^\s?\"'/]+")
ACCESS_LOGGERS = ("gunicorn.access", "werkzeug", "waitress")


class HideCardTokens(logging.Filter):
    """Rewrites ``/c/<token>`` as ``/c/…`` in every log line of the access loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/c/" in message:
            record.msg, record.args = CARD_PATH.sub("/c/…", message), ()
        return True


HIDE_CARD_TOKENS = HideCardTokens()


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _refuse_cross_site():
    """403 for a state-changing request another site sent: the browser says so in
    ``Sec-Fetch-Site`` (every current browser) or, older ones, in ``Origin``."""
    if request.method not in UNSAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None:
        hostile = fetch_site not in ("same-origin", "none")
    elif origin is not None:
        hostile = origin == "null" or urlsplit(origin).netloc != request.host
    else:
        hostile = False
    if hostile:
        g.cross_site = True
        abort(403)
    return None


def _has_nul(values) -> bool:  # noqa: ANN001
    return any("\x00" in k or any("\x00" in v for v in values.getlist(k)) for k in values)


def _refuse_nul():
    if "\x00" in request.path or _has_nul(request.args) or (
            request.method in UNSAFE_METHODS and _has_nul(request.form)):
        abort(400)


def clear_site_cache(response):
    """Empty this site's browser cache (and so the service worker's copies): a kiosk
    starting or ending, a logout, deleted data. The next person sees none of it."""
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


# Pages the same for everyone (lessons, handbook, practice card, static files); every
# other page is personal or a volunteer's and is never stored (``Cache-Control:
# no-store``, which static/sw.js honours too). A lesson page showing the class bar (the
# learner's name) is personal as well.
SHARED_PAGES = ("/lessons/", "/handbook", "/practice-card/", "/offline", "/static/", "/sw.js")


def _no_store_personal(response):
    shared = request.path == "/" or request.path.startswith(SHARED_PAGES)
    if not shared or g.get("personal") or session.get("volunteer"):
        response.headers["Cache-Control"] = "no-store"
    return response


def kiosk_session() -> bool:
    return kiosk_mode() or bool(session.get("kiosk_started"))


def start_kiosk_session() -> None:
    """Forget whoever used this kiosk before; the new cookie ends with the browser."""
    session.clear()
    session["kiosk_started"] = True
    session["kiosk_seen"] = int(time.time())
    session.permanent = False


# Polled by the page itself, not touches: they do not keep a kiosk session awake.
NOT_A_TOUCH = frozenset({"classroom.class_bar", "lessons.nudge", "static", "home.service_worker",
                         "home.healthz"})


def _kiosk_idle():
    """On a kiosk, a learner gone longer than the idle limit and the question after it is
    forgotten on the next request, whatever the page's JavaScript did."""
    if not session.get("kiosk_started"):
        return None
    now = int(time.time())
    seen = session.get("kiosk_seen")
    limit = current_app.config["KIOSK_IDLE_SECONDS"] + current_app.config["KIOSK_ASK_SECONDS"]
    if isinstance(seen, int) and now - seen > limit and session.get("learner"):
        start_kiosk_session()
        if request.endpoint in ("kiosk.end", "kiosk.begin"):
            return None  # the page's own "end" after the question: it goes to the start
        target = url_for("kiosk.start" if kiosk_mode() else "home.index")
        if is_htmx():  # an answer sent after the limit is not stored for the next person
            return clear_site_cache(current_app.response_class("", 200, {"HX-Redirect": target}))
        return clear_site_cache(redirect(target, code=303))
    if request.endpoint not in NOT_A_TOUCH and seen != now:
        session["kiosk_seen"] = now
    return None


def _kiosk_cookie(response):
    if kiosk_session() and session.permanent:
        session.permanent = False
    return response


def _security_headers(response):
    cdn = current_app.config["HTMX_CDN_URL"] if current_app.config["USE_CDN"] else ""
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src 'self' {cdn}; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _vary_on_htmx(response):
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response


ERROR_TEXT = {
    400: (_l("Có gì đó chưa đúng"),
          _l("Thông tin gửi lên không đúng. Bác bấm nút dưới đây để làm lại.")),
    403: (_l("Trang này không dành cho bác"), _l("Bác không cần vào trang này.")),
    404: (_l("Không tìm thấy trang này"), _l("Có thể đường dẫn bị sai hoặc bài học đã đổi tên.")),
    405: (_l("Có gì đó chưa đúng"), _l("Bác bấm nút dưới đây để quay lại.")),
    413: (_l("Nội dung quá dài"), _l("Bác gõ ngắn hơn một chút rồi thử lại.")),
    429: (_l("Thử nhiều lần quá"), _l("Bác đợi vài phút rồi thử lại, hoặc hỏi tình nguyện viên.")),
    500: (_l("Máy chủ gặp lỗi"), _l("Không phải lỗi của bác. Tiến độ học đã được lưu.")),
}


def _error_page(exc: Exception):
    code = exc.code if isinstance(exc, HTTPException) and exc.code else 500
    if isinstance(exc, CSRFError):
        title = gettext("Trang đã mở lâu")
        text = gettext("Bác bấm \"Làm lại bước này\" để tiếp tục. Những gì đã học vẫn còn.")
    else:
        title, text = map(str, ERROR_TEXT.get(code, ERROR_TEXT[400 if code < 500 else 500]))
    db = g.get("db")
    if db is not None:
        db.rollback()
    back = request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else None
    return render("error.html", "_error.html", code, title=title, text=text,
                  back=back, http_status=code)


def safe_next(target: str | None, default: str) -> str:
    """A ``next=`` address we may send someone to: a path on this site, nothing else.
    Browsers drop tabs and newlines and read ``\\`` as ``/``, so any of those, or a second
    slash, could turn a path into another site's address; the same once decoded
    (``/%09/evil.example``), in case a proxy or a browser decodes it once more."""
    if not target:
        return default
    for form in (target, unquote(target)):
        if any(ord(c) < 32 or c in "\\\x7f" for c in form):
            return default
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//"):
            return default
    return target


def read_submission() -> Submission:
    """The posted answer; a form no page of ours sends is a 400 (413 if oversized)."""
    try:
        return Submission.from_form(request.form)
    except BadSubmission as exc:
        abort(413 if exc.too_long else 400)


def submitted_id() -> str | None:
    """This answer form's random id: a double-submitted answer is recorded once."""
    return submission_id(request.form)


def lesson_card(lesson: Lesson, state: progress.LessonProgress) -> Markup:
    """One lesson on the home page. The same for every learner at the same progress,
    so each card is drawn once per lesson, language and progress."""
    return render_kept(lesson, ("card", state), lambda: render_template(
        "_lesson_card.html", lesson=lesson, p=state))


ADDRESS_KEY = "class_address"  # the address the volunteer picked on the class page


def phone_bases() -> list[str]:
    """Addresses phones can open: TRAINER_PUBLIC_URL if set, else the one this browser
    used when it is a network address, else one per LAN address of the laptop; the
    laptop's own address (127.0.0.1) only when it has no network at all."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return [configured.rstrip("/")]
    return addresses.phone_urls(request.host_url) or [request.host_url.rstrip("/")]


def phone_base(asked: str = "") -> str:
    """The address printed in QR codes (class and learner cards): ``asked`` when the
    volunteer picks one on the class page (remembered in her session), else her earlier
    pick, else the first of ``phone_bases``."""
    bases = phone_bases()
    if asked in bases:
        session[ADDRESS_KEY] = asked
    picked = session.get(ADDRESS_KEY)
    return picked if picked in bases else bases[0]


def public_url(path: str) -> str:
    """An address of this site as printed or shown as a QR: one a phone can open."""
    return phone_base() + path


def card_url(learner: Learner) -> str:
    """The address the QR of the learner's current card opens (a first card is made and
    committed if she has none); it brings her progress to any device. Showing a card
    never revokes one: only "In thẻ mới" does (``cards.new_card``)."""
    token = cards.card_token(get_db(), current_app.config["SECRET_KEY"], learner)
    get_db().commit()
    return public_url(url_for("learner.resume_card", token=token))


def kiosk_mode() -> bool:
    """A shared device for many learners: the whole server (TRAINER_KIOSK=1, a dedicated
    install), or this browser, which a volunteer turned into a kiosk (its device cookie)."""
    return bool(current_app.config.get("KIOSK")) or kiosk_device() is not None


def kiosk_device() -> KioskDevice | None:
    """The live kiosk device this browser is (``classroom.devices``), else None; no
    database query for a browser without the device cookie."""
    if "kiosk_device" not in g:
        token = devices.token_from_cookie(current_app.config["SECRET_KEY"],
                                          request.cookies.get(devices.COOKIE))
        g.kiosk_device = devices.device_for(get_db(), token) if token else None
    return g.kiosk_device


def class_membership() -> ClassMember | None:
    """The learner's open class membership (the class bar and its actions), else None."""
    return classes.membership(get_db(), current_learner(), dt.date.today())


def topic_lessons(topic_id: str) -> tuple[object | None, list[Lesson]]:
    """A topic and its lessons in the learner's language ((None, []) if unknown)."""
    locale = str(get_locale())
    return next(((t, lessons) for t, lessons in library().by_topic(locale) if t.id == topic_id),
                (None, []))


SETTINGS_KEY = "a11y"  # settings kept in the cookie until the learner exists


def current_prefs() -> Prefs:
    """The learner's own choice if stored, else this browser's, else the defaults."""
    if "a11y_prefs" not in g:
        learner = current_learner() if session.get("learner") else None
        stored = learner.settings if learner is not None else None
        g.a11y_prefs = Prefs.decode(stored if stored is not None else session.get(SETTINGS_KEY))
    return g.a11y_prefs


def _certificate_ready(topic_id: str) -> bool:
    """Has the current learner finished every lesson of this topic?"""
    lessons = topic_lessons(topic_id)[1]
    states = progress.progress_for(get_db(), current_learner(), lessons)
    return bool(lessons) and all(states[x.id].finished for x in lessons)


def _shown_membership() -> ClassMember | None:
    """The class bar's membership; a page that shows it (a name) is personal."""
    member = class_membership()
    if member is not None:
        g.personal = True
    return member


def _page_context() -> dict:
    return {"a11y": current_prefs(), "class_member": _shown_membership,
            "bar_version": classes.bar_version, "certificate_ready": _certificate_ready}


def _adopt_settings(response):
    if request.method == "POST" and SETTINGS_KEY in session and session.get("learner"):
        learner = current_learner()
        if learner is not None and learner.settings is None:
            learner.settings = session.pop(SETTINGS_KEY)
            get_db().commit()
    return response


def _kiosk_start_screen():
    # Only the home page is guarded, so a volunteer's pages never bounce to /kiosk.
    if request.path == "/" and not session.get("kiosk_started") and kiosk_mode():
        return redirect(url_for("kiosk.start"))
    return None


_reloading = threading.Lock()


def fresh_library() -> Library:
    """The lessons as the files are now, parsed again only after a file changed.

    The check is one ``stat`` per lesson file. The library loaded at start-up is
    taken as current, so starting the server does not parse everything twice.
    """
    root = current_app.config["LESSONS_DIR"]
    seen = signature(root)
    cached = current_app.extensions.setdefault(
        "authors_library", (seen, current_app.extensions["library"]))
    if cached[0] != seen:
        with _reloading:  # one reload at a time; the others then find it done
            cached = current_app.extensions["authors_library"]
            if cached[0] != seen:
                cached = (seen, load_library(root))
                for problem in cached[1].problems:
                    current_app.logger.warning("lesson skipped: %s", problem)
                current_app.extensions["authors_library"] = cached
    return cached[1]


def _reload_lessons_in_dev() -> None:
    if dev_mode():
        current_app.extensions["library"] = fresh_library()


def speech_cache() -> Path:
    """Synthesised speech and the texts the server may say (instance/speech/)."""
    return Path(current_app.config["SPEECH_CACHE_DIR"])


def speech_parts(text: str | list[str], audio: str = "", lang: str = "") -> list[dict[str, str]]:
    """What "Nghe" says, as parts played one after another (a caller's lines), each
    with the URL of the recording made for exactly its words and of the server's
    voice (empty when there is none). ``audio``: a recording the lesson file names.
    ``lang``: the words' language when it is the lesson's, else the page's."""
    lang = lang or str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    parts = []
    for i, said in enumerate([text] if isinstance(text, str) else list(text)):
        key = voice.remember(speech_cache(), lang, said)
        found = key and recordings.find(Path(current_app.config["LESSONS_DIR"]), lang, key)
        recorded = url_for("speech.recorded", lang=lang, key=key, ext=found.ext) if found else ""
        spoken = key and voice.voice_for(lang) and url_for(
            "speech.voice", lang=lang, key=key, ext=voice.extension())
        if audio and i == 0:
            recorded = audio
        parts.append({"say": str(said).strip(), "recorded": recorded, "voice": spoken or ""})
    return parts
