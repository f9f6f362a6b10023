"""Factory visits (看厂): a side process while terms are negotiated or the order runs.

The buyer requests an on-site or video visit with up to three proposed times (and may name a third-party
inspector, someone with a TrustFair account); the supplier confirms one of the times; after the visit the
buyer or the named inspector files the report — a checklist, findings, photos, and an outcome. Each is a
side step of the deal's record (`visit_requested`, `visit_confirmed`, `visit_report`); the report's
event keeps the checklist, the outcome and every photo's SHA-256.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.companies.models import Membership, User
from marketplace.deals import evidence, permissions
from marketplace.deals.models import (
    Deal,
    DealState,
    FactoryVisit,
    VisitMode,
    VisitOutcome,
    VisitPhoto,
    VisitStatus,
)
from marketplace.deals.services import side_step

# The deal states a visit can be requested, confirmed and reported in.
VISIT_STATES = (DealState.NEGOTIATION, DealState.AGREED, DealState.ORDERED)
MAX_PROPOSED = 3

# What the visitor checks; the report stores {code: true/false} for each.
CHECKLIST = (
    ("licence", gettext_lazy("Business licence and address match the company on TrustFair")),
    ("production", gettext_lazy("Production lines running as described")),
    ("capacity", gettext_lazy("Capacity fits the order's quantity and date")),
    ("quality_control", gettext_lazy("Quality control and testing in place")),
    ("samples", gettext_lazy("Samples match the agreed specification")),
    ("working_conditions", gettext_lazy("Safe and lawful working conditions")),
    ("packing", gettext_lazy("Storage and export packing fit for the goods")),
)
CHECKLIST_CODES = tuple(code for code, _label in CHECKLIST)


def _open_visit(deal: Deal) -> FactoryVisit | None:
    return deal.visits.exclude(status=VisitStatus.REPORTED).first()


def request_visit(
    *,
    deal: Deal,
    by_user,
    mode: str,
    times: list[dt.datetime],
    note: str = "",
    inspector_email: str = "",
) -> FactoryVisit:
    """The buyer asks for a visit at one of `times` (1–3, in the future); one open visit per deal at a time."""
    if mode not in VisitMode.values:
        raise ValidationError({"mode": _("Choose an on-site or a video visit.")})
    times = sorted({t for t in times if t is not None})
    if not times:
        raise ValidationError({"proposed_1": _("Propose at least one time for the visit.")})
    if len(times) > MAX_PROPOSED:
        raise ValidationError({"proposed_1": _("Propose at most three times.")})
    now = timezone.now()
    if times[0] <= now:
        raise ValidationError({"proposed_1": _("Proposed times must be in the future.")})
    inspector = None
    email = (inspector_email or "").strip()
    if email:
        inspector = User.objects.filter(email__iexact=email, is_active=True).first()
        if inspector is None:
            raise ValidationError(
                {"inspector_email": _("No one with this email address has a TrustFair account.")}
            )
        if Membership.objects.filter(user=inspector, company_id=deal.supplier_id).exists():
            raise ValidationError({"inspector_email": _("The inspector cannot work for the supplier.")})
    holder = {}
    data = {
        "mode": mode,
        "times": times,
        "note": note.strip(),
        "inspector": inspector.pk if inspector else None,
    }

    def write(locked: Deal):
        if _open_visit(locked) is not None:
            raise ValidationError(_("A visit is already arranged for this deal; file its report first."))
        padded = [*times, None, None][:MAX_PROPOSED]
        visit = FactoryVisit.objects.create(
            deal=locked,
            mode=mode,
            proposed_1=padded[0],
            proposed_2=padded[1],
            proposed_3=padded[2],
            note=note.strip(),
            inspector=inspector,
            requested_by=by_user,
        )
        holder["visit"] = visit
        data["visit"] = visit.pk

    side_step(
        deal,
        "visit_requested",
        by_user,
        permissions.may_act_for("buyer"),
        data,
        states=VISIT_STATES,
        apply=write,
    )
    return holder["visit"]


def confirm_visit(*, visit: FactoryVisit, by_user, time: dt.datetime) -> FactoryVisit:
    """The supplier confirms one of the proposed times, still in the future."""

    def write(locked: Deal):
        current = FactoryVisit.objects.select_for_update().get(pk=visit.pk)
        if current.status != VisitStatus.REQUESTED:
            raise ValidationError(_("This visit is already confirmed."))
        if time not in current.proposed:
            raise ValidationError({"time": _("Choose one of the times the buyer proposed.")})
        if time <= timezone.now():
            raise ValidationError({"time": _("This time has passed; ask the buyer to propose new times.")})
        current.status = VisitStatus.CONFIRMED
        current.confirmed_time = time
        current.confirmed_by = by_user
        current.confirmed_at = timezone.now()
        current.save(update_fields=["status", "confirmed_time", "confirmed_by", "confirmed_at"])
        visit.__dict__.update(
            {k: getattr(current, k) for k in ("status", "confirmed_time", "confirmed_by_id")}
        )

    side_step(
        visit.deal,
        "visit_confirmed",
        by_user,
        permissions.may_act_for("supplier"),
        {"visit": visit.pk, "time": time},
        states=VISIT_STATES,
        apply=write,
    )
    return visit


def may_report(user, visit: FactoryVisit) -> bool:
    """The buyer's acting staff, or the third-party inspector the buyer named."""
    if visit.inspector_id is not None and user is not None and user.pk == visit.inspector_id:
        return True
    return permissions.acting_side(user, visit.deal) == "buyer"


def file_report(
    *, visit: FactoryVisit, by_user, outcome: str, checklist: dict, notes: str, photos=()
) -> FactoryVisit:
    """The visit's report, after the confirmed time: outcome, checklist, findings and photos (by content)."""
    if outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": _("Choose pass, pass with conditions or fail.")})
    notes = (notes or "").strip()
    if outcome != VisitOutcome.PASS and not notes:
        raise ValidationError({"notes": _("Say what the supplier must fix, or why the visit failed.")})
    answers = {code: bool(checklist.get(code)) for code in CHECKLIST_CODES}
    checked = evidence.check_all(photos, evidence.check_photo, field="photos")
    data: dict = {"visit": visit.pk, "outcome": outcome, "checklist": answers, "notes": notes}

    def allowed(user, locked: Deal) -> bool:
        return may_report(user, visit)

    def write(locked: Deal):
        current = FactoryVisit.objects.select_for_update().get(pk=visit.pk)
        if current.status == VisitStatus.REPORTED:
            raise ValidationError(_("The report of this visit is already filed."))
        if current.status != VisitStatus.CONFIRMED:
            raise ValidationError(_("The supplier has not confirmed a time for this visit yet."))
        if current.confirmed_time > timezone.now():
            raise ValidationError(_("The report can be filed once the visit has taken place."))
        stored = [
            evidence.store(VisitPhoto, deal=locked, by_user=by_user, checked=c, visit=current)
            for c in checked
        ]
        current.status = VisitStatus.REPORTED
        current.outcome = outcome
        current.checklist = answers
        current.report_notes = notes
        current.reported_by = by_user
        current.reported_at = timezone.now()
        current.save()
        visit.__dict__.update(
            {k: getattr(current, k) for k in ("status", "outcome", "checklist", "report_notes")}
        )
        data["photos"] = [photo.as_record() for photo in stored]
        data["inspector"] = by_user.pk == current.inspector_id

    # An inspector acts for no party; the buyer's staff act for the buyer.
    side = permissions.acting_side(by_user, visit.deal)
    company = visit.deal.buyer_id if side == "buyer" else None
    side_step(
        visit.deal,
        "visit_report",
        by_user,
        allowed,
        data,
        states=VISIT_STATES,
        apply=write,
        actor_company=company,
    )
    return visit


def visit_for(user, deal: Deal, visit_pk: int) -> FactoryVisit | None:
    """The visit if `user` may see it: anyone who sees the deal, or its named inspector."""
    visit = (
        FactoryVisit.objects.select_related("deal", "deal__buyer", "deal__supplier")
        .filter(pk=visit_pk, deal=deal)
        .first()
    )
    if visit is None:
        return None
    if permissions.can_view(user, deal) or (user.is_authenticated and visit.inspector_id == user.pk):
        return visit
    return None
