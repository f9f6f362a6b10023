"""The "My deals" list's filters: state (or all running deals), counterparty, free text."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.filters import BaseFilterSet
from marketplace.deals.models import OPEN_STATES, Deal, DealState

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

    class Meta:
        model = Deal
        fields = ["q", "state", "counterparty"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value == "open" else queryset.filter(state=value)

    def filter_counterparty(self, queryset, name, value):
        return queryset.filter(Q(buyer_id=value) | Q(supplier_id=value))
