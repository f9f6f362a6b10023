"""Quoting: who may, once per supplier, one revision, the monthly quota, closing at the count and at the date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Quotation, QuotationTier, Rfq, SourcingProfile
from marketplace.notifications.models import Notification
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import MembershipFactory, buyer_member, supplier_member
from tests.marketplace.matchmaking.factories_rfq import TIERS, quotation_data, rfq_data, verified_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return buyer_member()


@pytest.fixture
def chapter():
    return ChapterFactory()


def make_rfq(buyer, chapter, **overrides):
    data = rfq_data(chapter, **overrides)
    invited = data.pop("invited", [])
    return services.post_rfq(buyer=buyer.membership.company, by_user=buyer, data=data, invited=invited)


def quote(rfq, user, **overrides):
    tiers = overrides.pop("tiers", TIERS)
    certificate_ids = overrides.pop("certificate_ids", [])
    return services.submit_quotation(
        rfq=rfq, by_user=user, data=quotation_data(**overrides), tiers=tiers, certificate_ids=certificate_ids
    )


def test_a_verified_supplier_in_the_category_quotes_and_the_buyer_is_told(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    supplier = verified_supplier(chapter=chapter, certifications=["CE"])
    cert = supplier.membership.company.products.first().certifications.first()
    quotation = quote(rfq, supplier, certificate_ids=[cert.pk])
    assert [(t.min_quantity, t.unit_price) for t in quotation.tiers.all()] == [(1, 100), (100, 90), (500, 80)]
    assert list(quotation.certificates.all()) == [cert]
    assert Notification.objects.filter(recipient=buyer, title__icontains="quotation").exists()


def test_who_may_not_quote(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    unverified = supplier_member()  # not verified, no product in the chapter
    other_chapter = verified_supplier(chapter=ChapterFactory(code="85", name="Electrical"))
    for user in (unverified, other_chapter, buyer_member(), buyer):
        with pytest.raises(PermissionDenied):
            quote(rfq, user)
    assert not Quotation.objects.exists()


def test_invited_only_takes_the_invited_supplier_only(buyer, chapter):
    invited = supplier_member()  # invited: needs neither verification nor the chapter
    rfq = make_rfq(buyer, chapter, visibility="invited", invited=[invited.membership.company])
    with pytest.raises(PermissionDenied):
        quote(rfq, verified_supplier(chapter=chapter))
    assert quote(rfq, invited).supplier == invited.membership.company


def test_one_quotation_per_supplier(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    supplier = verified_supplier(chapter=chapter)
    quote(rfq, supplier)
    colleague = MembershipFactory(company=supplier.membership.company).user
    with pytest.raises(ValidationError, match="already quoted"):
        quote(rfq, colleague)
    assert Quotation.objects.count() == 1


def test_one_revision_before_the_close(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    supplier = verified_supplier(chapter=chapter)
    quotation = quote(rfq, supplier)
    revised = services.revise_quotation(
        quotation=quotation, by_user=supplier, data=quotation_data(lead_time_days=20), tiers=[("1", "85")]
    )
    assert revised.revision == 1 and revised.lead_time_days == 20
    assert list(QuotationTier.objects.filter(quotation=quotation).values_list("unit_price", flat=True)) == [
        Decimal("85")
    ]
    with pytest.raises(ValidationError, match="revised once"):
        services.revise_quotation(
            quotation=quotation, by_user=supplier, data=quotation_data(lead_time_days=10), tiers=[("1", "80")]
        )
    quotation.refresh_from_db()
    assert quotation.lead_time_days == 20
    with pytest.raises(PermissionDenied):
        services.revise_quotation(
            quotation=quotation, by_user=buyer, data=quotation_data(), tiers=[("1", "80")]
        )


def test_no_revision_after_the_close(buyer, chapter):
    rfq = make_rfq(buyer, chapter, quotations_wanted=1)
    supplier = verified_supplier(chapter=chapter)
    quotation = quote(rfq, supplier)
    with pytest.raises(ValidationError, match="closed"):
        services.revise_quotation(quotation=quotation, by_user=supplier, data=quotation_data(), tiers=TIERS)


def test_the_rfq_closes_at_the_count_wanted(buyer, chapter):
    rfq = make_rfq(buyer, chapter, quotations_wanted=2)
    quote(rfq, verified_supplier(chapter=chapter))
    rfq.refresh_from_db()
    assert rfq.status == "open"
    quote(rfq, verified_supplier(chapter=chapter))
    rfq.refresh_from_db()
    assert rfq.status == "closed" and rfq.close_reason == "count"
    assert Notification.objects.filter(recipient=buyer, title__icontains="all the quotations").exists()
    with pytest.raises(ValidationError, match="closed"):
        quote(rfq, verified_supplier(chapter=chapter))
    assert rfq.quotations.count() == 2


def test_the_rfq_closes_at_its_date_by_the_daily_task(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    supplier = verified_supplier(chapter=chapter)
    quote(rfq, supplier, valid_until=timezone.localdate() + dt.timedelta(days=3))
    # The day after the closing date: the request is closed, no quotation is taken.
    Rfq.objects.filter(pk=rfq.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    rfq.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        quote(rfq, verified_supplier(chapter=chapter))
    from marketplace.matchmaking import rfq_tasks

    done = rfq_tasks.run(today=timezone.localdate())
    rfq.refresh_from_db()
    assert done["rfqs_closed"] == 1 and rfq.status == "closed" and rfq.close_reason == "date"
    assert rfq_tasks.run(today=timezone.localdate())["rfqs_closed"] == 0  # once only
    # Quotations expire after their validity.
    later = timezone.localdate() + dt.timedelta(days=4)
    assert rfq_tasks.run(today=later)["quotations_expired"] == 1
    assert Quotation.objects.get().status == "expired"
    assert Notification.objects.filter(recipient=supplier, title__icontains="expired").exists()


def test_the_monthly_quota_per_company_and_an_operator_raises_it(buyer, chapter, operator):
    supplier = verified_supplier(chapter=chapter)
    company = supplier.membership.company
    SourcingProfile.objects.create(company=company, monthly_quota=2)
    rfqs = [make_rfq(buyer, chapter) for _ in range(3)]
    quote(rfqs[0], supplier)
    quote(rfqs[1], supplier)
    with pytest.raises(ValidationError, match="2 quotations for this month"):
        quote(rfqs[2], supplier)
    assert Quotation.objects.filter(supplier=company).count() == 2
    with pytest.raises(PermissionDenied):
        services.set_quota(company=company, by_user=supplier, monthly_quota=50)
    services.set_quota(company=company, by_user=operator, monthly_quota=3)
    quote(rfqs[2], supplier)
    assert services.used_this_month(company) == 3


def test_the_default_quota_is_30():
    assert SourcingProfile().monthly_quota == 30
    assert services.quota_of(supplier_member().membership.company) == 30


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"valid_until": dt.date(2020, 1, 1)}, "valid_until"),
        ({"lead_time_days": 0}, "lead_time_days"),
        ({"moq": Decimal("0")}, "moq"),
        ({"sample_terms": "paid", "sample_price": None}, "sample_price"),
        ({"tiers": [("0", "10")]}, "tiers"),
        ({"tiers": [("1", "10"), ("1", "9")]}, "tiers"),
        ({"tiers": []}, "tiers"),
    ],
)
def test_bad_quotations_are_told_at_their_field(buyer, chapter, overrides, field):
    rfq = make_rfq(buyer, chapter)
    with pytest.raises(ValidationError) as caught:
        quote(rfq, verified_supplier(chapter=chapter), **overrides)
    assert field in caught.value.message_dict
    assert not Quotation.objects.exists()


def test_certificates_must_be_the_suppliers_own(buyer, chapter):
    rfq = make_rfq(buyer, chapter)
    other = verified_supplier(chapter=chapter, certifications=["CE"])
    theirs = other.membership.company.products.first().certifications.first()
    with pytest.raises(ValidationError) as caught:
        quote(rfq, verified_supplier(chapter=chapter), certificate_ids=[theirs.pk])
    assert "certificates" in caught.value.message_dict


def test_quotation_attachments_are_checked_by_content_and_served_to_the_two_parties_only(
    buyer, chapter, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.marketplace.matchmaking.factories_rfq import PDF

    rfq = make_rfq(buyer, chapter)
    supplier = verified_supplier(chapter=chapter)
    with pytest.raises(ValidationError) as caught:
        services.submit_quotation(
            rfq=rfq,
            by_user=supplier,
            data=quotation_data(),
            tiers=TIERS,
            uploads=[SimpleUploadedFile("price-list.pdf", b"<html><script>alert(1)</script></html>")],
        )
    assert "price-list.pdf" in caught.value.message_dict["files"][0]
    assert not Quotation.objects.exists()
    quotation = services.submit_quotation(
        rfq=rfq,
        by_user=supplier,
        data=quotation_data(),
        tiers=TIERS,
        uploads=[SimpleUploadedFile("price-list.pdf", PDF)],
    )
    attachment = quotation.attachments.get()
    url = reverse("rfq:quotation_file", args=[rfq.pk, quotation.pk, attachment.pk])
    for user, status in (
        (buyer, 200),
        (supplier, 200),
        (verified_supplier(chapter=chapter), 404),
        (buyer_member(), 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF


def test_the_expiry_command_runs_the_daily_job(buyer, chapter):
    import io

    from django.core.management import call_command

    rfq = make_rfq(buyer, chapter)
    Rfq.objects.filter(pk=rfq.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=2))
    out = io.StringIO()
    call_command("check_rfq_expiries", stdout=out)
    assert out.getvalue().startswith("1 sourcing requests closed; 0 quotations expired")
    assert Rfq.objects.get(pk=rfq.pk).close_reason == "date"
