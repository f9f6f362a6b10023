"""Writing to sourcing requests and quotations: post, edit, quote, revise, shortlist, decline, accept, expire.

Each change is one transaction that locks the RFQ row (`select_for_update`), checks who asks, writes, logs
the audit event and — after commit — sends the matching signal of `rfq_signals` and the notifications.
The checks (`check_rfq`, `check_quotation`, `check_tiers`, `check_attachment`) are the rules the forms
show next to their fields; the services run them again, so no caller can skip them, and a refused
change writes nothing.

Counting: a quotation is accepted only while the RFQ is open (status open and its closing date not
passed) and fewer than `quotations_wanted` quotations exist, both read on the locked RFQ row; the one
that reaches the count closes the RFQ. Concurrent quotations queue on that lock, so the count is never
exceeded. The supplier's monthly quota is read on its locked `SourcingProfile` row the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalog.models import (
    Category,
    CategoryLevel,
    CertificationStandard,
    Incoterm,
    ProductCertification,
    Unit,
)
from marketplace.companies.models import Company, Membership
from marketplace.core import audit, files
from marketplace.core.money import CURRENCIES, Money, validate_minor_units
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import TransitionNotAllowed, transition
from marketplace.deals import negotiation
from marketplace.deals import services as deal_services
from marketplace.deals.models import TERMS_WITH_DAYS, Deal, DealSource, PaymentTerms
from marketplace.matchmaking import rfq_permissions as perms
from marketplace.matchmaking import rfq_signals as signals
from marketplace.matchmaking.models import (
    LIVE_QUOTATION,
    QUOTATION_TRANSITIONS,
    RFQ_TRANSITIONS,
    Quotation,
    QuotationAttachment,
    QuotationTier,
    Rfq,
    RfqAttachment,
    RfqCloseReason,
    RfqStatus,
    RfqVisibility,
    SampleFreight,
    SampleTerms,
    SourcingProfile,
)
from marketplace.notifications.services import notify

ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "application/zip": "ZIP",  # XLSX and DOCX are ZIP archives
}
MAX_ATTACHMENTS = 5
MAX_TIERS = 10
MAX_INVITED = 50


def max_attachment_bytes() -> int:
    return getattr(settings, "RFQ_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)


def check_attachment(upload) -> str:
    """The upload's MIME type judged by its bytes and size, or a ValidationError that names the file."""
    try:
        return files.detect_type(
            upload,
            allowed=ATTACHMENT_TYPES,
            limit=max_attachment_bytes(),
            wrong_type=_("Attach PDF, JPEG, PNG, WEBP, XLSX or DOCX files; this file is %(found)s."),
        )
    except ValidationError as error:
        raise ValidationError(f"{upload.name}: {' '.join(error.messages)}") from None


def check_attachments(uploads: Sequence) -> list[tuple[object, str, str]]:
    """Every upload checked: (upload, type, sha256), or one ValidationError keyed "files"."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"files": _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}})
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, check_attachment(upload), files.sha256_of(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})
    return checked


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _places(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def _members(company_id: int):
    user_ids = Membership.objects.filter(company_id=company_id).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


# -- the request ---------------------------------------------------------------------------------

RFQ_FIELDS = (
    "title",
    "description",
    "category",
    "quantity",
    "unit",
    "target_price",
    "target_currency",
    "destination_country",
    "destination_port",
    "incoterm",
    "certifications",
    "sample_needs",
    "closes_on",
    "visibility",
    "quotations_wanted",
)


def check_rfq(data: dict, *, today: dt.date | None = None) -> dict:
    """The request's fields cleaned, or a ValidationError keyed by field (nothing is written)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Say what you need.")
    category = data.get("category")
    if not isinstance(category, Category) or category.level != CategoryLevel.CHAPTER:
        errors["category"] = _("Choose the HS chapter of what you need.")
    quantity = _decimal(data.get("quantity"))
    if quantity is None:
        errors["quantity"] = _("Enter the quantity as a number.")
    elif quantity <= 0:
        errors["quantity"] = _("The quantity must be more than zero.")
    elif _places(quantity) > 3:
        errors["quantity"] = _("Use at most 3 decimal places for a quantity.")
    if data.get("unit") not in Unit.values:
        errors["unit"] = _("Choose a unit.")
    price = _decimal(data.get("target_price"))
    currency = (data.get("target_currency") or "").strip().upper()
    if data.get("target_price") not in (None, "") and price is None:
        errors["target_price"] = _("Enter the target price as a number.")
    elif price is not None:
        if price <= 0:
            errors["target_price"] = _("The target price must be more than zero.")
        elif currency not in CURRENCIES:
            errors["target_currency"] = _("%(code)s is not an ISO 4217 currency code.") % {
                "code": currency or "—"
            }
        elif _places(price) > 4:
            errors["target_price"] = _("Use at most 4 decimal places for a unit price.")
    elif currency and currency not in CURRENCIES:
        errors["target_currency"] = _("%(code)s is not an ISO 4217 currency code.") % {"code": currency}
    country = str(data.get("destination_country") or "").strip().upper()
    if len(country) != 2:
        errors["destination_country"] = _("Choose the destination country.")
    port = (data.get("destination_port") or "").strip()
    if not port:
        errors["destination_port"] = _("Name the destination port or place, e.g. Hamburg.")
    if data.get("incoterm") not in Incoterm.values:
        errors["incoterm"] = _("Choose an Incoterms 2020 rule.")
    certifications = list(dict.fromkeys(data.get("certifications") or []))
    unknown = [c for c in certifications if c not in CertificationStandard.values]
    if unknown:
        errors["certifications"] = _("Unknown certification: %(codes)s.") % {"codes": ", ".join(unknown)}
    closes_on = data.get("closes_on")
    if not isinstance(closes_on, dt.date):
        errors["closes_on"] = _("Give the closing date.")
    elif closes_on <= today:
        errors["closes_on"] = _("The closing date must be after today.")
    elif closes_on > today + dt.timedelta(days=180):
        errors["closes_on"] = _("Close the request within 180 days.")
    visibility = data.get("visibility") or RfqVisibility.CATEGORY
    if visibility not in RfqVisibility.values:
        errors["visibility"] = _("Choose who may quote.")
    wanted = data.get("quotations_wanted")
    wanted = 10 if wanted in (None, "") else wanted
    if not isinstance(wanted, int) or not 1 <= wanted <= 50:
        errors["quotations_wanted"] = _("Ask for between 1 and 50 quotations.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:200],
        "description": (data.get("description") or "").strip(),
        "category": category,
        "quantity": quantity,
        "unit": data["unit"],
        "target_price": price,
        "target_currency": currency if price is not None else "",
        "destination_country": country,
        "destination_port": port[:100],
        "incoterm": data["incoterm"],
        "certifications": certifications,
        "sample_needs": (data.get("sample_needs") or "").strip()[:300],
        "closes_on": closes_on,
        "visibility": visibility,
        "quotations_wanted": wanted,
    }


def check_invited(invited: Iterable[Company], *, visibility: str, buyer: Company) -> list[Company]:
    invited = list(dict.fromkeys(invited))
    if visibility == RfqVisibility.INVITED and not invited:
        raise ValidationError(
            {"invited": _("Invite at least one supplier, or open the request to the category.")}
        )
    if len(invited) > MAX_INVITED:
        raise ValidationError({"invited": _("Invite at most %(n)d suppliers.") % {"n": MAX_INVITED}})
    wrong = [c.display_name for c in invited if not c.is_supplier or c.pk == buyer.pk]
    if wrong:
        raise ValidationError({"invited": _("Not a supplier: %(names)s.") % {"names": ", ".join(wrong)}})
    return invited


def _store_attachments(rfq_or_quotation, checked, by_user, model, field: str) -> None:
    for upload, content_type, digest in checked:
        model.objects.create(
            **{field: rfq_or_quotation},
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_by=by_user,
        )


def _notify_invited(rfq: Rfq, companies: Iterable[Company]) -> None:
    for company in companies:
        notify(
            recipients=_members(company.pk),
            title=gettext_lazy("You are invited to quote"),
            body=f"{rfq.buyer.display_name} · {rfq.title}",
            url=rfq.get_absolute_url(),
        )


@transaction.atomic
def post_rfq(*, buyer: Company, by_user, data: dict, uploads: Sequence = (), invited: Iterable = ()) -> Rfq:
    """The buyer's member `by_user` posts a request; invited suppliers are told."""
    if not buyer.is_buyer:
        raise ValidationError(_("Only a buyer company can post a sourcing request."))
    if not perms.is_member_of(by_user, buyer):
        raise PermissionDenied
    clean = check_rfq(data)
    invited = check_invited(invited, visibility=clean["visibility"], buyer=buyer)
    checked = check_attachments(list(uploads))
    rfq = Rfq(buyer=buyer, created_by=by_user, **clean)
    rfq.full_clean()
    rfq.save()
    rfq.invited.set(invited)
    _store_attachments(rfq, checked, by_user, RfqAttachment, "rfq")
    audit.log(
        actor=by_user,
        action="matchmaking.rfq.post",
        obj=rfq,
        company_id=buyer.pk,
        data={"visibility": rfq.visibility, "invited": [c.pk for c in invited], "files": len(checked)},
    )
    _notify_invited(rfq, invited)
    send_after_commit(signals.rfq_posted, sender=Rfq, rfq=rfq, actor=by_user)
    return rfq


def edit_rfq(*, rfq: Rfq, by_user, data: dict, uploads: Sequence = (), invited: Iterable = ()) -> Rfq:
    """The buyer changes its open request; newly invited suppliers are told."""
    clean = check_rfq(data)
    buyer = rfq.buyer
    invited = check_invited(invited, visibility=clean["visibility"], buyer=buyer)
    checked = check_attachments(list(uploads))
    holder = {}

    def apply(locked: Rfq):
        wanted = clean["quotations_wanted"]
        if wanted < locked.quotations.count():
            raise ValidationError({"quotations_wanted": _("You already have more quotations than that.")})
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.full_clean()
        before = set(locked.invited.values_list("pk", flat=True))
        locked.invited.set(invited)
        holder["new"] = [c for c in invited if c.pk not in before]
        _store_attachments(locked, checked, by_user, RfqAttachment, "rfq")
        return None

    with transaction.atomic():
        locked = transition(
            rfq,
            table=RFQ_TRANSITIONS,
            event="edit",
            by_user=by_user,
            allowed=perms.is_buyer_of,
            apply=apply,
            data={"files": len(checked)},
        )
        _notify_invited(locked, holder["new"])
    return locked


def cancel_rfq(*, rfq: Rfq, by_user) -> Rfq:
    """The buyer withdraws its request; suppliers with a live quotation are told."""
    with transaction.atomic():
        locked = transition(
            rfq, table=RFQ_TRANSITIONS, event="cancel", by_user=by_user, allowed=perms.is_buyer_of
        )
        for quotation in locked.quotations.filter(status__in=LIVE_QUOTATION):
            notify(
                recipients=_members(quotation.supplier_id),
                title=gettext_lazy("A sourcing request you quoted on was withdrawn"),
                body=locked.title,
                url=quotation.get_absolute_url(),
            )
    return locked


def _close(locked: Rfq, reason: str, by_user=None) -> None:
    def apply(rfq: Rfq):
        rfq.close_reason = reason
        rfq.closed_at = timezone.now()
        return ["close_reason", "closed_at"]

    transition(
        locked, table=RFQ_TRANSITIONS, event="close", by_user=by_user, apply=apply, data={"reason": reason}
    )
    locked.refresh_from_db()
    notify(
        recipients=_members(locked.buyer_id),
        title=gettext_lazy("Your sourcing request is closed")
        if reason == RfqCloseReason.DATE
        else gettext_lazy("Your sourcing request has all the quotations it asked for"),
        body=locked.title,
        url=locked.get_absolute_url(),
    )


# -- quotations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    min_quantity: Decimal
    unit_price: Decimal


def check_tiers(tiers: Sequence, *, currency: str) -> list[Tier]:
    """Price tiers cleaned and sorted, or a ValidationError keyed "tiers"."""
    errors = []
    clean: list[Tier] = []
    for number, (qty, price) in enumerate(tiers, start=1):
        quantity, unit_price = _decimal(qty), _decimal(price)
        if quantity is None and unit_price is None:
            continue
        if quantity is None or quantity <= 0 or _places(quantity) > 3:
            errors.append(_("Tier %(n)d: give the quantity it starts from (more than zero).") % {"n": number})
        elif unit_price is None or unit_price <= 0:
            errors.append(_("Tier %(n)d: give a unit price above zero.") % {"n": number})
        elif _places(unit_price) > 4:
            errors.append(_("Tier %(n)d: use at most 4 decimal places.") % {"n": number})
        else:
            clean.append(Tier(quantity, unit_price))
    if not errors and not clean:
        errors.append(_("Give at least one price tier."))
    if len({t.min_quantity for t in clean}) != len(clean):
        errors.append(_("Two tiers start at the same quantity."))
    if len(clean) > MAX_TIERS:
        errors.append(_("At most %(n)d tiers.") % {"n": MAX_TIERS})
    if errors:
        raise ValidationError({"tiers": errors})
    return sorted(clean, key=lambda t: t.min_quantity)


QUOTATION_FIELDS = (
    "currency",
    "incoterm",
    "named_place",
    "lead_time_days",
    "moq",
    "valid_until",
    "payment_terms",
    "deposit_percent",
    "term_days",
    "sample_terms",
    "sample_price",
    "sample_freight",
    "message",
)


def check_quotation(data: dict, *, today: dt.date | None = None) -> dict:
    """A quotation's terms cleaned, or a ValidationError keyed by field."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    currency = (data.get("currency") or "").strip().upper()
    if currency not in CURRENCIES:
        errors["currency"] = _("%(code)s is not an ISO 4217 currency code.") % {"code": currency or "—"}
    if data.get("incoterm") not in Incoterm.values:
        errors["incoterm"] = _("Choose an Incoterms 2020 rule.")
    place = (data.get("named_place") or "").strip()
    if not place:
        errors["named_place"] = _("Name the place (port or address) the Incoterm applies to, e.g. Ningbo.")
    lead = data.get("lead_time_days")
    if not isinstance(lead, int) or not 1 <= lead <= 730:
        errors["lead_time_days"] = _("Give the lead time in days (1 to 730).")
    moq = _decimal(data.get("moq"))
    if moq is None or moq <= 0 or _places(moq) > 3:
        errors["moq"] = _("Give the minimum order quantity (more than zero).")
    valid_until = data.get("valid_until")
    if not isinstance(valid_until, dt.date):
        errors["valid_until"] = _("Say until when the quotation is valid.")
    elif valid_until < today:
        errors["valid_until"] = _("The quotation would already have expired.")
    payment = data.get("payment_terms")
    if payment not in PaymentTerms.values:
        errors["payment_terms"] = _("Choose the payment terms.")
    deposit = data.get("deposit_percent")
    if payment == PaymentTerms.DEPOSIT_BALANCE and not (deposit and 1 <= deposit <= 99):
        errors["deposit_percent"] = _("Give the deposit as a percentage between 1 and 99.")
    days = data.get("term_days")
    if payment in TERMS_WITH_DAYS and not (days and 1 <= days <= 360):
        errors["term_days"] = _("Give the payment term in days (1 to 360).")
    samples = data.get("sample_terms") or SampleTerms.NONE
    if samples not in SampleTerms.values:
        errors["sample_terms"] = _("Choose the sample terms.")
    sample_price = _decimal(data.get("sample_price"))
    if samples == SampleTerms.PAID:
        if sample_price is None or sample_price <= 0:
            errors["sample_price"] = _("Give the price of a sample.")
        elif currency in CURRENCIES:
            try:
                validate_minor_units(Money(sample_price, currency))
            except ValidationError as error:
                errors["sample_price"] = " ".join(error.messages)
    freight = data.get("sample_freight") or ""
    if samples != SampleTerms.NONE and freight not in SampleFreight.values:
        errors["sample_freight"] = _("Say who pays the samples' freight.")
    if errors:
        raise ValidationError(errors)
    return {
        "currency": currency,
        "incoterm": data["incoterm"],
        "named_place": place[:100],
        "lead_time_days": lead,
        "moq": moq,
        "valid_until": valid_until,
        "payment_terms": payment,
        "deposit_percent": deposit if payment == PaymentTerms.DEPOSIT_BALANCE else None,
        "term_days": days if payment in TERMS_WITH_DAYS else None,
        "sample_terms": samples,
        "sample_price": sample_price if samples == SampleTerms.PAID else None,
        "sample_freight": freight if samples != SampleTerms.NONE else "",
        "message": (data.get("message") or "").strip(),
    }


def check_certificates(certificate_ids: Iterable[int], supplier: Company) -> list[ProductCertification]:
    """The supplier's own current catalog certificates among `certificate_ids`."""
    ids = {int(i) for i in certificate_ids}
    found = list(
        ProductCertification.objects.filter(
            pk__in=ids, product__supplier=supplier, expires_on__gte=timezone.localdate()
        )
    )
    if len(found) != len(ids):
        raise ValidationError({"certificates": _("Choose current certificates from your own catalog.")})
    return found


def month_start(today: dt.date | None = None) -> dt.datetime:
    today = today or timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year, today.month, 1))


def quota_of(company: Company) -> int:
    profile = SourcingProfile.objects.filter(company=company).only("monthly_quota").first()
    return profile.monthly_quota if profile else SourcingProfile._meta.get_field("monthly_quota").default


def used_this_month(company: Company) -> int:
    return Quotation.objects.filter(supplier=company, submitted_at__gte=month_start()).count()


def _lock_profile(company: Company) -> SourcingProfile:
    SourcingProfile.objects.get_or_create(company=company)
    return SourcingProfile.objects.select_for_update().get(company=company)


def _write_tiers(quotation: Quotation, tiers: Sequence[Tier]) -> None:
    quotation.tiers.all().delete()
    QuotationTier.objects.bulk_create(
        [
            QuotationTier(quotation=quotation, min_quantity=t.min_quantity, unit_price=t.unit_price)
            for t in tiers
        ]
    )


def _quotation_data(quotation: Quotation, tiers: Sequence[Tier]) -> dict:
    return {
        "rfq": quotation.rfq_id,
        "revision": quotation.revision,
        "currency": quotation.currency,
        "incoterm": quotation.incoterm,
        "tiers": [[str(t.min_quantity), str(t.unit_price)] for t in tiers],
        "lead_time_days": quotation.lead_time_days,
        "moq": str(quotation.moq),
    }


def submit_quotation(
    *,
    rfq: Rfq,
    by_user,
    data: dict,
    tiers: Sequence,
    certificate_ids: Iterable[int] = (),
    uploads: Sequence = (),
) -> Quotation:
    """A supplier's member quotes on `rfq`: once per supplier, within its monthly quota, while the RFQ is open."""
    supplier = perms.company_of(by_user)
    clean = check_quotation(data)
    clean_tiers = check_tiers(tiers, currency=clean["currency"])
    checked = check_attachments(list(uploads))
    if supplier is None:
        raise PermissionDenied
    certificates = check_certificates(certificate_ids, supplier)
    with transaction.atomic():
        locked = Rfq.objects.select_for_update().select_related("buyer").get(pk=rfq.pk)
        if not perms.company_may_quote(supplier, locked):
            raise PermissionDenied
        if not locked.is_open:
            raise ValidationError(_("This sourcing request is closed: no more quotations are taken."))
        if Quotation.objects.filter(rfq=locked, supplier=supplier).exists():
            raise ValidationError(
                _("Your company has already quoted on this request; revise that quotation instead.")
            )
        count = locked.quotations.count()
        if count >= locked.quotations_wanted:
            raise ValidationError(_("This sourcing request has all the quotations it asked for."))
        profile = _lock_profile(supplier)
        if used_this_month(supplier) >= profile.monthly_quota:
            raise ValidationError(
                _(
                    "Your company has used its %(n)d quotations for this month; ask the platform for a higher quota."
                )
                % {"n": profile.monthly_quota}
            )
        quotation = Quotation(rfq=locked, supplier=supplier, created_by=by_user, **clean)
        quotation.full_clean(exclude=["rfq"])
        quotation.save()
        _write_tiers(quotation, clean_tiers)
        quotation.certificates.set(certificates)
        _store_attachments(quotation, checked, by_user, QuotationAttachment, "quotation")
        audit.log(
            actor=by_user,
            action="matchmaking.quotation.submit",
            obj=quotation,
            company_id=supplier.pk,
            data=_quotation_data(quotation, clean_tiers),
        )
        notify(
            recipients=_members(locked.buyer_id),
            title=gettext_lazy("New quotation on your sourcing request"),
            body=f"{supplier.display_name} · {locked.title}",
            url=reverse_compare(locked),
        )
        if count + 1 >= locked.quotations_wanted:
            _close(locked, RfqCloseReason.COUNT, by_user)
        send_after_commit(signals.quotation_submitted, sender=Quotation, quotation=quotation, actor=by_user)
    return quotation


def reverse_compare(rfq: Rfq) -> str:
    return reverse("rfq:compare", kwargs={"pk": rfq.pk})


def revise_quotation(
    *,
    quotation: Quotation,
    by_user,
    data: dict,
    tiers: Sequence,
    certificate_ids: Iterable[int] = (),
    uploads: Sequence = (),
) -> Quotation:
    """The supplier revises its quotation once, while the RFQ is open and the buyer has not acted on it."""
    clean = check_quotation(data)
    clean_tiers = check_tiers(tiers, currency=clean["currency"])
    checked = check_attachments(list(uploads))
    supplier = perms.company_of(by_user)
    if supplier is None or supplier.pk != quotation.supplier_id:
        raise PermissionDenied
    certificates = check_certificates(certificate_ids, supplier)
    with transaction.atomic():
        rfq = Rfq.objects.select_for_update().get(pk=quotation.rfq_id)
        if not rfq.is_open:
            raise ValidationError(_("This sourcing request is closed: quotations can no longer be revised."))

        def apply(locked: Quotation):
            if locked.revision >= 1:
                raise ValidationError(_("A quotation can be revised once, and this one already was."))
            for name, value in clean.items():
                setattr(locked, name, value)
            locked.revision += 1
            locked.revised_at = timezone.now()
            locked.full_clean(exclude=["rfq"])
            _write_tiers(locked, clean_tiers)
            locked.certificates.set(certificates)
            _store_attachments(locked, checked, by_user, QuotationAttachment, "quotation")
            return None

        locked = transition(
            quotation,
            table=QUOTATION_TRANSITIONS,
            event="revise",
            by_user=by_user,
            allowed=lambda user, q: (
                perms.company_of(user) is not None and perms.company_of(user).pk == q.supplier_id
            ),
            apply=apply,
            data=_quotation_data(quotation, clean_tiers),
        )
        notify(
            recipients=_members(rfq.buyer_id),
            title=gettext_lazy("A quotation on your sourcing request was revised"),
            body=f"{supplier.display_name} · {rfq.title}",
            url=reverse_compare(rfq),
        )
    return locked


def _buyer_decides(user, quotation: Quotation) -> bool:
    return perms.is_buyer_of(user, quotation.rfq)


def shortlist(*, quotation: Quotation, by_user) -> Quotation:
    with transaction.atomic():
        locked = transition(
            quotation, table=QUOTATION_TRANSITIONS, event="shortlist", by_user=by_user, allowed=_buyer_decides
        )
        notify(
            recipients=_members(locked.supplier_id),
            title=gettext_lazy("Your quotation was shortlisted"),
            body=locked.rfq.title,
            url=locked.get_absolute_url(),
        )
    return locked


def decline(*, quotation: Quotation, by_user, reason: str) -> Quotation:
    """The buyer declines a quotation with a reason, which the supplier sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline the quotation.")})

    def apply(locked: Quotation):
        locked.decline_reason = reason[:2000]
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        return ["decline_reason", "decided_by", "decided_at"]

    with transaction.atomic():
        locked = transition(
            quotation,
            table=QUOTATION_TRANSITIONS,
            event="decline",
            by_user=by_user,
            allowed=_buyer_decides,
            apply=apply,
            data={"reason": reason},
        )
        notify(
            recipients=_members(locked.supplier_id),
            title=gettext_lazy("Your quotation was declined"),
            body=f"{locked.rfq.title}: {reason}",
            url=locked.get_absolute_url(),
        )
    return locked


def tier_for(tiers: Sequence, quantity: Decimal):
    """The tier that prices `quantity`: the one with the highest start at or below it (else the first)."""
    ordered = sorted(tiers, key=lambda t: t.min_quantity)
    chosen = ordered[0] if ordered else None
    for tier in ordered:
        if tier.min_quantity <= quantity:
            chosen = tier
    return chosen


def _acting_supplier_user(quotation: Quotation):
    """Who speaks for the supplier in the deal's first offer: the quotation's author while a member, else an owner."""
    if Membership.objects.filter(user=quotation.created_by, company_id=quotation.supplier_id).exists():
        return quotation.created_by
    membership = (
        Membership.objects.filter(company_id=quotation.supplier_id).order_by("-role", "joined_at").first()
    )
    if membership is None:
        raise ValidationError(_("The supplier has no staff left to negotiate with."))
    return membership.user


def offer_terms(quotation: Quotation, rfq: Rfq) -> tuple[dict, list[dict]]:
    """The quotation's terms as the deal's first offer: its terms, and one line for the RFQ's quantity."""
    tiers = list(quotation.tiers.all())
    tier = tier_for(tiers, rfq.quantity)
    notes = [_("From quotation %(q)s on sourcing request %(r)s.") % {"q": quotation.pk, "r": rfq.pk}]
    notes.append(
        _("Price tiers: %(tiers)s.")
        % {
            "tiers": "; ".join(
                f"≥ {t.min_quantity.normalize():f} × {quotation.currency} {t.unit_price.normalize():f}"
                for t in tiers
            )
        }
    )
    notes.append(_("Minimum order quantity: %(moq)s.") % {"moq": f"{quotation.moq.normalize():f}"})
    if quotation.sample_terms != SampleTerms.NONE:
        notes.append(f"{quotation.get_sample_terms_display()} · {quotation.get_sample_freight_display()}")
    terms = {
        "currency": quotation.currency,
        "incoterm": quotation.incoterm,
        "named_place": quotation.named_place,
        "delivery_date": None,
        "lead_time_days": quotation.lead_time_days,
        "payment_terms": quotation.payment_terms,
        "deposit_percent": quotation.deposit_percent,
        "term_days": quotation.term_days,
        "valid_until": quotation.valid_until,
        "notes": " ".join(notes),
    }
    line = {
        "product": None,
        "description": rfq.title,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "unit_price": tier.unit_price,
        "hs_code": "",
    }
    return terms, [line]


def accept(*, quotation: Quotation, by_user, conversion: dict | None = None) -> Deal:
    """The buyer accepts one quotation: a deal opens in negotiation with its terms as the supplier's first
    offer; the RFQ is awarded and every other live quotation is told it was not chosen.

    `conversion` (what the comparison showed: currency, rate, rate date) is kept in the deal's first event.
    """
    with transaction.atomic():
        rfq = Rfq.objects.select_for_update().select_related("buyer").get(pk=quotation.rfq_id)
        if not perms.is_buyer_of(by_user, rfq):
            raise PermissionDenied
        fresh = Quotation.objects.get(pk=quotation.pk)
        if fresh.valid_until < timezone.localdate():
            raise ValidationError(_("This quotation expired on %(date)s.") % {"date": fresh.valid_until})
        transition(rfq, table=RFQ_TRANSITIONS, event="award", by_user=by_user, data={"quotation": fresh.pk})

        def apply(locked: Quotation):
            locked.decided_by = by_user
            locked.decided_at = timezone.now()
            return ["decided_by", "decided_at"]

        accepted = transition(
            fresh,
            table=QUOTATION_TRANSITIONS,
            event="accept",
            by_user=by_user,
            allowed=_buyer_decides,
            apply=apply,
        )
        deal = deal_services.open_deal(
            buyer=rfq.buyer,
            supplier=accepted.supplier,
            by_user=by_user,
            opening=deal_services.Opening(
                kind=DealSource.RFQ,
                reference=f"rfq-{rfq.pk}-q-{accepted.pk}",
                subject=rfq.title,
                message=_("Accepted your quotation on the sourcing request “%(title)s”.")
                % {"title": rfq.title},
                currency=accepted.currency,
                details={"rfq": rfq.pk, "quotation": accepted.pk, "comparison": conversion or {}},
            ),
        )
        terms, lines = offer_terms(accepted, rfq)
        negotiation.propose(deal=deal, by_user=_acting_supplier_user(accepted), terms=terms, lines=lines)
        Quotation.objects.filter(pk=accepted.pk).update(deal=deal)
        notify(
            recipients=_members(accepted.supplier_id),
            title=gettext_lazy("Your quotation was accepted: a deal is open"),
            body=f"{rfq.buyer.display_name} · {rfq.title}",
            url=deal.get_absolute_url(),
        )
        for other in rfq.quotations.filter(status__in=LIVE_QUOTATION).exclude(pk=accepted.pk):
            transition(other, table=QUOTATION_TRANSITIONS, event="pass_over", by_user=by_user)
            notify(
                recipients=_members(other.supplier_id),
                title=gettext_lazy("The buyer chose another quotation"),
                body=rfq.title,
                url=other.get_absolute_url(),
            )
        send_after_commit(
            signals.quotation_accepted, sender=Quotation, quotation=accepted, deal=deal, actor=by_user
        )
    deal.refresh_from_db()
    return deal


# -- expiry ----------------------------------------------------------------------------------------


def expire(today: dt.date | None = None) -> dict:
    """Close every open RFQ whose closing date has passed, and expire live quotations past their validity."""
    today = today or timezone.localdate()
    closed = expired = 0
    for rfq in Rfq.objects.filter(status=RfqStatus.OPEN, closes_on__lt=today).only("pk"):
        with transaction.atomic():
            locked = Rfq.objects.select_for_update().get(pk=rfq.pk)
            if locked.status == RfqStatus.OPEN and locked.closes_on < today:
                _close(locked, RfqCloseReason.DATE)
                closed += 1
    for quotation in Quotation.objects.filter(status__in=LIVE_QUOTATION, valid_until__lt=today).only("pk"):
        with transaction.atomic():
            try:
                locked = transition(quotation, table=QUOTATION_TRANSITIONS, event="expire", by_user=None)
            except TransitionNotAllowed:
                continue
            expired += 1
            notify(
                recipients=_members(locked.supplier_id),
                title=gettext_lazy("Your quotation expired"),
                body=locked.rfq.title,
                url=locked.get_absolute_url(),
            )
    return {"rfqs_closed": closed, "quotations_expired": expired}


def set_quota(*, company: Company, by_user, monthly_quota: int) -> SourcingProfile:
    """An operator sets a supplier's monthly quota of quotations."""
    if not (perms.is_operator(by_user) or getattr(by_user, "is_superuser", False)):
        raise PermissionDenied
    if not 0 <= monthly_quota <= 10000:
        raise ValidationError({"monthly_quota": _("Give a quota between 0 and 10,000.")})
    with transaction.atomic():
        profile = _lock_profile(company)
        before = profile.monthly_quota
        profile.monthly_quota = monthly_quota
        profile.updated_at = timezone.now()
        profile.save(update_fields=["monthly_quota", "updated_at"])
        audit.log(
            actor=by_user,
            action="matchmaking.sourcing_profile.quota",
            obj=profile,
            company_id=company.pk,
            data={"from": before, "to": monthly_quota},
        )
    return profile


def set_markets(*, company: Company, by_user, markets: Iterable[str]) -> SourcingProfile:
    """A supplier's member names the destination countries it serves (empty: every market)."""
    from django_countries import countries

    if not perms.is_member_of(by_user, company) or not company.is_supplier:
        raise PermissionDenied
    codes = sorted({str(code).upper() for code in markets})
    unknown = [code for code in codes if code not in dict(countries)]
    if unknown:
        raise ValidationError({"markets": _("Unknown country: %(codes)s.") % {"codes": ", ".join(unknown)}})
    with transaction.atomic():
        profile = _lock_profile(company)
        before = list(profile.markets)
        profile.markets = codes
        profile.updated_at = timezone.now()
        profile.save(update_fields=["markets", "updated_at"])
        audit.log(
            actor=by_user,
            action="matchmaking.sourcing_profile.markets",
            obj=profile,
            company_id=company.pk,
            data={"from": before, "to": codes},
        )
    return profile
