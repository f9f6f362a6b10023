"""The insured's duties, tracked for them: the daily check over every declared invoice still open.

For each declaration in cover or reported overdue, as of `today`:

* paid by the buyer (its milestone confirmed paid) → settled; it no longer uses the limit;
* due within `REMIND_DAYS` and not paid → the supplier is reminded once;
* past due and not reported overdue by the policy's deadline (30 days after the due date by default)
  → the declaration lapses, and cover for that buyer stops: the limit moves to "cover stopped" and the
  insurer's credit source records the limit cut to 0 (`insurance_limit_cut`), as real policies do;
* unpaid past the maximum extension period (60 days by default) → the supplier is warned once not to ship
  more to that buyer (and `services.declare` refuses new declarations for it);

Each step happens once per declaration (a date stamped on the row), so a second run the same day changes
nothing. Run daily by `insurance.tasks.check_insurance` (`manage.py check_insurance`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.transitions import transition
from marketplace.deals.models import MilestoneStatus
from marketplace.insurance import services
from marketplace.insurance.models import (
    DECLARATION_TRANSITIONS,
    LIMIT_TRANSITIONS,
    USING_LIMIT,
    CreditLimit,
    Declaration,
    DeclarationStatus,
    LimitStatus,
)
from marketplace.notifications.services import notify

REMIND_DAYS = 7


def _stop_cover(limit: CreditLimit, declaration: Declaration, today: dt.date) -> bool:
    locked = CreditLimit.objects.select_for_update().get(pk=limit.pk)
    if locked.status != LimitStatus.APPROVED:
        return False

    def apply(row: CreditLimit):
        row.stopped_at = timezone.now()
        row.stop_reason = (
            f"overdue report for {declaration.number} not made by {services.report_deadline(declaration)}"
        )
        return ["stopped_at", "stop_reason"]

    transition(locked, table=LIMIT_TRANSITIONS, event="stop_cover", by_user=None, apply=apply)
    services.insurer_fact(
        locked,
        "insurance_limit_cut",
        {"limit": "0", "currency": locked.currency, "policy": locked.policy.number},
        f"limit:{locked.pk}:stopped",
        today,
    )
    return True


def run(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    done = {"settled": 0, "reminded": 0, "lapsed": 0, "stopped": 0, "warned": 0}
    open_rows = (
        Declaration.objects.filter(status__in=[DeclarationStatus.COVERED, DeclarationStatus.OVERDUE])
        .select_related("milestone", "limit__policy", "deal__buyer")
        .order_by("due_date", "pk")
    )
    for declaration in open_rows:
        policy = declaration.limit.policy
        insured = services.members_of(policy.insured_id)
        with transaction.atomic():
            locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
            if locked.status not in (DeclarationStatus.COVERED, DeclarationStatus.OVERDUE):
                continue
            paid = declaration.milestone.status == MilestoneStatus.PAID
            if paid:
                paid_on = declaration.milestone.paid_on or today

                def settle(row: Declaration, paid_on=paid_on):
                    row.settled_on = paid_on
                    return ["settled_on"]

                transition(locked, table=DECLARATION_TRANSITIONS, event="settle", by_user=None, apply=settle)
                services.release_limit(locked)
                done["settled"] += 1
                continue
            url = services.deal_url(declaration.deal)
            if (
                locked.status == DeclarationStatus.COVERED
                and locked.reminded_on is None
                and locked.due_date - dt.timedelta(days=REMIND_DAYS) <= today <= locked.due_date
            ):
                locked.reminded_on = today
                locked.save(update_fields=["reminded_on"])
                notify(
                    recipients=insured,
                    title=_("An insured invoice falls due soon"),
                    body=f"{locked.number} · {declaration.deal.buyer.name} · {locked.due_date.isoformat()}",
                    url=url,
                )
                done["reminded"] += 1
            if locked.status == DeclarationStatus.COVERED and today > services.report_deadline(locked):

                def lapse(row: Declaration):
                    row.lapsed_on = today
                    return ["lapsed_on"]

                transition(locked, table=DECLARATION_TRANSITIONS, event="lapse", by_user=None, apply=lapse)
                services.release_limit(locked)
                done["lapsed"] += 1
                done["stopped"] += int(_stop_cover(declaration.limit, locked, today))
                notify(
                    recipients=insured,
                    title=_("Cover stopped: an overdue invoice was not reported in time"),
                    body=f"{locked.number} · {declaration.deal.buyer.name}",
                    url=url,
                )
                continue
            if locked.extension_warned_on is None and today > locked.due_date + dt.timedelta(
                days=policy.max_extension_days
            ):
                locked.extension_warned_on = today
                locked.save(update_fields=["extension_warned_on"])
                notify(
                    recipients=insured,
                    title=_(
                        "Do not ship more to this buyer: an insured invoice is past the maximum extension"
                    ),
                    body=f"{locked.number} · {declaration.deal.buyer.name}",
                    url=url,
                )
                done["warned"] += 1
    return done


def used_total(limit: CreditLimit) -> Decimal:
    """What the declarations in cover use of `limit`, summed afresh (the stored `used` must equal it)."""
    return sum((d.limit_amount for d in limit.declarations.filter(status__in=USING_LIMIT)), Decimal(0))
