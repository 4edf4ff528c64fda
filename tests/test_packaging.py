"""Installs where volunteers are: the wheel carries lessons, static files, compiled
catalogues and migrations; it runs from any folder with SQLite in the user's data
directory; consoles that are not UTF-8 (Windows code pages) and a system MIME table
that is wrong (Windows registry) do not break it; the base install needs no psycopg."""

from __future__ import annotations

import json
import mimetypes
import os
import re
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.browser.conftest import free_port
from tests.conftest import ROOT
from trainer import config


def base_requirements() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def test_the_base_install_is_pure_wheels_without_psycopg():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [req.split(">")[0].split("[")[0].split(";")[0].strip() for req in base_requirements()]
    assert "psycopg" not in names
    assert any(req.startswith("psycopg[binary]") for req in project["optional-dependencies"]
               ["postgres"])
    gunicorn = next(req for req in base_requirements() if req.startswith("gunicorn"))
    assert "sys_platform != 'win32'" in gunicorn  # no fork on Windows: waitress serves there
    assert project["license"] == "MIT"  # an SPDX string, not the deprecated table


def test_make_installs_every_requirement_from_the_hashed_lock():
    for lock, extras in (("run", ["postgres"]), ("test", ["postgres", "test"])):
        text = (ROOT / "requirements" / f"{lock}.txt").read_text()
        pinned = {line.split("==")[0].lower() for line in text.splitlines()
                  if "==" in line and not line.startswith((" ", "#"))}
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        wanted = base_requirements() + [r for e in extras
                                        for r in project["optional-dependencies"][e]]
        for req in wanted:
            name = req.split(">")[0].split("[")[0].split(";")[0].strip().lower()
            if name != "tapso-trainer":
                assert name in pinned, f"{name} missing from requirements/{lock}.txt: make lock"
        assert text.count("==") == text.count("    --hash=sha256:") or "--hash" in text
        makefile = (ROOT / "Makefile").read_text()
        assert f"--require-hashes -r requirements/{lock}.txt" in makefile


def test_checkout_folders_win_in_development_the_bundled_ones_otherwise(monkeypatch):
    assert config.resource_dir("lessons") == ROOT / "lessons"
    assert config.instance_dir() == ROOT / "instance"
    monkeypatch.setattr(config, "is_checkout", lambda: False)
    assert config.resource_dir("static") == config.BUNDLED / "static"
    assert config.instance_dir().name == "tapso-trainer"  # the user's data directory
    assert config.lessons_dir({}) == config.BUNDLED / "lessons"
    assert config.lessons_dir({"TRAINER_LESSONS_DIR": "/srv/lessons"}) == Path("/srv/lessons")


def test_trainer_lessons_dir_wins_for_check_and_new(tmp_path, monkeypatch):
    from trainer.cli import main

    monkeypatch.setenv("TRAINER_LESSONS_DIR", str(tmp_path))
    (tmp_path / "topics.yaml").write_text((ROOT / "lessons" / "topics.yaml").read_text())
    result = CliRunner().invoke(main, ["new", "phone", "goi-dien"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vi" / "goi-dien.md").is_file()
    result = CliRunner().invoke(main, ["check", "--json"])
    lessons = json.loads(result.output)["lessons"]
    assert {lesson["path"].split(os.sep)[-1] for lesson in lessons} == {"goi-dien.md"}


def test_new_refuses_to_write_into_the_installed_package(monkeypatch):
    from trainer.cli import main

    monkeypatch.delenv("TRAINER_LESSONS_DIR", raising=False)
    monkeypatch.setattr(config, "is_checkout", lambda: False)
    result = CliRunner().invoke(main, ["new", "phone", "goi-dien"])
    assert result.exit_code == 2 and "TRAINER_LESSONS_DIR" in result.output


def test_check_json_prints_on_a_windows_code_page(tmp_path):
    """cp1258 (Vietnamese Windows) has no "ậ": the console is switched to UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1258"}
    out = subprocess.run([sys.executable, "-c", "from trainer.cli import main; main()",
                          "check", "--json"], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    lessons = json.loads(out.stdout.decode("utf-8"))["lessons"]
    assert "Mở và trả lời tin nhắn" in {lesson["title"] for lesson in lessons}


EXPECTED_TYPES = {  # what a browser needs under nosniff, whatever the system's table says
    ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
    ".woff2": "font/woff2", ".png": "image/png", ".webmanifest": "application/manifest+json",
    ".json": "application/json", ".wav": "audio/wav", ".ogg": "audio/ogg",
    ".txt": "text/plain",
}


def test_static_files_have_their_type_when_the_system_table_is_wrong(client, monkeypatch):
    """Windows reads MIME types from the registry, which can say text/plain for .js."""
    monkeypatch.setattr(mimetypes, "guess_type", lambda *_a, **_k: ("text/plain", None))
    monkeypatch.setattr(mimetypes, "types_map", {})
    static = Path(config.resource_dir("static"))
    files = [p for p in static.rglob("*") if p.is_file() and p.name != ".gitkeep"]
    kinds = {p.suffix for p in files}
    assert kinds <= set(EXPECTED_TYPES), f"a new kind of static file: {kinds}"
    for kind in kinds:
        path = next(p for p in files if p.suffix == kind).relative_to(static).as_posix()
        response = client.get(f"/static/{path}")
        assert response.status_code == 200
        assert response.mimetype == EXPECTED_TYPES[kind], path
    response = client.get("/sw.js")  # from the site root, so that it may look after it all
    assert response.mimetype == "text/javascript"


@pytest.mark.slow
def test_the_wheel_serves_a_lesson_in_vietnamese_from_another_folder(tmp_path):
    """Build sdist and wheel (the wheel from the sdist, as an installer would), install the
    wheel into a fresh venv and start it from an unrelated folder with a Windows code page.

    No internet in tests: the fresh venv sees the test venv's packages (dependencies only:
    a path in a .pth file, whose own .pth files, e.g. the checkout's editable install, are
    not read), and the test proves that ``trainer`` itself comes from the wheel."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist),
                    str(ROOT)], check=True, capture_output=True, timeout=120)
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for carried in ("trainer/bundled/lessons/topics.yaml", "trainer/bundled/static/js/app.js",
                    "trainer/bundled/translations/en/LC_MESSAGES/messages.mo",
                    "trainer/migrations/env.py", "trainer/templates/base.html"):
        assert carried in names
    assert any(n.startswith("trainer/migrations/versions/0001_") for n in names)
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    base = [line for line in metadata.splitlines()
            if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert base and not any("psycopg" in line for line in base)

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--quiet", "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                              "get_paths()['purelib'])"], capture_output=True, text=True,
                             check=True).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TRAINER_", "PYTHON")) and key not in
           ("DATABASE_URL", "SECRET_KEY", "VIRTUAL_ENV")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONIOENCODING="cp1258", TRAINER_USE_CDN="0")
    where = subprocess.run([str(python), "-c", "import trainer; print(trainer.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(purelib), where.stdout

    port = free_port()
    server = subprocess.Popen([str(venv / "bin" / "trainer"), "serve", "--port", str(port)],
                              cwd=elsewhere, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = json.load(urllib.request.urlopen(url + "/healthz", timeout=2))
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    server.stdout.read().decode("utf-8", "replace")
                time.sleep(0.3)
        assert health["status"] == "ok" and health["lessons"] > 50, health
        with urllib.request.urlopen(url + "/lessons/sms-basics/1", timeout=10) as page:
            body = page.read().decode()
        assert "Mở và trả lời tin nhắn" in body and 'lang="vi"' in body
        # the screens' one stylesheet is merged from the bundled static folder (no build step)
        sheet = re.search(r'href="(/static/screens\.css\?v=[0-9a-f]+)"', body).group(1)
        with urllib.request.urlopen(url + sheet, timeout=10) as css:
            assert ".address-btn" in css.read().decode()
        english = urllib.request.Request(url + "/", headers={"Cookie": "lang=en"})
        with urllib.request.urlopen(english, timeout=10) as page:
            assert "Printable handbook" in page.read().decode()  # the compiled catalogue
        with urllib.request.urlopen(url + "/static/js/app.js", timeout=10) as script:
            assert script.headers.get_content_type() == "text/javascript"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode("utf-8")  # UTF-8 on cp1258
    # serve listens on every network by default and says where this computer reaches it
    assert f"Tập Số on http://0.0.0.0:{port}/" in output
    assert f"On this computer: http://127.0.0.1:{port}/" in output
    assert (tmp_path / "data" / "tapso-trainer" / "tapso.db").is_file()
    assert not (elsewhere / "instance").exists()

    check = subprocess.run([str(venv / "bin" / "trainer"), "check", "--json"], cwd=elsewhere,
                           env=env, capture_output=True, timeout=60)
    assert check.returncode == 0
    checked = json.loads(check.stdout.decode("utf-8"))  # the lessons inside the package
    assert checked["errors"] == [] and len(checked["lessons"]) == health["lessons"]


def test_a_postgresql_address_without_the_extra_says_what_to_install(monkeypatch):
    monkeypatch.setattr(config, "_has_psycopg", lambda: False)
    with pytest.raises(config.ConfigError, match=r"tapso-trainer\[postgres\]"):
        config.load("/tmp", {"DATABASE_URL": "postgresql://tapso@/tapso"})
    assert config.load("/tmp", {})["DATABASE_URL"].startswith("sqlite:///")


def test_serve_creates_the_sqlite_database_on_its_first_start(tmp_path, monkeypatch):
    """`pip install` then `trainer serve`: no `trainer db upgrade` needed first."""
    from trainer import cli
    from trainer import db as database

    url = f"sqlite:///{tmp_path / 'first.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr("waitress.serve", lambda *_a, **_k: None)
    result = CliRunner().invoke(cli.main, ["serve", "--port", "5999"])
    assert result.exit_code == 0, result.output
    engine = database.make_engine(url)
    assert database.current_revision(engine) == database.head_revision()
    engine.dispose()
