"""What a supplier owes its banks, or has asked them for: its part of the credit exposure.

Listed in `settings.CREDIT_EXPOSURE`, beside `marketplace.deals.exposure.outstanding`: credit.gating adds
every callable's (amount, currency) items into the subject's exposure. Per open application:

* waiting for the bank (submitted): the amount asked — so two applications made at once cannot both
  fit under one limit; a counter-offer: the amount the bank offered;
* approved, not yet paid out: the approved amount;
* disbursed or overdue: what is still outstanding (paid out less repaid).

Declined, withdrawn and repaid applications count nothing.
"""

from collections.abc import Iterable
from decimal import Decimal

from marketplace.financing.models import ApplicationStatus, FinancingApplication


def outstanding(subject) -> Iterable[tuple[Decimal, str]]:
    items = []
    rows = FinancingApplication.objects.filter(
        supplier=subject,
        status__in=(
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.COUNTERED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.DISBURSED,
            ApplicationStatus.OVERDUE,
        ),
    ).values_list("status", "amount", "offer_amount", "disbursed_amount", "repaid_amount", "currency")
    for status, amount, offered, disbursed, repaid, currency in rows:
        if status == ApplicationStatus.SUBMITTED:
            value = amount
        elif status in (ApplicationStatus.COUNTERED, ApplicationStatus.APPROVED):
            value = offered
        else:
            value = (disbursed or Decimal(0)) - (repaid or Decimal(0))
        if value and value > 0:
            items.append((value, currency))
    return items
