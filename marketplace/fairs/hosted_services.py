"""Hosted buyer meetings: every change goes through one function here, in one transaction, on a locked
row, written to the audit trail, announced after commit.

Who may do what
- Operators create, edit and run an event (open, close, propose, adjust, schedule, publish, take attendance).
- Members of the event's partner organisation (the chamber) co-host read-only: they see the event's
  applications, pairs and schedule, and may take attendance at the tables; they change nothing else.
- A buyer (from the event's countries) or a supplier applies (an acting member; a supplier outside the
  event's industry is flagged for the operators, not refused), answers its own proposed meetings and sees its
  own agenda only.

Meetings are booked through matchmaking's meetings service: the buyer's applicant requests the slot at
the table and the supplier's applicant accepts it, on the strength of both having accepted the proposal
here; matchmaking's lock and exclusion constraint keep a person or a table from ever holding two
overlapping meetings.

Attendance is credit evidence: a side scanned at the table records `hosted_meeting_attended` for its company,
a side shown absent at settlement `hosted_meeting_no_show` (once per meeting and company).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import facts as credit_facts
from marketplace.companies.models import Company
from marketplace.companies.permissions import is_member, is_operator
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.fairs import badge_tokens, hosted_scheduler
from marketplace.fairs.models import (
    HOSTED_APPLICATION_TRANSITIONS,
    HOSTED_EVENT_TRANSITIONS,
    HostedApplication,
    HostedApplicationStatus,
    HostedAttendance,
    HostedEvent,
    HostedEventStatus,
    HostedPair,
    HostedSide,
    HostedTable,
    PairAnswer,
    PairOrigin,
)
from marketplace.matchmaking import meetings_services, ranking
from marketplace.matchmaking.models.meetings import Booking, MeetingMode, MeetingState, TableKind
from marketplace.notifications.services import notify

hosted_applied = Signal()  # sender=HostedApplication, application, actor
hosted_pairs_proposed = Signal()  # sender=HostedEvent, event, count, actor
hosted_scheduled = Signal()  # sender=HostedEvent, event, placed, unplaced, actor


# --- permissions ---------------------------------------------------------------------------------


def is_cohost(user, event: HostedEvent) -> bool:
    """A member of the partner organisation: sees the event, takes attendance, changes nothing else."""
    return event.partner_id is not None and is_member(user, event.partner_id)


def can_view_event(user, event: HostedEvent) -> bool:
    return is_operator(user) or is_cohost(user, event)


def can_take_attendance(user, event: HostedEvent) -> bool:
    return is_operator(user) or is_cohost(user, event)


def _require_operator(user) -> None:
    if not is_operator(user):
        raise PermissionDenied


# --- the event -----------------------------------------------------------------------------------

EVENT_FIELDS = (
    "session",
    "title",
    "title_zh",
    "region",
    "countries",
    "industry",
    "partner",
    "date",
    "starts_at",
    "ends_at",
    "time_zone",
    "table_count",
    "slot_minutes",
    "max_meetings",
    "apply_by",
)


def _check_event(event: HostedEvent) -> None:
    if not meetings_services.valid_zone(event.time_zone):
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    if event.partner_id and event.partner.kind != "chamber":
        raise ValidationError({"partner": _("The partner must be a chamber or trade association.")})
    if event.ends_at <= event.starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if not event.slots():
        raise ValidationError({"slot_minutes": _("Not one slot fits between the start and the end.")})
    if event.apply_by > event.date:
        raise ValidationError({"apply_by": _("The deadline must be on or before the day of the meetings.")})


def _sync_tables(event: HostedEvent, *, by_user) -> None:
    """One matchmaking table per event table, open during the event's hours; extra tables deactivated."""
    have = {t.number: t for t in event.tables.select_related("table")}
    for number in range(1, event.table_count + 1):
        hosted = have.get(number)
        if hosted is None:
            table = meetings_services.create_table(
                label=_("%(event)s, table %(n)d") % {"event": event.title[:90], "n": number},
                kind=TableKind.MATCHMAKING,
                company=event.partner,
                time_zone=event.time_zone,
                available_from=event.opens_at,
                available_until=event.closes_at,
                by_user=by_user,
            )
            HostedTable.objects.create(event=event, number=number, table=table)
        else:
            table = hosted.table
            table.available_from, table.available_until = event.opens_at, event.closes_at
            table.time_zone, table.is_active = event.time_zone, True
            table.save(update_fields=["available_from", "available_until", "time_zone", "is_active"])
    for number, hosted in have.items():
        if number > event.table_count and hosted.table.is_active:
            hosted.table.is_active = False
            hosted.table.save(update_fields=["is_active"])


@transaction.atomic
def create_event(*, by_user, **values) -> HostedEvent:
    """A new event in draft, with its tables."""
    _require_operator(by_user)
    countries = values.pop("countries", [])
    event = HostedEvent(created_by=by_user, **values)
    event.countries = countries
    _check_event(event)
    event.save()
    _sync_tables(event, by_user=by_user)
    audit.log(
        actor=by_user, action="fairs.hosted_event.create", obj=event, data={"tables": event.table_count}
    )
    return event


@transaction.atomic
def update_event(event: HostedEvent, *, by_user, **values) -> HostedEvent:
    """Change the event's details; the day, hours and tables only before a schedule exists."""
    _require_operator(by_user)
    locked = HostedEvent.objects.select_for_update().get(pk=event.pk)
    timing = {"date", "starts_at", "ends_at", "time_zone", "table_count", "slot_minutes"}
    scheduled = locked.pairs.filter(meeting__isnull=False).exists()
    for name, value in values.items():
        if name not in EVENT_FIELDS:
            raise ValueError(name)
        if scheduled and name in timing and getattr(locked, name) != value:
            raise ValidationError(
                {name: _("Meetings are already booked: the day, hours and tables can no longer change.")}
            )
        setattr(locked, name, value)
    _check_event(locked)
    locked.save()
    _sync_tables(locked, by_user=by_user)
    audit.log(actor=by_user, action="fairs.hosted_event.update", obj=locked, data={"fields": sorted(values)})
    return locked


def move_event(event: HostedEvent, *, by_user, to: str) -> HostedEvent:
    """open → close (scheduling) → publish → hold."""

    def apply(locked):
        if to == "publish" and not locked.pairs.filter(meeting__isnull=False).exists():
            raise ValidationError(_("Schedule the meetings before publishing."))
        return []

    moved = transition(
        event,
        table=HOSTED_EVENT_TRANSITIONS,
        event=to,
        by_user=by_user,
        allowed=lambda user, _e: is_operator(user),
        apply=apply,
    )
    if to == "publish":
        people = set()
        for pair in moved.pairs.filter(meeting__isnull=False).select_related(
            "buyer__applicant", "supplier__applicant"
        ):
            people |= {pair.buyer.applicant, pair.supplier.applicant}
        notify(
            recipients=sorted(people, key=lambda u: u.pk),
            title=gettext_lazy("Your buyer meeting agenda is ready"),
            body=moved.title,
            url=reverse("buyer_meetings:agenda", args=[moved.pk]),
        )
    return moved


# --- applications --------------------------------------------------------------------------------


def apply(*, event: HostedEvent, by_user, side: str, need: str, hs_code: str = "") -> HostedApplication:
    """A buyer (of the event's region) or a supplier (of its industry) applies, saying what it wants or shows."""
    company = getattr(by_user, "company", None)
    if company is None or not meetings_services.acts_for(by_user, company.pk):
        raise PermissionDenied
    need = (need or "").strip()
    if not need:
        raise ValidationError({"need": _("Say which products you want to buy or to show.")})
    with transaction.atomic():
        locked = HostedEvent.objects.select_for_update().get(pk=event.pk)
        if locked.status != HostedEventStatus.OPEN or timezone.localdate() > locked.apply_by:
            raise ValidationError(_("Applications for this event are closed."))
        if side == HostedSide.BUYER:
            if not company.is_buyer:
                raise ValidationError({"side": _("Only a buyer company applies as a buyer.")})
            if locked.countries and str(company.country) not in [str(c) for c in locked.countries]:
                raise ValidationError(
                    _("This event is for buyers from %(region)s.") % {"region": locked.region}
                )
        elif side == HostedSide.SUPPLIER:
            if not company.is_supplier:
                raise ValidationError({"side": _("Only a supplier company applies as a supplier.")})
            # A supplier of another industry may still apply (a maker of parts, a trading company): the
            # operators see it flagged on the event's page and decide.
        else:
            raise ValidationError({"side": _("Choose buyer or supplier.")})
        if HostedApplication.objects.filter(event=locked, company=company).exists():
            raise ValidationError(_("Your company has already applied to this event."))
        application = HostedApplication.objects.create(
            event=locked,
            company=company,
            applicant=by_user,
            side=side,
            need=need[:2000],
            hs_code=hs_code.strip()[:10],
        )
        audit.log(
            actor=by_user,
            action="fairs.hosted_application.apply",
            obj=application,
            company_id=company.pk,
            data={"event": locked.pk, "side": side},
        )
        send_after_commit(hosted_applied, sender=HostedApplication, application=application, actor=by_user)
    return application


def decide(application: HostedApplication, *, by_user, accept: bool, reason: str = "") -> HostedApplication:
    """An operator accepts or declines an applicant (a reason is required to decline)."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give a reason: the applicant sees it.")})

    def apply_(locked):
        locked.decided_by, locked.decided_at, locked.decision_reason = by_user, timezone.now(), reason[:300]
        if not accept:
            HostedPair.objects.filter(event_id=locked.event_id, meeting__isnull=True).filter(
                models_q_side(locked)
            ).update(removed=True)
        return ["decided_by", "decided_at", "decision_reason"]

    decided = transition(
        application,
        table=HOSTED_APPLICATION_TRANSITIONS,
        event="accept" if accept else "decline",
        by_user=by_user,
        allowed=lambda user, _a: is_operator(user),
        apply=apply_,
        data={"reason": reason[:300]},
    )
    notify(
        recipients=[decided.applicant],
        title=gettext_lazy("Your buyer meeting application was accepted")
        if accept
        else gettext_lazy("Your buyer meeting application was declined"),
        body=f"{decided.event.title}{': ' + reason if reason else ''}",
        url=reverse("buyer_meetings:agenda", args=[decided.event_id]),
    )
    return decided


def models_q_side(application: HostedApplication) -> Q:
    return Q(buyer=application) | Q(supplier=application)


# --- proposals -----------------------------------------------------------------------------------


def _need_of(application: HostedApplication) -> ranking.Need:
    return ranking.Need(
        text=application.need,
        hs_code=application.hs_code,
        destination_country=str(application.company.country or ""),
    )


def rank_suppliers(
    buyer: HostedApplication, suppliers: list[HostedApplication]
) -> list[tuple[HostedApplication, ranking.Match]]:
    """Matchmaking's scoring of the accepted suppliers for this buyer's stated need, best first."""
    need = _need_of(buyer)
    terms = ranking.need_terms(need.text)
    ids = [s.company_id for s in suppliers]
    matched = ranking.text_matches(ids, terms) if terms and ids else {}
    rows = {r["supplier_id"]: r for r in ranking.signal_rows(ids)} if ids else {}
    at_fair = ranking.presences(ids) if ids else {}
    out = []
    for app in suppliers:
        row = rows.get(app.company_id)
        if row is not None:
            candidate = ranking.Candidate.from_row(
                row, terms_matched=matched.get(app.company_id, 0), presence=at_fair.get(app.company_id)
            )
        else:
            candidate = ranking.Candidate(
                supplier_id=app.company_id,
                terms_matched=matched.get(app.company_id, 0),
                presence=at_fair.get(app.company_id),
            )
        out.append((app, ranking.score(need, candidate, terms=terms)))
    out.sort(key=lambda t: (-t[1].score, t[0].company_id))
    return out


def _reasons(match: ranking.Match) -> list[dict]:
    """The match's top reasons in words, in both languages (their values may be objects JSON cannot hold)."""
    out = []
    for reason in match.top_reasons:
        with translation.override("en"):
            en = reason.text
        with translation.override("zh-hans"):
            zh = reason.text
        out.append({"signal": reason.signal, "points": reason.points, "en": en, "zh": zh})
    return out


def reason_texts(pair: HostedPair) -> list[str]:
    chinese = (translation.get_language() or "").startswith("zh")
    return [(r.get("zh") if chinese else None) or r.get("en", "") for r in pair.reasons]


@transaction.atomic
def propose_pairs(event: HostedEvent, *, by_user) -> int:
    """Rank the accepted suppliers for each accepted buyer; propose the best within the caps.

    Each participant gets at most `max_meetings` proposals, and the event no more than its tables × slots.
    Pairs already proposed (or removed by an operator) are kept as they are; returns how many are new.
    """
    _require_operator(by_user)
    locked = HostedEvent.objects.select_for_update().get(pk=event.pk)
    if locked.status not in (HostedEventStatus.OPEN, HostedEventStatus.SCHEDULING):
        raise ValidationError(_("Pairs are proposed while the event is open or being scheduled."))
    accepted = HostedApplication.objects.filter(
        event=locked, status=HostedApplicationStatus.ACCEPTED
    ).select_related("company")
    buyers = [a for a in accepted if a.side == HostedSide.BUYER]
    suppliers = [a for a in accepted if a.side == HostedSide.SUPPLIER]
    existing = {(p.buyer_id, p.supplier_id): p for p in locked.pairs.all()}
    load: dict[int, int] = {}
    for p in existing.values():
        if not p.removed:
            load[p.buyer_id] = load.get(p.buyer_id, 0) + 1
            load[p.supplier_id] = load.get(p.supplier_id, 0) + 1
    capacity = locked.table_count * len(locked.slots()) - sum(1 for p in existing.values() if not p.removed)
    # Buyers take turns (round robin by rank position) so that the first buyer does not take every slot.
    ranked = {b.pk: rank_suppliers(b, suppliers) for b in buyers}
    new = []
    for position in range(locked.max_meetings):
        for buyer in buyers:
            if capacity <= 0 or load.get(buyer.pk, 0) >= locked.max_meetings:
                continue
            options = ranked[buyer.pk]
            while options:
                supplier, match = options.pop(0)
                if (buyer.pk, supplier.pk) in existing or load.get(supplier.pk, 0) >= locked.max_meetings:
                    continue
                pair = HostedPair(
                    event=locked, buyer=buyer, supplier=supplier, score=match.score, reasons=_reasons(match)
                )
                new.append(pair)
                existing[(buyer.pk, supplier.pk)] = pair
                load[buyer.pk] = load.get(buyer.pk, 0) + 1
                load[supplier.pk] = load.get(supplier.pk, 0) + 1
                capacity -= 1
                break
        del position
    HostedPair.objects.bulk_create(new)
    audit.log(actor=by_user, action="fairs.hosted_event.propose", obj=locked, data={"new": len(new)})
    send_after_commit(hosted_pairs_proposed, sender=HostedEvent, event=locked, count=len(new), actor=by_user)
    people = {p.buyer.applicant for p in new} | {p.supplier.applicant for p in new}
    if people:
        notify(
            recipients=sorted(people, key=lambda u: u.pk),
            title=gettext_lazy("Meetings are proposed to you at a hosted buyer meeting"),
            body=locked.title,
            url=reverse("buyer_meetings:agenda", args=[locked.pk]),
        )
    return len(new)


@transaction.atomic
def add_pair(
    event: HostedEvent, *, by_user, buyer: HostedApplication, supplier: HostedApplication
) -> HostedPair:
    """An operator proposes a pair the ranking did not (or brings back a removed one)."""
    _require_operator(by_user)
    locked = HostedEvent.objects.select_for_update().get(pk=event.pk)
    for app, side in ((buyer, HostedSide.BUYER), (supplier, HostedSide.SUPPLIER)):
        if app.event_id != locked.pk or app.side != side or app.status != HostedApplicationStatus.ACCEPTED:
            raise ValidationError(_("Pair an accepted buyer with an accepted supplier of this event."))
    pair, created = HostedPair.objects.get_or_create(
        event=locked, buyer=buyer, supplier=supplier, defaults={"origin": PairOrigin.OPERATOR}
    )
    if not created:
        if not pair.removed:
            raise ValidationError(_("This pair is already proposed."))
        pair.removed = False
        pair.buyer_answer = pair.supplier_answer = PairAnswer.PENDING
        pair.save(update_fields=["removed", "buyer_answer", "supplier_answer"])
    audit.log(actor=by_user, action="fairs.hosted_pair.add", obj=pair, data={"event": locked.pk})
    return pair


@transaction.atomic
def remove_pair(pair: HostedPair, *, by_user) -> HostedPair:
    _require_operator(by_user)
    locked = HostedPair.objects.select_for_update().get(pk=pair.pk)
    if locked.meeting_id:
        raise ValidationError(_("This meeting is booked: cancel it from the meeting instead."))
    locked.removed = True
    locked.save(update_fields=["removed"])
    audit.log(actor=by_user, action="fairs.hosted_pair.remove", obj=locked, data={"event": locked.event_id})
    return locked


@transaction.atomic
def answer_pair(pair: HostedPair, *, by_user, accept: bool) -> HostedPair:
    """The buyer's or the supplier's side accepts or declines a proposed meeting."""
    locked = (
        HostedPair.objects.select_for_update().select_related("buyer", "supplier", "event").get(pk=pair.pk)
    )
    if locked.removed:
        raise ValidationError(_("This meeting is no longer proposed."))
    if locked.meeting_id:
        raise ValidationError(_("This meeting is already booked."))
    answer = PairAnswer.ACCEPTED if accept else PairAnswer.DECLINED
    if meetings_services.acts_for(by_user, locked.buyer.company_id):
        locked.buyer_answer = answer
        side = locked.buyer.company_id
    elif meetings_services.acts_for(by_user, locked.supplier.company_id):
        locked.supplier_answer = answer
        side = locked.supplier.company_id
    else:
        raise PermissionDenied
    locked.save(update_fields=["buyer_answer", "supplier_answer"])
    audit.log(
        actor=by_user, action="fairs.hosted_pair.answer", obj=locked, company_id=side, data={"accept": accept}
    )
    return locked


# --- the schedule --------------------------------------------------------------------------------


def _busy(user_ids, table_ids, *, since, until, now):
    people: dict[int, list] = {}
    tables: dict[int, list] = {}
    rows = (
        Booking.objects.filter(start__lt=until, end__gt=since)
        .filter(meetings_services._active(now))
        .filter(models_q_people(user_ids, table_ids))
    )
    for b in rows.values("user_id", "table_id", "start", "end"):
        if b["user_id"] is not None:
            people.setdefault(b["user_id"], []).append((b["start"], b["end"]))
        if b["table_id"] is not None:
            tables.setdefault(b["table_id"], []).append((b["start"], b["end"]))
    return people, tables


def models_q_people(user_ids, table_ids) -> Q:
    return Q(user_id__in=list(user_ids)) | Q(table_id__in=list(table_ids))


def schedule(event: HostedEvent, *, by_user, now: dt.datetime | None = None) -> dict:
    """Give each agreed pair a table and a slot; returns {"placed": [pairs], "unplaced": [pairs]}.

    The event row is locked for the whole run, so two operators scheduling at once place each pair once.
    """
    _require_operator(by_user)
    now = now or timezone.now()
    with transaction.atomic():
        locked = HostedEvent.objects.select_for_update().get(pk=event.pk)
        if locked.status != HostedEventStatus.SCHEDULING:
            raise ValidationError(_("Close the applications before scheduling."))
        pairs = [
            p
            for p in locked.pairs.filter(meeting__isnull=True, removed=False).select_related(
                "buyer__applicant", "supplier__applicant", "buyer__company", "supplier__company"
            )
            if p.agreed
        ]
        tables = list(
            locked.tables.filter(number__lte=locked.table_count).select_related("table").order_by("number")
        )
        by_table = {t.table_id: t.table for t in tables}
        slots = [(s.astimezone(dt.UTC), e.astimezone(dt.UTC)) for s, e in locked.slots() if s > now]
        users = {p.buyer.applicant_id for p in pairs} | {p.supplier.applicant_id for p in pairs}
        busy_people, busy_tables = _busy(
            users, by_table, since=locked.opens_at, until=locked.closes_at, now=now
        )
        by_key = {p.pk: p for p in pairs}

        def book(item, slot, table_id):
            pair = by_key[item.key]
            try:
                with transaction.atomic():
                    meeting = meetings_services.request_meeting(
                        by_user=pair.buyer.applicant,
                        with_company=pair.supplier.company,
                        subject=locked.title[:200],
                        slots=[slot],
                        mode=MeetingMode.IN_PERSON,
                        table=by_table[table_id],
                        message=pair.buyer.need[:1000],
                        now=now,
                    )
                    meeting = meetings_services.accept(
                        meeting, by_user=pair.supplier.applicant, slot=meeting.slots.get(), now=now
                    )
            except (ValidationError, PermissionDenied):
                return False
            pair.meeting, pair.unplaced = meeting, False
            pair.save(update_fields=["meeting", "unplaced"])
            return True

        result = hosted_scheduler.place(
            [
                hosted_scheduler.PairToPlace(
                    key=p.pk,
                    buyer_person=p.buyer.applicant_id,
                    supplier_person=p.supplier.applicant_id,
                    score=p.score,
                    order=(p.buyer_id, p.supplier_id),
                )
                for p in pairs
            ],
            slots=slots,
            tables=list(by_table),
            busy_people=busy_people,
            busy_tables=busy_tables,
            book=book,
        )
        HostedPair.objects.filter(pk__in=result.unplaced).update(unplaced=True)
        placed = [by_key[k] for k, _s, _t in result.placed]
        unplaced = [by_key[k] for k in result.unplaced]
        audit.log(
            actor=by_user,
            action="fairs.hosted_event.schedule",
            obj=locked,
            data={"placed": len(placed), "unplaced": [p.pk for p in unplaced]},
        )
        send_after_commit(
            hosted_scheduled,
            sender=HostedEvent,
            event=locked,
            placed=len(placed),
            unplaced=len(unplaced),
            actor=by_user,
        )
    return {"placed": placed, "unplaced": unplaced}


# --- attendance at the table ---------------------------------------------------------------------

EARLY = dt.timedelta(minutes=15)  # a badge scanned this long before the slot counts for it


def scan_at_table(
    event: HostedEvent, *, by_user, table_number: int, code: str, now: dt.datetime | None = None
) -> HostedAttendance:
    """The table staff scan (or type) a badge: its company's side of the meeting at that table now is present.

    The badge must admit its holder to the event's session (badge_tokens.read); the holder's company must
    be one of the two sides of the meeting held at the table at this time.
    """
    if not can_take_attendance(by_user, event):
        raise PermissionDenied
    now = now or timezone.now()
    try:
        badge = badge_tokens.read(code, session=event.session)
    except badge_tokens.BadgeRefused as exc:
        raise ValidationError(str(exc)) from None
    registration = badge.registration
    with transaction.atomic():
        pair = (
            HostedPair.objects.select_for_update(of=("self",))
            .filter(
                event=event,
                meeting__state=MeetingState.CONFIRMED,
                meeting__table__hosted_table__number=table_number,
                meeting__start__lte=now + EARLY,
                meeting__end__gt=now,
            )
            .select_related("buyer", "supplier", "meeting")
            .order_by("meeting__start")
            .first()
        )
        if pair is None:
            raise ValidationError(_("No meeting at this table now."))
        if registration.company_id not in (pair.buyer.company_id, pair.supplier.company_id):
            raise ValidationError(
                _("%(name)s (%(company)s) is not in the meeting at this table now.")
                % {"name": registration.full_name, "company": registration.company_name}
            )
        row, created = HostedAttendance.objects.get_or_create(
            pair=pair,
            company_id=registration.company_id,
            defaults={"badge_holder": registration.full_name[:200], "scanned_by": by_user, "scanned_at": now},
        )
        if created:
            audit.log(
                actor=by_user,
                action="fairs.hosted_pair.present",
                obj=pair,
                company_id=registration.company_id,
                data={"badge": badge.pk, "table": table_number},
            )
            _attendance_fact(pair, registration.company, present=True)
    return row


def _attendance_fact(pair: HostedPair, company: Company, *, present: bool) -> None:
    """The credit fact of one side at a hosted meeting: attended (scanned at the table) or no-show (shown
    absent while the other side was there). Once per meeting and company; a side scanned is never also
    shown absent (settle_attendance skips it)."""
    outcome = "attended" if present else "no_show"
    credit_facts.record(
        source="platform",
        kind=f"hosted_meeting_{outcome}",
        subject=company,
        payload={"event": str(pair.event_id), "meeting": f"meeting:{pair.meeting_id}"},
        # The meeting's start; a badge scanned in the minutes before it counts from the scan.
        occurred_at=min(pair.meeting.start, timezone.now()),
        external_ref=f"hosted:{pair.pk}:{outcome}:{company.pk}",
        platform_event=f"fairs.hosted_pair.{outcome}",
    )


def settle_attendance(event: HostedEvent, *, by_user, now: dt.datetime | None = None) -> int:
    """After the meetings: a side whose badge was not scanned while the other side's was is shown absent.

    This is matchmaking's check-in record (`record_absence`): the no-show then stands under matchmaking's
    own rules (the present side's claim, or the absent side's admission) and gives its meeting_missed
    fact there. Meetings where nobody was scanned are left to the participants. Returns how many absences.
    """
    if not can_take_attendance(by_user, event):
        raise PermissionDenied
    now = now or timezone.now()
    count = 0
    pairs = (
        HostedPair.objects.filter(event=event, meeting__state=MeetingState.CONFIRMED, meeting__end__lte=now)
        .select_related("meeting__requester", "meeting__invitee", "buyer", "supplier")
        .prefetch_related("attendance")
    )
    for pair in pairs:
        present = {a.company_id for a in pair.attendance.all()}
        if not present:
            continue
        meeting = pair.meeting
        sides = ((pair.buyer.company_id, meeting.requester), (pair.supplier.company_id, meeting.invitee))
        for company_id, person in sides:
            if company_id in present or person is None:
                continue
            if meeting.attendance.filter(source="checkin", absent=person).exists():
                continue
            try:
                meetings_services.record_absence(
                    meeting, person, by=by_user if is_operator(by_user) else None, now=now
                )
            except ValidationError:
                continue  # settled already
            _attendance_fact(pair, Company.objects.get(pk=company_id), present=False)
            count += 1
    audit.log(actor=by_user, action="fairs.hosted_event.settle_attendance", obj=event, data={"absent": count})
    return count


# --- what participants and hosts read ------------------------------------------------------------


def table_number(pair: HostedPair) -> int | None:
    if pair.meeting is None:
        return None
    hosted = getattr(pair.meeting.table, "hosted_table", None)
    return hosted.number if hosted else None


def agenda(event: HostedEvent, company: Company) -> list[HostedPair]:
    """The company's booked meetings at the event, by start."""
    return list(
        HostedPair.objects.filter(event=event, meeting__state=MeetingState.CONFIRMED)
        .filter(Q(buyer__company=company) | Q(supplier__company=company))
        .select_related("meeting__table__hosted_table", "buyer__company", "supplier__company")
        .order_by("meeting__start", "pk")
    )


def proposals_for(event: HostedEvent, company: Company) -> list[HostedPair]:
    """The company's proposed meetings at the event (not removed), best first."""
    return list(
        HostedPair.objects.filter(event=event, removed=False)
        .filter(Q(buyer__company=company) | Q(supplier__company=company))
        .select_related("buyer__company", "supplier__company", "meeting")
    )


def own_application(event: HostedEvent, company: Company | None) -> HostedApplication | None:
    if company is None:
        return None
    return HostedApplication.objects.filter(event=event, company=company).first()
