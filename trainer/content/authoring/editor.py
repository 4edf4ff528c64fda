"""The browser editor's files: which ones it may open, checking what an author typed,
and writing it only inside the lessons folder.

Only a lesson file (``<locale>/<name>.md``) or an app file (``apps/<name>.yaml``) that
already exists can be opened, named by a strict pattern and resolved inside the folder,
so no ``..``, absolute path or symbolic link reaches anything else. A file is saved only
when it passes the same check as ``trainer check``; otherwise it can be kept as a draft
beside it (``<name>.md.draft``), which the library never loads as a lesson.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from trainer.content.lesson import Problem
from trainer.content.library import Library, check_text
from trainer.content.messages import P_
from trainer.content.parser import _Collector
from trainer.screens.kit import read_app

EDITABLE = re.compile(r"^(?:[a-z]{2}/[a-z0-9][a-z0-9-]*\.md|apps/[a-z0-9][a-z0-9_-]*\.ya?ml)$")
DRAFT = ".draft"
MAX_CHARS = 60_000  # the largest lesson is about 9 000 characters


def editable_path(root: Path, wanted: str) -> Path | None:
    """The existing lesson or app file ``wanted`` names inside ``root``, else None.

    Accepts ``vi/x.md`` and ``lessons/vi/x.md`` (as ``trainer check`` prints it).
    """
    root = Path(root).resolve()
    wanted = (wanted or "").strip()
    if wanted.startswith(root.name + "/"):
        wanted = wanted[len(root.name) + 1:]
    if not EDITABLE.match(wanted):
        return None
    path = (root / wanted).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def is_app(path: Path) -> bool:
    return path.parent.name == "apps"


def draft_of(path: Path) -> Path:
    return path.with_name(path.name + DRAFT)


def check(library: Library, path: Path, text: str) -> list[Problem]:
    """What ``trainer check`` would report for ``path`` holding ``text``."""
    shown = f"{library.root.name}/{path.relative_to(library.root.resolve())}"
    if len(text) > MAX_CHARS:
        out = _Collector(shown)
        out.add(1, P_("The file is too long for the editor ({count} characters)."),
                P_("Split the lesson in two."), count=len(text))
        return out.problems
    if is_app(path):  # as the screen kit reads it when it loads the apps
        problems: list[Problem] = []
        read_app(path, problems, text)
        return [replace(p, path=shown) for p in problems]
    return check_text(library, path, text)[1]


def save(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` at once (a reader never sees half a file) and drop
    the draft it replaces."""
    text = text.replace("\r\n", "\n")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    draft_of(path).unlink(missing_ok=True)


def save_draft(path: Path, text: str) -> Path:
    draft = draft_of(path)
    draft.write_text(text.replace("\r\n", "\n"), encoding="utf-8", newline="\n")
    return draft
