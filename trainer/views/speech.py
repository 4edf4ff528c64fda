"""/speech: the sound behind "Nghe", by text key (see trainer.speech.texts).

``/speech/<lang>/recorded/<key>.<ext>`` is a volunteer's recording made for the
words with that key; ``/speech/<lang>/voice/<key>.<ext>`` is the server's voice
saying them (``?speed=slow`` for the slower setting). Both only for texts the
app has put on a page, so neither says anything a stranger sends.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file

from trainer import web
from trainer.speech import recordings, voice

bp = Blueprint("speech", __name__, url_prefix="/speech")

A_DAY = 24 * 3600


@bp.get("/<lang>/recorded/<key>.<ext>")
def recorded(lang: str, key: str, ext: str):
    found = recordings.find(Path(current_app.config["LESSONS_DIR"]), lang, key)
    if found is None or found.ext != ext:
        abort(404)  # none, or made for other words: the page then tries the voices
    path = found.path(Path(current_app.config["LESSONS_DIR"]), lang)
    return send_file(path, mimetype=found.mimetype, max_age=A_DAY, conditional=True)


@bp.get("/<lang>/voice/<key>.<ext>", endpoint="voice")
def voice_audio(lang: str, key: str, ext: str):
    speed = request.args.get("speed", "normal")
    text = voice.recall(web.speech_cache(), lang, key)
    if text is None or ext != voice.extension() or speed not in voice.SPEEDS:
        abort(404)
    try:
        audio = voice.synthesise(web.speech_cache(), lang, text, speed)
    except (OSError, voice.SynthesisError) as exc:
        current_app.logger.warning("speech: espeak-ng failed for %s/%s: %s", lang, key, exc)
        audio = None
    if audio is None:
        abort(404)
    return send_file(audio.path, mimetype=audio.mimetype, max_age=A_DAY, conditional=True)
