"""The golden rules against scams, shown at the end of a practice round and printed
as a handout. Each rule comes from a source in part C3 of the domain reference
(Ministry of Public Security advice and the official contact points)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    key: str
    title: object  # lazy string
    text: object
    source: str  # shown as written: a publication and date, not translated


BCA = "Bộ Công an, qua CafeF, 02/2024"

RULES: tuple[Rule, ...] = (
    Rule("police-phone", _l("Công an không làm việc qua điện thoại"),
         _l("Ai xưng công an gọi điện bảo cài ứng dụng, chuyển tiền hay đọc mã số: bác cúp "
            "máy, rồi ra công an xã, phường hỏi."), BCA),
    Rule("otp", _l("Không bao giờ đọc mã OTP cho ai"),
         _l("Không khai thông tin qua điện thoại, kể cả mã OTP, với người xưng ngân hàng, "
            "công an hay người quen."), BCA),
    Rule("apps", _l("Chỉ cài ứng dụng từ CH Play / App Store"),
         _l("Không bật \"cài ứng dụng không rõ nguồn gốc\", không cài tệp gửi qua Zalo hay "
            "đường link."), BCA),
    Rule("ask", _l("Nghi ngờ thì hỏi: người thân, công an xã, 113"),
         _l("Chưa chắc thì dừng lại, hỏi người thân hoặc cảnh sát khu vực, công an xã; khẩn "
            "cấp gọi 113."), BCA + "; UBND xã Nghĩa Hà (xanghiaha.quangngai.gov.vn)"),
    Rule("bank", _l("Lỡ chuyển tiền: gọi ngay ngân hàng"),
         _l("Gọi số tổng đài in trên thẻ, đề nghị tra soát và phong tỏa giao dịch, rồi báo "
            "công an."), "CafeF, 10/2025"),
    Rule("report", _l("Báo tin nhắn, cuộc gọi rác: 5656 / 156"),
         _l("Nhắn tin báo tin nhắn rác đến 5656, cuộc gọi rác đến 156."), "th389.vn"),
    Rule("web", _l("Trang web lạ: tra ở tinnhiemmang.vn"),
         _l("Xem danh sách trang lừa đảo tại tinnhiemmang.vn/website-lua-dao trước khi nhập "
            "thông tin."), "tinnhiemmang.vn/website-lua-dao"),
    Rule("vneid", _l("Hỏi về VNeID: tổng đài 1900 0368"),
         _l("Chỉ gọi số tổng đài chính thức, không gọi số ghi trong tin nhắn lạ."),
         "UBND xã Nghĩa Hà (xanghiaha.quangngai.gov.vn)"),
)
