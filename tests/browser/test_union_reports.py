"""A volunteer walking door to door records a 1-to-1 visit on a 360×640 phone, and the
team leader sees it in the union's report and downloads the xlsx (issue #17)."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.browser.conftest import PHONE, add_volunteer, shot, sign_in

PASSWORD = "volunteer pass"


def test_a_visit_recorded_on_a_phone_counts_in_the_report(server, server_env, new_page):
    add_volunteer(server_env["DATABASE_URL"], "tnv", PASSWORD, role="admin",
                  display_name="Minh")
    phone = new_page(PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, server.url, "tnv", PASSWORD)
    phone.get_by_role("link", name="Ghi nhận hỗ trợ 1-1").click()
    phone.get_by_label("Tên hoặc tên viết tắt của người được hỗ trợ").fill("Bà N.T.L")
    phone.get_by_label(re.compile("Năm sinh")).fill("1948")
    phone.get_by_label("Xã / phường").fill("Xã Ba Chẽ")  # from the province's list
    phone.get_by_label("Kích hoạt VNeID").check()
    save = phone.get_by_role("button", name="Lưu")
    save.scroll_into_view_if_needed()
    shot(phone, "union-visit-phone")
    save.click()
    phone.get_by_text("Đã ghi nhận: Bà N.T.L.").wait_for()
    phone.goto(server.url + "/volunteer/reports/?place=ba che")
    assert phone.locator('[data-total="people"] strong').inner_text() == "1"
    assert phone.locator('[data-total="one_to_one"] strong').inner_text() == "1"
    shot(phone, "union-report-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile("Tải Excel")).click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Số người được hỗ trợ"] == 1 and summary["Số lượt hỗ trợ 1-1"] == 1
