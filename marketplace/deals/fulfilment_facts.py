"""Facts for the credit engine from a deal's fulfilment (and its cancellation), through `credit.facts.record`.

Called by `receivers.record_credit_facts` after each record event commits. Every fact has the platform
source and an external reference built from the deal's id and the step ("deal:42:delivery"), so a
repeated call records nothing twice. Whose fact it is:

- delivery (on time, or N days late against the agreed date) — the supplier's;
- factory visit outcome — the supplier's;
- dispute opened — the supplier's (the party the claim is against); its outcome — both parties', each
  "in favour of" itself or its counterparty (a refund, full or partial, goes the buyer's way);
- deal completed (value after any refund) — both parties';
- cancellation — the cancelling party's, with its side and the step, once terms had been agreed
  (withdrawing an inquiry or a negotiation breaks no commitment).
"""

from credit import facts
from marketplace.deals.models import Deal, DealEvent, DealState, Dispute, DisputeResolution, FactoryVisit

# credit's own source for the platform's facts (created on first use).
SOURCE = "platform"
CANCELLATION_STEPS = (DealState.AGREED, DealState.ORDERED)


def _record(company, kind: str, ref: str, payload: dict, at) -> None:
    facts.record(
        source=SOURCE,
        kind=kind,
        subject=company,
        payload=payload,
        occurred_at=at,
        external_ref=ref,
        platform_event=f"deals.{kind}",
    )


def _completed(deal: Deal, event: DealEvent, refund) -> None:
    offer = deal.accepted_offer
    if offer is None:
        return
    value = offer.total.amount - (refund or 0)
    payload = {"value": format(max(value, 0), "f"), "currency": offer.currency, "deal": deal.number}
    for side, company in (("buyer", deal.buyer), ("supplier", deal.supplier)):
        _record(company, "deal_completed", f"deal:{deal.pk}:completed:{side}", payload, event.at)


def record_for(deal: Deal, event: DealEvent) -> None:
    """The credit facts one record event gives, if any."""
    action, data = event.action, event.data
    if action == "confirm_delivery" and data.get("days_late") is not None:
        _record(
            deal.supplier,
            "delivery",
            f"deal:{deal.pk}:delivery",
            {
                "days_late": data["days_late"],
                "due_date": data["due_date"],
                "delivered_date": data["delivered_on"],
                "deal": deal.number,
            },
            event.at,
        )
    elif action == "visit_report":
        visit = FactoryVisit.objects.get(pk=data["visit"])
        _record(
            deal.supplier,
            "factory_visit",
            f"deal:{deal.pk}:visit:{visit.pk}",
            {"outcome": visit.outcome, "visit": f"{deal.number}/{visit.pk}"},
            event.at,
        )
    elif action == "open_dispute":
        _record(
            deal.supplier,
            "dispute_opened",
            f"deal:{deal.pk}:dispute_opened",
            {"dispute": deal.number},
            event.at,
        )
    elif action == "resolve_dispute":
        dispute = Dispute.objects.get(deal=deal)
        buyer_won = dispute.resolution != DisputeResolution.REJECTED
        for side, company, won in (
            ("supplier", deal.supplier, not buyer_won),
            ("buyer", deal.buyer, buyer_won),
        ):
            _record(
                company,
                "dispute_resolved",
                f"deal:{deal.pk}:dispute_resolved:{side}",
                {"in_favour_of": "subject" if won else "counterparty", "dispute": deal.number},
                event.at,
            )
        _completed(deal, event, dispute.refund_amount)
    elif action == "complete":
        _completed(deal, event, None)
    elif action == "cancel" and data.get("from") in CANCELLATION_STEPS and deal.cancelled_by_company_id:
        side = "buyer" if deal.cancelled_by_company_id == deal.buyer_id else "supplier"
        _record(
            deal.cancelled_by_company,
            "order_cancelled",
            f"deal:{deal.pk}:cancelled",
            {"order": deal.number, "by": side, "step": data["from"]},
            event.at,
        )
