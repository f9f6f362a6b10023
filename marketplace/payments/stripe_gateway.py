"""The calls TrustFair makes to Stripe, through the official client (v16), and nothing else.

Every call that creates or moves money carries an idempotency key derived from the attempt
(`PaymentAttempt.idempotency_key`, plus a suffix per kind of call). Objects come back as StripeObjects;
they are turned into plain dicts (`.to_dict()`) at this boundary so the rest of the app reads dicts.
Amounts are in the currency's minor units (`to_minor` / `from_minor`, zero-decimal JPY and KRW included).
"""

from __future__ import annotations

import json
from decimal import Decimal

import stripe
from django.conf import settings

from marketplace.core.money import Money, minor_units

StripeError = stripe.StripeError
CardError = stripe.CardError
InvalidRequestError = stripe.InvalidRequestError


def to_minor(money: Money) -> int:
    """An amount in the currency's smallest unit: USD 12.34 -> 1234, JPY 1200 -> 1200, KWD 1.234 -> 1234.

    Refuses an amount that is not a whole number of minor units rather than rounding money away.
    """
    scaled = money.amount.scaleb(minor_units(money.currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{money.currency} {money.amount} is not a whole number of minor units")
    return int(scaled)


def from_minor(amount: int, currency: str) -> Money:
    code = currency.upper()
    return Money(Decimal(int(amount)).scaleb(-minor_units(code)), code)


def client() -> stripe.StripeClient:
    options = {"max_network_retries": 2}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def is_test_server() -> bool:
    """A local server that speaks Stripe's API (localstripe): the server-side test card form is allowed."""
    return bool(settings.STRIPE_API_BASE) and settings.STRIPE_SECRET_KEY.startswith("sk_test_")


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def create_card_method(*, number: str, exp_month: int, exp_year: int, cvc: str) -> dict:
    """A card PaymentMethod from its details (test mode only: production collects cards with Stripe Elements)."""
    return _plain(
        client().v1.payment_methods.create(
            {
                "type": "card",
                "card": {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc},
            }
        )
    )


def create_intent(*, money: Money, payment_method: str, key: str, metadata: dict) -> dict:
    """A manual-capture PaymentIntent, confirmed at once: the card is authorised and the money held."""
    return _plain(
        client().v1.payment_intents.create(
            {
                "amount": to_minor(money),
                "currency": money.currency.lower(),
                "payment_method": payment_method,
                "payment_method_types": ["card"],
                "capture_method": "manual",
                "confirm": True,
                "metadata": metadata,
            },
            options={"idempotency_key": key},
        )
    )


def retrieve_intent(intent_id: str) -> dict:
    return _plain(client().v1.payment_intents.retrieve(intent_id))


def find_intent(*, attempt_key: str) -> dict | None:
    """The PaymentIntent an attempt created, found by its metadata: after a crash lost the id.

    Stripe's search API finds it; a server without search (localstripe answers 404) is listed instead.
    """
    c = client()
    try:
        found = c.v1.payment_intents.search({"query": f"metadata['tf_attempt']:'{attempt_key}'"})
        rows = [_plain(row) for row in found.data]
    except InvalidRequestError as error:
        if error.http_status != 404:
            raise
        rows = [_plain(row) for row in c.v1.payment_intents.list({"limit": 100}).auto_paging_iter()]
    rows = [row for row in rows if (row.get("metadata") or {}).get("tf_attempt") == attempt_key]
    if len(rows) > 1:
        # Two intents for one attempt: keep the one that got furthest, the caller cancels the others.
        rows.sort(key=lambda row: row.get("created", 0))
    return rows[0] if rows else None


def capture_intent(intent_id: str, *, key: str) -> dict:
    return _plain(client().v1.payment_intents.capture(intent_id, options={"idempotency_key": key}))


def cancel_intent(intent_id: str, *, key: str) -> dict:
    return _plain(client().v1.payment_intents.cancel(intent_id, options={"idempotency_key": key}))


def authenticate_on_test_server(intent_id: str, *, client_secret: str, success: bool) -> dict:
    """localstripe's stand-in for the card issuer's 3-D Secure page (its `_authenticate` endpoint)."""
    if not is_test_server():
        raise RuntimeError("3-D Secure is completed by Stripe.js in production, not by TrustFair's server")
    response = client().raw_request(
        "post",
        f"/v1/payment_intents/{intent_id}/_authenticate",
        client_secret=client_secret,
        success="true" if success else "false",
    )
    return json.loads(response.body)


def refund(*, intent_id: str, money: Money, key: str) -> dict:
    return _plain(
        client().v1.refunds.create(
            {"payment_intent": intent_id, "amount": to_minor(money)}, options={"idempotency_key": key}
        )
    )


def create_account(*, email: str, country: str, name: str, company_id: int) -> dict:
    return _plain(
        client().v1.accounts.create(
            {
                "type": "express",
                "country": country,
                "email": email,
                "business_profile": {"name": name},
                "metadata": {"tf_company": str(company_id)},
            },
            options={"idempotency_key": f"tf-company-{company_id}-account"},
        )
    )


def retrieve_account(account_id: str) -> dict:
    return _plain(client().v1.accounts.retrieve(account_id))


def account_link(*, account_id: str, refresh_url: str, return_url: str) -> dict:
    return _plain(
        client().v1.account_links.create(
            {
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    )


def find_transfer(*, group: str) -> dict | None:
    """The transfer made for an attempt (its transfer_group is the attempt's key), after a lost answer."""
    rows = [_plain(row) for row in client().v1.transfers.list({"transfer_group": group, "limit": 10}).data]
    return rows[0] if rows else None


def transfer(*, money: Money, destination: str, source_charge: str, key: str, metadata: dict) -> dict:
    """Separate charges and transfers: send the held money to the supplier's connected account."""
    return _plain(
        client().v1.transfers.create(
            {
                "amount": to_minor(money),
                "currency": money.currency.lower(),
                "destination": destination,
                "source_transaction": source_charge,
                "transfer_group": metadata["tf_attempt"],
                "metadata": metadata,
            },
            options={"idempotency_key": key},
        )
    )


def reverse_transfer(*, transfer_id: str, money: Money, key: str) -> dict:
    return _plain(
        client().v1.transfers.reversals.create(
            transfer_id, {"amount": to_minor(money)}, options={"idempotency_key": key}
        )
    )


def construct_event(payload: bytes, signature: str) -> dict:
    """The verified event (SignatureVerificationError or ValueError otherwise), as a dict."""
    event = client().construct_event(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
    )
    return _plain(event)
