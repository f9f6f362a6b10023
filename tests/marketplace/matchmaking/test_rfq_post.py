"""Posting and editing a sourcing request: the rules, and bad input refused with a field error and nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Rfq, RfqAttachment
from marketplace.notifications.models import Notification
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import buyer_member, supplier_member
from tests.marketplace.matchmaking.factories_rfq import PDF, rfq_data, verified_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return buyer_member()


def post(user, **overrides):
    data = rfq_data(ChapterFactory(), **overrides)
    uploads = overrides.pop("uploads", [])
    data.pop("uploads", None)
    invited = data.pop("invited", [])
    return services.post_rfq(
        buyer=user.membership.company, by_user=user, data=data, uploads=uploads, invited=invited
    )


def test_a_buyer_posts_an_rfq_with_a_checked_attachment(buyer):
    rfq = post(buyer, uploads=[SimpleUploadedFile("spec.pdf", PDF)])
    assert rfq.status == "open" and rfq.quotations_wanted == 10
    assert rfq.quantity == 100 and rfq.target_currency == "USD" and rfq.certifications == ["CE"]
    attachment = RfqAttachment.objects.get(rfq=rfq)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)


def test_the_need_may_be_written_in_chinese(buyer):
    rfq = post(buyer, title="不锈钢球阀 DN50", description="需要CE认证")
    assert Rfq.objects.get(pk=rfq.pk).title == "不锈钢球阀 DN50"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"target_currency": "XYZ"}, "target_currency"),
        ({"closes_on": dt.date(2020, 1, 1)}, "closes_on"),
        ({"closes_on": "today"}, "closes_on"),
        ({"incoterm": "FOO"}, "incoterm"),
        ({"certifications": ["NOPE"]}, "certifications"),
        ({"destination_port": " "}, "destination_port"),
        ({"quotations_wanted": 0}, "quotations_wanted"),
        ({"visibility": "invited"}, "invited"),
    ],
)
def test_bad_input_is_told_at_its_field_and_nothing_is_written(buyer, overrides, field):
    if overrides.get("closes_on") == "today":
        overrides["closes_on"] = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        post(buyer, **overrides)
    assert field in caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert not Rfq.objects.exists() and not Notification.objects.exists()


def test_an_oversize_attachment_is_refused_and_nothing_written(buyer, settings):
    settings.RFQ_MAX_ATTACHMENT_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError) as caught:
        post(buyer, uploads=[big])
    assert "big.pdf" in caught.value.message_dict["files"][0]
    assert "MB" in caught.value.message_dict["files"][0]
    assert not Rfq.objects.exists() and not RfqAttachment.objects.exists()


def test_a_disguised_attachment_is_refused_by_its_content(buyer):
    fake = SimpleUploadedFile("drawing.pdf", b"MZ\x90\x00" + b"\x00" * 200)  # a Windows program named .pdf
    with pytest.raises(ValidationError) as caught:
        post(buyer, uploads=[fake])
    assert "drawing.pdf" in caught.value.message_dict["files"][0]
    assert not Rfq.objects.exists()


def test_a_supplier_or_stranger_cannot_post_for_a_buyer(buyer):
    supplier = supplier_member()
    with pytest.raises(ValidationError):
        services.post_rfq(
            buyer=supplier.membership.company, by_user=supplier, data=rfq_data(ChapterFactory())
        )
    with pytest.raises(PermissionDenied):
        services.post_rfq(buyer=buyer.membership.company, by_user=supplier, data=rfq_data(ChapterFactory()))
    assert not Rfq.objects.exists()


def test_invited_suppliers_are_notified(buyer):
    invited = verified_supplier()
    post(buyer, visibility="invited", invited=[invited.membership.company])
    assert Notification.objects.filter(recipient=invited, title__icontains="invited").exists()


def test_the_buyer_edits_an_open_rfq_and_no_one_else_may(buyer):
    rfq = post(buyer)
    data = rfq_data(rfq.category, quantity="250", title="Presses, more")
    services.edit_rfq(rfq=rfq, by_user=buyer, data=data)
    rfq.refresh_from_db()
    assert rfq.quantity == 250 and rfq.title == "Presses, more"
    with pytest.raises(PermissionDenied):
        services.edit_rfq(rfq=rfq, by_user=buyer_member(), data=data)
    bad = rfq_data(rfq.category, quantity="0")
    with pytest.raises(ValidationError):
        services.edit_rfq(rfq=rfq, by_user=buyer, data=bad)
    rfq.refresh_from_db()
    assert rfq.quantity == 250
