"""Insurance limits in force on a buyer, as exposure — and why they are NOT added to credit gating's.

`credit.gating` reads `settings.CREDIT_EXPOSURE`: what the subject (the buyer) *owes* on credit — the
unpaid milestones of its running orders on deferred terms (`deals.exposure.outstanding`). An insurance
limit is not a debt of the buyer: it is the insurer's promise to pay the *supplier* if the buyer does not.
The invoices it covers are already in that exposure, as unpaid milestones; adding the limit would count
each insured invoice twice, and count an unused limit as debt — so a buyer would lose open-account terms
for having been approved by an insurer, the opposite of what cover is for. So this module is deliberately
not listed in `CREDIT_EXPOSURE`.

Where a limit in force *is* exposure is on the insurer's side: the sum of the limits insurers carry on
one buyer is their aggregate risk on it, which the insurer's risk officer weighs before granting another.
`limits_in_force` gives it in the `(amount, currency)` shape of the exposure callables, and the
application page shows it beside the buyer's trade exposure.
"""

from collections.abc import Iterable
from decimal import Decimal

from marketplace.insurance.models import CreditLimit


def limits_in_force(subject) -> Iterable[tuple[Decimal, str]]:
    """(amount, currency) of every insurance limit in force on `subject` as buyer, under any policy."""
    return list(CreditLimit.objects.in_force().filter(buyer=subject).values_list("amount", "currency"))
