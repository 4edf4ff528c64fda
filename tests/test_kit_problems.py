"""Problems in the screen kit's app files are told in the author's language (#18): Vietnamese
by default, English with ``--lang en``, each at its line, one per mistake, with a "did you
mean" when a name is close to a real one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from babel.messages.extract import extract_from_file

from tests.conftest import ROOT
from trainer.content import messages
from trainer.screens import kit
from trainer.screens.kit import load_apps

TRAINER = str(Path(sys.executable).parent / "trainer")

BROKEN = """\
app: demo
name: Demo
colr: "#0b5d3b"
colour: "#ffeb3b"
ink: "#ffffff"
icon: bnak
screens:
  home:
    title: Demo
    components:
      - buton: {id: a, label: A}
      - button: {id: b, lable: B}
"""


def check(root: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": "C.UTF-8", "TRAINER_LESSONS_DIR": str(root)}
    return subprocess.run([TRAINER, "check", *options], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def test_a_broken_app_file_is_told_in_vietnamese_by_default_and_in_english_on_request(
        lessons_dir):
    (lessons_dir.root / "apps").mkdir()
    (lessons_dir.root / "apps" / "demo.yaml").write_text(BROKEN, encoding="utf-8")
    vi = check(lessons_dir.root)
    assert vi.returncode == 1
    told = [line.split("apps/", 1)[1] for line in vi.stderr.splitlines() if "apps/demo" in line]
    assert told == [
        "demo.yaml:3: Tệp ứng dụng có khoá lạ 'colr'. Có phải ý bạn là 'colour'? Một ứng dụng có: "
        "app, name, colour, ink, icon, home, home_when, reconstruction, sources, state, screens.",
        "demo.yaml:5: Chữ màu #ffffff trên nền #ffeb3b khó đọc (độ tương phản 1.2:1, dưới 4.5:1). "
        "Chọn 'colour:' đậm hơn, hoặc đặt 'ink:' là \"#ffffff\" (trắng) hay \"#111111\" (đen).",
        "demo.yaml:6: Không có biểu tượng 'bnak' trong bộ có sẵn. Có phải ý bạn là 'bank'? "
        "Dùng một trong: " + ", ".join(kit.bundled_icons()) + ".",
        "demo.yaml:11: Không có thành phần 'buton'. Có phải ý bạn là 'button'? Xem các thành "
        "phần ở /authors/screens.",
        "demo.yaml:12: Thành phần 'button' không có 'lable'. Có phải ý bạn là 'label'? Thành "
        "phần này có: id, label, icon, style.",  # and not also "needs 'label:'": one mistake
    ], vi.stderr
    assert "5 lỗi cần sửa" in vi.stdout
    en = check(lessons_dir.root, "--lang", "en")
    assert "demo.yaml:3: Unknown key 'colr' in the app file. Did you mean 'colour'? " in en.stderr
    assert "demo.yaml:5: Text in #ffffff on #ffeb3b is hard to read" in en.stderr
    assert "demo.yaml:6: There is no bundled icon 'bnak'. Did you mean 'bank'?" in en.stderr
    assert "demo.yaml:11: Unknown component 'buton'. Did you mean 'button'? See the " \
           "components on /authors/screens." in en.stderr
    assert "demo.yaml:12: 'button' has no 'lable'. Did you mean 'label'?" in en.stderr


def test_a_misspelt_key_is_one_problem_not_also_a_missing_one(tmp_path):
    (tmp_path / "demo.yaml").write_text(textwrap.dedent("""\
        app: demo
        nmae: Demo
        screens:
          one:
            titel: Một
            componets:
              - text: x
          two:
            title: Hai
            components:
              - tiles: {items: [{id: a, icon: bank, lable: A}]}
        """), encoding="utf-8")
    with messages.language("vi"):
        told = [(p.line, p.message) for p in load_apps(tmp_path)]
    assert [line for line, _ in told] == [2, 5, 6, 11], told
    assert "Có phải ý bạn là 'name'?" in told[0][1]
    assert "Có phải ý bạn là 'title'?" in told[1][1]
    assert "Có phải ý bạn là 'components'?" in told[2][1]
    assert "Mục của 'tiles' không có 'lable'. Có phải ý bạn là 'label'?" in told[3][1]


def test_an_svg_icon_that_is_unsafe_is_told_in_vietnamese(tmp_path):
    (tmp_path / "demo.yaml").write_text("app: demo\nname: Demo\nicon: demo.svg\nscreens:\n"
                                        "  one: {title: D, components: [{text: x}]}\n")
    (tmp_path / "demo.svg").write_text('<svg onload="x()"></svg>')
    with messages.language("vi"):
        [problem] = load_apps(tmp_path)
    assert (problem.line, problem.message) == (3, (
        "Biểu tượng demo.svg có mã xử lý sự kiện (on...=). Lưu lại thành hình vẽ đơn giản (chỉ "
        "có đường và hình), hoặc dùng một biểu tượng có sẵn."))


def test_every_app_file_problem_has_a_vietnamese_translation():
    marked = [message for _, message, _, _ in extract_from_file(
        "python", str(Path(kit.__file__)), keywords={"P_": None})]
    assert len(marked) > 60
    missing = [m for m in marked if m not in messages.catalogue("vi")]
    assert not missing, "run `make translations` and translate in problems.po: " + str(missing)


def test_the_problem_shown_in_docs_authoring_is_what_check_says(lessons_dir):
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    chapter = doc[doc.index("## 10. Một ứng dụng mới"):]
    example = re.search(r"```yaml\n(.*?)```", chapter, re.S).group(1)
    (lessons_dir.root / "apps").mkdir()
    (lessons_dir.root / "apps" / "nhathuoc.yaml").write_text(
        example.replace("{id: dat, label:", "{id: dat, lable:"), encoding="utf-8")
    [told] = [line for line in check(lessons_dir.root).stderr.splitlines() if "nhathuoc" in line]
    shown = re.search(r"^lessons/apps/nhathuoc\.yaml:.*$", chapter, re.M).group(0)
    assert told.endswith(shown), (told, shown)


def test_the_browser_editor_checks_an_app_file_as_check_does_in_the_page_language(
        make_app, lessons_dir):
    from tests.test_editor import post, sign_in

    (lessons_dir.root / "apps").mkdir()
    (lessons_dir.root / "apps" / "demo.yaml").write_text(BROKEN.replace("colr", "colour"),
                                                         encoding="utf-8")
    app = make_app(LESSONS_DIR=str(lessons_dir.root))
    client = sign_in(app, app.test_client(), "tacgia", author=True)
    html = post(client, BROKEN, "check", path="apps/demo.yaml").get_data(as_text=True)
    assert ('data-line="11">Dòng 11</a> Không có thành phần &#39;buton&#39;. Có phải ý bạn là '
            '&#39;button&#39;?') in html
    client.set_cookie("lang", "en")
    html = post(client, BROKEN, "check", path="apps/demo.yaml").get_data(as_text=True)
    assert "Unknown component &#39;buton&#39;. Did you mean &#39;button&#39;?" in html
    assert post(client, BROKEN, "save", path="apps/demo.yaml").status_code == 422  # not saved
