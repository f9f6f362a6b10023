"""Shared set-up of the fulfilment tests: a deal brought to a given state, uploads, a snapshot of what must not change."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.deals.models import (
    Deal,
    Delivery,
    Dispute,
    DisputeEvidence,
    FactoryVisit,
    OfferStatus,
    Rating,
    Shipment,
    ShipmentDocument,
    VisitPhoto,
)
from tests.marketplace.deals.factories import PDF_BYTES, DealEventFactory, OfferFactory, OfferLineFactory

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
STATES = (
    "inquiry",
    "negotiation",
    "agreed",
    "ordered",
    "shipped",
    "delivered",
    "disputed",
    "completed",
    "cancelled",
)


def png_bytes(size=(320, 240)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def photo(name="line.png", size=(320, 240)):
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def disguised(name="invoice.pdf"):
    """A Windows program renamed to look like a document."""
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/pdf")


def shipping_documents():
    return [
        ("commercial_invoice", pdf("ci.pdf")),
        ("packing_list", pdf("pl.pdf")),
        ("bill_of_lading", pdf("bl.pdf")),
    ]


def agree(deal: Deal, *, delivery_date=None, lead_time_days=None, incoterm="FOB", price="12500.00") -> Deal:
    """Give the deal accepted terms (10 × price), as accept_offer leaves them; the record gets the event."""
    offer = OfferFactory(
        deal=deal,
        version=deal.offers.count() + 1,
        status=OfferStatus.ACCEPTED,
        incoterm=incoterm,
        delivery_date=delivery_date,
        lead_time_days=lead_time_days if delivery_date is None else None,
        decided_at=timezone.now(),
    )
    OfferLineFactory(offer=offer, quantity=Decimal("10"), unit_price=Decimal(price))
    Deal.objects.filter(pk=deal.pk).update(accepted_offer=offer)
    deal.refresh_from_db()
    return deal


def bring_to(deal: Deal, state: str, **terms) -> Deal:
    """Set a deal in `state` for a test, with accepted terms from "agreed" on and an order event from "ordered" on."""
    if state not in ("inquiry", "negotiation") and deal.accepted_offer_id is None:
        agree(deal, **terms)
    if state in ("ordered", "shipped", "delivered", "disputed", "completed"):
        DealEventFactory(deal=deal, action="place_order", data={"from": "agreed", "to": "ordered"})
    Deal.objects.filter(pk=deal.pk).update(state=state)
    deal.refresh_from_db()
    return deal


def snapshot(deal: Deal) -> tuple:
    """What a refused step must leave as it was: the deal's row, its record and every fulfilment row."""
    deal = Deal.objects.get(pk=deal.pk)
    return (
        deal.state,
        deal.record_length,
        deal.record_head,
        list(deal.events.values_list("seq", "hash")),
        FactoryVisit.objects.filter(deal=deal).count(),
        list(FactoryVisit.objects.filter(deal=deal).values_list("status", "outcome")),
        VisitPhoto.objects.filter(deal=deal).count(),
        Shipment.objects.filter(deal=deal).count(),
        ShipmentDocument.objects.filter(deal=deal).count(),
        Delivery.objects.filter(deal=deal).count(),
        list(Dispute.objects.filter(deal=deal).values_list("answered_at", "resolution")),
        DisputeEvidence.objects.filter(deal=deal).count(),
        Rating.objects.filter(deal=deal).count(),
    )
