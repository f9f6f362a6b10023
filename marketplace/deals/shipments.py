"""Shipment and delivery (交割): the supplier records each consignment with its documents; the buyer confirms
delivery, which opens the claim window.

`ship` (ordered|shipped → shipped) may happen more than once: partial shipments each get a number. The
record keeps carrier, tracking reference and every document's SHA-256. `confirm_delivery` measures the
delivery against the agreed date: for E-, F- and C-group Incoterms the supplier has delivered when the
goods are handed to the carrier (the last shipment's date), for D-group rules (DAP, DPU, DDP) when they
arrive (the date the buyer confirms).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import Incoterm
from marketplace.deals import evidence, permissions
from marketplace.deals.models import (
    Deal,
    Delivery,
    Shipment,
    ShipmentDocument,
    ShipmentDocumentKind,
    TransportMode,
)
from marketplace.deals.services import step

ARRIVAL_INCOTERMS = frozenset({Incoterm.DAP, Incoterm.DPU, Incoterm.DDP})
K = ShipmentDocumentKind
# The transport document each mode needs besides the commercial invoice and the packing list.
TRANSPORT_DOCUMENT = {
    TransportMode.SEA: (K.BILL_OF_LADING,),
    TransportMode.AIR: (K.AIR_WAYBILL,),
    TransportMode.ROAD: (K.OTHER_TRANSPORT, K.BILL_OF_LADING),
    TransportMode.RAIL: (K.OTHER_TRANSPORT, K.BILL_OF_LADING),
}


def ordered_on(deal: Deal) -> dt.date | None:
    """The day the order was placed (its record event), else the day the terms were agreed."""
    event = deal.events.filter(action="place_order").order_by("seq").first()
    if event is not None:
        return timezone.localdate(event.at)
    offer = deal.accepted_offer
    if offer is not None and offer.decided_at:
        return timezone.localdate(offer.decided_at)
    return None


def due_date(deal: Deal) -> dt.date | None:
    """The agreed delivery date: the offer's date, or the order day plus the lead time."""
    offer = deal.accepted_offer
    if offer is None:
        return None
    if offer.delivery_date:
        return offer.delivery_date
    start = ordered_on(deal)
    if offer.lead_time_days and start:
        return start + dt.timedelta(days=offer.lead_time_days)
    return None


def record_shipment(
    *,
    deal: Deal,
    by_user,
    mode: str,
    carrier: str,
    tracking_reference: str,
    shipped_on: dt.date,
    documents: list[tuple[str, object]],
    notes: str = "",
) -> Shipment:
    """The supplier records a shipment with its documents: commercial invoice, packing list and the
    transport document of the mode (bill of lading, air waybill…); a certificate of origin if there is one."""
    errors = {}
    if mode not in TransportMode.values:
        errors["mode"] = _("Choose how the goods travel.")
    if not (carrier or "").strip():
        errors["carrier"] = _("Name the carrier.")
    if not (tracking_reference or "").strip():
        errors["tracking_reference"] = _("Give the tracking reference (container, B/L or AWB number).")
    if shipped_on is None:
        errors["shipped_on"] = _("Give the shipping date.")
    elif shipped_on > timezone.localdate():
        errors["shipped_on"] = _("The shipping date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    kinds = [kind for kind, _upload in documents]
    unknown = [kind for kind in kinds if kind not in K.values]
    if unknown:
        raise ValidationError({"documents": _("Unknown kind of document.")})
    missing = [K(k).label for k in (K.COMMERCIAL_INVOICE, K.PACKING_LIST) if k not in kinds]
    if not any(k in kinds for k in TRANSPORT_DOCUMENT[mode]):
        missing.append(K(TRANSPORT_DOCUMENT[mode][0]).label)
    if missing:
        raise ValidationError(
            {
                "documents": _("Attach the shipment's %(missing)s.")
                % {"missing": ", ".join(str(m) for m in missing)}
            }
        )
    checked = evidence.check_all([u for _k, u in documents], evidence.check_document, field="documents")
    holder = {}
    data: dict = {
        "mode": mode,
        "carrier": carrier.strip(),
        "tracking_reference": tracking_reference.strip(),
        "shipped_on": shipped_on,
        "notes": (notes or "").strip(),
    }

    def write(locked: Deal):
        start = ordered_on(locked)
        if start and shipped_on < start:
            raise ValidationError(
                {"shipped_on": _("The shipping date cannot be before the order was placed.")}
            )
        number = locked.shipments.count() + 1
        shipment = Shipment.objects.create(
            deal=locked,
            number=number,
            mode=mode,
            carrier=data["carrier"],
            tracking_reference=data["tracking_reference"],
            shipped_on=shipped_on,
            notes=data["notes"],
            recorded_by=by_user,
        )
        stored = [
            evidence.store(
                ShipmentDocument, deal=locked, by_user=by_user, checked=c, shipment=shipment, kind=kind
            )
            for c, kind in zip(checked, kinds, strict=True)
        ]
        holder["shipment"] = shipment
        data.update(
            shipment=shipment.pk, number=number, documents=[{"kind": d.kind, **d.as_record()} for d in stored]
        )
        return ()

    step(deal, "ship", by_user=by_user, allowed=permissions.may_act_for("supplier"), apply=write, data=data)
    return holder["shipment"]


def confirm_delivery(*, deal: Deal, by_user, delivered_on: dt.date, note: str = "") -> Delivery:
    """The buyer confirms the goods arrived on `delivered_on`; the claim window starts now."""
    if delivered_on is None:
        raise ValidationError({"delivered_on": _("Give the delivery date.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
    holder = {}
    data: dict = {"delivered_on": delivered_on, "note": (note or "").strip()}

    def write(locked: Deal):
        shipments = list(locked.shipments.order_by("number"))
        if shipments and delivered_on < shipments[0].shipped_on:
            raise ValidationError({"delivered_on": _("The goods cannot arrive before they were shipped.")})
        due = due_date(locked)
        handed_over = delivered_on
        offer = locked.accepted_offer
        if shipments and offer is not None and offer.incoterm not in ARRIVAL_INCOTERMS:
            handed_over = shipments[-1].shipped_on
        days_late = max(0, (handed_over - due).days) if due else None
        now = timezone.now()
        delivery = Delivery.objects.create(
            deal=locked,
            delivered_on=delivered_on,
            due_date=due,
            days_late=days_late,
            note=data["note"],
            confirmed_by=by_user,
            confirmed_at=now,
            claim_until=now + dt.timedelta(days=locked.claim_window_days),
        )
        holder["delivery"] = delivery
        data.update(due_date=due, days_late=days_late, claim_until=delivery.claim_until)
        return ()

    step(
        deal,
        "confirm_delivery",
        by_user=by_user,
        allowed=permissions.may_act_for("buyer"),
        apply=write,
        data=data,
    )
    return holder["delivery"]
