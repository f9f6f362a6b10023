"""The sales contract: drawn as a PDF from the accepted offer, English and Simplified Chinese side by side,
accepted by each party (name, title, time, network address), its SHA-256 kept in the deal's record.

The governing clauses come from the callable named in `DEALS_CONTRACT_CLAUSES` (cms lets operators
edit them in Wagtail; deals stands below cms and never imports it). A contract copies them when it is
issued, so the PDF a party accepted can be drawn again word for word.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from marketplace.core import pdf
from marketplace.core.money import Money
from marketplace.deals import permissions, services
from marketplace.deals.milestones import ON_ORDER_DAYS
from marketplace.deals.models import Contract, ContractAcceptance, Deal, DealState, Offer

TEMPLATE = "deals/pdf/contract.html"
LANGUAGES = ("en", "zh-hans")


def governing_clauses() -> list[dict[str, str]]:
    """The clauses operators set for new contracts: [{title_en, title_zh, text_en, text_zh}, ...]."""
    return list(import_string(settings.DEALS_CONTRACT_CLAUSES)())


def contract_number(deal: Deal, on: dt.date) -> str:
    return f"TF-{on.year}-{deal.pk:06d}"


def _number(value: Decimal, places: int) -> str:
    return f"{value:,.{places}f}"


def _plain(value: Decimal) -> str:
    """A quantity as people write it: 1,200 or 12.5, never 1200.0000."""
    text = format(value.normalize(), "f")
    whole, _sep, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def delivery_text(offer: Offer) -> str:
    if offer.delivery_date:
        return date_format(offer.delivery_date, "DATE_FORMAT")
    return _("%(days)d days after the order") % {"days": offer.lead_time_days or 0}


def payment_text(offer: Offer, total: Money) -> str:
    """The payment terms in the active language, in one sentence a person can check."""
    terms = offer.payment_terms
    days = offer.term_days or 0
    if terms == "prepayment":
        return _("100%% of the contract value paid in advance, within %(days)d days of the order.") % {
            "days": ON_ORDER_DAYS
        }
    if terms == "deposit_balance":
        deposit = Decimal(offer.deposit_percent or 0)
        return _(
            "Deposit of %(deposit)s%% within %(days)d days of the order; balance of %(balance)s%% against the "
            "shipping documents."
        ) % {"deposit": _plain(deposit), "days": ON_ORDER_DAYS, "balance": _plain(Decimal(100) - deposit)}
    if terms == "lc_sight":
        return _("Irrevocable documentary letter of credit payable at sight, for 100% of the contract value.")
    if terms == "dp":
        return _("Documents against payment (D/P): the buyer pays at sight of the shipping documents.")
    if terms == "da":
        return _(
            "Documents against acceptance (D/A): the buyer accepts a draft payable %(days)d days after shipment."
        ) % {"days": days}
    return _("Open account: payment %(days)d days after shipment.") % {"days": days}


def party_addresses(company) -> tuple[str, str]:
    """The registered address as the contract prints it: (English, Chinese).

    English runs from the street to the country. Chinese runs from the country down; it uses the
    address the company wrote in Chinese when it has one, else the same parts in that order.
    """
    with translation.override("en"):
        address_en = ", ".join(company.address_lines())
    with translation.override("zh-hans"):
        country = str(company.country.name) if company.country else ""
        written = company.address_zh.strip()
        if written:
            parts = [written] if not country or written.startswith(country) else [country, written]
        else:
            streets = ", ".join(p for p in (company.street_line1, company.street_line2) if p)
            parts = [country, company.city, streets]
        if company.postal_code:
            parts.append(f"（邮编 {company.postal_code}）")
        address_zh = " ".join(part for part in parts if part)
    return address_en, address_zh


def _party(company, role: str) -> dict:
    address_en, address_zh = party_addresses(company)
    return {
        "role": role,
        "name": company.name,
        "name_zh": company.name_zh,
        "registration_number": company.registration_number,
        "address_en": address_en,
        "address_zh": address_zh,
    }


def _in_both(function, *args) -> tuple[str, str]:
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append(str(function(*args)))
    return values[0], values[1]


def contract_context(
    deal: Deal, offer: Offer, *, number: str, issued_on: dt.date, clauses: list[dict]
) -> dict:
    """Everything the contract template prints, prepared in both languages."""
    total = offer.total
    places = total.minor_units
    lines = [
        {
            "description": line.description or (line.product.name if line.product_id else ""),
            "hs_code": line.hs_code,
            "quantity": _plain(line.quantity),
            "unit": line.unit,
            "unit_price": _plain(line.unit_price),
            "amount": _number(line.amount.amount, places),
        }
        for line in offer.lines.select_related("product").all()
    ]
    terms = []

    def term(label, value_function, *args):
        label_en, label_zh = _in_both(label)
        value_en, value_zh = _in_both(value_function, *args)
        terms.append({"label_en": label_en, "label_zh": label_zh, "value_en": value_en, "value_zh": value_zh})

    term(lambda: _("Incoterm (Incoterms® 2020)"), lambda: f"{offer.incoterm} {offer.named_place}".strip())
    term(lambda: _("Delivery"), delivery_text, offer)
    term(lambda: _("Payment"), payment_text, offer, total)
    term(lambda: _("Inspection before shipment"), lambda: offer.get_inspection_display())
    if offer.notes:
        term(lambda: _("Further terms"), lambda: offer.notes)
    # Dates in the contract are written the same way whatever the reader's locale: ISO in English.
    issued_en, issued_zh = issued_on.isoformat(), f"{issued_on.year}年{issued_on.month}月{issued_on.day}日"
    return {
        "number": number,
        "issued_on_en": issued_en,
        "issued_on_zh": issued_zh,
        "parties": [_party(deal.supplier, "seller"), _party(deal.buyer, "buyer")],
        "lines": lines,
        "currency": offer.currency,
        "total": _number(total.amount, places),
        "terms": terms,
        "clauses": clauses,
    }


def render_contract(
    deal: Deal, offer: Offer, *, number: str, issued_on: dt.date, clauses: list[dict]
) -> bytes:
    context = contract_context(deal, offer, number=number, issued_on=issued_on, clauses=clauses)
    # zh-CN on <html> makes WeasyPrint choose the Simplified Chinese face for the shared characters.
    return pdf.render_pdf(TEMPLATE, context, language="zh-hans")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _party_may_act(user, deal) -> bool:
    return permissions.acting_side(user, deal) is not None


def issue_contract(*, deal: Deal, by_user) -> Contract:
    """Draw the contract of an agreed deal from its accepted offer; either party may ask for it, once."""
    with transaction.atomic():
        locked = Deal.objects.select_for_update().get(pk=deal.pk)
        if not _party_may_act(by_user, locked):
            raise PermissionDenied
        if locked.state != DealState.AGREED:
            raise ValidationError(_("A contract is drawn only once the terms are agreed."))
        if Contract.objects.current().filter(deal=locked).exists():
            raise ValidationError(_("This deal's contract has already been issued."))
        offer = locked.accepted_offer
        today = timezone.localdate()
        number = contract_number(locked, today)
        earlier = Contract.objects.filter(deal=locked).count()
        if earlier:
            # A contract voided by reopening the terms keeps its number; the next one is "-2", "-3"…
            number = f"{number}-{earlier + 1}"
        clauses = governing_clauses()
        document = render_contract(locked, offer, number=number, issued_on=today, clauses=clauses)
        digest = sha256(document)
        contract = Contract(
            deal=locked, offer=offer, number=number, sha256=digest, clauses=clauses, issued_by=by_user
        )
        contract.pdf.save(f"{number}.pdf", ContentFile(document), save=False)
        contract.save()
        services.side_step(
            locked,
            "contract_issued",
            by_user=by_user,
            allowed=lambda user, d: _party_may_act(user, d),
            data={"number": number, "sha256": digest, "offer": offer.version},
        )
    return contract


def accept_contract(
    *, contract: Contract, by_user, name: str, title: str, ip: str | None, sha256: str
) -> ContractAcceptance:
    """One party accepts the contract it was shown (`sha256` says which PDF); each side accepts once."""
    name, title = name.strip(), title.strip()
    errors = {}
    if not name:
        errors["name"] = _("Type your full name.")
    if not title:
        errors["title"] = _("Type your title (your position in the company).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=contract.deal_id)
        side = permissions.acting_side(by_user, deal)
        if side is None:
            raise PermissionDenied
        if deal.state != DealState.AGREED:
            raise ValidationError(_("The contract can be accepted only while the deal waits for its order."))
        if sha256 != contract.sha256:
            raise ValidationError(
                _("The contract changed since you opened it; open it again before accepting.")
            )
        if contract.acceptances.filter(side=side).exists():
            raise ValidationError(_("Your company has already accepted this contract."))
        company = deal.buyer if side == "buyer" else deal.supplier
        acceptance = ContractAcceptance.objects.create(
            contract=contract,
            side=side,
            company=company,
            user=by_user,
            name=name,
            title=title,
            ip=ip,
            sha256=sha256,
        )
        services.side_step(
            deal,
            "contract_accepted",
            by_user=by_user,
            allowed=lambda user, d: permissions.acting_side(user, d) == side,
            data={
                "number": contract.number,
                "sha256": sha256,
                "side": side,
                "name": name,
                "title": title,
                "ip": ip or "",
                "at": acceptance.accepted_at.isoformat(),
            },
        )
    return acceptance


def accepted_by_both(contract: Contract | None) -> bool:
    return contract is not None and {a.side for a in contract.acceptances.all()} >= {"buyer", "supplier"}
