"""Build hook: the wheel carries what a checkout keeps beside the package.

``lessons/``, ``static/`` and ``translations/`` are copied into ``trainer/bundled/`` of
the built package, and the catalogues compiled to ``.mo`` on the way (a checkout ignores
``*.mo``), so that ``pip install tapso-trainer`` then ``trainer serve`` works from any
folder. An editable install (``pip install -e .``) uses the checkout's own folders and
skips this. Everything else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
BUNDLED = ("lessons", "static", "translations")


def compile_catalogues(folder: Path) -> None:
    """What ``pybabel compile --use-fuzzy`` does, without needing the checkout's venv."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue, use_fuzzy=True)


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "trainer" / "bundled"
        for name in BUNDLED:
            shutil.copytree(HERE / name, target / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.mo", "__pycache__", ".gitkeep"))
        compile_catalogues(target / "translations")


setup(cmdclass={"build_py": BuildWithResources})
