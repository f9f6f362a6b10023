"""The code on a badge: a signed, revocable token that names only the badge — no personal data.

`token_for(badge)` gives e.g. "B7.Xy3kQ0aL:2p9…" (the badge id, its nonce, and a signature), short enough for
a small QR code. `read(code, session=...)` returns the badge or raises BadgeRefused with the reason in
words: a forged or mistyped code, a badge since reprinted (an old nonce) or revoked, or a badge of another
session.
"""

from django.core import signing
from django.utils.translation import gettext as _

from marketplace.fairs.models import Badge, FairSession

SALT = "trustfair.fairs.badge"
PREFIX = "B"


class BadgeRefused(ValueError):
    """A badge code that does not admit anyone here; the message says why, for the person scanning."""


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def token_for(badge: Badge) -> str:
    return _signer().sign(f"{PREFIX}{badge.pk}.{badge.nonce}")


def read(code: str, *, session: FairSession | None = None) -> Badge:
    """The badge a scanned or typed code names, if it still admits its holder (to `session`, if given)."""
    code = (code or "").strip()
    try:
        value = _signer().unsign(code)
    except signing.BadSignature:
        raise BadgeRefused(_("This is not a TrustFair badge code (check for a typing mistake).")) from None
    ident, _sep, nonce = value.partition(".")
    if not ident.startswith(PREFIX) or not ident[len(PREFIX) :].isdigit():
        raise BadgeRefused(_("This is not a TrustFair badge code (check for a typing mistake)."))
    badge = (
        Badge.objects.select_related("registration__session", "registration__company")
        .filter(pk=int(ident[len(PREFIX) :]))
        .first()
    )
    if badge is None:
        raise BadgeRefused(_("This badge no longer exists."))
    if badge.is_revoked:
        raise BadgeRefused(_("This badge was revoked. Send its holder to a service point."))
    if badge.nonce != nonce:
        raise BadgeRefused(_("This badge was reprinted: the old print no longer works."))
    if session is not None and badge.registration.session_id != session.pk:
        raise BadgeRefused(_("This badge is for another fair session."))
    return badge
