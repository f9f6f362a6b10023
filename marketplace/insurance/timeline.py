"""How the insurance steps read on the deal's timeline (deals.timeline's registry; called from apps.ready)."""

from django.utils.translation import gettext_lazy as _

from marketplace.deals import timeline


def register() -> None:
    for action, label, template in (
        ("insurance_claim_filed", _("Insurance claim filed"), "insurance/timeline/claim_filed.html"),
        (
            "insurance_claim_paid",
            _("Insurance indemnity paid; debt assigned to the insurer"),
            "insurance/timeline/claim_paid.html",
        ),
    ):
        if action not in timeline.REGISTRY:
            timeline.register(action, label, template, "step")
