"""Random and hostile input (hypothesis): no POST ever gets a 500, leaves a
half-written record or touches another learner; the lesson parser only ever
raises its own ``LessonError`` with a location."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import FRONT, TAP_STEP, htmx, lesson_text
from trainer.content.lesson import LessonError
from trainer.content.parser import parse_lesson
from trainer.models import Attempt, Learner, StepEvent

FIELDS = ["target", "answer", "option", "judge", "done", "sid", "lang", "next", "code",
          "name", "display_name", "learner", "learner_id", "public_id", "username",
          "password", "confirm", "csrf_token"]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cs", "Co", "Zl"]),
            max_size=20),
    st.sampled_from(["", " ", "0", "-1", "1e999", "null", "[]", "{}", "../../etc/passwd",
                     "app-messages", "scam", "safe", "unsure", "1", "<script>", "%00",
                     "x" * 81, "x" * 201, "ồ" * 5000, "\x00", "\ud800".encode(
                         "utf-8", "surrogatepass").decode("latin-1")]),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS),
                        st.lists(HOSTILE_TEXT, min_size=1, max_size=3), max_size=6)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture
def fuzz_app(make_app, lessons_dir):
    lessons_dir("vi/t.md", lesson_text("t", steps=3))
    return make_app(LESSONS_DIR=str(lessons_dir.root))


def post_urls(app) -> list[str]:
    """Every POST route, with lesson/step/class values both real and absurd."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        for lesson, number, other in (("t", "1", "1"), ("t", "3", "x"), ("t", "99", "0"),
                                      ("nope", "1", "999999")):
            url = rule.rule.replace("<lesson_id>", lesson).replace("<int:number>", number)
            while "<" in url:
                start, end = url.index("<"), url.index(">")
                choices = re.match(r"<any\(([^)]*)\)", url[start:end + 1])
                value = choices.group(1).split(",")[0].strip() if choices else other
                url = url[:start] + value + url[end + 1:]
            urls.append(url)
    return sorted(set(urls))


def counts(app) -> tuple[int, int, int]:
    db = app.extensions["sessionmaker"]()
    try:
        return tuple(db.scalar(select(func.count()).select_from(m))
                     for m in (Learner, Attempt, StepEvent))
    finally:
        db.close()


def assert_consistent(app) -> None:
    """No half-written record: every event has its attempt and learner, on a real step."""
    db = app.extensions["sessionmaker"]()
    try:
        orphan = db.scalar(select(func.count()).select_from(StepEvent).where(
            StepEvent.attempt_id.not_in(select(Attempt.id))))
        keys = set(db.scalars(select(StepEvent.step_key)))
        assert orphan == 0
        assert keys <= {"step-1", "step-2", "step-3"}, keys
    finally:
        db.close()


@given(data=st.data())
@SETTINGS
def test_random_forms_on_every_post_route_never_crash(fuzz_app, data):
    urls = post_urls(fuzz_app)
    assert "/lessons/t/1" in urls and "/lessons/t/1/hint" in urls
    client = fuzz_app.test_client()
    url = data.draw(st.sampled_from(urls))
    form = data.draw(FORMS)
    htmx_header = data.draw(st.booleans())
    response = client.post(url, data=form, headers={"HX-Request": "true"} if htmx_header
                           else {})
    assert response.status_code < 500, (url, form, response.status_code)
    assert_consistent(fuzz_app)


@given(raw=st.binary(max_size=300), url_index=st.integers(min_value=0, max_value=500))
@SETTINGS
def test_invalid_utf8_and_garbage_bodies_never_crash(fuzz_app, raw, url_index):
    urls = post_urls(fuzz_app)
    url = urls[url_index % len(urls)]
    client = fuzz_app.test_client()
    for body in (raw, b"target=" + urllib.parse.quote_from_bytes(raw).encode(),
                 b"answer=%FF%FE%00&target=%C3%28&sid=" + raw[:10]):
        response = client.post(url, data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (url, body)
    assert_consistent(fuzz_app)


def test_oversized_body_is_refused_kindly(fuzz_app):
    response = fuzz_app.test_client().post("/lessons/t/1", data={"answer": "x" * 50_000})
    assert response.status_code == 413
    assert counts(fuzz_app) == (0, 0, 0)


@given(other_fields=FORMS)
@settings(SETTINGS, max_examples=8)  # each example posts to every route
def test_another_learners_id_in_a_form_touches_nothing_of_theirs(fuzz_app, other_fields):
    victim, attacker = fuzz_app.test_client(), fuzz_app.test_client()
    htmx(victim, "/lessons/t/1", target="app-messages")
    with victim.session_transaction() as sess:
        victim_id = sess["learner"]
    before = counts(fuzz_app)
    form = {**other_fields, "learner": victim_id, "learner_id": "1", "public_id": victim_id,
            "sid": other_fields.get("sid", ["s"])[0]}
    for url in post_urls(fuzz_app):
        response = attacker.post(url, data=form, headers={"HX-Request": "true"})
        assert victim_id not in response.get_data(as_text=True)
    with attacker.session_transaction() as sess:
        assert sess.get("learner") != victim_id
    # the victim's own row and progress are intact
    assert victim.get("/lessons/t").headers["Location"].endswith("/lessons/t/2")
    assert counts(fuzz_app)[2] >= before[2] - 0  # the victim's event is still there
    db = fuzz_app.extensions["sessionmaker"]()
    try:
        victim_row = db.scalar(select(Learner).where(Learner.public_id == victim_id))
        assert victim_row is not None
        assert db.scalar(select(func.count()).select_from(StepEvent).join(Attempt).where(
            Attempt.learner_id == victim_row.id)) == 1
    finally:
        db.close()


def test_replayed_and_out_of_order_answers_are_recorded_once(fuzz_app):
    client = fuzz_app.test_client()
    assert htmx(client, "/lessons/t/3", target="app-messages").status_code == 200
    for _ in range(3):
        assert htmx(client, "/lessons/t/1", target="app-messages", sid="same").status_code == 200
    assert htmx(client, "/lessons/t/1", target="x", sid="same").status_code == 200
    assert counts(fuzz_app) == (1, 1, 2)
    assert client.get("/lessons/t").headers["Location"].endswith("/lessons/t/2")


# --- the lesson parser --------------------------------------------------------------

YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
              st.sampled_from(["phone.home", "app-messages", "2026-13-45", "~", "*a", "&a x",
                               "!!python/object:os.system", "{", "[", ":"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
KEYS = ["id", "title", "summary", "topic", "minutes", "order", "sources", "checked", "card",
        "state", "screen", "tap", "type", "choose", "judge", "spot", "read", "hints",
        "answers", "field", "options", "feedback", "praise", "say", "audio"]


def _yaml_lines(mapping: dict) -> str:
    import yaml

    return yaml.safe_dump(mapping, allow_unicode=True, default_flow_style=True, width=1000)


def _check(text: str) -> None:
    try:
        lesson = parse_lesson(text, "fuzz.md", "vi")
    except LessonError as err:
        assert err.problems, "a LessonError must say what is wrong"
        for problem in err.problems:
            assert problem.path == "fuzz.md" and problem.line >= 1 and problem.message
        return
    # Author text becomes HTML on first use, after parsing: that must not fail either.
    texts = [lesson.intro]
    for step in lesson.steps:
        i = step.interaction
        texts += [step.body, step.praise, *step.hints, *step.wrong.values(), getattr(i, "why", "")]
        texts += [*getattr(i, "flags", {}).values()]
        texts += [t for o in getattr(i, "options", ()) for t in (o.text, o.why)]
    assert all(isinstance(t, str) for t in texts)


@given(text=st.text(max_size=400))
@settings(max_examples=100, deadline=None)
def test_parser_on_random_text(text):
    _check(text)
    _check("---\n" + text)
    _check(FRONT.format(id="x") + text)


@given(front=st.dictionaries(st.sampled_from(KEYS), YAML_VALUES, max_size=8),
       step=st.dictionaries(st.sampled_from(KEYS), YAML_VALUES, max_size=6),
       heading=st.text(max_size=20), fence=st.sampled_from(["```step", "```", "~~~step", ""]))
@settings(max_examples=100, deadline=None)
def test_parser_on_random_front_matter_and_steps(front, step, heading, fence):
    _check("---\n" + _yaml_lines(front) + "---\n\n## " + heading + "\n\n" + fence + "\n"
           + _yaml_lines(step) + "```\n")
    body = TAP_STEP.format(key="s1").replace("hints: [Gợi ý một, Gợi ý hai, Gợi ý ba]",
                                             _yaml_lines(step).strip().strip("{}"))
    _check(FRONT.format(id="x") + body)


@given(mutation=st.tuples(st.integers(min_value=0, max_value=2000), st.text(max_size=10)))
@settings(max_examples=100, deadline=None)
def test_parser_on_mutated_valid_lessons(mutation):
    where, insert = mutation
    text = lesson_text("ok", steps=2)
    where %= len(text) + 1
    _check(text[:where] + insert + text[where:])
    _check(text[:where] + text[where + len(insert):])
