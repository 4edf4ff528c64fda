"""Template filters of the public service portal (dichvucong.gov.vn) and the targets
computed from its data: procedures (``trainer/data/procedures.yaml``) and what the
pages show (``templates/screens/portal/site.yaml``). The screens themselves are
declared in ``templates/screens/portal/screens.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import segno
from markupsafe import Markup

from trainer.content import procedures
from trainer.content.text import slugify
from trainer.screens import extend, screen_data, template_filter


@dataclass(frozen=True)
class FormField:
    """One field of a simulated dossier form."""

    name: str
    label: str
    required: bool = True
    example: str = ""
    kind: str = "text"  # "date" checks dd/mm/yyyy, "phone" checks 10 digits
    inputmode: str = ""


class Photo(NamedTuple):
    """A picture in the simulated gallery (``static/img/portal/<file>``)."""

    file: str
    caption: str
    kind: str  # "ok", "big" (too large) or "type" (not a picture)


SITE = screen_data("portal/site.yaml")
FORMS: dict[str, tuple[FormField, ...]] = {
    procedure: tuple(FormField(**field) for field in fields)
    for procedure, fields in SITE["forms"].items()}
AGENCIES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in SITE["agencies"].items()}
PHOTOS: dict[str, Photo] = {key: Photo(**photo) for key, photo in SITE["photos"].items()}
STATUSES: dict[str, str] = SITE["statuses"]
BANKS: tuple[str, ...] = tuple(SITE["banks"])

extend("portal.form", fields=(f.name for form in FORMS.values() for f in form))
extend("portal.attach", targets=(f"photo-{key}" for key in PHOTOS))
extend("portal.procedures", targets=(
    *(p.target for p in procedures.catalogue()),
    *(f"field-{slugify(name)}" for name in procedures.fields()),
    *(f"agency-{slugify(name)}" for name in procedures.agencies())))


@template_filter
def portal_results(s: dict) -> list[procedures.Procedure]:
    """The procedure list for the state's search words and filters."""
    field = _by_slug(s.get("filter_field"), procedures.fields())
    agency = _by_slug(s.get("filter_agency"), procedures.agencies())
    return procedures.search(str(s.get("search") or ""), field=field, agency=agency)


def _by_slug(value: Any, names: list[str]) -> str | None:
    if not value:
        return None
    wanted = slugify(str(value))
    return next((n for n in names if slugify(n) == wanted), str(value))


@template_filter
def portal_procedure(procedure_id: Any) -> procedures.Procedure | None:
    return procedures.get(str(procedure_id)) if procedure_id else None


@template_filter
def portal_form(procedure_id: Any) -> tuple[FormField, ...]:
    return FORMS.get(str(procedure_id), FORMS["khai-sinh"])


@template_filter
def portal_agencies(procedure_id: Any) -> tuple[str, ...]:
    return AGENCIES.get(str(procedure_id), AGENCIES["default"])


@template_filter
def portal_slug(text: str) -> str:
    return slugify(text)


@template_filter
def portal_dossier(s: dict, key: str = "open_dossier") -> dict | None:
    """The dossier named by ``s[key]`` (the first one when it is not set)."""
    dossiers = [d for d in (s.get("dossiers") or []) if isinstance(d, dict)]
    wanted = s.get(key)
    return next((d for d in dossiers if d.get("id") == wanted), dossiers[0] if dossiers
                else None)


@template_filter
def portal_code(s: dict) -> str:
    """The practice dossier code: always ``DEMO-`` first, never a real-looking code."""
    dossier = portal_dossier(s)
    code = str(dossier.get("code")) if dossier and dossier.get("code") else \
        "DEMO-000.00.00.H99-261124-0001"
    return code if code.startswith("DEMO-") else "DEMO-" + code


@template_filter
def portal_status(status: Any) -> str:
    return str(STATUSES.get(str(status), status or ""))


@template_filter
def portal_steps(status: Any) -> list[tuple[str, str]]:
    """The dossier's path so far as (status label, "done" | "now" | "todo")."""
    status = str(status)
    path = ["submitted", "received", "processing", status if status == "supplement" else "done"]
    now = path.index(status) if status in path else 0
    return [(str(STATUSES[k]), "done" if i < now else "now" if i == now else "todo")
            for i, k in enumerate(path)]


@template_filter
def portal_photo(key: Any) -> Photo | None:
    return PHOTOS.get(str(key))


@template_filter
def portal_spell(code: Any) -> str:
    """A captcha spelled out for reading aloud: 'A 7 K' -> 'A, bảy, K'."""
    digits = "không một hai ba bốn năm sáu bảy tám chín".split()
    return ", ".join(digits[int(c)] if c.isdigit() else c for c in str(code) if c.strip())


@template_filter
def portal_qr(text: str) -> Markup:
    """The portal's login QR code as inline SVG (made locally: no internet)."""
    svg = segno.make(text, error="m").svg_inline(scale=5, dark="#111", light="#fff",
                                                 border=2, omitsize=True)
    return Markup(svg)


# Lists a template reads whole (``s|portal_banks``), whatever the filter is applied to.


@template_filter
def portal_banks(_: Any = None) -> tuple[str, ...]:
    return BANKS


@template_filter
def portal_fields(_: Any = None) -> list[str]:
    return procedures.fields()


@template_filter
def portal_agency_names(_: Any = None) -> list[str]:
    return procedures.agencies()


@template_filter
def portal_photos(_: Any = None) -> list[tuple[str, Photo]]:
    return list(PHOTOS.items())


@template_filter
def portal_documents(procedure_id: Any) -> list[tuple[str, int | None]]:
    """The procedure's documents as (text, upload number); forms filled online get None."""
    procedure = procedures.get(str(procedure_id)) if procedure_id else None
    out: list[tuple[str, int | None]] = []
    number = 0
    for document in procedure.documents if procedure else ():
        if "điền trực tuyến" in document:
            out.append((document, None))
        else:
            number += 1
            out.append((document, number))
    return out
