"""One helper picks the English or Chinese half of a field pair; one check says whether Chinese is active."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from marketplace.companies.models import Company
from marketplace.core.languages import chinese_active, html_lang, localized, pick


@pytest.mark.parametrize(
    ("code", "expected"), [("zh-hans", True), ("zh-CN", True), ("zh", True), ("en", False), ("", False)]
)
def test_chinese_active_for_an_explicit_code(code, expected):
    assert chinese_active(code) is expected


def test_chinese_active_follows_the_active_language():
    with translation.override("zh-hans"):
        assert chinese_active() and html_lang() == "zh-CN"
    with translation.override("en"):
        assert not chinese_active() and html_lang() == "en"


def test_localized_shows_chinese_to_chinese_readers_and_falls_back_to_english():
    product = SimpleNamespace(
        name="Injection moulding machine", name_zh="注塑机", description="Steel", description_zh=""
    )
    with translation.override("zh-hans"):
        assert localized(product, "name") == "注塑机"
        assert localized(product, "description") == "Steel"  # no Chinese text: the English one
    with translation.override("en"):
        assert localized(product, "name") == "Injection moulding machine"
    # An explicit language wins over the active one (a Chinese PDF rendered from an English request).
    assert localized(product, "name", language="zh-hans") == "注塑机"
    assert pick("Steel", "钢", language="en") == "Steel"


def test_models_use_the_helper():
    company = Company(name="Ningbo Hengtai", name_zh="宁波恒泰", description="Presses", description_zh="")
    with translation.override("zh-hans"):
        assert (company.display_name, company.display_description) == ("宁波恒泰", "Presses")
    with translation.override("en"):
        assert company.display_name == "Ningbo Hengtai"
