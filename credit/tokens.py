"""Partner API tokens: created once (raw value shown a single time), checked by hash, revoked for good."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from credit.models import ApiToken, Source

TOKEN_PREFIX = "tfc"  # noqa: S105 - a public marker, not a secret
# Writing last_used_at on every request would make each API call an UPDATE; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_secret(token: ApiToken) -> str:
    """Give an unsaved token its prefix and hash; return the raw value, which is never stored.

    The raw form is `tfc_<prefix>_<secret>`: the prefix finds the row, the hash proves the secret.
    """
    token.prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{token.prefix}_{secrets.token_urlsafe(32)}"
    token.token_hash = _digest(raw)
    return raw


def api_token_create(*, source: Source, name: str, created_by=None) -> tuple[ApiToken, str]:
    """A new token for `source`; returns (token, raw). Show raw to the partner once."""
    token = ApiToken(source=source, name=name, created_by=created_by)
    raw = issue_secret(token)
    token.save()
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token `raw` belongs to, or None (unknown, malformed, revoked, or its source disabled)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("source").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.token_hash, _digest(raw)) or not token.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke for good: a revoked token is answered 401 from the next request on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
