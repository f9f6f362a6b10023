"""Declarations under an approved limit: premium from the rate table, indemnity, certificate, the limit's use."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.deals.models import Insurance, Order
from marketplace.insurance import rates, selectors, services
from marketplace.insurance.models import PremiumRate
from tests.marketplace.core.conftest import poppler
from tests.marketplace.core.test_pdf import embedded_fonts
from tests.marketplace.insurance.helpers import ordered_deal, ship

pytestmark = pytest.mark.django_db


def approved(deal, people, amount="50000", max_term_days=90):
    limit = services.request_cover(deal=deal, insurer=people["insurer"], by_user=people["supplier_user"])
    return services.decide_limit(
        limit=limit,
        by_user=people["officer"],
        outcome="approve" if Decimal(amount) >= limit.requested_amount else "reduce",
        amount=Decimal(amount),
        max_term_days=max_term_days,
        valid_until=timezone.localdate() + dt.timedelta(days=365),
        reason="" if Decimal(amount) >= limit.requested_amount else "policy",
    )


def test_a_declared_shipment_is_covered_with_premium_indemnity_and_certificate(deal, people, tmp_path):
    limit = approved(deal, people)
    shipment = ship(deal, people["supplier_user"])
    declaration = services.declare(deal=deal, shipment=shipment, by_user=people["supplier_user"])
    milestone = deal.milestones.get()
    assert declaration.insured_amount == Decimal("50000")
    assert declaration.due_date == milestone.due_date
    assert declaration.term_days == (milestone.due_date - shipment.shipped_on).days
    # Grade A, a term of up to 90 days: the default table's A row, 60 < term <= 90 → 0.3 % × 1.6.
    expected_rate = rates.rate_for(people["insurer"], "A", declaration.term_days)
    assert declaration.premium_rate == expected_rate
    assert declaration.premium == (Decimal("50000") * expected_rate / 100).quantize(Decimal("0.01"))
    assert declaration.indemnity_percent == 90
    assert declaration.indemnity.amount == Decimal("45000.00")
    limit.refresh_from_db()
    assert limit.used == Decimal("50000")
    order = Order.objects.get(deal=deal)
    assert order.insurance == Insurance.INSURED and order.insurance_policy == limit.policy.number
    event = deal.events.order_by("-seq").first()
    assert event.action == "insurance_recorded" and event.data["insured"] is True
    assert event.data["sha256"] == declaration.certificate_sha256
    pdf = declaration.certificate.open("rb").read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == declaration.certificate_sha256
    assert "Noto-Sans-CJK-SC" in embedded_fonts(poppler("pdffonts", pdf, tmp_path))
    text = " ".join(poppler("pdftotext", pdf, tmp_path).split())
    assert (
        "Certificate of export credit insurance" in text
        and "出口信用保险凭证" in text
        and declaration.number in text
    )
    assert "45,000.00 USD" in text and "保险金额" in text
    receivable = selectors.insured_receivable(deal)
    assert [(r.insured_amount, r.currency, r.indemnity_percent, r.indemnity_amount) for r in receivable] == [
        (Decimal("50000"), "USD", 90, Decimal("45000.00"))
    ]


def test_the_rate_table_edited_by_the_insurer_sets_the_premium(deal, people):
    approved(deal, people)
    rates.ensure_table(people["insurer"])
    services.set_rate(
        insurer=people["insurer"],
        by_user=people["officer"],
        grade="A",
        max_term_days=90,
        rate_percent=Decimal("1.250"),
    )
    with pytest.raises(PermissionDenied):
        services.set_rate(
            insurer=people["insurer"],
            by_user=people["other_officer"],
            grade="A",
            max_term_days=90,
            rate_percent=Decimal("9"),
        )
    declaration = services.declare(
        deal=deal, shipment=ship(deal, people["supplier_user"]), by_user=people["supplier_user"]
    )
    assert declaration.premium_rate == Decimal("1.250")
    assert declaration.premium == Decimal("625.00")
    assert (
        PremiumRate.objects.get(insurer=people["insurer"], grade="A", max_term_days=90).updated_by
        == people["officer"]
    )


def test_the_limits_use_never_exceeds_the_limit(deal, people):
    limit = approved(deal, people, amount="30000")
    first = ship(deal, people["supplier_user"], tracking="A1")
    services.declare(
        deal=deal, shipment=first, by_user=people["supplier_user"], insured_amount=Decimal("20000")
    )
    second = ship(deal, people["supplier_user"], tracking="A2")
    with pytest.raises(ValidationError):
        services.declare(
            deal=deal, shipment=second, by_user=people["supplier_user"], insured_amount=Decimal("10001")
        )
    services.declare(
        deal=deal, shipment=second, by_user=people["supplier_user"], insured_amount=Decimal("10000")
    )
    limit.refresh_from_db()
    assert limit.used == limit.amount == Decimal("30000")


def test_no_declaration_without_a_limit_in_force_or_past_its_term(deal, people):
    shipment = ship(deal, people["supplier_user"])
    with pytest.raises(ValidationError):
        services.declare(deal=deal, shipment=shipment, by_user=people["supplier_user"])
    approved(deal, people, max_term_days=30)  # the invoice is due 60 days after shipment
    with pytest.raises(ValidationError):
        services.declare(deal=deal, shipment=shipment, by_user=people["supplier_user"])


def test_a_shipment_is_declared_once_and_only_by_the_supplier(deal, people):
    approved(deal, people)
    shipment = ship(deal, people["supplier_user"])
    with pytest.raises(PermissionDenied):
        services.declare(deal=deal, shipment=shipment, by_user=people["buyer_user"])
    services.declare(
        deal=deal, shipment=shipment, by_user=people["supplier_user"], insured_amount=Decimal("1000")
    )
    with pytest.raises(ValidationError):
        services.declare(
            deal=deal, shipment=shipment, by_user=people["supplier_user"], insured_amount=Decimal("1000")
        )


def test_a_second_deal_with_the_same_buyer_uses_the_limit_in_force(deal, people):
    limit = approved(deal, people, amount="80000")
    second = ordered_deal(
        buyer=people["buyer"],
        supplier=people["supplier"],
        buyer_user=people["buyer_user"],
        supplier_user=people["supplier_user"],
    )
    assert (
        services.request_cover(deal=second, insurer=people["insurer"], by_user=people["supplier_user"])
        == limit
    )
    services.declare(deal=deal, shipment=ship(deal, people["supplier_user"]), by_user=people["supplier_user"])
    services.declare(
        deal=second,
        shipment=ship(second, people["supplier_user"]),
        by_user=people["supplier_user"],
        insured_amount=Decimal("30000"),
    )
    limit.refresh_from_db()
    assert limit.used == Decimal("80000")
