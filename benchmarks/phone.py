"""On a cheap phone (issue 15): Lighthouse's mobile scores for each page kind, and how
tall each page is at 360×640 and how small the smallest text on a simulated screen is,
at the default and the largest text size.

Lighthouse comes from npm into ``benchmarks/.lighthouse/`` (``make bench`` installs it,
never globally) and drives Debian's chromium (``CHROME_PATH``); nothing leaves loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from trainer.content.library import load_library

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "benchmarks" / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("TRAINER_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
CLS_TARGET = 0.1

# Each piece of text on the simulated screens and the page's height.
MEASURE = """() => {
  let smallest = null;
  for (const frame of document.querySelectorAll('.phone, .browser')) {
    const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      smallest = smallest === null ? size : Math.min(smallest, size);
    }
  }
  return {height: document.documentElement.scrollHeight, smallest};
}"""


def page_kinds(lessons: Path) -> dict[str, str]:
    """One page of each kind: home, a step of each kind (first found), a portal step, a
    scam step, red flags on a web page, settings."""
    library = load_library(lessons)
    pages = {"home": "/"}
    for lesson in library.listing("vi"):
        for index, step in enumerate(lesson.steps):
            pages.setdefault(f"step: {step.interaction.kind}",
                             f"/lessons/{lesson.id}/{index + 1}")
            group = step.screen.split(".")[0]
            if group in ("portal", "vneid"):
                pages.setdefault(f"step: {group} screen", f"/lessons/{lesson.id}/{index + 1}")
            if lesson.id.startswith("scam-"):
                pages.setdefault("step: scam", f"/lessons/{lesson.id}/{index + 1}")
            if group == "web" and step.interaction.kind == "spot":
                pages.setdefault("step: spot on a web page", f"/lessons/{lesson.id}/{index + 1}")
    pages["settings"] = "/settings"
    return pages


def lighthouse(url: str, work: Path) -> dict[str, float]:
    """Lighthouse (mobile, simulated slow 4G and a slow CPU, its defaults) on one page."""
    out = work / "lighthouse.json"
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240,
        stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    scores["cls"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
    scores["failed"] = ", ".join(sorted(
        a["id"] for a in data["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"))
    return scores


def measure(base: str, pages: dict[str, str]) -> dict[str, dict[str, dict]]:
    """Height and smallest screen text per page, at the default and the largest size."""
    from playwright.sync_api import sync_playwright

    found: dict[str, dict[str, dict]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        for size in ("normal", "xlarge"):
            page.goto(base + "/settings")
            page.locator(f'.settings-form input[name="text"][value="{size}"]').check()
            with page.expect_navigation():
                page.locator(".settings-form button:not([type=button])").last.click()
            for name, path in pages.items():
                page.goto(base + path)
                found.setdefault(name, {})[size] = page.evaluate(MEASURE)
        browser.close()
    return found


def bench_phone(work: Path, report, server) -> None:  # noqa: ANN001 - run.py's types
    """(6) cheap phones: Lighthouse's scores, page heights and screen text sizes."""
    pages = page_kinds(ROOT / "lessons")
    app = server(work, "phone").start("/healthz")
    try:
        sizes = measure(app.url, pages)
        scores = {name: lighthouse(app.url + path, work) for name, path in pages.items()}
    finally:
        app.stop()
    rows = []
    for name, path in pages.items():
        s, normal, large = scores[name], sizes[name]["normal"], sizes[name]["xlarge"]
        smallest = (f"{normal['smallest']:.1f} / {large['smallest']:.1f} px"
                    if normal["smallest"] is not None else "no screen")
        rows.append(f"| {name} | `{path}` | {s['performance']} | {s['cls']:.3f} | "
                    f"{s['accessibility']} | {s['best-practices']} | {normal['height']:,} / "
                    f"{large['height']:,} px | {smallest} | {s['failed'] or '–'} |")
    report.tables.append(
        "Phone (360×640, touch): Lighthouse mobile (its default throttling), page height and "
        "the smallest text on the simulated screen, each at the default / largest text size.\n\n"
        "| page kind | path | performance | CLS | accessibility | best practices | height | "
        "smallest screen text | audits not passed |\n|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows))
    for category, goal in TARGETS.items():
        worst = min(scores.values(), key=lambda s: s[category])
        name = next(n for n, s in scores.items() if s is worst)
        report.target(f"Lighthouse {category}: lowest page kind ({name})", str(worst[category]),
                      f"≥ {goal}", worst[category] >= goal)
    worst_cls = max(scores.values(), key=lambda s: s["cls"])
    name = next(n for n, s in scores.items() if s is worst_cls)
    report.target(f"Lighthouse CLS: highest page kind ({name})", f"{worst_cls['cls']:.3f}",
                  f"< {CLS_TARGET}", worst_cls["cls"] < CLS_TARGET)
    smallest = min(v["xlarge"]["smallest"] for v in sizes.values()
                   if v["xlarge"]["smallest"] is not None)
    report.target("smallest text on a simulated screen at the largest size", f"{smallest:.1f} px",
                  "≥ 20 px", smallest >= 20)
