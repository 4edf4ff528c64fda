"""Reports for a date range and place: a page with a server-drawn SVG chart, and CSV."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _

from trainer import reports
from trainer.auth import current_volunteer, volunteer_required
from trainer.web import get_db, library

bp = Blueprint("reports", __name__, url_prefix="/volunteer/reports")


def _params() -> tuple[dt.date, dt.date, str]:
    today = dt.date.today()

    def day(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.args.get(name, "")[:10])
        except ValueError:
            return default

    start = day("start", today.replace(day=1))
    end = day("end", today)
    if end < start:
        start, end = end, start
    return start, end, request.args.get("place", "")[:80]


@bp.get("/")
@volunteer_required
def show():
    start, end, place = _params()
    report = reports.build(get_db(), current_volunteer(), start, end, place)
    titles = {x.id: x for x in library().listing("vi")}
    return render_template("volunteer/report.html", me=current_volunteer(), report=report,
                           bars=reports.chart_bars(report), titles=titles)


@bp.get("/report.csv")
@volunteer_required
def csv():
    start, end, place = _params()
    report = reports.build(get_db(), current_volunteer(), start, end, place)
    labels = {"from": _("Từ ngày"), "to": _("Đến ngày"), "place": _("Địa bàn"),
              "classes": _("Số lớp đã tổ chức"), "learners": _("Số người được hỗ trợ"),
              "lessons": _("Số bài đã học xong"), "steps": _("Số bước đã luyện tập"),
              "date": _("Ngày"), "class": _("Lớp"), "lesson": _("Bài"), "step": _("Bước"),
              "wrong": _("Số lần trả lời sai")}
    name = f"tapso-bao-cao-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(reports.to_csv(report, labels), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
