"""The practice card: a printed fake identity that learners type from.

Numbers are chosen so they can never belong to a real person: personal ID
numbers start with 000 (no province has that code) and phone numbers with
0123 (not in service). Anything that looks like a real ID or phone number is
refused with a gentle message and never stored or echoed back.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PracticeCard:
    key: str
    full_name: str
    id_number: str
    birth_date: str
    sex: str
    phone: str
    password: str
    passcode: str
    issue_date: str
    home_town: str
    address: str
    health_insurance: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


CARDS: dict[str, PracticeCard] = {
    "default": PracticeCard(
        key="default",
        full_name="NGUYỄN THỊ TẬP",
        id_number="000158012345",
        birth_date="12/05/1958",
        sex="Nữ",
        phone="0123456789",
        password="TapLuyen@2025",
        passcode="246810",
        issue_date="15/03/2024",
        home_town="Xã Tập Luyện, tỉnh Mẫu",
        address="Thôn Mẫu, xã Tập Luyện, tỉnh Mẫu",
        health_insurance="HT0000000000001",
    ),
}

FIELDS = tuple(f for f in PracticeCard.__dataclass_fields__ if f != "key")

_REAL_ID = re.compile(r"\d{12}")
_REAL_PHONE = re.compile(r"(?:0|\+?84)\d{9}")


def card_value(card: str, attribute: str) -> str:
    return getattr(CARDS[card], attribute)


def looks_real(text: str) -> bool:
    """True if ``text`` looks like a real ID or phone number, not the card's."""
    compact = re.sub(r"[\s.\-]", "", text)
    if _REAL_ID.fullmatch(compact):
        return not compact.startswith("000")
    if _REAL_PHONE.fullmatch(compact):
        return not (compact.startswith("0123") or compact.startswith("84123")
                    or compact.startswith("+84123"))
    return False
