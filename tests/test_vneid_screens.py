"""The simulated VNeID screens: every one draws from its catalogue example, every state
variant draws, and each shows the practice marker and the app's Vietnamese labels."""

from __future__ import annotations

import pytest

from tests.conftest import FRONT
from trainer.screens import SCREENS
from trainer.screens.vneid import password_rules

VNEID = sorted(name for name in SCREENS if name.startswith("vneid."))

# (screen, state to set, words the screen must show)
VARIANTS = [
    ("vneid.intro", {}, ["Đăng ký", "Đăng nhập", "Kích hoạt tài khoản định danh điện tử"]),
    ("vneid.account_form", {"form": "activate"}, ["Số định danh cá nhân", "Gửi yêu cầu"]),
    ("vneid.account_form", {"form": "forgot"}, ["Quên mật khẩu", "Xác thực NFC"]),
    ("vneid.account_form", {"form": "verify"}, ["Ngày cấp", "Tiếp tục"]),
    ("vneid.otp", {}, ["Mã OTP", "Xác nhận"]),
    ("vneid.password", {}, ["Thiết lập mật khẩu", "Từ 8 đến 20 ký tự"]),
    ("vneid.password", {"password_mode": "change"}, ["Đổi mật khẩu", "Mật khẩu hiện tại"]),
    ("vneid.passcode", {}, ["Thiết lập passcode", "Xóa"]),
    ("vneid.passcode", {"passcode_mode": "enter"}, ["Nhập passcode", "Quên passcode"]),
    ("vneid.passcode", {"passcode_mode": "change"}, ["Đổi passcode"]),
    ("vneid.nfc", {"nfc": "ready"}, ["Bắt đầu quét", "chip và mã QR đều ở mặt sau"]),
    ("vneid.nfc", {"nfc": "ready", "card_kind": "2021"}, ["mã QR ở mặt trước"]),
    ("vneid.nfc", {"nfc": "reading"}, ["Đang đọc…", "Giữ yên thẻ", "Nhấc thẻ ra"]),
    ("vneid.nfc", {"nfc": "retry"}, ["Thử lại"]),
    ("vneid.nfc", {"nfc": "done"}, ["Đọc thông tin thẻ thành công", "000158012345"]),
    ("vneid.nfc", {"nfc": "no-nfc"}, ["Thiết bị không hỗ trợ NFC"]),
    ("vneid.portrait", {"portrait": "ready"}, ["Chụp ảnh", "Không dùng camera thật"]),
    ("vneid.portrait", {"portrait": "taken"}, ["Chụp lại", "Tiếp tục"]),
    ("vneid.confirm", {}, ["Xác nhận thông tin đăng ký", "Email (không bắt buộc)"]),
    ("vneid.login", {}, ["Quên mật khẩu?", "Kích hoạt"]),
    ("vneid.dialog", {"dialog": {"title": "Đăng nhập trên thiết bị mới", "text": "X",
                                 "confirm": "Xác nhận", "cancel": "Hủy"}},
     ["Đăng nhập trên thiết bị mới", "Hủy"]),
    ("vneid.error", {}, ["Hệ thống đang bảo trì. Vui lòng thử lại sau"]),
    ("vneid.error", {"error": "connection"}, ["Kết nối tới hệ thống thất bại"]),
    ("vneid.home", {}, ["Quét QR", "Ví giấy tờ", "Cá nhân", "mức 2"]),
    ("vneid.wallet", {}, ["Căn cước điện tử", "Thẻ bảo hiểm y tế", "chưa tích hợp"]),
    ("vneid.wallet", {"wallet_open": "id-card"}, ["CĂN CƯỚC ĐIỆN TỬ", "000158012345"]),
    ("vneid.wallet", {"wallet_open": "health-card", "bhyt_done": True},
     ["THẺ BẢO HIỂM Y TẾ", "HT0000000000001"]),
    ("vneid.bhyt", {}, ["Đơn vị cấp thẻ BHYT", "BHXH Công an nhân dân",
                        "Tôi xác nhận các thông tin ở trên là đúng"]),
    ("vneid.bhyt", {"bhyt": "sent"}, ["Gửi yêu cầu thành công", "Lịch sử"]),
    ("vneid.personal", {}, ["Quản lý thiết bị", "Đổi mật khẩu", "Đổi passcode"]),
    # the hub (#19)
    ("vneid.home", {}, ["Thủ tục hành chính", "An sinh xã hội", "Kiến nghị, phản ánh",
                        "Sổ sức khỏe điện tử"]),
    ("vneid.wallet", {"wallet_open": "health-card", "bhyt_done": True},
     ["Giá trị sử dụng", "Sổ sức khỏe điện tử"]),
    ("vneid.procedures", {"procedure": None}, ["Thông báo lưu trú", "Cấp phiếu Lý lịch tư pháp",
                              "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT"]),
    ("vneid.procedures", {"procedure": "stay-notice"}, ["Tạo mới yêu cầu", "Chưa có yêu cầu"]),
    ("vneid.procedures", {"procedure": "criminal-record", "request_status": "processing"},
     ["Cấp phiếu Lý lịch tư pháp", "Đang xử lý"]),
    ("vneid.procedure_form", {"procedure": "stay-notice", "status": None},
     ["Cơ quan công an thực hiện", "Loại hình cơ sở cư trú", "Hộ gia đình",
      "Minh hoạ, giao diện thật có thể khác"]),
    ("vneid.procedure_form", {"police_chosen": True, "place_type": "household"},
     ["Công an xã Tập Luyện", "Tên cơ sở lưu trú"]),
    ("vneid.procedure_form", {"part": "guests"}, ["+ Thêm người lưu trú", "Gửi yêu cầu"]),
    ("vneid.procedure_form", {"part": "guests", "guests": [{"name": "TRẦN VĂN MẪU",
                                                            "dates": "01/12 – 10/12/2026"}]},
     ["TRẦN VĂN MẪU", "01/12 – 10/12/2026"]),
    ("vneid.procedure_form", {"part": "guest"}, ["Thông tin người lưu trú",
                                                 "Người thông báo là người lưu trú",
                                                 "Lưu trú từ ngày", "Lưu"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": None},
     ["Thông tin của trẻ", "Giấy chứng sinh", "Đính kèm ảnh giấy chứng sinh"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "family"},
     ["Cơ sở dữ liệu quốc gia về dân cư", "Không cần chụp ảnh",
      "Cấp thẻ BHYT cho trẻ dưới 6 tuổi"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "submit"},
     ["Hình thức nhận kết quả", "Tôi cam đoan"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "sent": True},
     ["Gửi yêu cầu thành công", "3 ngày làm việc", "Theo dõi hồ sơ"]),
    ("vneid.procedure_form", {"procedure": "criminal-record", "sent": None},
     ["Phiếu Lý lịch tư pháp số 1", "Mục đích sử dụng phiếu", "Nhận phiếu điện tử trên VNeID"]),
    ("vneid.procedure_form", {"procedure": "criminal-record", "status": "done"},
     ["Đã có kết quả", "Xem phiếu"]),
    ("vneid.social_security", {"ss_view": None}, ["Tài khoản hưởng an sinh xã hội"]),
    ("vneid.social_security", {"ss_view": "account"}, ["Chọn ngân hàng", "Số tài khoản",
                                                       "Xác nhận"]),
    ("vneid.social_security", {"ss_view": "account", "ss_bank": "bank-agribank",
                               "account_number": "9999"},
     ["Agribank", "Tên chủ tài khoản", "NGUYỄN THỊ TẬP"]),
    ("vneid.social_security", {"ss_view": "banks"}, ["Vietcombank", "VietinBank"]),
    ("vneid.social_security", {"ss_sent": True}, ["Gửi yêu cầu thành công"]),
    ("vneid.petition", {"pt_view": None}, ["Kiến nghị, phản ánh về an ninh, trật tự"]),
    ("vneid.petition", {"pt_view": "security"}, ["Tạo mới yêu cầu"]),
    ("vneid.petition", {"pt_view": "form"}, ["Lừa đảo chiếm đoạt tài sản", "Nội dung phản ánh",
                                             "Đính kèm ảnh chụp màn hình"]),
    ("vneid.petition", {"pt_sent": True}, ["Gửi yêu cầu thành công"]),
    ("vneid.health_book", {"hb_view": None},
     ["Lịch sử khám chữa bệnh", "Đơn thuốc", "HT0000000000001"]),
    ("vneid.health_book", {"hb_view": "visits"}, ["Trạm y tế xã Tập Luyện"]),
    ("vneid.health_book", {"hb_view": "prescriptions"}, ["thuốc tập"]),
    ("vneid.devices", {"devices": [{"id": "d1", "name": "Máy mượn", "note": "Cũ"}]},
     ["Máy mượn", "Hủy liên kết"]),
]


def _lesson_of(steps: list[str]) -> str:
    body = FRONT.format(id="vneid-screens").replace("topic: phone", "topic: phone")
    for step in steps:
        body += f"\n## Bước\n\nLàm theo.\n\n```step\n{step}\n```\n"
    return body


def _yaml(value, indent: int) -> str:
    import yaml

    return "\n".join(" " * indent + line for line in
                     yaml.safe_dump(value, allow_unicode=True).splitlines())


@pytest.fixture
def vneid_client(make_app, lessons_dir):
    steps = [SCREENS[name].example for name in VNEID]
    for i, (screen, state, _) in enumerate(VARIANTS):
        set_block = f"set:\n{_yaml(state, 2)}\n" if state else ""
        steps.append(f"id: variant-{i}\nscreen: {screen}\n{set_block}read: Tiếp tục")
    lessons_dir("vi/vneid-screens.md", _lesson_of(steps))
    return make_app(LESSONS_DIR=str(lessons_dir.root)).test_client()


def test_every_vneid_screen_has_a_realistic_example():
    assert len(VNEID) >= 15
    for name in VNEID:
        assert f"screen: {name}" in SCREENS[name].example, name


def test_home_screen_offers_the_qr_scan_icon_under_a_stable_name():
    assert "scan-qr" in SCREENS["vneid.home"].targets
    assert "tap: scan-qr" in SCREENS["vneid.home"].example


def test_every_example_and_variant_draws_with_the_practice_marker(vneid_client):
    for number in range(1, len(VNEID) + len(VARIANTS) + 1):
        response = vneid_client.get(f"/lessons/vneid-screens/{number}")
        assert response.status_code == 200, number
        html = response.get_data(as_text=True)
        assert "practice-marker" in html
        assert 'data-screen="vneid.' in html
    for i, (screen, _, words) in enumerate(VARIANTS):
        html = vneid_client.get(f"/lessons/vneid-screens/{len(VNEID) + i + 1}").get_data(
            as_text=True)
        for word in words:
            assert word in html, (screen, word)


# The hub screens (#19): in each state, the buttons a lesson taps there are drawn.
HUB_BUTTONS = [
    ("vneid.home", {}, ["procedures", "social-security", "petitions", "health-book", "wallet",
                        "tab-wallet"]),
    ("vneid.wallet", {"wallet_open": "health-card", "bhyt_done": True}, ["health-book"]),
    ("vneid.procedures", {"procedure": None}, ["stay-notice", "birth-registration",
                                               "criminal-record"]),
    ("vneid.procedures", {"procedure": "stay-notice"}, ["new-request"]),
    ("vneid.procedures", {"procedure": "stay-notice", "request_status": "received"}, ["track"]),
    ("vneid.procedure_form", {"procedure": "stay-notice"},
     ["choose-police", "place-household", "place-rental", "place-other", "continue"]),
    ("vneid.procedure_form", {"procedure": "stay-notice", "part": "guests"},
     ["add-guest", "send-request"]),
    ("vneid.procedure_form", {"procedure": "stay-notice", "part": "guest"},
     ["guest-self", "save"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "child"},
     ["sex-male", "sex-female", "attach", "continue"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "family"},
     ["same-residence", "continue"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "submit"},
     ["receive-app", "receive-post", "agree", "send-request"]),
    ("vneid.procedure_form", {"procedure": "criminal-record"},
     ["cert-1", "cert-2", "receive-app", "receive-post", "agree", "send-request"]),
    ("vneid.procedure_form", {"procedure": "criminal-record", "sent": True}, ["track"]),
    ("vneid.procedure_form", {"procedure": "criminal-record", "status": "done"},
     ["view-result"]),
    ("vneid.social_security", {}, ["payment-account", "benefits"]),
    ("vneid.social_security", {"ss_view": "account"}, ["choose-bank", "confirm"]),
    ("vneid.social_security", {"ss_view": "banks"}, ["bank-agribank", "bank-vietcombank",
                                                     "bank-bidv", "bank-vietinbank"]),
    ("vneid.petition", {}, ["security", "other-petition"]),
    ("vneid.petition", {"pt_view": "security"}, ["new-request"]),
    ("vneid.petition", {"pt_view": "form"}, ["cat-fraud", "cat-other", "attach",
                                             "send-request"]),
    ("vneid.health_book", {}, ["visits", "prescriptions"]),
]
HUB_FIELDS = [
    ("vneid.procedure_form", {"procedure": "stay-notice", "part": "guest"},
     ["guest_name", "guest_id", "from_date", "to_date", "reason"]),
    ("vneid.procedure_form", {"procedure": "stay-notice", "part": "guests"}, ["phone"]),
    ("vneid.procedure_form", {"procedure": "birth-registration", "part": "child"},
     ["child_name", "child_birth_date"]),
    ("vneid.procedure_form", {"procedure": "criminal-record"}, ["purpose", "copies", "phone"]),
    ("vneid.social_security", {"ss_view": "account"}, ["account_number"]),
    ("vneid.petition", {"pt_view": "form"}, ["when", "where", "content"]),
]


@pytest.mark.parametrize(("screen", "state", "names"), HUB_BUTTONS + HUB_FIELDS)
def test_hub_screens_draw_what_a_lesson_taps_or_types(make_app, lessons_dir, screen, state,
                                                       names):
    fields = (screen, state, names) in HUB_FIELDS
    for name in names:
        assert name in (SCREENS[screen].fields if fields else SCREENS[screen].targets), name
    set_block = f"set:\n{_yaml(state, 2)}\n" if state else ""
    lessons_dir("vi/vneid-screens.md",
                _lesson_of([f"id: hub\nscreen: {screen}\n{set_block}read: Tiếp tục"]))
    client = make_app(LESSONS_DIR=str(lessons_dir.root)).test_client()
    html = client.get("/lessons/vneid-screens/1").get_data(as_text=True)
    assert "Màn hình tập luyện" in html
    for name in names:
        assert (f'data-field="{name}"' if fields else f'data-target="{name}"') in html, name


def test_password_checklist_ticks_only_the_rules_met():
    assert all(met for _, _, met in password_rules("TapLuyen@2025"))
    assert [met for _, _, met in password_rules("tapluyen")] == [True, False, True, False, False]
    assert [met for _, _, met in password_rules("Ab1@" * 6)][0] is False  # 24: too long
    assert not any(met for _, _, met in password_rules(""))


OUR_LESSONS = ("vneid-account-levels", "vneid-register-level-1", "vneid-activate", "vneid-login",
               "vneid-forgot", "vneid-wallet", "vneid-nfc-chip", "vneid-safety",
               "phone-getting-started", "vneid-stay-notice", "portal-birth",
               "vneid-criminal-record")


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_step_of_our_lessons_draws_in_both_languages(client, locale):
    from tests.conftest import ROOT
    from trainer.content.library import load_library

    library = load_library(ROOT / "lessons")
    client.set_cookie("lang", locale)
    for lesson_id in OUR_LESSONS:
        lesson = library.get(lesson_id, locale)
        assert lesson is not None and lesson.locale == locale, lesson_id
        assert lesson.sources and lesson.checked
        for number, step in enumerate(lesson.steps, start=1):
            html = client.get(f"/lessons/{lesson_id}/{number}").get_data(as_text=True)
            assert step.heading in html.replace("&#34;", '"').replace("&#39;", "'"), (
                lesson_id, number)
