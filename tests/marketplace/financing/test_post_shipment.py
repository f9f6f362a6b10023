"""Post-shipment financing against an insured receivable: the indemnity assigned to the bank (the insurer
sees it), the ceiling at min(advance rate by grade, 90 % of the insured amount), clear refusals when the
deal does not qualify, the bank's queue showing the insurance in force, and who may see it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.financing import services
from marketplace.financing.models import ApplicationStatus, FinancingKind
from marketplace.insurance import services as insurance_services
from marketplace.insurance.models import Declaration
from tests.marketplace.financing.conftest import grade
from tests.marketplace.insurance.helpers import ordered_deal, rate, ship

pytestmark = pytest.mark.django_db
POST = FinancingKind.POST_SHIPMENT


@pytest.fixture
def insured(world):
    """An open-account deal of 50,000 USD, shipped and declared under an approved buyer limit."""
    rate(world["buyer"], "A")
    deal = ordered_deal(
        buyer=world["buyer"],
        supplier=world["supplier"],
        buyer_user=world["buyer_user"],
        supplier_user=world["supplier_user"],
    )
    grade(world["supplier"], "A")  # placing the order recomputed the supplier; keep it at A
    limit = insurance_services.request_cover(
        deal=deal, insurer=world["insurer"], by_user=world["supplier_user"]
    )
    insurance_services.decide_limit(
        limit=limit,
        by_user=world["insurer_officer"],
        outcome="approve",
        amount=Decimal("50000"),
        max_term_days=90,
        valid_until=timezone.localdate() + dt.timedelta(days=365),
        reason="",
    )
    shipment = ship(deal, world["supplier_user"])
    declaration = insurance_services.declare(deal=deal, shipment=shipment, by_user=world["supplier_user"])
    deal.refresh_from_db()
    return deal, declaration


def apply_post(world, deal, amount="40000", **kwargs):
    args = {
        "deal": deal,
        "by_user": world["supplier_user"],
        "bank": world["bank"],
        "amount": Decimal(amount),
        "currency": "USD",
        "term_days": 120,
        "kind": POST,
    }
    args.update(kwargs)
    return services.apply(**args)


def test_post_shipment_assigns_the_indemnity_to_the_bank_and_the_insurer_sees_it(world, insured, client):
    deal, declaration = insured
    application = apply_post(world, deal)
    declaration.refresh_from_db()
    assert application.kind == POST and application.declaration_id == declaration.pk
    assert application.insured_amount == Decimal("50000") and application.insurance_reference
    assert declaration.indemnity_assigned_to == world["bank"]
    assert declaration.assignment_reference == application.number
    assert AuditEvent.objects.filter(action="insurance.declaration.assign_indemnity").exists()
    client.force_login(world["insurer_officer"])
    page = client.get(declaration.limit.get_absolute_url()).content.decode()
    assert "Indemnity assigned to Harbour Bank" in page


def test_the_ceiling_is_the_lesser_of_the_grade_rate_and_90_percent_of_the_insured_amount(
    world, insured, settings
):
    deal, _declaration = insured
    # Grade A lends 80 %: 40,000 of the 50,000 insured.
    with pytest.raises(ValidationError) as refused:
        apply_post(world, deal, amount="40000.01")
    assert "At most 40,000 USD: 80 % of the insured amount for grade A." in refused.value.messages
    # A generous table (95 % for A) is still capped at 90 % of the insured amount: 45,000.
    settings.FINANCING_ADVANCE_RATES = {"A": "0.95", "NR": "0.40"}
    with pytest.raises(ValidationError) as refused:
        apply_post(world, deal, amount="45000.01")
    assert "At most 45,000 USD: 90 % of the insured amount for grade A." in refused.value.messages
    application = apply_post(world, deal, amount="45000")
    assert application.ceiling == Decimal("45000.00")
    with pytest.raises(ValidationError):
        services.approve(
            application=application, by_user=world["bank_officer"], amount="45000.01", rate="5", term_days=120
        )


def test_term_at_most_180_days(world, insured):
    deal, _declaration = insured
    with pytest.raises(ValidationError) as refused:
        apply_post(world, deal, term_days=181)
    assert "term_days" in refused.value.message_dict
    assert not Declaration.objects.filter(indemnity_assigned_to__isnull=False).exists()


def test_a_deal_that_does_not_qualify_is_refused_with_its_reason(world, insured):
    # Not shipped yet (world's own deal is only ordered): no receivable.
    with pytest.raises(ValidationError, match="after the goods are shipped"):
        apply_post(world, world["deal"])
    # Shipped but not insured.
    deal = world["deal"]
    type(deal).objects.filter(pk=deal.pk).update(state="shipped")
    deal.refresh_from_db()
    with pytest.raises(ValidationError, match="not insured"):
        apply_post(world, deal)
    # Insured, but already assigned to a bank by an open application.
    insured_deal, _declaration = insured
    apply_post(world, insured_deal)
    with pytest.raises(ValidationError, match="already"):
        apply_post(world, insured_deal, bank=world["other_bank"])


def test_pre_shipment_is_refused_once_shipped_and_post_shipment_is_offered_instead(world, insured, client):
    deal, _declaration = insured
    with pytest.raises(ValidationError, match="not been shipped yet"):
        apply_post(world, deal, kind=FinancingKind.PRE_SHIPMENT)
    client.force_login(world["supplier_user"])
    url = reverse("financing:application_create", kwargs={"pk": deal.pk})
    page = client.get(url).content.decode()
    assert 'id="kind-post_shipment"' in page and "40000.00 USD" in page
    response = client.post(
        url,
        {
            "kind": "pre_shipment",
            "bank": world["bank"].pk,
            "amount": "1000",
            "currency": "USD",
            "term_days": 90,
        },
    )
    assert response.status_code == 200 and "not been shipped yet" in response.content.decode()
    response = client.post(
        url,
        {
            "kind": "post_shipment",
            "bank": world["bank"].pk,
            "amount": "30000",
            "currency": "USD",
            "term_days": 90,
        },
    )
    assert response.status_code == 302


def test_the_banks_queue_shows_the_insurance_and_a_decline_releases_the_assignment(world, insured, client):
    deal, declaration = insured
    application = apply_post(world, deal)
    client.force_login(world["bank_officer"])
    queue = client.get(reverse("financing:bank_queue")).content.decode()
    assert "Insured by Export Insurer: 50000.00 USD in force" in queue
    detail = client.get(application.get_absolute_url()).content.decode()
    assert 'id="insurance-in-force"' in detail and "The indemnity is assigned to Harbour Bank" in detail
    services.decline(application=application, by_user=world["bank_officer"], reason="Sector limit reached")
    declaration.refresh_from_db()
    assert declaration.indemnity_assigned_to is None
    again = apply_post(world, deal, bank=world["other_bank"])  # free to take to another bank
    assert again.status == ApplicationStatus.SUBMITTED


def test_another_bank_and_the_buyer_never_see_it(world, insured, client):
    deal, declaration = insured
    application = apply_post(world, deal)
    client.force_login(world["other_bank_officer"])
    assert client.get(application.get_absolute_url()).status_code == 404
    assert application.number not in client.get(reverse("financing:bank_queue")).content.decode()
    client.force_login(world["buyer_user"])
    assert client.get(application.get_absolute_url()).status_code == 404
    for url in (deal.get_absolute_url(), reverse("insurance:deal_insurance", kwargs={"pk": deal.pk})):
        response = client.get(url)
        text = response.content.decode()
        assert application.number not in text and "Harbour Bank" not in text


def test_the_other_bank_cannot_decide_it(world, insured):
    deal, _declaration = insured
    application = apply_post(world, deal)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.approve(
            application=application, by_user=world["other_bank_officer"], amount="1", rate="5", term_days=30
        )
