"""The sales contract: a bilingual PDF with the CJK face embedded, its hash in the record, accepted once per side."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.deals import contracts, record
from marketplace.deals.models import Contract, ContractAcceptance, DealState
from tests.marketplace.core.conftest import poppler
from tests.marketplace.core.test_pdf import embedded_fonts
from tests.marketplace.deals.factories import agreed_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(parties):
    parties["supplier"].name_zh = "宁波机械有限公司"
    parties["supplier"].registration_number = "91330200MA2XXXXX1"
    parties["supplier"].save()
    return agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], lines=3, named_place="Ningbo")


def test_the_contract_is_bilingual_and_embeds_noto_sans_cjk_sc(agreed, tmp_path):
    contract = contracts.issue_contract(deal=agreed, by_user=_member(agreed, "supplier"))
    document = contract.pdf.read()
    assert hashlib.sha256(document).hexdigest() == contract.sha256
    fonts = embedded_fonts(poppler("pdffonts", document, tmp_path))
    assert "Noto-Sans-CJK-SC" in fonts
    assert not [f for f in fonts if "CJK-JP" in f or "CJK-KR" in f]
    words = poppler("pdftotext", document, tmp_path)
    for text in (
        "Sales contract",
        "销售合同",
        contract.number,
        "Ningbo Machines",
        "宁波机械有限公司",
        "Hamburg Imports",
        "Hamburg, Germany",
        "德国 Hamburg",
        "91330200MA2XXXXX1",
        "FOB Ningbo",
        "Deposit of 30% within 7 days of the order",
        "Governing law",
        "适用法律",
        "375,000.00",
    ):
        assert text in words, text


def test_issuing_records_the_hash_and_the_clauses_copy(agreed):
    contract = contracts.issue_contract(deal=agreed, by_user=_member(agreed, "buyer"))
    event = agreed.events.get(action="contract_issued")
    assert event.data == {"number": contract.number, "sha256": contract.sha256, "offer": 1}
    assert contract.clauses == contracts.governing_clauses()
    assert record.verify(agreed) is None


def test_only_a_party_issues_once_while_agreed(agreed, parties):
    for outsider in ("third_user", "operator", "risk_officer", "no_company"):
        with pytest.raises(PermissionDenied):
            contracts.issue_contract(deal=agreed, by_user=parties[outsider])
    contracts.issue_contract(deal=agreed, by_user=parties["buyer_user"])
    with pytest.raises(ValidationError):
        contracts.issue_contract(deal=agreed, by_user=parties["supplier_user"])
    assert Contract.objects.count() == 1
    assert agreed.events.filter(action="contract_issued").count() == 1


def test_no_contract_before_the_terms_are_agreed(parties, deal):
    length = deal.record_length
    with pytest.raises(ValidationError):
        contracts.issue_contract(deal=deal, by_user=parties["buyer_user"])
    deal.refresh_from_db()
    assert deal.record_length == length and not Contract.objects.exists()


def test_each_side_accepts_once_with_name_title_time_and_address(agreed, parties):
    contract = contracts.issue_contract(deal=agreed, by_user=parties["supplier_user"])
    contracts.accept_contract(
        contract=contract,
        by_user=parties["buyer_user"],
        name="Anna Weber",
        title="Buyer",
        ip="192.0.2.1",
        sha256=contract.sha256,
    )
    event = agreed.events.get(action="contract_accepted")
    assert {k: event.data[k] for k in ("side", "name", "title", "ip", "sha256")} == {
        "side": "buyer",
        "name": "Anna Weber",
        "title": "Buyer",
        "ip": "192.0.2.1",
        "sha256": contract.sha256,
    }
    assert event.data["at"]
    assert not contracts.accepted_by_both(contract)
    with pytest.raises(ValidationError):  # the same side again, another person
        contracts.accept_contract(
            contract=contract,
            by_user=parties["buyer_staff"],
            name="Ben",
            title="Staff",
            ip=None,
            sha256=contract.sha256,
        )
    contracts.accept_contract(
        contract=contract,
        by_user=parties["supplier_staff"],
        name="Li Wei",
        title="Sales",
        ip="2001:db8::1",
        sha256=contract.sha256,
    )
    assert contracts.accepted_by_both(contract)
    agreed.refresh_from_db()
    assert agreed.state == DealState.AGREED  # accepting is a side step; the order is its own step


@pytest.mark.parametrize(
    ("who", "name", "title", "digest", "error"),
    [
        ("third_user", "X", "Y", None, PermissionDenied),
        ("operator", "X", "Y", None, PermissionDenied),
        ("buyer_user", "", "Y", None, ValidationError),
        ("buyer_user", "X", " ", None, ValidationError),
        ("buyer_user", "X", "Y", "0" * 64, ValidationError),  # accepting a PDF other than the one issued
    ],
)
def test_a_refused_acceptance_changes_nothing(agreed, parties, who, name, title, digest, error):
    contract = contracts.issue_contract(deal=agreed, by_user=parties["supplier_user"])
    agreed.refresh_from_db()
    length = agreed.record_length
    with pytest.raises(error):
        contracts.accept_contract(
            contract=contract,
            by_user=parties[who],
            name=name,
            title=title,
            ip=None,
            sha256=digest or contract.sha256,
        )
    agreed.refresh_from_db()
    assert agreed.record_length == length and not ContractAcceptance.objects.exists()


def _member(deal, side):
    from marketplace.companies.models import Membership

    company = deal.buyer if side == "buyer" else deal.supplier
    return Membership.objects.filter(company=company).first().user


def test_the_contract_prints_both_registered_addresses_in_both_languages(agreed, parties, tmp_path):
    supplier, buyer = parties["supplier"], parties["buyer"]
    supplier.country, supplier.city = "CN", "Ningbo"
    supplier.street_line1, supplier.street_line2 = "No. 188 Xingye Road", "Beilun Development Zone"
    supplier.postal_code, supplier.address_zh = "315800", "浙江省宁波市北仑区兴业路188号"
    supplier.save()
    buyer.street_line1, buyer.postal_code = "Am Sandtorkai 5", "20457"
    buyer.save()
    assert contracts.party_addresses(supplier) == (
        "No. 188 Xingye Road, Beilun Development Zone, 315800 Ningbo, China",
        "中国 浙江省宁波市北仑区兴业路188号 （邮编 315800）",
    )
    # Without a Chinese address the parts run from the country down.
    assert contracts.party_addresses(buyer) == (
        "Am Sandtorkai 5, 20457 Hamburg, Germany",
        "德国 Hamburg Am Sandtorkai 5 （邮编 20457）",
    )
    contract = contracts.issue_contract(deal=agreed, by_user=_member(agreed, "supplier"))
    words = " ".join(poppler("pdftotext", contract.pdf.read(), tmp_path).split())
    for text in (
        "No. 188 Xingye Road",
        "315800 Ningbo, China",
        "Am Sandtorkai 5, 20457 Hamburg",
        "兴业路188号",
    ):
        assert text in words, text
