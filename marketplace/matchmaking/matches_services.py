"""What a buyer does with a match: say it is not interested, or that it met the supplier before (either
takes the supplier out of its matches), or take that back."""

from django.db import transaction
from django.dispatch import Signal

from marketplace.companies.models import Company, User
from marketplace.companies.permissions import require, require_member
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.matchmaking.models import FeedbackKind, MatchFeedback

# A buyer's feedback on a supplier changed (sent after commit): sender=MatchFeedback, buyer_id, supplier_id,
# kind ("" when withdrawn).
feedback_changed = Signal()


@transaction.atomic
def feedback_give(*, buyer: Company, supplier: Company, kind: str, by_user: User) -> MatchFeedback:
    """Record (or change) the buyer's word on a supplier; audited."""
    require_member(by_user, buyer)
    require(
        buyer.is_buyer and supplier.is_supplier and buyer.pk != supplier.pk and kind in FeedbackKind.values
    )
    Company.objects.select_for_update().filter(pk=buyer.pk).first()  # one writer per buyer's feedback list
    feedback, _created = MatchFeedback.objects.update_or_create(
        buyer=buyer, supplier=supplier, defaults={"kind": kind, "by_user": by_user}
    )
    audit.log(
        actor=by_user,
        action="matchmaking.match.feedback",
        obj=feedback,
        company_id=buyer.pk,
        data={"supplier": supplier.pk, "kind": kind},
    )
    send_after_commit(
        feedback_changed, sender=MatchFeedback, buyer_id=buyer.pk, supplier_id=supplier.pk, kind=kind
    )
    return feedback


@transaction.atomic
def feedback_withdraw(*, buyer: Company, supplier: Company, by_user: User) -> bool:
    """The supplier shows in the buyer's matches again; False if there was nothing to take back."""
    require_member(by_user, buyer)
    Company.objects.select_for_update().filter(pk=buyer.pk).first()
    deleted, _rows = MatchFeedback.objects.filter(buyer=buyer, supplier=supplier).delete()
    if deleted:
        audit.log(
            actor=by_user,
            action="matchmaking.match.feedback_withdrawn",
            obj=supplier,
            company_id=buyer.pk,
            data={"supplier": supplier.pk},
        )
        send_after_commit(
            feedback_changed, sender=MatchFeedback, buyer_id=buyer.pk, supplier_id=supplier.pk, kind=""
        )
    return bool(deleted)
