"""The one way a file sent in a deal leaves the server: message attachments, payment proofs, visit photos,
shipment documents and dispute evidence.

`serve_deal_file` finds the file inside the deal named in the URL (a file id from another deal is a
missing file), asks the view's own rule whether this person may fetch it, and streams it privately —
or gives the same 404 whether the deal or the file is missing or the person is a stranger to it.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from marketplace.core.files import serve_private
from marketplace.deals import permissions
from marketplace.deals.models import Deal


def parties_and_operators(user, deal: Deal, item) -> bool:
    """The default rule: the two parties and the platform's operators (permissions.can_fetch_attachment)."""
    return permissions.can_fetch_attachment(user, deal)


def serve_deal_file(
    request,
    *,
    deal_pk: int,
    files: QuerySet,
    file_pk: int,
    deal_field: str = "deal_id",
    may_fetch: Callable[[object, Deal, object], bool] = parties_and_operators,
    filename: Callable[[Deal, object], str] | None = None,
):
    """Stream file `file_pk` of `files` (rows with `file` and `content_type`) that belongs to deal `deal_pk`
    through `deal_field`, when `may_fetch(user, deal, item)`; else the stranger's 404."""
    deal = Deal.objects.filter(pk=deal_pk).only("pk", "number", "buyer_id", "supplier_id").first()
    item = files.filter(pk=file_pk, **{deal_field: deal_pk}).first() if deal is not None else None
    allowed = item is not None and may_fetch(request.user, deal, item)
    name = filename(deal, item) if filename is not None and allowed else None
    return serve_private(item, allowed=allowed, filename=name)
