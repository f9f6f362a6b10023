"""Every change to a showcase, its audience and its tracking goes through these functions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import Product, ProductStatus
from marketplace.companies.models import Company, User
from marketplace.companies.permissions import can_manage_showcase, is_member, require, require_member
from marketplace.core import audit
from marketplace.core.signals import send_after_commit
from marketplace.core.transitions import transition
from marketplace.deals import services as deal_services
from marketplace.deals.models import Deal, DealSource
from marketplace.showcases import signals
from marketplace.showcases.models import (
    ACCESS_TRANSITIONS,
    INTEREST_TRANSITIONS,
    SHOWCASE_INVITATION_TRANSITIONS,
    SHOWCASE_TRANSITIONS,
    Interest,
    Showcase,
    ShowcaseAccess,
    ShowcaseInvitation,
    ShowcaseItem,
    ShowcaseState,
    ShowcaseView,
)

MAX_ITEMS = 100


@dataclass(frozen=True)
class ItemTerms:
    product_id: int
    price: Decimal | None = None
    currency: str = ""
    min_quantity: int | None = None
    unit: str = ""
    terms: str = ""
    position: int | None = None  # where buyers see it (1 = first); None keeps its place


def _check_dates(valid_from: datetime, valid_until: datetime) -> None:
    if valid_until <= valid_from:
        raise ValidationError(_("The showcase must close after it opens."))
    if valid_until <= timezone.now():
        raise ValidationError(_("The closing date is already past."))


def offerable_products(supplier: Company):
    """What a supplier may put in a showcase: its published products and its showcase-only ones not archived."""
    return Product.objects.filter(supplier=supplier).filter(
        Q(status=ProductStatus.PUBLISHED) | Q(showcase_only=True, status=ProductStatus.DRAFT)
    )


@transaction.atomic
def showcase_create(
    *,
    supplier: Company,
    by_user: User,
    title: str,
    message: str = "",
    valid_from: datetime,
    valid_until: datetime,
) -> Showcase:
    """A new showcase with no products and no audience yet."""
    require_member(by_user, supplier)
    if not supplier.is_supplier:
        raise PermissionDenied
    _check_dates(valid_from, valid_until)
    showcase = Showcase(
        supplier=supplier,
        title=title,
        message=message,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=by_user,
    )
    showcase.full_clean()
    showcase.save()
    return showcase


@transaction.atomic
def showcase_update(*, showcase: Showcase, by_user: User, title: str, message: str) -> Showcase:
    require(can_manage_showcase(by_user, showcase))
    showcase.title, showcase.message = title, message
    showcase.full_clean()
    showcase.save(update_fields=["title", "message"])
    return showcase


@transaction.atomic
def showcase_items_add(*, showcase: Showcase, by_user: User, product_ids: Sequence[int]) -> int:
    """Add products to a showcase at their public terms; the supplier then sets showcase prices."""
    require(can_manage_showcase(by_user, showcase))
    allowed = set(
        offerable_products(showcase.supplier).filter(pk__in=product_ids).values_list("pk", flat=True)
    )
    if len(allowed) != len(set(product_ids)):
        raise ValidationError(_("Only your published or showcase-only products can go into a showcase."))
    present = set(showcase.items.values_list("product_id", flat=True))
    position = showcase.items.count()
    new = [pid for pid in product_ids if pid not in present]
    if position + len(new) > MAX_ITEMS:
        raise ValidationError(_("A showcase holds at most %(n)d products.") % {"n": MAX_ITEMS})
    ShowcaseItem.objects.bulk_create(
        ShowcaseItem(showcase=showcase, product_id=pid, position=position + i) for i, pid in enumerate(new)
    )
    return len(new)


@transaction.atomic
def showcase_items_update(
    *, showcase: Showcase, by_user: User, terms: Sequence[ItemTerms], remove: Sequence[int] = ()
) -> None:
    """Set each item's showcase price, terms and place; remove the items listed in `remove` (item ids).

    Items are renumbered 0, 1, 2 … by the places asked for (1 = first). An item moved onto a place
    another item holds takes that place: moved up, it goes before that item; moved down, after it.
    Items without a new place keep their order.
    """
    require(can_manage_showcase(by_user, showcase))
    items = {i.pk: i for i in showcase.items.select_related("product")}
    for t in terms:
        item = items.get(t.product_id)
        if item is None:
            raise ValidationError(_("That product is not in this showcase."))
        if t.price is not None and t.price <= 0:
            raise ValidationError(_("A showcase price must be greater than zero."))
        item.price, item.currency, item.min_quantity, item.unit, item.terms = (
            t.price,
            t.currency if t.price is not None else "",
            t.min_quantity,
            t.unit,
            t.terms,
        )
        if item.price is not None and not item.currency:
            item.currency = item.product.currency
        item.full_clean()
    ShowcaseItem.objects.bulk_update(
        [items[t.product_id] for t in terms], ["price", "currency", "min_quantity", "unit", "terms"]
    )
    if remove:
        # Items a buyer asked about stay, so the interest keeps its offer; they just leave the page.
        ShowcaseItem.objects.filter(showcase=showcase, pk__in=remove, interests__isnull=True).delete()
    _renumber(showcase, {t.product_id: t.position for t in terms if t.position is not None})


def _renumber(showcase: Showcase, asked: dict[int, int]) -> None:
    current = list(showcase.items.order_by("position", "pk"))

    def rank(pair):
        # The place asked for (1-based), else the current one. On a taken place, an item moved up goes
        # before the item already there and an item moved down after it; otherwise the current order.
        was, item = pair
        place = asked.get(item.pk, was + 1)
        direction = 0 if place < was + 1 else (2 if place > was + 1 else 1)
        return (place, direction, was)

    changed = []
    for position, (_was, item) in enumerate(sorted(enumerate(current), key=rank)):
        if item.position != position:
            item.position = position
            changed.append(item)
    ShowcaseItem.objects.bulk_update(changed, ["position"])


@transaction.atomic
def showcase_share(
    *, showcase: Showcase, by_user: User, companies: Sequence[Company]
) -> list[ShowcaseAccess]:
    """Add buyer companies to the audience (or restore a revoked one); their staff hear of it after commit."""
    require(can_manage_showcase(by_user, showcase))
    if showcase.state in (ShowcaseState.CLOSED, ShowcaseState.EXPIRED):
        raise ValidationError(_("This showcase is closed; extend it before sharing."))
    granted = []
    for company in companies:
        if not company.is_buyer or company.pk == showcase.supplier_id:
            raise ValidationError(_("%(name)s is not a buyer company.") % {"name": company.name})
        access, created = ShowcaseAccess.objects.get_or_create(
            showcase=showcase, company=company, defaults={"granted_by": by_user}
        )
        if not created and access.revoked_at is None:
            continue
        if not created:
            access = _access_restore(access, by_user=by_user)
        granted.append(access)
    if granted:
        company_ids = [a.company_id for a in granted]
        audit.log(
            actor=by_user,
            action="showcases.showcase.share",
            obj=showcase,
            company_id=showcase.supplier_id,
            data={"companies": company_ids},
        )
        send_after_commit(
            signals.showcase_shared,
            sender=Showcase,
            showcase=showcase,
            company_ids=company_ids,
            actor=by_user,
        )
    return granted


def _access_restore(access: ShowcaseAccess, *, by_user: User) -> ShowcaseAccess:
    def restore(locked: ShowcaseAccess):
        locked.revoked_at, locked.granted_at, locked.granted_by = None, timezone.now(), by_user
        return ["revoked_at", "granted_at", "granted_by"]

    return transition(access, table=ACCESS_TRANSITIONS, event="restore", by_user=by_user, apply=restore)


@transaction.atomic
def showcase_invite(
    *, showcase: Showcase, by_user: User, email: str, days: int = ShowcaseInvitation.DEFAULT_DAYS
) -> ShowcaseInvitation:
    """Mail a link to an address; it binds to the buyer company of whoever opens it first."""
    require(can_manage_showcase(by_user, showcase))
    if showcase.state in (ShowcaseState.CLOSED, ShowcaseState.EXPIRED):
        raise ValidationError(_("This showcase is closed; extend it before inviting."))
    email = User.objects.normalize_email(email).strip()
    expires = min(timezone.now() + timedelta(days=days), showcase.valid_until)
    invitation = ShowcaseInvitation.objects.create(
        showcase=showcase, email=email, created_by=by_user, expires_at=expires
    )
    audit.log(
        actor=by_user,
        action="showcases.showcaseinvitation.create",
        obj=invitation,
        company_id=showcase.supplier_id,
        data={"email": email, "expires_at": expires},
    )
    # The link is mailed after commit (`receivers`).
    send_after_commit(
        signals.invitation_created, sender=ShowcaseInvitation, invitation=invitation, actor=by_user
    )
    return invitation


@transaction.atomic
def invitation_claim(*, token: str, user: User) -> Showcase:
    """Bind an invitation to the opener's buyer company, or let that company back in.

    Any other case (no such link, expired, withdrawn, already bound to another company, the opener
    is not a buyer, the showcase is closed) raises ShowcaseInvitation.DoesNotExist: the page is a 404.
    """
    invitation = (
        ShowcaseInvitation.objects.select_for_update().select_related("showcase").filter(token=token).first()
    )
    membership = user.membership if user.is_authenticated else None
    if invitation is None or membership is None or not membership.company.is_buyer:
        raise ShowcaseInvitation.DoesNotExist
    company = membership.company
    showcase = invitation.showcase
    if showcase.state != ShowcaseState.OPEN or company.pk == showcase.supplier_id:
        raise ShowcaseInvitation.DoesNotExist
    if invitation.claimed_by_company_id is not None:
        if invitation.claimed_by_company_id != company.pk or invitation.revoked_at is not None:
            raise ShowcaseInvitation.DoesNotExist
        if not ShowcaseAccess.objects.filter(
            showcase=showcase, company=company, revoked_at__isnull=True
        ).exists():
            raise ShowcaseInvitation.DoesNotExist
        return showcase
    if invitation.state != ShowcaseInvitation.State.PENDING:
        raise ShowcaseInvitation.DoesNotExist

    def claim(locked: ShowcaseInvitation):
        locked.claimed_by_company, locked.claimed_by, locked.claimed_at = company, user, timezone.now()
        return ["claimed_by_company", "claimed_by", "claimed_at"]

    # The supplier's staff hear of it after commit (`receivers`).
    transition(
        invitation,
        table=SHOWCASE_INVITATION_TRANSITIONS,
        event="claim",
        by_user=user,
        apply=claim,
        data={"company": company.pk},
        lock=False,
    )
    access, created = ShowcaseAccess.objects.get_or_create(
        showcase=showcase,
        company=company,
        defaults={"invitation": invitation, "granted_by": invitation.created_by},
    )
    if not created and access.revoked_at is not None:
        # The supplier revoked this company: an old link does not let it back in.
        raise ShowcaseInvitation.DoesNotExist
    return showcase


def access_revoke(*, access: ShowcaseAccess, by_user: User) -> ShowcaseAccess:
    """Take one buyer company out of the audience; from now on it gets a 404."""

    def revoke(locked: ShowcaseAccess):
        locked.revoked_at = timezone.now()
        return ["revoked_at"]

    return transition(
        access,
        table=ACCESS_TRANSITIONS,
        event="revoke",
        by_user=by_user,
        allowed=lambda user, locked: can_manage_showcase(user, locked.showcase),
        apply=revoke,
        data={"company": access.company_id},
    )


def invitation_revoke(*, invitation: ShowcaseInvitation, by_user: User) -> ShowcaseInvitation:
    """Withdraw a link nobody has opened yet (an opened one binds a company: revoke its access instead)."""

    def withdraw(locked: ShowcaseInvitation):
        locked.revoked_at = timezone.now()
        return ["revoked_at"]

    return transition(
        invitation,
        table=SHOWCASE_INVITATION_TRANSITIONS,
        event="revoke",
        by_user=by_user,
        allowed=lambda user, locked: can_manage_showcase(user, locked.showcase),
        apply=withdraw,
    )


def showcase_extend(*, showcase: Showcase, by_user: User, valid_until: datetime) -> Showcase:
    """Move the closing date later (a closed or expired showcase reopens)."""
    if valid_until <= max(timezone.now(), showcase.valid_from):
        raise ValidationError(_("Choose a date in the future."))
    before = showcase.valid_until

    def extend(locked: Showcase):
        locked.valid_until, locked.closed_at = valid_until, None
        return ["valid_until", "closed_at"]

    return transition(
        showcase,
        table=SHOWCASE_TRANSITIONS,
        event="extend",
        by_user=by_user,
        allowed=can_manage_showcase,
        apply=extend,
        data={"valid_until_before": before, "valid_until": valid_until},
    )


def showcase_close(*, showcase: Showcase, by_user: User) -> Showcase:
    """Close now: every buyer gets a 404 from this moment; the tracking stays for the supplier."""

    def close(locked: Showcase):
        locked.closed_at = timezone.now()
        return ["closed_at"]

    return transition(
        showcase,
        table=SHOWCASE_TRANSITIONS,
        event="close",
        by_user=by_user,
        allowed=can_manage_showcase,
        apply=close,
    )


def record_view(
    *, showcase: Showcase, company: Company, user: User, item: ShowcaseItem | None = None
) -> None:
    """One row per look: who (company and person), what (the showcase or one product) and when."""
    ShowcaseView.objects.create(showcase=showcase, company=company, user=user, item=item)


@transaction.atomic
def interest_create(
    *,
    showcase: Showcase,
    item: ShowcaseItem,
    company: Company,
    user: User,
    quantity: int | None = None,
    message: str = "",
) -> Interest:
    """A buyer's "Interested / request a quote", kept with the offer it saw; the supplier's staff are told."""
    if item.showcase_id != showcase.pk:
        raise ValidationError(_("That product is not in this showcase."))
    if not is_member(user, company):
        raise PermissionDenied
    interest = Interest(
        showcase=showcase,
        item=item,
        product=item.product,
        company=company,
        user=user,
        quantity=quantity,
        message=message.strip(),
        quoted_price=item.price,
        quoted_currency=item.effective_currency if item.price is not None else "",
    )
    interest.full_clean()
    interest.save()
    audit.log(
        actor=user,
        action="showcases.interest.create",
        obj=interest,
        company_id=company.pk,
        data={"showcase": showcase.pk, "product": item.product_id, "quantity": quantity},
    )
    # The supplier's staff hear of it after commit (`receivers`).
    send_after_commit(signals.interest_created, sender=Interest, interest=interest, actor=user)
    return interest


@transaction.atomic
def interest_convert(*, interest: Interest, by_user: User) -> Deal:
    """The buyer's "Interested / request a quote" becomes an inquiry: a deal opened from it, linked to it.

    The deal's first event keeps what the buyer saw (the showcase, the showcase price and currency) and
    asked (quantity, message). Once converted the interest is not converted again: its deal is returned.
    """
    interest = (
        Interest.objects.select_for_update()
        .select_related("showcase__supplier", "product", "company")
        .get(pk=interest.pk)
    )
    require_member(by_user, interest.company_id)
    if interest.deal_id is not None:
        return interest.deal
    product = interest.product
    deal = deal_services.open_deal(
        buyer=interest.company,
        supplier=interest.showcase.supplier,
        by_user=by_user,
        opening=deal_services.Opening(
            kind=DealSource.SHOWCASE_INTEREST,
            reference=str(interest.pk),
            subject=product.name,
            message=interest.message,
            product_id=product.pk,
            currency=interest.quoted_currency or product.currency,
            details={
                "showcase": interest.showcase_id,
                "quantity": interest.quantity,
                "quoted_price": interest.quoted_price,
                "quoted_currency": interest.quoted_currency,
            },
        ),
    )

    def link(row: Interest):
        row.deal = deal
        return ["deal"]

    transition(
        interest,
        table=INTEREST_TRANSITIONS,
        event="convert",
        by_user=by_user,
        allowed=lambda user, row: is_member(user, row.company_id),
        apply=link,
        data={"deal": deal.pk},
    )
    return deal
