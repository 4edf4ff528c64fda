"""The step page on a phone, server side (issue 15): a wrong tap named in the screen's own
words, the card line above the field it is copied into, what the page keeps in view, and
responses that Back and caches cannot mix up."""

from __future__ import annotations

import re

from trainer.config import load


def test_a_wrong_tap_the_author_said_nothing_about_is_named_from_the_screen(client):
    # vneid-activate step 1 has no `wrong:` text: the learner is told what she tapped.
    html = client.post("/lessons/vneid-activate/1", data={"target": "app-zalo", "sid": "a"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Đó là nút “Zalo”" in html
    html = client.post("/lessons/vneid-activate/1", data={"target": "back", "sid": "b"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Đó là nút “Quay lại”" in html  # the arrow of "◁ Quay lại" left out


def test_the_authors_own_words_for_a_wrong_tap_come_first(client):
    # sms-basics step 1 says what the Phone app is; no second naming on top of it.
    html = client.post("/lessons/sms-basics/1", data={"target": "app-phone", "sid": "a"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Điện thoại" in html and "Đó là nút" not in html


def test_a_typing_step_shows_the_card_line_right_above_its_field(client):
    html = client.get("/lessons/vneid-activate/3").get_data(as_text=True)
    line = html.index('data-card-line="id_number"')
    field = html.index('name="answer"')
    assert line < field and "000158012345" in html[line:field]
    assert html.count("data-card-line") == 1  # only above the field asked for


def test_the_step_names_what_to_keep_in_view(client):
    assert 'data-act=".device-form [data-target=&#34;app-vneid&#34;]"' in client.get(
        "/lessons/vneid-activate/1").get_data(as_text=True)
    html = client.post("/lessons/vneid-activate/1", data={"target": "app-vneid", "sid": "c"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-act=".btn-next"' in html
    assert "show:#step:top" not in html  # never back to the top after an answer


def test_pages_and_fragments_vary_on_htmx_and_history_restores_get_the_page(client):
    page = client.get("/lessons/sms-basics/2")
    fragment = client.get("/lessons/sms-basics/2", headers={"HX-Request": "true"})
    restore = client.get("/lessons/sms-basics/2", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    for response in (page, fragment, restore, client.get("/"), client.get("/nowhere")):
        assert "HX-Request" in response.headers.get("Vary", ""), response.request.path
    assert "<footer" not in fragment.get_data(as_text=True)
    assert "<footer" in restore.get_data(as_text=True)  # the whole page, header and footer
    assert "<footer" in page.get_data(as_text=True)
    assert re.search(r'"historyRestoreAsHxRequest": false', page.get_data(as_text=True))


def test_htmx_comes_from_the_apps_own_copy_unless_a_deployment_asks(make_app, tmp_path):
    assert load(str(tmp_path), {})["USE_CDN"] is False
    assert load(str(tmp_path), {"TRAINER_USE_CDN": "yes"})["USE_CDN"] is True
    page = make_app().test_client().get("/").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page and 'data-htmx-local="/static/vendor/htmx-' in page
    assert '<meta name="description"' in page
    assert 'rel="preload" href="/static/fonts/be-vietnam-pro-vietnamese-400-normal.woff2"' in page
    assert "screens.css" not in page  # the home page draws no simulated screen
    client = make_app().test_client()
    step = client.get("/lessons/sms-basics/1").get_data(as_text=True)
    # the screens' sheets come merged, as one stylesheet after the app's own
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', step)
    assert len(sheets) == 2 and sheets[1].startswith("/static/screens.css?v="), sheets
    merged = client.get(sheets[1])
    assert merged.mimetype == "text/css" and "immutable" in merged.headers["Cache-Control"]
    css = merged.get_data(as_text=True)
    assert ".vn-bar" in css and ".address-btn" in css and ".kit-app-zalo{" in css


def test_language_buttons_name_each_language_as_its_speakers_write_it(client):
    client.post("/lang", data={"lang": "en", "next": "/"})
    assert ">Tiếng Việt</button>" in client.get("/").get_data(as_text=True)


def test_a_found_address_bar_is_marked_like_every_found_flag_and_keeps_its_look(client):
    # scam-web-bhxh step 3: the address bar itself is a red flag (a target, not words).
    html = client.post("/lessons/scam-web-bhxh/3", data={"target": "address", "sid": "a"},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    button = re.search(r'<button[^>]*data-target="address"[^>]*>', html).group(0)
    assert 'class="t address-btn found"' in button and 'data-part="address"' in button
    # the message copied under the sticky bar keeps its colours (no escaped class) and is
    # silent (screen readers hear the message itself once)
    copy = html[html.index("data-bar-status>"):html.index('<div class="step-help">')]
    assert copy.startswith('data-bar-status><div class="copy copy-good">'), copy[:80]
    assert "role=" not in copy and "&#34;" not in copy and "found-flags" not in copy
