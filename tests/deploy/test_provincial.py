"""The provincial set-up (docs/deploy.md, section 2) run for real by
deploy/provincial-test.sh: PostgreSQL, two servers, Debian's nginx with the documented
config, a server killed mid-lesson. The docs, the script, the systemd unit and the
compose file are checked to describe one and the same set-up."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

PGURL = os.environ.get("TAPSO_PROVINCE_PGURL", "postgresql://postgres@127.0.0.1:5432")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DEPLOY, flags=re.S)


def postgres_answers() -> bool:
    probe = subprocess.run(["psql", f"{PGURL}/postgres", "-qAtc", "select 1"],
                           capture_output=True, timeout=10) if shutil.which("psql") else None
    return bool(probe) and probe.returncode == 0


@pytest.mark.slow
def test_nginx_sends_the_learner_to_the_other_server_when_one_dies():
    if not Path(NGINX).exists():
        pytest.skip("no nginx: `make nginx` installs Debian's nginx-light")
    if not postgres_answers():
        pytest.skip(f"no PostgreSQL answers at {PGURL}")
    env = {**os.environ, "PGURL": PGURL, "PYTHON": sys.executable,
           "TRAINER": str(Path(sys.executable).parent / "trainer")}
    env.pop("DATABASE_URL", None)
    run = subprocess.run(["bash", str(ROOT / "deploy" / "provincial-test.sh")], env=env,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS: provincial set-up" in run.stdout
    assert "answered by server 2" in run.stdout


def test_the_docs_show_the_nginx_config_and_unit_the_test_runs():
    assert (ROOT / "deploy" / "nginx" / "tapso.conf").read_text() in fenced("nginx")
    assert (ROOT / "deploy" / "tapso@.service").read_text() in fenced("ini")
    unit = (ROOT / "deploy" / "tapso@.service").read_text()
    assert "KillMode=control-group" in unit and "--port %i" in unit


def test_compose_runs_what_the_script_runs():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "nginx", "app1", "app2"} <= set(services)
    conf = (ROOT / "deploy" / "nginx" / "tapso.conf").read_text()
    assert "./deploy/nginx/tapso.conf:/etc/nginx/conf.d/default.conf:ro" in \
        services["nginx"]["volumes"]
    for name, port in (("app1", "5001"), ("app2", "5002")):
        command = services[name]["command"]
        assert command[:2] == ["trainer", "serve"] and port in command
        assert f"server 127.0.0.1:{port};" in conf
        assert services[name]["network_mode"] == "service:nginx"
        assert services[name]["environment"]["TRAINER_PROXY_FIX"] == "1"
    assert services["migrate"]["command"] == ["trainer", "db", "upgrade"]
    script = (ROOT / "deploy" / "provincial-test.sh").read_text()
    assert "TRAINER_PROXY_FIX=1" in script and '"$TRAINER" db upgrade' in script
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r /tmp/run.txt" in dockerfile


def docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return all(subprocess.run(command, capture_output=True, timeout=10).returncode == 0
                   for command in (["docker", "info"], ["docker", "compose", "version"]))
    except subprocess.TimeoutExpired:
        return False


@pytest.mark.slow
def test_the_containers_build_and_serve():
    if not docker_answers():
        pytest.skip("no Docker daemon (with compose) answers: the compose set-up is checked by "
                    "test_compose_runs_what_the_script_runs and run by the script")
    env = {**os.environ, "SECRET_KEY": "compose-test", "COMPOSE_PROJECT_NAME": "tapsotest"}
    compose = ["docker", "compose", "-f", str(ROOT / "compose.yaml")]
    try:
        subprocess.run([*compose, "up", "-d", "--build", "--wait"], env=env, check=True,
                       timeout=900)
        page = subprocess.run(["curl", "-fsS", "http://127.0.0.1:8080/lessons/sms-basics/1"],
                              capture_output=True, text=True, timeout=30)
        assert "Mở và trả lời tin nhắn" in page.stdout
    finally:
        subprocess.run([*compose, "down", "-v"], env=env, timeout=300)
