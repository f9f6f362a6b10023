"""Lead capture at the booth: who may scan, the upload of a batch of scans, and what follows a lead.

Every state change goes through one function here: atomic, permission-checked, the row locked, audited,
announced after commit. A scan carries `client_id`, a uuid made in the browser; the database keeps one
lead per (exhibitor company, client_id), so the same batch uploaded twice — or two uploads of it racing —
gives exactly one lead per scan.
"""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from marketplace.catalog.models import Product
from marketplace.companies.models import Company, MemberRole, Membership
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.deals import services as deal_services
from marketplace.deals.models import DealSource
from marketplace.fairs import badge_tokens
from marketplace.fairs.exhibitors_selectors import exhibits_in
from marketplace.fairs.models import FairSession, Lead, LeadQuestion, LeadRating, LeadStatus

# Sent after commit: sender=Lead, lead=, by_user=.
lead_captured = Signal()
# Sent after commit: sender=Lead, lead=, by_user=, action= ("update", "withdraw_consent", "convert").
lead_changed = Signal()

MAX_BATCH = 200
MAX_NOTES = 5000
MAX_ANSWER = 500
ACTING = (MemberRole.OWNER, MemberRole.STAFF)


# -- who may capture -----------------------------------------------------------------------------------


def capturing_company(user) -> Company | None:
    """The supplier company `user` scans for (a member in an acting role), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = Membership.objects.select_related("company").filter(user=user, role__in=ACTING).first()
    if membership is None or not membership.company.is_supplier:
        return None
    return membership.company


def may_capture(user, session: FairSession) -> bool:
    """May `user` scan badges at a booth in `session`? An acting member of a supplier company that exhibits
    in the session (an approved application in one of its phases)."""
    return exhibits_in(capturing_company(user), session)


def may_see_lead(user, lead: Lead) -> bool:
    company = capturing_company(user)
    return company is not None and company.pk == lead.company_id


# -- the upload ----------------------------------------------------------------------------------------


class ScanRefused(ValueError):
    pass


def _clean_answers(raw, questions: dict[int, LeadQuestion]) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ScanRefused(_("The answers are not in the expected form."))
    answers = {}
    for key, value in raw.items():
        try:
            question = questions[int(key)]
        except (KeyError, ValueError, TypeError):
            raise ScanRefused(_("An answer is for a question this exhibitor does not ask.")) from None
        if value in (None, ""):
            continue
        if question.kind == LeadQuestion.Kind.YES_NO:
            if not isinstance(value, bool):
                raise ScanRefused(_("“%(q)s” takes yes or no.") % {"q": question.text})
        elif not isinstance(value, str) or len(value) > MAX_ANSWER:
            raise ScanRefused(_("The answer to “%(q)s” is too long.") % {"q": question.text})
        answers[str(question.pk)] = value
    return answers


def _clean_scan(scan, *, company: Company, session: FairSession, questions, now) -> dict:
    if not isinstance(scan, dict):
        raise ScanRefused(_("A scan is not in the expected form."))
    code = scan.get("code")
    badge = badge_tokens.read(code if isinstance(code, str) else "", session=session)
    scanned_at = parse_datetime(str(scan.get("scanned_at") or "")) if scan.get("scanned_at") else None
    if scanned_at is None:
        scanned_at = now
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at, dt.UTC)
    if scanned_at > now + dt.timedelta(minutes=10):
        scanned_at = now  # a phone's clock ahead of ours: keep the order of arrival
    rating = scan.get("rating") or ""
    if rating not in LeadRating.values and rating != "":
        raise ScanRefused(_("Unknown rating."))
    notes = scan.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > MAX_NOTES:
        raise ScanRefused(_("The notes are too long."))
    products = scan.get("products") or []
    if not isinstance(products, list) or not all(isinstance(p, int) for p in products):
        raise ScanRefused(_("The products are not in the expected form."))
    products = sorted(set(products))
    if products and Product.objects.filter(supplier=company, pk__in=products).count() != len(products):
        raise ScanRefused(_("Only your own catalog's products can be marked as of interest."))
    return {
        "badge": badge,
        "scanned_at": scanned_at,
        "rating": rating,
        "notes": notes.strip(),
        "products": products,
        "answers": _clean_answers(scan.get("answers"), questions),
    }


def upload_scans(*, session: FairSession, by_user, scans: list) -> list[dict]:
    """Store a batch of scans from a phone; one result per scan, in order, keyed by its client_id.

    status is "created", "duplicate" (this scan was already received: nothing changed) or "refused"
    with the reason in words. Each scan is its own transaction, so one bad scan does not lose the rest.
    """
    company = capturing_company(by_user)
    if company is None or not may_capture(by_user, session):
        raise PermissionDenied
    if not isinstance(scans, list) or len(scans) > MAX_BATCH:
        raise ValidationError(_("Send at most %(n)s scans at a time.") % {"n": MAX_BATCH})
    questions = {q.pk: q for q in LeadQuestion.objects.filter(company=company, session=session)}
    results = []
    for scan in scans:
        raw_id = scan.get("client_id") if isinstance(scan, dict) else None
        try:
            client_id = uuid.UUID(str(raw_id))
        except (ValueError, TypeError):
            results.append({"client_id": raw_id, "status": "refused", "reason": _("A scan without an id.")})
            continue
        results.append(
            {
                "client_id": str(client_id),
                **_store_scan(company, session, by_user, client_id, scan, questions),
            }
        )
    return results


def _store_scan(company, session, by_user, client_id, scan, questions) -> dict:
    existing = Lead.objects.filter(company=company, client_id=client_id).values_list("pk", flat=True).first()
    if existing is not None:
        return {"status": "duplicate", "lead": existing}
    now = timezone.now()
    try:
        clean = _clean_scan(scan, company=company, session=session, questions=questions, now=now)
    except (ScanRefused, badge_tokens.BadgeRefused) as refusal:
        return {"status": "refused", "reason": str(refusal)}
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                company=company,
                session=session,
                badge=clean["badge"],
                registration=clean["badge"].registration,
                scanned_by=by_user,
                client_id=client_id,
                scanned_at=clean["scanned_at"],
                received_at=now,
                notes=clean["notes"],
                rating=clean["rating"],
                answers=clean["answers"],
            )
            if clean["products"]:
                lead.products.set(clean["products"])
            audit.log(
                actor=by_user,
                action="fairs.lead.capture",
                obj=lead,
                company_id=company.pk,
                data={"client_id": str(client_id), "badge": clean["badge"].pk, "session": session.pk},
            )
            send_after_commit(lead_captured, sender=Lead, lead=lead, by_user=by_user)
    except IntegrityError:
        # The same scan arriving in a concurrent upload won the insert: this one changes nothing.
        existing = (
            Lead.objects.filter(company=company, client_id=client_id).values_list("pk", flat=True).first()
        )
        return {"status": "duplicate", "lead": existing}
    return {"status": "created", "lead": lead.pk}


# -- after the fair ------------------------------------------------------------------------------------


def _locked(lead: Lead) -> Lead:
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("registration__company", "company", "session")
        .get(pk=lead.pk)
    )


@transaction.atomic
def update_lead(*, lead: Lead, by_user, notes=None, rating=None, status=None) -> Lead:
    """The exhibitor edits its lead's notes, rating or status."""
    if not may_see_lead(by_user, lead):
        raise PermissionDenied
    locked = _locked(lead)
    changed = {}
    if notes is not None:
        if len(notes) > MAX_NOTES:
            raise ValidationError(_("The notes are too long."))
        locked.notes, changed["notes"] = notes.strip(), True
    if rating is not None:
        if rating not in LeadRating.values and rating != "":
            raise ValidationError(_("Unknown rating."))
        locked.rating, changed["rating"] = rating, rating
    if status is not None:
        if status not in (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.CLOSED):
            raise ValidationError(_("This status cannot be set by hand."))
        if locked.status == LeadStatus.CONVERTED:
            raise ValidationError(_("This lead was already turned into an inquiry."))
        if status == LeadStatus.CONTACTED and locked.consent_withdrawn:
            raise ValidationError(_("The buyer asked for no follow-up."))
        locked.status, changed["status"] = status, status
    locked.save(update_fields=["notes", "rating", "status"])
    audit.log(
        actor=by_user, action="fairs.lead.update", obj=locked, company_id=locked.company_id, data=changed
    )
    send_after_commit(lead_changed, sender=Lead, lead=locked, by_user=by_user, action="update")
    return locked


def leads_of_person(user):
    """The leads on the badges of `user` (the person scanned), for /leads/mine/."""
    return Lead.objects.filter(registration__user=user)


@transaction.atomic
def withdraw_consent(*, lead: Lead, by_user) -> Lead:
    """The scanned buyer asks this exhibitor for no follow-up from the scan."""
    if not getattr(by_user, "is_authenticated", False) or lead.registration.user_id != by_user.pk:
        raise PermissionDenied
    locked = _locked(lead)
    if locked.consent_withdrawn_at is None:
        locked.consent_withdrawn_at = timezone.now()
        locked.save(update_fields=["consent_withdrawn_at"])
        audit.log(
            actor=by_user,
            action="fairs.lead.withdraw_consent",
            obj=locked,
            company_id=locked.registration.company_id,
        )
        send_after_commit(lead_changed, sender=Lead, lead=locked, by_user=by_user, action="withdraw_consent")
    return locked


@transaction.atomic
def convert_to_inquiry(*, lead: Lead, by_user, subject: str = "", message: str = ""):
    """Turn a lead into an inquiry: a deal between the scanned buyer's company and the exhibitor, opened by
    the exhibitor's `by_user` (deals lets a supplier open a deal from a fair lead) with its own message —
    never its private notes on the lead. A lead converts once, and only while the buyer lets it follow up.
    """
    if not may_see_lead(by_user, lead):
        raise PermissionDenied
    locked = _locked(lead)
    if locked.deal_id is not None:
        return locked.deal
    if locked.consent_withdrawn:
        raise ValidationError(
            _("The buyer asked for no follow-up: this lead cannot be turned into an inquiry.")
        )
    buyer = locked.registration.company
    if buyer is None or not buyer.is_buyer:
        raise ValidationError(
            _("The scanned visitor has no account at a buyer company yet: follow up by email first.")
        )
    product_ids = list(locked.products.values_list("pk", flat=True))
    deal = deal_services.open_deal(
        buyer=buyer,
        supplier=locked.company,
        by_user=by_user,
        opening=deal_services.Opening(
            kind=DealSource.FAIR_LEAD,
            reference=f"lead-{locked.pk}",
            subject=subject or _("Follow-up from %(session)s") % {"session": locked.session.name},
            message=message or _("We met at the booth."),
            product_id=product_ids[0] if product_ids else None,
            details={"lead": locked.pk, "session": locked.session_id, "turned_by": by_user.pk},
        ),
    )
    locked.deal = deal
    locked.status = LeadStatus.CONVERTED
    locked.save(update_fields=["deal", "status"])
    audit.log(
        actor=by_user,
        action="fairs.lead.convert",
        obj=locked,
        company_id=locked.company_id,
        data={"deal": deal.pk},
    )
    send_after_commit(lead_changed, sender=Lead, lead=locked, by_user=by_user, action="convert")
    return deal
