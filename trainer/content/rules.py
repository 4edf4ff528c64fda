"""What every lesson's content must respect beyond its structure, checked by
``trainer check`` (they used to live only in the tests, so an author never saw them):

- numbers and web addresses a learner reads look fake (practice numbers ``0123…``/
  ``000…``, reserved example domains) unless they are a verified official contact:
  a learner may dial or visit what a lesson shows;
- each red flag is explained in a sentence, not a word;
- each source is a page that can be re-checked (a URL with a path), and ``checked:``
  is a real day, not in the future and not before the newest source it was compared with.

Red flags asked against what the screen draws are checked with the screens
(``parser._check_screens``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from trainer.content.lesson import Choose, Judge, Lesson, Read, Source, Spot, Type
from trainer.content.messages import P_

# The only real contacts a lesson may show; everything else must look fake.
REAL_DOMAINS = ("vneid.gov.vn", "dichvucong.gov.vn", "csgt.bocongan.gov.vn", "tinnhiemmang.vn",
                "bocongan.gov.vn", "baohiemxahoi.gov.vn")
REAL_NUMBERS = ("113", "1414", "5656", "156", "18001096", "18001091", "19000368",
                "19009068")  # BHXH's single hotline (Soha, 03/02/2026)
PRACTICE_PREFIXES = ("0123", "000")
RESERVED = (".example", ".test", ".invalid", ".localhost")  # RFC 2606 / 6761
EXAMPLE_SITES = ("example.com", "example.org", "example.net")
FILE_ENDINGS = ("apk", "md", "mp3", "pdf", "jpg", "png", "doc", "docx", "zip", "exe")

DOMAIN = re.compile(r"(?<![\w.@-])(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
NUMBER = re.compile(r"(?<![\d.,x])\d[\d ]{4,}\d(?![\d.,x])")
SOURCE_DATE = re.compile(r"(?<![\d/])(?:(\d{1,2})/)?(\d{1,2})/(\d{4})(?![\d/])")
MIN_FLAG_WORDS = 4
MARKUP = re.compile(r"<[^>]+>|[*_`#>\[\]]")


def check_sources(sources: Iterable[Source], checked: dt.date, lines: Any, out: Any,
                  today: dt.date | None = None) -> None:
    """Each source is a page (not a site's home page); ``checked`` is plausible."""
    today = today or dt.date.today()
    for i, source in enumerate(sources):
        line = lines.get(("sources", i, "url"), lines.get(("sources", i), 2))
        parts = urlsplit(source.url)
        if not source.url:
            out.add(line, P_("The source '{title}' has no 'url:'."),
                    P_("Add the address of the page that shows the steps."),
                    title=source.title[:60])
        elif parts.scheme not in ("http", "https") or not parts.netloc:
            out.add(line, P_("The source address '{url}' is not a web address."),
                    P_("Copy the full address from the browser, starting with https://."),
                    url=source.url)
        elif not parts.path.strip("/") and not parts.query:
            out.add(line, P_("The source '{url}' is a site's home page."),
                    P_("Cite the page that shows the fact (article or guide), with its "
                       "outlet, date and title."), url=source.url)
    line = lines.get(("checked",), 2)
    if checked > today:
        out.add(line, P_("'checked: {checked}' is in the future."),
                P_("Write the day you compared the steps with their sources (today at the "
                   "latest)."), checked=checked.isoformat())
    newest = newest_source_date(sources)
    if newest is not None and checked < newest:
        out.add(line, P_("'checked: {checked}' is before the newest source ({newest})."),
                P_("Compare the steps with that source again, then write that day."),
                checked=checked.isoformat(), newest=newest.isoformat())


def newest_source_date(sources: Iterable[Source]) -> dt.date | None:
    """The newest publication date named in the sources' titles ("15/12/2025", or
    "12/2025" read as the first of that month)."""
    dates = []
    for source in sources:
        for day, month, year in SOURCE_DATE.findall(source.title):
            try:
                dates.append(dt.date(int(year), int(month), int(day or 1)))
            except ValueError:
                continue
    return max(dates, default=None)


def check_content(lesson: Lesson, lines: list[str], skip: range, out: Any) -> None:
    """Numbers, addresses and red-flag explanations, each reported at its line."""
    text = "\n".join(learner_texts(lesson))  # one search per rule, not one per text
    dotted = " ".join(w for w in text.lower().split() if "." in w)  # few words have a dot
    for domain in sorted(set(DOMAIN.findall(dotted))):
        if not allowed_domain(domain):
            out.add(_line_of(domain, lines, skip, lowered=True),
                    P_("'{domain}' may be a real website."),
                    P_("Use a reserved example address such as '{example}', or a verified "
                       "official one ({official})."), domain=domain,
                    example=_fake_domain(domain), official=REAL_DOMAINS)
    for number in sorted(set(NUMBER.findall(text))):
        if not allowed_number(re.sub(r"\D", "", number)):
            out.add(_line_of(number, lines, skip), P_("'{number}' may be a real phone or "
                                                      "account number."),
                    P_("Use a practice number starting with 0123 or 000 (like 0123 456 789), "
                       "or a verified official one ({official})."), number=number,
                    official=REAL_NUMBERS)
    for step in lesson.steps:
        if isinstance(step.interaction, Spot):
            for name, why in step.interaction.flags_md.items():
                if len(MARKUP.sub(" ", why).split()) < MIN_FLAG_WORDS:
                    out.add(step.line_of(f"spot:{name}"), P_("The red flag '{name}' is not "
                                                             "explained."),
                            P_("Say in a sentence (at least {words} words) why it is "
                               "suspicious: the learner reads it when they find it."),
                            name=name, words=MIN_FLAG_WORDS)


def allowed_domain(domain: str) -> bool:
    if re.fullmatch(r"[\d.]+", domain) or domain.rsplit(".", 1)[-1] in FILE_ENDINGS:
        return True
    if domain.endswith(RESERVED) or any(domain == d or domain.endswith("." + d)
                                        for d in (*EXAMPLE_SITES, *REAL_DOMAINS)):
        return True
    return False


def allowed_number(digits: str) -> bool:
    """Short numbers are codes and times, and an amount (12000000) is no one's number;
    a phone number (0…, 84…) or a 12-digit or longer one (an ID card, an account) must
    be a practice one or a verified official contact."""
    if len(digits) < 8 or digits.startswith(PRACTICE_PREFIXES) or digits in REAL_NUMBERS:
        return True
    return not digits.startswith(("0", "84")) and len(digits) < 12


def _fake_domain(domain: str) -> str:
    return domain.split(".")[0] + ".example"


def _line_of(needle: str, lines: list[str], skip: range, lowered: bool = False) -> int:
    for number, line in enumerate(lines, start=1):
        if number not in skip and needle in (line.lower() if lowered else line):
            return number
    return 1


def learner_texts(lesson: Lesson) -> Iterable[str]:
    """Everything a learner reads or types in a lesson (its sources, which are real,
    and names that are never shown, aside)."""
    yield lesson.title
    yield lesson.summary
    yield lesson.intro_md
    yield from _strings(lesson.state)
    for step in lesson.steps:
        yield step.heading
        yield step.body_md
        yield from step.hints_md
        yield from step.wrong_md.values()
        yield step.praise_md
        yield step.say
        yield from _strings(step.set_state)
        yield from _strings(step.add_state)
        i = step.interaction
        if isinstance(i, Choose):
            for option in i.options:
                yield option.text_md
                yield option.why_md
        elif isinstance(i, Judge):
            yield i.why_md
        elif isinstance(i, Spot):
            yield from i.flags_md.values()
        elif isinstance(i, Type):
            yield from i.answers
        elif isinstance(i, Read):
            yield i.label


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
