"""Writes to booths and exhibitors: the booth grid, applications, decisions, booth assignment, withdrawal.

Each function is one transaction that checks who acts, locks what it changes, writes the audit trail and
announces the change after commit. Approving an application assigns its booth (a booth is held by at
most one application: the database refuses a second), opens the booth's meeting table in matchmaking
for the phase's opening hours, tells the ranking the company exhibits, and records the participation
fact for the credit engine.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import facts as credit_facts
from marketplace.catalog.models import ProductStatus
from marketplace.companies.models import Company, Industry, Membership, PlatformRole, User
from marketplace.companies.permissions import is_member
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals.permissions import is_platform_staff
from marketplace.fairs.models import (
    APPLICATION_TRANSITIONS,
    LIVE_STATUSES,
    ApplicationStatus,
    Booth,
    ExhibitorApplication,
    FairPhase,
    Hall,
)
from marketplace.matchmaking import meetings_services, ranking_signals
from marketplace.matchmaking.models import MeetingTable, TableKind
from marketplace.notifications.services import notify

# Sent after commit: sender=ExhibitorApplication, application=, actor=.
application_submitted = Signal()
# Sent after commit when the booth of an approved application is assigned (sender, application, booth).
booth_assigned = Signal()

MAX_GRID = 40


def _operator(user) -> None:
    if not is_platform_staff(user):
        raise PermissionDenied


def _members(company: Company):
    return [m.user for m in Membership.objects.filter(company=company).select_related("user")]


def _operators():
    return list(User.objects.filter(platform_role=PlatformRole.OPERATOR, is_active=True))


@transaction.atomic
def generate_grid(
    *,
    hall: Hall,
    phase: FairPhase,
    rows: int,
    columns: int,
    size_sqm: int = 9,
    zone_industry: Industry | None = None,
    zone_category=None,
    by_user,
) -> list[Booth]:
    """Lay out rows × columns booths in a hall for a phase; booths already there are kept as they are."""
    _operator(by_user)
    if hall.session_id != phase.session_id:
        raise ValidationError(_("The hall and the phase belong to different sessions."))
    if not (1 <= rows <= MAX_GRID and 1 <= columns <= MAX_GRID):
        raise ValidationError(_("Rows and columns must each be between 1 and %(max)s.") % {"max": MAX_GRID})
    if size_sqm < 1:
        raise ValidationError(_("A booth needs a size."))
    taken = set(Booth.objects.filter(hall=hall, phase=phase).values_list("row", "column"))
    new = [
        Booth(
            hall=hall,
            phase=phase,
            row=r,
            column=c,
            size_sqm=size_sqm,
            zone_industry=zone_industry,
            zone_category=zone_category,
        )
        for r in range(1, rows + 1)
        for c in range(1, columns + 1)
        if (r, c) not in taken
    ]
    created = Booth.objects.bulk_create(new)
    audit.log(
        actor=by_user,
        action="fairs.booth.generate_grid",
        obj=hall,
        data={"phase": phase.pk, "rows": rows, "columns": columns, "created": len(created)},
    )
    return created


def _check_choice(company: Company, phase: FairPhase, industries, products) -> None:
    industries = list(industries)
    if not industries:
        raise ValidationError({"industries": _("Choose at least one category.")})
    offered = set(phase.industries.values_list("pk", flat=True))
    wrong = [i for i in industries if i.pk not in offered]
    if wrong:
        raise ValidationError(
            {
                "industries": _("This phase does not show %(names)s.")
                % {"names": ", ".join(i.display_name for i in wrong)}
            }
        )
    for product in products:
        if product.supplier_id != company.pk or product.status != ProductStatus.PUBLISHED:
            raise ValidationError({"products": _("Show only published products of your own catalog.")})


@transaction.atomic
def apply(
    *,
    company: Company,
    phase: FairPhase,
    by_user,
    industries,
    booth_size_sqm: int,
    products=(),
    note: str = "",
) -> ExhibitorApplication:
    """A supplier applies to exhibit in a phase (one live application per company and phase)."""
    # Operators may enter an application for a company too (an exhibitor list taken over from the organiser).
    operator = is_platform_staff(by_user)
    if not (operator or is_member(by_user, company)):
        raise PermissionDenied
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.is_supplier:
        raise ValidationError(_("Only suppliers exhibit."))
    if not company.is_verified:
        raise ValidationError(_("Your company must be verified before it can apply to exhibit."))
    if phase.ends_on < timezone.localdate() and not operator:
        raise ValidationError(_("This phase is over."))
    products = list(products)
    _check_choice(company, phase, industries, products)
    if booth_size_sqm < 1:
        raise ValidationError({"booth_size_sqm": _("A booth needs a size.")})
    if ExhibitorApplication.objects.filter(phase=phase, company=company, status__in=LIVE_STATUSES).exists():
        raise ValidationError(_("Your company has already applied to exhibit in this phase."))
    try:
        with transaction.atomic():
            application = ExhibitorApplication.objects.create(
                phase=phase, company=company, booth_size_sqm=booth_size_sqm, note=note, applied_by=by_user
            )
    except IntegrityError:
        raise ValidationError(_("Your company has already applied to exhibit in this phase.")) from None
    application.industries.set(industries)
    application.products.set(products)
    audit.log(
        actor=by_user,
        action="fairs.exhibitor_application.submit",
        obj=application,
        company_id=company.pk,
        data={"phase": phase.pk, "booth_size_sqm": booth_size_sqm},
    )
    notify(
        recipients=_operators(),
        title=gettext_lazy("New exhibitor application"),
        body=f"{company.name} — {phase}",
        url=application_url(application),
        email=False,
    )
    send_after_commit(
        application_submitted, sender=ExhibitorApplication, application=application, actor=by_user
    )
    return application


def application_url(application: ExhibitorApplication) -> str:
    return reverse("exhibitors:application_detail", kwargs={"pk": application.pk})


def daily_hours() -> tuple[dt.time, dt.time]:
    """The booths' opening and closing time each fair day (wall clock in the fair city)."""
    opens, closes = (dt.time.fromisoformat(t) for t in settings.FAIRS_BOOTH_HOURS)
    return opens, closes


def booth_table_label(booth: Booth) -> str:
    """What a booth's meeting table is called in the request form: session · phase · hall booth.

    Stored once for every reader, so in the base language (the session's name is the base-language one).
    """
    phase = booth.phase
    with translation.override(settings.LANGUAGE_CODE):
        words = [phase.session.name, _("Phase %(number)s") % {"number": phase.number}, booth.number]
    return " · ".join(words)[:120]


def opening_hours(phase: FairPhase) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's opening to the last day's closing of the phase, in the fair city's zone."""
    zone = zoneinfo.ZoneInfo(settings.FAIRS_TIME_ZONE)
    opens, closes = daily_hours()
    return (
        dt.datetime.combine(phase.starts_on, opens, tzinfo=zone),
        dt.datetime.combine(phase.ends_on, closes, tzinfo=zone),
    )


def _fact_ref(application: ExhibitorApplication) -> str:
    return f"{application.phase.session.slug}/phase-{application.phase.number}"


def approve(*, application: ExhibitorApplication, booth: Booth, by_user) -> ExhibitorApplication:
    """An operator approves an application and assigns it a free booth of its phase."""
    with transaction.atomic():
        booth = Booth.objects.select_for_update().select_related("hall", "phase__session").get(pk=booth.pk)

        def assign(locked: ExhibitorApplication):
            if booth.phase_id != locked.phase_id:
                raise ValidationError({"booth": _("This booth is in another phase.")})
            if ExhibitorApplication.objects.filter(booth=booth).exclude(pk=locked.pk).exists():
                raise ValidationError({"booth": _("This booth is already assigned.")})
            if booth.zone_industry_id and not locked.industries.filter(pk=booth.zone_industry_id).exists():
                raise ValidationError(
                    {
                        "booth": _(
                            "This booth is in the %(zone)s zone, not one of the exhibitor's categories."
                        )
                        % {"zone": booth.zone_industry.display_name}
                    }
                )
            if (
                booth.zone_category_id
                and not locked.products.filter(category__parent_id=booth.zone_category_id).exists()
                and not locked.products.filter(category_id=booth.zone_category_id).exists()
            ):
                raise ValidationError(
                    {
                        "booth": _("This booth is in the %(zone)s zone, and none of the products on show is.")
                        % {"zone": booth.zone_category}
                    }
                )
            locked.booth = booth
            locked.decided_by = by_user
            locked.decided_at = timezone.now()
            start, end = opening_hours(booth.phase)
            opens, closes = daily_hours()
            locked.table = meetings_services.create_table(
                label=booth_table_label(booth),
                kind=TableKind.BOOTH,
                company=locked.company,
                time_zone=settings.FAIRS_TIME_ZONE,
                available_from=start,
                available_until=end,
                opens_daily=opens,
                closes_daily=closes,
                by_user=by_user,
            )
            return ["booth", "decided_by", "decided_at", "table"]

        try:
            with transaction.atomic():
                application = transition(
                    application,
                    table=APPLICATION_TRANSITIONS,
                    event="approve",
                    by_user=by_user,
                    allowed=lambda user, _a: is_platform_staff(user),
                    apply=assign,
                    data={"booth": booth.number},
                )
        except IntegrityError:
            raise ValidationError({"booth": _("This booth is already assigned.")}) from None
        session = booth.phase.session
        ranking_signals.record_presence(
            company=application.company,
            session_key=session.slug,
            session_name=session.name,
            session_name_zh=session.name_zh,
            starts_on=booth.phase.starts_on,
            ends_on=booth.phase.ends_on,
            hall=booth.hall.name,
            hall_zh=booth.hall.name_zh,
            booth=booth.number,
        )
        credit_facts.record(
            source="platform",
            kind="fair_exhibited",
            subject=application.company,
            payload={
                "session": _fact_ref(application),
                "phase": booth.phase.number,
                "booth_sqm": booth.size_sqm,
            },
            # The booth is assigned now; for a phase already held (records entered late), its first day.
            occurred_at=min(timezone.now(), opening_hours(booth.phase)[0]),
            external_ref=f"fair_exhibited:{application.pk}",
            platform_event="fairs.exhibitor_application.approve",
        )
        notify(
            recipients=_members(application.company),
            title=gettext_lazy("Your exhibitor application is approved"),
            body=f"{booth.phase.session.display_name} — {booth.number} ({booth.size_sqm} m²)",
            url=application_url(application),
        )
        send_after_commit(booth_assigned, sender=ExhibitorApplication, application=application, booth=booth)
    return application


def reject(*, application: ExhibitorApplication, reason: str, by_user) -> ExhibitorApplication:
    """An operator rejects an application; the reason is shown to the applicant only."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is rejected.")})

    def decide(locked):
        locked.reason = reason
        locked.decided_by = by_user
        locked.decided_at = timezone.now()
        return ["reason", "decided_by", "decided_at"]

    with transaction.atomic():
        application = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event="reject",
            by_user=by_user,
            allowed=lambda user, _a: is_platform_staff(user),
            apply=decide,
        )
        notify(
            recipients=_members(application.company),
            title=gettext_lazy("Your exhibitor application is rejected"),
            body=reason,
            url=application_url(application),
        )
    return application


def withdraw(*, application: ExhibitorApplication, by_user, reason: str = "") -> ExhibitorApplication:
    """The supplier (or an operator) withdraws: the booth is free again and its meeting table closes."""
    released = {}

    def release(locked):
        released["booth"] = locked.booth_id
        released["table"] = locked.table_id
        locked.booth = None
        locked.reason = reason or locked.reason
        return ["booth", "reason"]

    with transaction.atomic():
        application = transition(
            application,
            table=APPLICATION_TRANSITIONS,
            event="withdraw",
            by_user=by_user,
            allowed=lambda user, a: is_platform_staff(user) or is_member(user, a.company_id),
            apply=release,
        )
        if released["table"]:
            MeetingTable.objects.filter(pk=released["table"]).update(is_active=False)
        if released["booth"]:
            session = application.phase.session
            still = ExhibitorApplication.objects.filter(
                company=application.company, phase__session=session, status=ApplicationStatus.APPROVED
            ).exists()
            if not still:
                ranking_signals.withdraw_presence(company=application.company, session_key=session.slug)
            _retract_exhibit(application)
    return application


def _retract_exhibit(application: ExhibitorApplication) -> None:
    """A withdrawn exhibitor gave its booth back before its phase opened: its fair_exhibited fact is taken
    back (credit's retraction supersedes it, so it counts nowhere from now on). Once the phase has opened,
    the exhibit happened and the fact stands."""
    if timezone.now() >= opening_hours(application.phase)[0]:
        return
    credit_facts.retract(
        source="platform",
        external_ref=f"fair_exhibited:{application.pk}",
        ground="recorded_in_error",
        note="exhibitor application withdrawn before the phase opened",
        platform_event="fairs.exhibitor_application.withdraw",
    )
