"""Ratings: after a deal completed, each party rates the other once — 1 to 5 and a comment."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from marketplace.deals import permissions
from marketplace.deals.models import Deal, DealState, Rating
from marketplace.deals.services import side_step


def rate(*, deal: Deal, by_user, score, comment: str = "") -> Rating:
    """The acting side rates the other party of a completed deal; a second rating by the same side is refused."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Give a rating from 1 to 5.")})
    comment = (comment or "").strip()
    holder = {}
    data: dict = {"score": score, "comment": comment}

    def write(locked: Deal):
        side = permissions.acting_side(by_user, locked)
        if Rating.objects.filter(deal=locked, from_side=side).exists():
            raise ValidationError(_("Your company has already rated this deal."))
        other = "supplier" if side == "buyer" else "buyer"
        try:
            with transaction.atomic():
                holder["rating"] = Rating.objects.create(
                    deal=locked,
                    from_side=side,
                    from_company_id=locked.party_company_id(side),
                    to_company_id=locked.party_company_id(other),
                    score=score,
                    comment=comment,
                    rated_by=by_user,
                )
        except IntegrityError:
            raise ValidationError(_("Your company has already rated this deal.")) from None
        data.update(side=side, rating=holder["rating"].pk)

    side_step(deal, "rating", by_user, permissions.may_act, data, states=(DealState.COMPLETED,), apply=write)
    return holder["rating"]


def summary(company) -> dict:
    """A company's ratings received: how many and their average (None when it has none)."""
    result = Rating.objects.filter(to_company=company).aggregate(n=Count("id"), average=Avg("score"))
    return {"count": result["n"], "average": result["average"]}
