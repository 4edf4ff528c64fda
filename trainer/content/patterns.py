"""Is a lesson's ``pattern:`` safe to run on what a learner types?

A repeat inside a repeat (``(a+)+``, ``(\\w*)*$``) makes Python's regex engine try
exponentially many ways on a near-miss: 26 characters stall the process for seconds.
``nested_quantifier`` finds that shape so ``trainer check`` can refuse the lesson with
``file:line`` and a fix. No Flask, no lesson types: a plain function over the text.
"""

from __future__ import annotations

import re

try:  # Python 3.11+: the parser is re._parser (sre_parse is deprecated)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
if hasattr(sre_parse, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_parse.POSSESSIVE_REPEAT)


def _repeats(items, inside: bool) -> bool:  # noqa: ANN001
    """True if a repeat of more than one occurs within another (``inside``)."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            many = high is sre_parse.MAXREPEAT or high > 1
            if many and inside and (low != high or _can_vary(sub)):
                return True
            if _repeats(sub, inside or many):
                return True
        elif op is sre_parse.SUBPATTERN:
            if _repeats(arg[-1], inside):
                return True
        elif op is sre_parse.BRANCH:
            if any(_repeats(branch, inside) for branch in arg[1]):
                return True
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            if _repeats(arg[1], inside):
                return True
    return False


def _can_vary(sub) -> bool:  # noqa: ANN001
    """Could this repeated part match text of more than one length? (``(ab){2}`` cannot)."""
    low, high = sub.getwidth()
    return low != high


def nested_quantifier(pattern: str) -> str | None:
    """An explanation if ``pattern`` repeats a repeat (slow on a near-miss), else None.
    A pattern that does not compile is the caller's other check."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, OverflowError, RecursionError):
        return None
    if _repeats(parsed, inside=False):
        return ("the pattern repeats something that repeats, e.g. (a+)+: a typed answer "
                "that almost matches can stall the server; remove the outer + or *")
    return None
