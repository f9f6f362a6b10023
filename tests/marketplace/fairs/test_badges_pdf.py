"""The badge PDF prints the holder's name (Chinese too) and a QR code that decodes to exactly the token."""

import subprocess

import pytest
import zxingcpp
from PIL import Image

from marketplace.fairs import badge_tokens, badges_pdf
from tests.marketplace.companies.factories import UserFactory
from tests.marketplace.fairs.factories import BadgeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def page_image(pdf_bytes: bytes, tmp_path, page: int = 1) -> Image.Image:
    source = tmp_path / "badge.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(  # noqa: S603 - poppler on our own rendered file
        [
            "/usr/bin/pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            str(source),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    return Image.open(sorted(tmp_path.glob("p*.png"))[0])


def pdf_text(pdf_bytes: bytes, tmp_path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf_bytes)
    args = ["/usr/bin/pdftotext", str(source), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_qr_code_on_the_badge_decodes_to_exactly_its_token(tmp_path, language):
    badge = BadgeFactory()
    rendered = badges_pdf.render(badge, language=language)
    assert rendered.startswith(b"%PDF")
    results = zxingcpp.read_barcodes(page_image(rendered, tmp_path))
    assert [r.text for r in results] == [badge_tokens.token_for(badge)]


def test_the_badge_prints_name_company_country_role_and_a_chinese_name(tmp_path):
    registration = RegistrationFactory(full_name="王小明", company_name="广州进出口有限公司", country="CN")
    badge = BadgeFactory(registration=registration)
    rendered = badges_pdf.render(badge, language="zh-hans")
    text = pdf_text(rendered, tmp_path)
    fonts_file = tmp_path / "fonts.pdf"
    fonts_file.write_bytes(rendered)
    fonts = subprocess.run(  # noqa: S603 - poppler on our own rendered file
        ["/usr/bin/pdffonts", str(fonts_file)], check=True, capture_output=True, text=True
    ).stdout
    assert "Noto-Sans-CJK-SC" in fonts  # the Chinese name is drawn in the CJK face, not boxes
    assert "王小明" in text
    assert "广州进出口有限公司" in text
    assert "China" in text or "中国" in text
    assert "Buyer" in text and "采购商" in text
    assert registration.session.name in text


def test_a_reprint_prints_a_new_code_and_the_old_print_is_refused(tmp_path):
    from marketplace.fairs import badges_services
    from tests.marketplace.fairs.factories import ServicePointFactory

    badge = BadgeFactory()
    point = ServicePointFactory(session=badge.registration.session)
    staff = UserFactory()
    point.staff.add(staff)
    old_code = zxingcpp.read_barcodes(page_image(badges_pdf.render(badge), tmp_path))[0].text
    badges_services.reprint(badge=badge, by_user=staff, service_point=point)
    badge.refresh_from_db()
    (tmp_path / "new").mkdir()
    new_code = zxingcpp.read_barcodes(page_image(badges_pdf.render(badge), tmp_path / "new"))[0].text
    assert new_code != old_code
    assert badge_tokens.read(new_code) == badge
    with pytest.raises(badge_tokens.BadgeRefused, match="reprinted"):
        badge_tokens.read(old_code)


def test_many_badges_in_one_pdf_one_page_each(tmp_path):
    badges = [BadgeFactory() for _ in range(3)]
    rendered = badges_pdf.render_many(badges)
    assert [r.text for r in zxingcpp.read_barcodes(page_image(rendered, tmp_path, page=3))] == [
        badge_tokens.token_for(badges[2])
    ]
