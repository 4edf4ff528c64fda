"""The server's voice: espeak-ng (Debian), cached on disk, for listed texts only.

The first time a text is asked for it is synthesised (well under a second for a
step's instruction) and kept, encoded as Opus when Debian's ``opusenc`` is there
(about a tenth of the WAV), keyed by the words, the language and the voice
settings. Only texts the app itself put on a page are said (``remember`` /
``recall``): the endpoint is no text-to-speech service for any text a stranger
sends.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from trainer.speech.texts import MAX_CHARS, spoken, text_key

SPEEDS = {"normal": 140, "slow": 110}  # words a minute; espeak's own 175 is too quick
VOICE_VERSION = "1"  # bump to drop every cached file when the settings below change
TIMEOUT = 20  # seconds; a stuck synthesiser must not hold a worker thread for ever


class SynthesisError(Exception):
    """espeak-ng or opusenc failed or took too long."""


@dataclass(frozen=True)
class Audio:
    path: Path
    mimetype: str


@functools.cache
def engine() -> str | None:
    """The espeak-ng program, or None (the volunteer pages then say it is missing)."""
    return shutil.which("espeak-ng")


@functools.cache
def encoder() -> str | None:
    return shutil.which("opusenc")


def extension() -> str:
    return "ogg" if encoder() else "wav"


@functools.cache
def voice_for(lang: str) -> str | None:
    """espeak-ng's voice for a page language ("vi", "en"), or None when it has none."""
    if not engine() or not lang.replace("-", "").isalnum():
        return None
    out = subprocess.run([engine(), f"--voices={lang}"], capture_output=True, text=True,
                         timeout=TIMEOUT, check=False).stdout
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    return lang if any(len(r) > 1 and r[1].split("-")[0] == lang for r in rows) else None


def remember(cache: Path, lang: str, text: str) -> str | None:
    """List ``text`` as one the server may say in ``lang``; its key, or None if too long."""
    try:
        return _listed(cache, lang, text)
    except OSError:  # a read-only or full disk: the page is drawn, without this voice
        return None  # (and not kept: the next page tries again)


@functools.lru_cache(maxsize=4096)  # every page lists the same few texts for every learner
def _listed(cache: Path, lang: str, text: str) -> str | None:
    words = spoken(text)
    if not words or len(words) > MAX_CHARS:
        return None
    key = text_key(words)
    path = cache / "texts" / lang / f"{key}.txt"
    if not path.is_file():
        write_atomic(path, words.encode("utf-8"))
    return key


def recall(cache: Path, lang: str, key: str) -> str | None:
    """The text listed under ``key``, or None: the only texts ``synthesise`` is asked for."""
    if not key.isalnum() or not lang.replace("-", "").isalnum():
        return None
    path = cache / "texts" / lang / f"{key}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def synthesise(cache: Path, lang: str, text: str, speed: str = "normal") -> Audio | None:
    """The text said in ``lang`` (a cached file), or None when no voice can say it."""
    voice = voice_for(lang)
    words = spoken(text)
    if voice is None or not words or len(words) > MAX_CHARS or speed not in SPEEDS:
        return None
    ext = extension()
    settings = f"{VOICE_VERSION}|{voice}|{SPEEDS[speed]}|{ext}"
    name = hashlib.sha256(f"{settings}|{words}".encode()).hexdigest()[:32]
    path = cache / "audio" / lang / f"{name}.{ext}"
    if not path.is_file():
        sound = _run([engine(), "-v", voice, "-s", str(SPEEDS[speed]), "--stdout", words])
        if ext == "ogg":
            sound = _run([encoder(), "--quiet", "--speech", "--bitrate", "24", "-", "-"], sound)
        write_atomic(path, sound)
    return Audio(path, "audio/ogg" if ext == "ogg" else "audio/wav")


def _run(command: list, given: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(command, input=given, capture_output=True, timeout=TIMEOUT,
                              check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise SynthesisError(str(exc)) from exc
    if not done.stdout:
        raise SynthesisError(f"{command[0]} gave no sound")
    return done.stdout


def cache_size(cache: Path) -> int:
    return sum(p.stat().st_size for p in (cache / "audio").rglob("*") if p.is_file())


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside, then rename: two workers asking at once never serve half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
