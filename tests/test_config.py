"""Configuration: each setting read once from the environment, typed, and a value that
cannot be read stops the start with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer import config, create_app
from trainer import db as database
from trainer.cli import main

ROOT = Path(__file__).resolve().parent.parent


def load(tmp_path: Path, **environ: str) -> dict:
    return config.load(str(tmp_path), environ)


@pytest.fixture
def env_app(database_url):
    """An app built like `trainer serve` builds it: from the environment, with no test
    overrides but the database and the key."""
    apps = []

    def build(**overrides):
        app = create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url, **overrides})
        database.upgrade(app.extensions["engine"])
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["engine"].dispose()


def test_the_defaults(tmp_path):
    values = load(tmp_path)
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tapso.db'}"
    assert values["LESSONS_DIR"] == str(ROOT / "lessons")
    assert values["SECRET_KEY"] == ""  # create_app then makes one in the instance folder
    assert values["USE_CDN"] is False and values["KIOSK"] is False and values["DEV"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert (values["NUDGE_SECONDS"], values["PRACTICE_ROUND_SIZE"], values["CLASS_POLL_SECONDS"],
            values["KIOSK_IDLE_SECONDS"], values["KIOSK_ASK_SECONDS"], values["PROXY_FIX"]) \
        == (60, 10, 3, 600, 60, 0)
    assert values["VOLUNTEER_SESSION_HOURS"] == 12.0
    assert values["PUBLIC_URL"] == ""
    assert values["HTMX_CDN_URL"].endswith(f"htmx.org@{values['HTMX_VERSION']}/dist/htmx.min.js")


def test_an_empty_variable_counts_as_unset(tmp_path):
    values = load(tmp_path, TRAINER_KIOSK="", TRAINER_NUDGE_SECONDS="", DATABASE_URL="")
    assert values["KIOSK"] is False and values["NUDGE_SECONDS"] == 60
    assert values["DATABASE_URL"].startswith("sqlite:///")


@pytest.mark.parametrize("text, expected", [
    ("1", True), ("yes", True), ("true", True), ("on", True), ("YES", True), (" On ", True),
    ("0", False), ("no", False), ("false", False), ("off", False), ("No", False),
    ("FALSE", False),
])
def test_one_boolean_reading(tmp_path, text, expected):
    assert load(tmp_path, TRAINER_KIOSK=text)["KIOSK"] is expected
    assert load(tmp_path, TRAINER_USE_CDN=text)["USE_CDN"] is expected


def test_kiosk_no_means_off_in_the_app(monkeypatch, env_app):
    """The bug of issue #14: from_prefixed_env turned TRAINER_KIOSK=no into "no", a true
    string, and the home page went behind the kiosk start screen."""
    monkeypatch.setenv("TRAINER_KIOSK", "no")
    app = env_app()
    assert app.config["KIOSK"] is False
    assert app.test_client().get("/").status_code == 200  # not sent to the start screen
    assert app.test_client().get("/kiosk").status_code == 404


def test_use_cdn_off_serves_htmx_from_here_only(monkeypatch, env_app):
    monkeypatch.setenv("TRAINER_USE_CDN", "off")
    app = env_app()
    assert app.config["USE_CDN"] is False
    assert app.config["HTMX_CDN_URL"] not in app.test_client().get("/").get_data(as_text=True)


def test_numbers_are_parsed(tmp_path):
    values = load(tmp_path, TRAINER_PRACTICE_ROUND_SIZE="5", TRAINER_CLASS_POLL_SECONDS=" 1 ",
                  TRAINER_PROXY_FIX="1", TRAINER_VOLUNTEER_SESSION_HOURS="0.5",
                  TRAINER_KIOSK_IDLE_SECONDS="2")
    assert values["PRACTICE_ROUND_SIZE"] == 5 and values["CLASS_POLL_SECONDS"] == 1
    assert values["PROXY_FIX"] == 1 and values["KIOSK_IDLE_SECONDS"] == 2
    assert values["VOLUNTEER_SESSION_HOURS"] == 0.5


def test_text_settings_and_their_variables(tmp_path):
    values = load(tmp_path, DATABASE_URL="postgresql://db/x", SECRET_KEY="s",
                  TRAINER_LESSONS_DIR="/srv/lessons", TRAINER_SECURE_COOKIES="yes",
                  TRAINER_PUBLIC_URL="http://192.168.1.10:5000")
    assert values["DATABASE_URL"] == "postgresql://db/x" and values["SECRET_KEY"] == "s"
    assert values["LESSONS_DIR"] == "/srv/lessons"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["PUBLIC_URL"] == "http://192.168.1.10:5000"


@pytest.mark.parametrize("variable, text, accepted", [
    ("TRAINER_KIOSK", "maybe", "1/0, yes/no, true/false, on/off"),
    ("TRAINER_USE_CDN", "2", "1/0, yes/no, true/false, on/off"),
    ("TRAINER_NUDGE_SECONDS", "1m", "a whole number"),
    ("TRAINER_PROXY_FIX", "true", "a whole number"),
    ("TRAINER_VOLUNTEER_SESSION_HOURS", "12h", "a number"),
])
def test_a_value_that_cannot_be_read_is_a_clear_error(tmp_path, variable, text, accepted):
    with pytest.raises(config.ConfigError) as caught:
        load(tmp_path, **{variable: text})
    message = caught.value.format_message()
    assert message.startswith(f"{variable}={text!r} ") and accepted in message


def test_the_app_refuses_to_start_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("TRAINER_KIOSK", "maybe")
    with pytest.raises(config.ConfigError, match="TRAINER_KIOSK"):
        create_app({"SECRET_KEY": "x"})


@pytest.mark.parametrize("args", [["db", "current"], ["serve"], ["routes"]])
def test_the_command_shows_the_error_as_one_line(args):
    result = CliRunner().invoke(main, args, env={"TRAINER_KIOSK": "maybe"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: TRAINER_KIOSK='maybe' is not understood: use one of 1/0, yes/no, true/false, "
        "on/off."]


def test_test_config_overrides_the_environment(monkeypatch, env_app):
    monkeypatch.setenv("TRAINER_KIOSK", "no")
    monkeypatch.setenv("TRAINER_NUDGE_SECONDS", "30")
    app = env_app(KIOSK=True)
    assert app.config["KIOSK"] is True and app.config["NUDGE_SECONDS"] == 30


def test_only_declared_variables_are_read(monkeypatch, env_app):
    """No more TRAINER_<anything>: a variable sets only the key declared for it."""
    monkeypatch.setenv("TRAINER_SESSION_COOKIE_NAME", "other")
    monkeypatch.setenv("TRAINER_MAX_CONTENT_LENGTH", "999999999")
    app = env_app()
    assert app.config["SESSION_COOKIE_NAME"] == "tapso"
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024


def test_every_setting_once_with_a_reason_and_in_the_deploy_guide():
    variables = [s.env for s in config.SETTINGS]
    keys = [s.key for s in config.SETTINGS]
    assert len(set(variables)) == len(variables) and len(set(keys)) == len(keys)
    assert not set(keys) & set(config.FIXED)
    assert all(s.why and s.type in config.PARSERS for s in config.SETTINGS)
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert [v for v in variables if f"`{v}`" not in guide] == []


def test_secret_key_from_the_environment_or_made_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    made = config.secret_key(str(tmp_path))
    assert len(made) == 64 and config.secret_key(str(tmp_path)) == made
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.secret_key(str(tmp_path)) == "from-env"
