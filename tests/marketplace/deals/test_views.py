"""Deal pages: who sees what (the same 404 for everyone outside), the forms' messages at their fields,
attachments checked by content and served only to the parties and operators, the ways into a deal."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.deals import negotiation, record, services
from marketplace.deals.models import Attachment, Deal, DealEvent, Offer
from marketplace.notifications.models import Notification
from tests.marketplace.deals.factories import PDF_BYTES
from tests.marketplace.deals.test_negotiation import line, terms

PARTIES = ["buyer_user", "buyer_staff", "supplier_user", "supplier_staff"]
READERS = ["operator", "risk_officer"]
OUTSIDERS = ["third_user", "no_company", "bank_risk_officer", "editor", None]


def _as(client, parties, who):
    client.logout()
    if who is not None:
        client.force_login(parties[who])
    return client


@pytest.fixture
def full_deal(deal, parties):
    """A deal with a message carrying a PDF, and an open offer from the supplier."""
    message = services.post_message(
        deal=deal,
        by_user=parties["supplier_user"],
        body="Drawing attached",
        uploads=[SimpleUploadedFile("drawing.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    offer = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    return deal, message.attachments.get(), offer


def _routes(deal, attachment, offer):
    return [
        ("get", reverse("deals:deal_detail", args=[deal.pk])),
        ("get", reverse("deals:offer_create", args=[deal.pk])),
        ("get", reverse("deals:attachment_file", args=[deal.pk, attachment.pk])),
        ("post", reverse("deals:message_post", args=[deal.pk])),
        ("post", reverse("deals:offer_create", args=[deal.pk])),
        ("post", reverse("deals:offer_decide", args=[deal.pk, offer.pk, "accept"])),
        ("post", reverse("deals:offer_decide", args=[deal.pk, offer.pk, "decline"])),
        ("post", reverse("deals:deal_cancel", args=[deal.pk])),
        ("post", reverse("deals:deal_verify", args=[deal.pk])),
    ]


def _state(deal):
    return (
        Deal.objects.filter(pk=deal.pk).values_list("state", "record_length").get(),
        DealEvent.objects.filter(deal=deal).count(),
        list(Offer.objects.filter(deal=deal).values_list("status", flat=True)),
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_the_same_404_as_for_a_missing_deal_on_every_url(client, parties, full_deal, who):
    deal, attachment, offer = full_deal
    before = _state(deal)
    _as(client, parties, who)
    missing = client.get(reverse("deals:deal_detail", args=[999999]))
    assert missing.status_code == 404
    for method, url in _routes(deal, attachment, offer):
        response = getattr(client, method)(url, {"reason": "x", "body": "x"})
        if who is None and response.status_code == 302:  # sign-in first, for pages that need it
            continue
        assert response.status_code == 404, (method, url, response.status_code)
        assert deal.subject not in response.content.decode()
    assert _state(deal) == before


@pytest.mark.parametrize("who", READERS)
def test_platform_staff_read_but_never_act(client, parties, full_deal, who):
    deal, attachment, offer = full_deal
    before = _state(deal)
    _as(client, parties, who)
    page = client.get(deal.get_absolute_url())
    assert page.status_code == 200 and deal.subject in page.content.decode()
    assert reverse("deals:message_post", args=[deal.pk]) not in page.content.decode()
    assert client.get(reverse("deals:offer_create", args=[deal.pk])).status_code == 404
    for url in (
        reverse("deals:offer_decide", args=[deal.pk, offer.pk, "accept"]),
        reverse("deals:deal_cancel", args=[deal.pk]),
        reverse("deals:message_post", args=[deal.pk]),
    ):
        client.post(url, {"reason": "x", "body": "x"})
    assert _state(deal) == before
    file_response = client.get(attachment.get_absolute_url())
    assert file_response.status_code == (200 if who == "operator" else 404)


@pytest.mark.parametrize("who", PARTIES)
def test_parties_see_the_deal_and_fetch_its_files(client, parties, full_deal, who):
    deal, attachment, _offer = full_deal
    _as(client, parties, who)
    page = client.get(deal.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200 and "Drawing attached" in body and "Offer sent" in body
    assert reverse("deals:message_post", args=[deal.pk]) in body
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff" and "private" in response["Cache-Control"]


def test_the_list_shows_only_the_companys_deals_with_filters(client, parties, deal):
    other = services.open_deal(
        buyer=parties["third_user"].company,
        supplier=parties["supplier"],
        by_user=parties["third_user"],
        opening=services.Opening(kind="company", subject="OTHER-BUYER-DEAL"),
    )
    _as(client, parties, "buyer_user")
    body = client.get(reverse("deals:deal_list")).content.decode()
    assert deal.number in body and other.number not in body
    _as(client, parties, "supplier_user")
    body = client.get(reverse("deals:deal_list")).content.decode()
    assert deal.number in body and other.number in body
    body = client.get(reverse("deals:deal_list"), {"counterparty": parties["buyer"].pk}).content.decode()
    assert deal.number in body and other.number not in body
    body = client.get(reverse("deals:deal_list"), {"state": "cancelled"}).content.decode()
    assert deal.number not in body
    body = client.get(reverse("deals:deal_list"), {"state": "open"}).content.decode()
    assert deal.number in body
    _as(client, parties, "third_user")
    assert deal.number not in client.get(reverse("deals:deal_list")).content.decode()


def test_unread_messages_are_counted_until_read(client, parties, deal):
    services.post_message(deal=deal, by_user=parties["supplier_user"], body="Quote attached soon")
    _as(client, parties, "buyer_staff")
    assert b'class="badge" title="Unread messages">1<' in client.get(reverse("deals:deal_list")).content
    client.get(deal.get_absolute_url())
    assert b'title="Unread messages"' not in client.get(reverse("deals:deal_list")).content


def _offer_post(deal, **overrides):
    data = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "lead_time_days": "45",
        "payment_terms": "prepayment",
        "inspection": "none",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Machine",
        "lines-0-quantity": "2",
        "lines-0-unit": "piece",
        "lines-0-unit_price": "100.50",
        "lines-0-hs_code": "847710",
    }
    data.update(overrides)
    return data


def test_the_offer_form_sends_an_offer(client, parties, deal):
    _as(client, parties, "supplier_user")
    response = client.post(reverse("deals:offer_create", args=[deal.pk]), _offer_post(deal))
    assert response.status_code == 302
    offer = deal.offers.get()
    assert offer.lines.get().unit_price == 100.5 and offer.payment_terms == "prepayment"
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "Version 1" in page


def test_an_untouched_extra_line_is_ignored_as_a_browser_sends_it(client, parties, deal):
    """A browser posts the unit select's first option for an empty row; that row is still empty."""
    _as(client, parties, "supplier_user")
    data = _offer_post(deal, **{"lines-TOTAL_FORMS": "2", "lines-1-unit": "piece"})
    response = client.post(reverse("deals:offer_create", args=[deal.pk]), data)
    assert response.status_code == 302
    assert deal.offers.get().lines.count() == 1


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"lines-0-quantity": "0"}, "quantity", "more than zero"),
        ({"lines-0-quantity": "-3"}, "quantity", "more than zero"),
        ({"currency": "ABC"}, "currency", "not an ISO 4217"),
        ({"lines-0-unit_price": "1.005"}, "unit_price", "at most 2 decimal places"),
        ({"currency": "JPY", "lines-0-unit_price": "100.5"}, "unit_price", "at most 0 decimal places"),
        ({"lead_time_days": "", "delivery_date": "2020-01-01"}, "delivery_date", "in the past"),
    ],
)
def test_bad_offer_input_shows_at_the_field_and_writes_nothing(
    client, parties, deal, overrides, field, words
):
    before = _state(deal)
    _as(client, parties, "supplier_user")
    response = client.post(reverse("deals:offer_create", args=[deal.pk]), _offer_post(deal, **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field) or response.context["line_set"].forms[0].errors.get(field)
    assert errors and words in " ".join(errors)
    assert _state(deal) == before


def test_a_disguised_attachment_is_refused_at_the_field(client, parties, deal):
    before = _state(deal)
    _as(client, parties, "buyer_user")
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = client.post(
        reverse("deals:message_post", args=[deal.pk]), {"body": "see file", "files": [fake]}
    )
    assert response.status_code == 400
    assert "invoice.pdf" in " ".join(response.context["message_form"].errors["files"])
    assert _state(deal) == before and not Attachment.objects.exists()


def test_an_oversize_attachment_is_refused_at_the_field(client, parties, deal, settings):
    settings.DEALS_MAX_ATTACHMENT_BYTES = 1000
    before = _state(deal)
    _as(client, parties, "buyer_user")
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000, content_type="application/pdf")
    response = client.post(reverse("deals:message_post", args=[deal.pk]), {"body": "big", "files": [big]})
    assert response.status_code == 400
    assert "limit" in " ".join(response.context["message_form"].errors["files"])
    assert _state(deal) == before


def test_accept_and_decline_from_the_page(client, parties, deal):
    offer = negotiation.propose(deal=deal, by_user=parties["supplier_user"], terms=terms(), lines=[line()])
    _as(client, parties, "buyer_user")
    response = client.post(reverse("deals:offer_decide", args=[deal.pk, offer.pk, "decline"]), {"reason": ""})
    assert response.status_code == 400 and response.context["decline_form"].errors["reason"]
    client.post(reverse("deals:offer_decide", args=[deal.pk, offer.pk, "accept"]))
    deal.refresh_from_db()
    assert deal.state == "agreed" and deal.accepted_offer == offer


def test_the_risk_officer_checks_the_record_from_the_page(client, parties, deal):
    from tests.marketplace.deals.test_tampering import tamper

    _as(client, parties, "risk_officer")
    page = client.get(deal.get_absolute_url()).content.decode()
    assert reverse("deals:deal_verify", args=[deal.pk]) in page
    response = client.post(reverse("deals:deal_verify", args=[deal.pk]), follow=True)
    assert "The record is intact" in response.content.decode()
    tamper("UPDATE deals_dealevent SET action = 'forged' WHERE deal_id = %s", [deal.pk])
    response = client.post(reverse("deals:deal_verify", args=[deal.pk]), follow=True)
    assert "The record is broken" in response.content.decode() and record.verify(deal) is not None
    _as(client, parties, "buyer_user")
    assert (
        reverse("deals:deal_verify", args=[deal.pk])
        not in client.get(deal.get_absolute_url()).content.decode()
    )


def test_the_timeline_reads_in_chinese(client, parties, full_deal):
    deal, _attachment, _offer = full_deal
    _as(client, parties, "buyer_user")
    with translation.override("zh-hans"):
        response = client.get(deal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "询盘已创建" in body and "报价已发送" in body and "Offer sent" not in body


# -- ways into a deal -------------------------------------------------------------------------------


def test_contact_supplier_from_a_product_page(
    client, parties, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.marketplace.catalog.factories import ProductFactory

    product = ProductFactory(supplier=parties["supplier"])
    _as(client, parties, "buyer_staff")
    assert (
        reverse("deals:inquiry_from_product", args=[product.pk])
        in client.get(product.get_absolute_url()).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("deals:inquiry_from_product", args=[product.pk]), {"message": "500 pcs to Hamburg"}
        )
    deal = Deal.objects.get(source_kind="product")
    assert response.status_code == 302 and response["Location"] == deal.get_absolute_url()
    assert (deal.buyer, deal.supplier, deal.product, deal.currency) == (
        parties["buyer"],
        parties["supplier"],
        product,
        product.currency,
    )
    assert deal.messages.get().body == "500 pcs to Hamburg"
    # The supplier's staff are told, in-app and by email.
    assert Notification.objects.filter(
        recipient=parties["supplier_user"], url=deal.get_absolute_url()
    ).exists()
    assert not Notification.objects.filter(recipient=parties["buyer_staff"]).exists()
    assert any(parties["supplier_user"].email in m.to for m in mailoutbox)


def test_contact_supplier_from_the_company_page(client, parties):
    _as(client, parties, "buyer_user")
    url = reverse("deals:inquiry_from_company", args=[parties["supplier"].slug])
    assert url in client.get(parties["supplier"].get_absolute_url()).content.decode()
    assert client.post(url, {"message": ""}).status_code == 400
    client.post(url, {"message": "Do you make 200 t machines?"})
    assert Deal.objects.get(source_kind="company").supplier == parties["supplier"]


def test_a_supplier_cannot_open_an_inquiry(client, parties):
    other = parties["third_user"]
    _as(client, parties, "supplier_user")
    response = client.post(
        reverse("deals:inquiry_from_company", args=[parties["supplier"].slug]), {"message": "x"}
    )
    assert response.status_code == 302 and not Deal.objects.exists()
    assert other  # the third company is a buyer: it may, and is tested above


def test_a_showcase_interest_becomes_the_inquiry(client, parties):
    from marketplace.showcases import services as showcase_services
    from tests.marketplace.showcases.factories import (
        ShowcaseAccessFactory,
        ShowcaseFactory,
        ShowcaseItemFactory,
    )

    showcase = ShowcaseFactory(supplier=parties["supplier"], created_by=parties["supplier_user"])
    item = ShowcaseItemFactory(showcase=showcase)
    ShowcaseAccessFactory(showcase=showcase, company=parties["buyer"])
    interest = showcase_services.interest_create(
        showcase=showcase,
        item=item,
        company=parties["buyer"],
        user=parties["buyer_user"],
        quantity=300,
        message="Best price?",
    )
    _as(client, parties, "buyer_user")
    url = reverse("showcases:interest_convert", args=[showcase.token, item.pk])
    assert url in client.get(showcase.get_absolute_url()).content.decode()
    response = client.post(url)
    interest.refresh_from_db()
    deal = interest.deal
    assert response["Location"] == deal.get_absolute_url()
    assert interest.status == "converted" and deal.source_kind == "showcase_interest"
    opened = deal.events.get(seq=1).data
    assert (opened["quantity"], opened["quoted_price"], opened["message"]) == (300, "77.7700", "Best price?")
    # Converting again leads to the same deal; a third company cannot.
    client.post(url)
    assert Deal.objects.count() == 1
    _as(client, parties, "third_user")
    assert client.post(url).status_code == 404
