"""Deals at the steps whose pages carry the most, built through the services, for page-wide tests (the phone
width in the browser, the Chinese pages): an order with its payment forms and a proof, agreed terms the
credit policy refuses (the reopen form), and a negotiation (the offer form with its credit check)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credit.models import ModelVersion
from marketplace.deals import contracts, milestones, negotiation, orders, services
from tests.credit.factories import AssessmentFactory
from tests.marketplace.deals.factories import PDF_BYTES

# The words the deals carry (data, not UI): long on purpose, so that a page that cannot wrap them shows it.
ENGLISH = {
    "subjects": (
        "Servo-hydraulic injection moulding machines, first lot",
        "Servo-hydraulic injection moulding machines, second lot",
        "Spare parts for the installed machines",
    ),
    "message": "We need 120 servo-hydraulic machines delivered to Hamburg in two lots. " * 3,
    "named_place": "Hamburg, Germany (Container Terminal Altenwerder)",
    "notes": "Spare parts kit and on-site commissioning by two engineers included. " * 2,
    "line": "Servo-hydraulic injection moulding machine HT-{n}00, clamping force 2800 kN",
    "signer": "Katharina Müller-Lüdenscheidt",
    "title": "Head of Strategic Procurement",
    "proof_note": "SWIFT MT103 reference DEUTDEFF-2026-11-0042",
}


def staged_deals(*, supplier, supplier_user, buyer, buyer_user, words=None):
    """{"ordered", "refused", "negotiating"} deals between `buyer` (rated A) and `supplier`."""
    w = {**ENGLISH, **(words or {})}
    # Dated ahead so that the recompute an order triggers does not replace it; on the model version in
    # force when there is one (a transactional test may already have installed the scorecard).
    installed = ModelVersion.objects.order_by("-version").first()
    AssessmentFactory(
        subject=buyer,
        grade="A",
        as_of=timezone.now() + dt.timedelta(days=1),
        **({"model_version": installed} if installed else {}),
    )

    def opened(subject):
        return services.open_deal(
            buyer=buyer,
            supplier=supplier,
            by_user=buyer_user,
            opening=services.Opening(
                kind="company", reference=str(supplier.pk), subject=subject, message=w["message"]
            ),
        )

    def terms(**changes):
        base = {
            "currency": "USD",
            "incoterm": "CIF",
            "named_place": w["named_place"],
            "delivery_date": None,
            "lead_time_days": 60,
            "payment_terms": "deposit_balance",
            "deposit_percent": 30,
            "term_days": None,
            "inspection": "third_party",
            "valid_until": timezone.localdate() + dt.timedelta(days=20),
            "notes": w["notes"],
        }
        return {**base, **changes}

    lines = [
        {
            "product": None,
            "description": w["line"].format(n=n),
            "quantity": Decimal("12"),
            "unit": "piece",
            "unit_price": Decimal("86000.00"),
            "hs_code": "8477.10",
        }
        for n in (1, 2)
    ]

    def agree(deal, **changes):
        negotiation.propose(deal=deal, by_user=supplier_user, terms=terms(), lines=lines)
        counter = negotiation.propose(deal=deal, by_user=buyer_user, terms=terms(**changes), lines=lines[:1])
        negotiation.accept(deal=deal, by_user=supplier_user, offer_id=counter.pk)
        deal.refresh_from_db()
        contract = contracts.issue_contract(deal=deal, by_user=supplier_user)
        for user in (buyer_user, supplier_user):
            orders.accept_and_order(
                contract=contract,
                by_user=user,
                name=w["signer"],
                title=w["title"],
                ip="192.0.2.7",
                sha256=contract.sha256,
            )
        deal.refresh_from_db()
        return deal

    ordered = agree(opened(w["subjects"][0]))
    milestones.upload_proof(
        milestone=ordered.milestones.get(seq=1),
        by_user=buyer_user,
        upload=SimpleUploadedFile("swift-mt103-deposit-transfer.pdf", PDF_BYTES),
        note=w["proof_note"],
    )
    # Open account for longer than grade A's longest term (90 days): the order is refused.
    refused = agree(
        opened(w["subjects"][1]), payment_terms="open_account", deposit_percent=None, term_days=120
    )
    negotiating = opened(w["subjects"][2])
    negotiation.propose(deal=negotiating, by_user=supplier_user, terms=terms(), lines=lines)
    return {"ordered": ordered, "refused": refused, "negotiating": negotiating}


def deal_pages(deals) -> list[str]:
    """The deal list, each deal's page and the offer form of the negotiation."""
    return [
        "/deals/",
        deals["ordered"].get_absolute_url(),
        deals["refused"].get_absolute_url(),
        deals["negotiating"].get_absolute_url(),
        f"/deals/{deals['negotiating'].pk}/offers/new/",
    ]
