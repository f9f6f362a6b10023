"""factory_boy factories for every model of the deals app.

A deal's record is only ever written by `record.append`, so `DealEventFactory` appends through it (the
chain stays valid); `DealFactory` makes a deal with an empty record, `OpenDealFactory` one opened
through the service with its first event, as a real inquiry is.
"""

import datetime
import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.deals import record
from marketplace.deals.models import (
    Attachment,
    Contract,
    ContractAcceptance,
    Deal,
    DealEvent,
    DealReadState,
    DealSource,
    DealState,
    Inspection,
    Message,
    Milestone,
    MilestoneKind,
    Offer,
    OfferLine,
    Order,
    PaymentProof,
    PaymentTerms,
    Side,
)
from tests.marketplace.companies.factories import CompanyFactory, UserFactory

# The smallest valid PDF header: what detect_type sees as application/pdf.
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    buyer = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE", city="Hamburg")
    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    subject = factory.Sequence(lambda n: f"Injection moulding machines, lot {n}")
    state = DealState.INQUIRY
    source_kind = DealSource.COMPANY
    currency = "USD"
    created_by = factory.SubFactory(UserFactory)
    number = factory.LazyAttributeSequence(lambda o, n: Deal.number_for(900000 + n, 2026))


class DealEventFactory(factory.django.DjangoModelFactory):
    """Appends through `record.append`, so the chain stays whole."""

    class Meta:
        model = DealEvent

    deal = factory.SubFactory(DealFactory)
    action = "message"
    data = factory.LazyFunction(lambda: {"body": "Hello"})

    @classmethod
    def _create(cls, model_class, *, deal, action, data, actor_user=None, actor_company=None, **kwargs):
        with transaction.atomic():
            locked = Deal.objects.select_for_update().get(pk=deal.pk)
            event = record.append(
                locked, action, actor_user=actor_user, actor_company=actor_company, data=data
            )
        deal.refresh_from_db()
        return event


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    deal = factory.SubFactory(DealFactory)
    author = factory.SubFactory(UserFactory)
    author_company = factory.SelfAttribute("deal.buyer")
    body = "Could you quote 200 units FOB Ningbo?"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory)
    deal = factory.SelfAttribute("message.deal")
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="drawing.pdf"))
    original_name = "drawing.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("message.author")


class DealReadStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealReadState

    deal = factory.SubFactory(DealFactory)
    user = factory.SubFactory(UserFactory)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    deal = factory.SubFactory(DealFactory, state=DealState.NEGOTIATION)
    version = factory.Sequence(lambda n: n + 1)
    from_side = Side.SUPPLIER
    created_by = factory.SubFactory(UserFactory)
    currency = "USD"
    incoterm = "FOB"
    named_place = "Ningbo"
    lead_time_days = 45
    payment_terms = PaymentTerms.DEPOSIT_BALANCE
    deposit_percent = 30
    inspection = Inspection.NONE
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class OfferLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferLine

    offer = factory.SubFactory(OfferFactory)
    description = "Injection moulding machine 120 t"
    quantity = Decimal("10")
    unit = "piece"
    unit_price = Decimal("12500.00")
    hs_code = "847710"


# --- contract, order, milestones (D2) ---


def agreed_deal(
    *, buyer=None, supplier=None, payment_terms=PaymentTerms.DEPOSIT_BALANCE, lines=1, **offer_kwargs
):
    """A deal whose terms were agreed on one supplier offer with `lines` items (quantity 10 × 12,500.00)."""
    kwargs = {"state": DealState.AGREED}
    if buyer is not None:
        kwargs["buyer"] = buyer
    if supplier is not None:
        kwargs["supplier"] = supplier
    deal = DealFactory(**kwargs)
    defaults = {"deposit_percent": 30 if payment_terms == PaymentTerms.DEPOSIT_BALANCE else None}
    if payment_terms in (PaymentTerms.DA, PaymentTerms.OPEN_ACCOUNT):
        defaults["term_days"] = 60
    offer = OfferFactory(
        deal=deal, version=1, payment_terms=payment_terms, status="accepted", **{**defaults, **offer_kwargs}
    )
    for n in range(lines):
        OfferLineFactory(
            offer=offer, position=n, description=f"Injection moulding machine 120 t, model {n + 1}"
        )
    Deal.objects.filter(pk=deal.pk).update(accepted_offer=offer)
    deal.refresh_from_db()
    return deal


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    deal = factory.LazyFunction(agreed_deal)
    offer = factory.SelfAttribute("deal.accepted_offer")
    number = factory.Sequence(lambda n: f"TF-2026-{800000 + n:06d}")
    pdf = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="contract.pdf"))
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(PDF_BYTES).hexdigest())
    clauses = factory.LazyFunction(
        lambda: [
            {"title_en": "Governing law", "title_zh": "适用法律", "text_en": "CISG.", "text_zh": "CISG。"}
        ]
    )
    issued_by = factory.SubFactory(UserFactory)


class ContractAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractAcceptance

    contract = factory.SubFactory(ContractFactory)
    side = Side.BUYER
    company = factory.SelfAttribute("contract.deal.buyer")
    user = factory.SubFactory(UserFactory)
    name = "Anna Weber"
    title = "Purchasing manager"
    ip = "192.0.2.10"
    sha256 = factory.SelfAttribute("contract.sha256")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    deal = factory.LazyFunction(lambda: agreed_deal())
    offer = factory.SelfAttribute("deal.accepted_offer")
    amount = Decimal("125000.00")
    currency = "USD"
    payment_terms = PaymentTerms.DEPOSIT_BALANCE
    decision = factory.LazyFunction(
        lambda: {
            "allowed": True,
            "grade": "A",
            "reasons": [],
            "policy_version": 1,
            "limit": "250000",
            "base_currency": "USD",
            "exposure_before": "0",
            "exposure_after": "0",
        }
    )
    placed_by = factory.SubFactory(UserFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    order = factory.SubFactory(OrderFactory)
    deal = factory.SelfAttribute("order.deal")
    seq = factory.Sequence(lambda n: n + 1)
    kind = MilestoneKind.FULL
    percent = Decimal("100")
    amount = Decimal("125000.00")
    currency = "USD"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class PaymentProofFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentProof

    milestone = factory.SubFactory(MilestoneFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="slip.pdf"))
    content_type = "application/pdf"
    original_name = "slip.pdf"
    size = len(PDF_BYTES)
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(PDF_BYTES).hexdigest())
    uploaded_by = factory.SubFactory(UserFactory)


# --- visits, shipments, disputes, ratings (D3) ---
from marketplace.deals.models import (  # noqa: E402 - D3's block, kept apart for the merge
    Delivery,
    Dispute,
    DisputeEvidence,
    FactoryVisit,
    Rating,
    Shipment,
    ShipmentDocument,
    VisitPhoto,
)


class FactoryVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactoryVisit

    deal = factory.SubFactory(DealFactory, state=DealState.NEGOTIATION)
    mode = "on_site"
    proposed_1 = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    requested_by = factory.SubFactory(UserFactory)


class VisitPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitPhoto

    visit = factory.SubFactory(FactoryVisitFactory)
    deal = factory.SelfAttribute("visit.deal")
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="line.png"))
    original_name = "line.png"
    content_type = "image/png"
    size = 1024
    sha256 = "1" * 64
    uploaded_by = factory.SelfAttribute("visit.requested_by")


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    deal = factory.SubFactory(DealFactory, state=DealState.SHIPPED)
    number = factory.Sequence(lambda n: n + 1)
    mode = "sea"
    carrier = "COSCO Shipping"
    tracking_reference = factory.Sequence(lambda n: f"COSU{6000000 + n}")
    shipped_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(UserFactory)


class ShipmentDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentDocument

    shipment = factory.SubFactory(ShipmentFactory)
    deal = factory.SelfAttribute("shipment.deal")
    kind = "commercial_invoice"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="invoice.pdf"))
    original_name = "invoice.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "2" * 64
    uploaded_by = factory.SelfAttribute("shipment.recorded_by")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    deal = factory.SubFactory(DealFactory, state=DealState.DELIVERED)
    delivered_on = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyFunction(timezone.localdate)
    days_late = 0
    confirmed_by = factory.SubFactory(UserFactory)
    claim_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute

    deal = factory.SubFactory(DealFactory, state=DealState.DISPUTED)
    reason = "quality"
    description = "12 of 100 housings cracked."
    claimed_amount = Decimal("1500.00")
    currency = "USD"
    opened_by = factory.SubFactory(UserFactory)


class DisputeEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputeEvidence

    dispute = factory.SubFactory(DisputeFactory)
    deal = factory.SelfAttribute("dispute.deal")
    side = Side.BUYER
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="evidence.pdf"))
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "3" * 64
    uploaded_by = factory.SelfAttribute("dispute.opened_by")


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    deal = factory.SubFactory(DealFactory, state=DealState.COMPLETED)
    from_side = Side.BUYER
    from_company = factory.SelfAttribute("deal.buyer")
    to_company = factory.SelfAttribute("deal.supplier")
    score = 5
    comment = "Clean shipment, fast answers."
    rated_by = factory.SubFactory(UserFactory)
