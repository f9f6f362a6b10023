"""Negotiation: versioned, immutable offers; counter, decline with a reason, accept to freeze the terms.

Agreed terms the credit policy refuses at the order can be reopened ("reopen", agreed → negotiation) by
either party with a reason, before an order exists, so that secured terms can be offered and accepted.

Either side proposes (event "propose"); a counter-offer is a propose by the other side and supersedes
the open one. The other side declines with a reason ("decline_offer") or accepts ("accept_offer"): only
the OTHER side's latest offer, while it is open and valid, and accepting freezes it as
`Deal.accepted_offer` (state "agreed"). Every check runs on the locked deal row before anything is
written, so a refused step leaves the deal, its offers and its record as they were.

`check_terms` and `check_line` are the rules the offer form shows next to its fields; the service
runs them again, so no caller can skip them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalog.models import Incoterm, Product, Unit, normalize_hs_code, validate_hs_code
from marketplace.core.money import CURRENCIES, Money, validate_minor_units
from marketplace.deals import permissions, services
from marketplace.deals.models import (
    TERMS_WITH_DAYS,
    Contract,
    Deal,
    DealEvent,
    Inspection,
    Offer,
    OfferLine,
    OfferStatus,
    Order,
    PaymentTerms,
)
from marketplace.deals.record import canonical

TERM_FIELDS = (
    "currency",
    "incoterm",
    "named_place",
    "delivery_date",
    "lead_time_days",
    "payment_terms",
    "deposit_percent",
    "term_days",
    "inspection",
    "valid_until",
    "notes",
)
LINE_FIELDS = ("product", "description", "quantity", "unit", "unit_price", "hs_code")
MAX_LINES = 50


def check_terms(terms: dict) -> dict:
    """The terms cleaned, or a ValidationError keyed by field."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    currency = (terms.get("currency") or "").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = _("%(code)s is not an ISO 4217 currency code.") % {"code": currency or "—"}
    if terms.get("incoterm") not in Incoterm.values:
        errors["incoterm"] = _("Choose an Incoterms 2020 rule.")
    if not (terms.get("named_place") or "").strip():
        errors["named_place"] = _("Name the place (port or address) the Incoterm applies to, e.g. Ningbo.")
    delivery_date, lead_time = terms.get("delivery_date"), terms.get("lead_time_days")
    if delivery_date is None and not lead_time:
        errors["delivery_date"] = _("Give a delivery date or a lead time in days.")
    elif delivery_date is not None and delivery_date < today:
        errors["delivery_date"] = _("The delivery date is in the past.")
    payment = terms.get("payment_terms")
    if payment not in PaymentTerms.values:
        errors["payment_terms"] = _("Choose the payment terms.")
    deposit = terms.get("deposit_percent")
    if payment == PaymentTerms.DEPOSIT_BALANCE and not (deposit and 1 <= deposit <= 99):
        errors["deposit_percent"] = _("Give the deposit as a percentage between 1 and 99.")
    days = terms.get("term_days")
    if payment in TERMS_WITH_DAYS and not (days and 1 <= days <= 360):
        errors["term_days"] = _("Give the payment term in days (1 to 360).")
    if terms.get("inspection", Inspection.NONE) not in Inspection.values:
        errors["inspection"] = _("Choose who inspects before shipment.")
    valid_until = terms.get("valid_until")
    if valid_until is None:
        errors["valid_until"] = _("Say until when the offer is valid.")
    elif valid_until < today:
        errors["valid_until"] = _("The offer would already have expired.")
    if errors:
        raise ValidationError(errors)
    return {
        "currency": currency,
        "incoterm": terms["incoterm"],
        "named_place": terms["named_place"].strip(),
        "delivery_date": delivery_date,
        "lead_time_days": lead_time or None,
        "payment_terms": payment,
        "deposit_percent": deposit if payment == PaymentTerms.DEPOSIT_BALANCE else None,
        "term_days": days if payment in TERMS_WITH_DAYS else None,
        "inspection": terms.get("inspection") or Inspection.NONE,
        "valid_until": valid_until,
        "notes": (terms.get("notes") or "").strip(),
    }


def _decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None


def check_line(line: dict, *, currency: str, supplier_id: int) -> dict:
    """One line cleaned, or a ValidationError keyed by field. `currency` must already be valid."""
    errors: dict[str, str] = {}
    product = line.get("product")
    if product is not None and (not isinstance(product, Product) or product.supplier_id != supplier_id):
        errors["product"] = _("Choose one of the supplier’s own products, or describe the item.")
    description = (line.get("description") or "").strip() or (
        product.name if isinstance(product, Product) else ""
    )
    if not description:
        errors["description"] = _("Describe the item.")
    quantity = _decimal(line.get("quantity"))
    if quantity is None or not quantity.is_finite():
        errors["quantity"] = _("Enter a number.")
    elif quantity <= 0:
        errors["quantity"] = _("The quantity must be more than zero.")
    elif -quantity.normalize().as_tuple().exponent > 3:
        errors["quantity"] = _("Use at most 3 decimal places for a quantity.")
    if line.get("unit") not in Unit.values:
        errors["unit"] = _("Choose a unit.")
    price = _decimal(line.get("unit_price"))
    if price is None or not price.is_finite():
        errors["unit_price"] = _("Enter a price.")
    elif price < 0:
        errors["unit_price"] = _("The price cannot be negative.")
    elif currency in CURRENCIES:  # an unknown currency is told at its own field
        try:
            validate_minor_units(Money(price, currency))
        except ValidationError as error:
            errors["unit_price"] = " ".join(error.messages)
    hs_code = normalize_hs_code(line.get("hs_code") or "") or (
        product.hs_code if isinstance(product, Product) else ""
    )
    if hs_code:
        try:
            validate_hs_code(hs_code)
        except ValidationError as error:
            errors["hs_code"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return {
        "product": product,
        "description": description[:300],
        "quantity": quantity,
        "unit": line["unit"],
        "unit_price": price,
        "hs_code": normalize_hs_code(hs_code),
    }


def terms_data(offer: Offer, lines) -> dict:
    """The offer as the record keeps it: every term and line, amounts as strings."""
    return {
        "offer": offer.pk,
        "version": offer.version,
        "from_side": offer.from_side,
        **{name: getattr(offer, name) for name in TERM_FIELDS},
        "lines": [
            {
                "product": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "hs_code": line.hs_code,
            }
            for line in lines
        ],
        "total": sum((line.amount for line in lines), Money.zero(offer.currency)).amount,
    }


def latest_offer(deal: Deal) -> Offer | None:
    return deal.offers.order_by("-version").first()


def propose(*, deal: Deal, by_user, terms: dict, lines: list[dict]) -> Offer:
    """Send an offer (or a counter-offer) for the side `by_user` acts for; supersedes the open one."""
    clean_terms = check_terms(terms)
    if not lines:
        raise ValidationError(_("Add at least one line."))
    if len(lines) > MAX_LINES:
        raise ValidationError(_("An offer has at most %(n)d lines.") % {"n": MAX_LINES})
    line_errors: dict[str, list] = {}
    clean_lines = []
    for number, line in enumerate(lines, start=1):
        try:
            clean_lines.append(
                check_line(line, currency=clean_terms["currency"], supplier_id=deal.supplier_id)
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                line_errors[f"lines.{number}.{name}"] = messages
    if line_errors:
        raise ValidationError(line_errors)
    holder: dict = {}
    data: dict = {}

    def apply(locked: Deal):
        side = permissions.acting_side(by_user, locked)
        locked.offers.filter(status=OfferStatus.OPEN).update(status=OfferStatus.SUPERSEDED)
        version = (locked.offers.aggregate(v=Max("version"))["v"] or 0) + 1
        offer = Offer(deal=locked, version=version, from_side=side, created_by=by_user, **clean_terms)
        offer.full_clean(exclude=["deal"])
        offer.save()
        rows = OfferLine.objects.bulk_create(
            [OfferLine(offer=offer, position=i, **line) for i, line in enumerate(clean_lines)]
        )
        for row in rows:
            row.offer = offer
        holder["offer"] = offer
        data.update(terms_data(offer, rows))
        if locked.currency != offer.currency:
            locked.currency = offer.currency
            return ["currency"]
        return []

    services.step(deal, "propose", by_user=by_user, allowed=permissions.may_act, apply=apply, data=data)
    return holder["offer"]


def _decidable(locked: Deal, offer_id: int, user, *, accepting: bool) -> Offer:
    """The offer the user may decide: the other side's latest, still open (and, to accept, still valid)."""
    offer = locked.offers.filter(pk=offer_id).first()
    latest = latest_offer(locked)
    side = permissions.acting_side(user, locked)
    if offer is None or latest is None or offer.pk != latest.pk:
        raise ValidationError(_("Only the latest offer can be decided."))
    if offer.from_side == side:
        raise ValidationError(_("The other side decides on your offer."))
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer was already decided."))
    if accepting and offer.is_expired:
        raise ValidationError(
            _("This offer expired on %(date)s: ask for a new one.") % {"date": offer.valid_until}
        )
    return offer


def decline(*, deal: Deal, by_user, offer_id: int, reason: str) -> DealEvent:
    """Decline the other side's latest offer, saying why; the deal stays in negotiation."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline the offer.")})
    data: dict = {"reason": reason}

    def apply(locked: Deal):
        offer = _decidable(locked, offer_id, by_user, accepting=False)
        Offer.objects.filter(pk=offer.pk).update(
            status=OfferStatus.DECLINED, decline_reason=reason, decided_by=by_user, decided_at=timezone.now()
        )
        data.update(offer=offer.pk, version=offer.version)
        return []

    return services.step(
        deal, "decline_offer", by_user=by_user, allowed=permissions.may_act, apply=apply, data=data
    )


def accept(*, deal: Deal, by_user, offer_id: int) -> DealEvent:
    """Accept the other side's latest valid offer: its terms are frozen as the deal's agreed terms."""
    data: dict = {}

    def apply(locked: Deal):
        offer = _decidable(locked, offer_id, by_user, accepting=True)
        Offer.objects.filter(pk=offer.pk).update(
            status=OfferStatus.ACCEPTED, decided_by=by_user, decided_at=timezone.now()
        )
        locked.accepted_offer = offer
        locked.currency = offer.currency
        lines = list(offer.lines.all())
        data.update(offer=offer.pk, version=offer.version, terms_sha256=_terms_digest(offer, lines))
        return ["accepted_offer", "currency"]

    return services.step(
        deal, "accept_offer", by_user=by_user, allowed=permissions.may_act, apply=apply, data=data
    )


def reopen(*, deal: Deal, by_user, reason: str) -> DealEvent:
    """agreed → negotiation: either party reopens the agreed terms (e.g. for secured ones), with a reason.

    Only before an order exists. The accepted offer keeps its status and its place in the record, the
    contract drawn from it (if any) is voided — kept with its acceptances, no longer in force — and the
    deal waits for a new offer, which the other side accepts as usual.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the terms are reopened.")})
    data: dict = {"reason": reason}

    def apply(locked: Deal):
        if Order.objects.filter(deal=locked).exists():
            raise ValidationError(_("The order is placed: its terms can no longer be reopened."))
        offer = locked.accepted_offer
        contract = Contract.objects.current().filter(deal=locked).first()
        if contract is not None:
            Contract.objects.filter(pk=contract.pk).update(voided_at=timezone.now())
        data.update(
            offer=offer.pk if offer else None,
            version=offer.version if offer else None,
            contract=contract.number if contract else "",
            contract_sha256=contract.sha256 if contract else "",
        )
        locked.accepted_offer = None
        return ["accepted_offer"]

    return services.step(deal, "reopen", by_user=by_user, allowed=permissions.may_act, apply=apply, data=data)


def _terms_digest(offer: Offer, lines) -> str:
    return hashlib.sha256(canonical(terms_data(offer, lines)).encode()).hexdigest()


# -- the difference between consecutive offers ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


TERM_LABELS = {
    "currency": gettext_lazy("Currency"),
    "incoterm": gettext_lazy("Incoterm"),
    "named_place": gettext_lazy("Named place"),
    "delivery_date": gettext_lazy("Delivery date"),
    "lead_time_days": gettext_lazy("Lead time (days)"),
    "payment_terms": gettext_lazy("Payment terms"),
    "deposit_percent": gettext_lazy("Deposit %"),
    "term_days": gettext_lazy("Payment term (days)"),
    "inspection": gettext_lazy("Inspection"),
    "valid_until": gettext_lazy("Valid until"),
    "notes": gettext_lazy("Notes"),
}


def _shown(offer: Offer, name: str) -> str:
    value = getattr(offer, name)
    display = getattr(offer, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    return "—" if value in (None, "") else str(value)


def _line_text(line: OfferLine, currency: str) -> str:
    return f"{line.quantity.normalize():f} {line.get_unit_display()} × {currency} {line.unit_price.normalize():f}"


def diff(before: Offer | None, after: Offer) -> list[Change]:
    """What changed from one offer to the next: each term, then each line (matched by description)."""
    if before is None:
        return []
    changes = [
        Change(str(label), _shown(before, name), _shown(after, name))
        for name, label in TERM_LABELS.items()
        if getattr(before, name) != getattr(after, name)
    ]
    old = {line.description: line for line in before.lines.all()}
    new = {line.description: line for line in after.lines.all()}
    for description in [*old, *(d for d in new if d not in old)]:
        a, b = old.get(description), new.get(description)
        text_a = _line_text(a, before.currency) if a else "—"
        text_b = _line_text(b, after.currency) if b else "—"
        if text_a != text_b:
            changes.append(Change(description, text_a, text_b))
    return changes
