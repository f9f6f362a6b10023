"""The main pages of every role, in Chinese, carry no English UI text.

Each page is rendered with Chinese active; its visible text and the attributes people read
(placeholder, title, aria-label, alt, value of buttons) are split into Latin words, and any word that is
not data (the names and codes this test created) or on the short allow-list fails the test.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from credit import facts
from credit.kinds import SourceType
from credit.models import Fact, Source
from marketplace.catalog import spreadsheet
from marketplace.companies.models import CompanyKind, PlatformRole
from tests.credit.factories import DisputeEvidenceFactory, FactDisputeFactory
from tests.marketplace.catalog.factories import (
    CertificationFactory,
    ProductFactory,
    ShowcaseAccessFactory,
    ShowcaseFactory,
    ShowcaseItemFactory,
)
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.deals.staged import deal_pages, staged_deals

pytestmark = pytest.mark.django_db

# Names that stay Latin in Chinese: the brand (drawn as Trust + Fair), standards, the metrics' authors, and
# the import file's column names (identifiers a supplier types into the file header).
ALLOWED = {"TrustFair", "Trust", "Fair", "RoHS", "WebP", "Brier", *spreadsheet.COLUMNS}
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, data: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = re.sub(r"\S+@\S+", " ", " ".join(parser.parts))  # email addresses are data
    text = re.sub(r"[\w-]+\.(csv|jpg|png|xlsx|zip)\b", " ", text)  # and so are file names
    text = re.sub(r"\b\w+_\w+\b", " ", text)  # and identifiers (the import's column names)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text))
    # Codes stay as they are in any language: currencies, Incoterms, standards, grades, HS sections.
    return {w for w in words if w not in ALLOWED and not w.replace("-", "").isupper()}


# The deals' own words in Chinese (data the parties typed), so that any Latin word left is UI text.
CHINESE_DEAL = {
    "subjects": ("伺服注塑机第一批", "伺服注塑机第二批", "已装机器的备件"),
    "message": "我们需要分两批交付120台伺服注塑机。",
    "named_place": "汉堡",
    "notes": "含备件包和两名工程师现场调试。",
    "line": "伺服液压注塑机 {n}00 型",
    "signer": "王芳",
    "title": "采购总监",
    "proof_note": "电汇定金",
}


@pytest.fixture
def world():
    supplier = CompanyFactory(
        name="Ningbo Haitian Precision",
        name_zh="宁波海天精密",
        kind=CompanyKind.SUPPLIER,
        verified_at=timezone.now(),
    )
    owner = MembershipFactory(company=supplier, user=UserFactory(email="owner@haitian.example")).user
    buyer_company = CompanyFactory(
        name="Harbourline Imports", name_zh="", kind=CompanyKind.BUYER, city="Felixstowe"
    )
    buyer = MembershipFactory(company=buyer_company, user=UserFactory(email="emma@harbourline.example")).user
    product = ProductFactory(
        supplier=supplier,
        name="Servo press SP-1",
        name_zh="伺服压力机",
        description_zh="坚固耐用",
        price="86000",
    )
    CertificationFactory(product=product)
    showcase = ShowcaseFactory(supplier=supplier, created_by=owner, title="春季价格", message="仅供合作伙伴")
    ShowcaseItemFactory(showcase=showcase, product=product, terms="FOB")
    ShowcaseAccessFactory(showcase=showcase, company=buyer_company)
    # A bank's fact about the supplier, disputed by its owner (with a file), for the dispute pages.
    bank = Source.objects.create(code="bank-cn", name="Haitong Bank", source_type=SourceType.BANK)
    fact, _created = facts.record(
        source=bank,
        kind="payment_late",
        subject=supplier,
        payload={"days_late": 40, "amount": "1000", "currency": "USD"},
        occurred_at=timezone.now(),
        external_ref="zh-late-1",
    )
    dispute = FactDisputeFactory(fact=fact, opened_by=owner, statement="已按期付款")
    DisputeEvidenceFactory(dispute=dispute, uploaded_by=owner)
    deals = staged_deals(
        supplier=supplier, supplier_user=owner, buyer=buyer_company, buyer_user=buyer, words=CHINESE_DEAL
    )
    data = {
        bank.name,
        "receipt.pdf",
        fact.external_ref,
        # The decision form's JSON field shows the partner's payload as sent (its identifiers already go).
        re.sub(r"\b\w+_\w+\b", " ", json.dumps(Fact.objects.get(pk=fact.pk).payload)),
        supplier.name,
        buyer_company.name,
        buyer_company.city,
        owner.email,
        buyer.email,
        product.name,
        product.sku,
        product.port_of_loading,
        product.hs_code,
        product.description,
        supplier.registration_number or "",
        buyer_company.slug,
        supplier.slug,
        "Felixstowe",
        product.category.name,
        product.category.parent.name,
    }
    return {
        "owner": owner,
        "buyer": buyer,
        "risk": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
        "operator": UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
        "data": {d for d in data if d},
        "pages": {
            None: [
                "/companies/",
                "/products/",
                supplier.get_absolute_url(),
                product.get_absolute_url(),
                "/fairs/",
            ],
            "owner": [
                "/portal/supplier/",
                "/portal/products/",
                f"/portal/products/{product.pk}/",
                "/portal/products/import/",
                "/portal/showcases/",
                showcase.get_portal_url(),
                "/portal/company/staff/",
                "/portal/company/verification/",
                "/portal/company/credit/",
                f"/credit/companies/{supplier.pk}/facts/",
                f"/credit/facts/{fact.pk}/dispute/",
                f"/credit/disputes/{dispute.pk}/",
                "/notifications/",
                *deal_pages(deals),
            ],
            "buyer": [
                "/portal/buyer/",
                "/showcases/shared/",
                showcase.get_absolute_url(),
                *deal_pages(deals),
            ],
            "risk": [
                "/risk/",
                f"/credit/companies/{supplier.pk}/",
                "/credit/models/",
                "/credit/batches/",
                "/credit/disputes/",
                "/credit/disputes/overdue/",
                f"/credit/disputes/{dispute.pk}/decide/",
            ],
            "operator": ["/operator/verification/", "/operator/fx-rates/", "/credit/disputes/overdue/"],
        },
    }


def test_main_pages_in_chinese_have_no_english_ui_text(client, world):
    client.cookies["django_language"] = "zh-hans"
    found = {}
    for who, paths in world["pages"].items():
        client.logout()
        if who:
            client.force_login(world[who])
        client.cookies["django_language"] = "zh-hans"
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            words = english_words(response.content.decode(), world["data"])
            if words:
                found[f"{who or 'anonymous'} {path}"] = sorted(words)
    assert not found, "English words in Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
