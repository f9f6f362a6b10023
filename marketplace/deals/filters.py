"""The "My deals" list's filters: state (or all running deals), counterparty, free text."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.filters import BaseFilterSet
from marketplace.deals.models import OPEN_STATES, Deal, DealState, OfferStatus
from marketplace.deals.selectors import with_latest_offer

STATE_CHOICES = [("open", _("Running")), *DealState.choices]


class DealFilter(BaseFilterSet):
    search_fields = (
        "number",
        "subject",
        "buyer__name",
        "supplier__name",
        "buyer__name_zh",
        "supplier__name_zh",
    )

    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("State"))
    counterparty = django_filters.NumberFilter(method="filter_counterparty", label=_("Counterparty"))
    # The latest offer's status as shown: "expired" is computed from its date (selectors.with_latest_offer).
    offer = django_filters.ChoiceFilter(
        choices=OfferStatus.choices, method="filter_offer", label=_("Latest offer")
    )

    class Meta:
        model = Deal
        fields = ["q", "state", "counterparty", "offer"]

    def filter_offer(self, queryset, name, value):
        if "latest_offer_status" not in queryset.query.annotations:
            queryset = with_latest_offer(queryset)
        return queryset.filter(latest_offer_status=value)

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value == "open" else queryset.filter(state=value)

    def filter_counterparty(self, queryset, name, value):
        return queryset.filter(Q(buyer_id=value) | Q(supplier_id=value))
