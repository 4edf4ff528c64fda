"""Progress is keyed by step id: editing a lesson keeps old progress meaningful."""

from __future__ import annotations

from tests.conftest import TAP_STEP, htmx, lesson_text


def test_adding_and_removing_steps_keeps_what_the_learner_did(make_app, lessons_dir):
    path = lessons_dir("vi/x.md", lesson_text("edited", steps=3))
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = app.test_client()
    htmx(client, "/lessons/edited/1", target="app-messages")
    htmx(client, "/lessons/edited/3", target="app-messages")
    assert "Đã học 2/3 bước" in client.get("/").get_data(as_text=True)

    # The author inserts a new first step and removes step 3; the same database is used.
    text = path.read_text(encoding="utf-8")
    first = text.index("## ")
    text = text[:first] + TAP_STEP.format(key="new-first") + "\n" + text[first:]
    text = text[:text.index("## Mở tin nhắn", text.index("step-2"))]
    path.write_text(text, encoding="utf-8")
    edited = make_app(LESSONS_DIR=str(lessons_dir.root))
    client2 = edited.test_client()
    client2.set_cookie("tapso", client.get_cookie("tapso").value)
    assert [s.key for s in edited.extensions["library"].get("edited", "vi").steps] == [
        "new-first", "step-1", "step-2"]
    assert "Đã học 1/3 bước" in client2.get("/").get_data(as_text=True)
    assert client2.get("/lessons/edited").location.endswith("/lessons/edited/1")  # the new step
    htmx(client2, "/lessons/edited/1", target="app-messages")
    assert client2.get("/lessons/edited").location.endswith("/lessons/edited/3")
