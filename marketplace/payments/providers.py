"""The payment provider interface and its registry (the way pretix registers its payment providers).

A provider is a class with a `code`, a name a person reads, and whether it is *manual* (money goes from the
buyer to the supplier outside TrustFair: a T/T, an L/C, D/P or D/A, recorded with proof documents and
confirmed by the payee — deals/milestones.py does that part) or moves money itself (`stripe`). Providers
register with `@register`; `enabled()` lists those named in the setting `PAYMENTS_METHODS`, in its order.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

_registry: dict[str, type[PaymentProvider]] = {}


class PaymentProvider:
    """The base of every provider. Subclasses set `code`, `name`, `manual` and `description`.

    `initial_event` is the attempt's first move once created (a manual payment waits for the payee's
    confirmation at once; a card waits for its details); `supports_refund` says whether TrustFair can give
    the money back itself (only money it took).
    """

    code: str = ""
    name = ""
    description = ""
    manual = True
    initial_event: str | None = "await_confirmation"
    supports_refund = False

    def __str__(self):
        return str(self.name)

    @property
    def enabled(self) -> bool:
        return self.code in settings.PAYMENTS_METHODS


def register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    if not cls.code:
        raise ValueError("a payment provider needs a code")
    if cls.code in _registry and _registry[cls.code] is not cls:
        raise ValueError(f"payment provider {cls.code!r} is registered twice")
    _registry[cls.code] = cls
    return cls


def get(code: str) -> PaymentProvider:
    """The provider registered under `code` (KeyError when there is none)."""
    return _registry[code]()


def registered() -> list[PaymentProvider]:
    return [cls() for cls in _registry.values()]


def enabled() -> list[PaymentProvider]:
    """The providers the setting PAYMENTS_METHODS turns on, in the setting's order."""
    return [_registry[code]() for code in settings.PAYMENTS_METHODS if code in _registry]


def choices() -> list[tuple[str, str]]:
    return [(provider.code, str(provider.name)) for provider in enabled()]


class ManualProvider(PaymentProvider):
    """Money sent outside TrustFair: the buyer uploads proof, the supplier or an operator confirms receipt."""

    manual = True


@register
class BankTransfer(ManualProvider):
    code = "tt"
    name = _("Bank transfer (T/T)")
    description = _(
        "Send the amount to the supplier's bank account, then upload the bank slip here. The supplier "
        "confirms the date the money arrived."
    )


@register
class LetterOfCredit(ManualProvider):
    code = "lc"
    name = _("Letter of credit (L/C)")
    description = _(
        "Your bank opens the letter of credit; upload its copy here. The supplier confirms once the bank paid "
        "against the documents."
    )


@register
class DocumentsAgainstPayment(ManualProvider):
    code = "dp"
    name = _("Documents against payment (D/P)")
    description = _(
        "The banks release the shipping documents when you pay; upload the bank's advice here. The supplier "
        "confirms the payment."
    )


@register
class DocumentsAgainstAcceptance(ManualProvider):
    code = "da"
    name = _("Documents against acceptance (D/A)")
    description = _(
        "You accept the bill of exchange to receive the documents and pay at its term; upload the proof of "
        "payment here. The supplier confirms the payment."
    )


@register
class StripeCard(PaymentProvider):
    code = "stripe"
    name = _("Card (protected payment)")
    description = _(
        "Your card is charged now and TrustFair holds the money until the milestone's condition is met "
        "(the deposit: the order stands; the balance: you confirm delivery), then releases it to the supplier."
    )
    manual = False
    initial_event = None
    supports_refund = True

    @property
    def enabled(self) -> bool:
        return super().enabled and bool(settings.STRIPE_SECRET_KEY)
