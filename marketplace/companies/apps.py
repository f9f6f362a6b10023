from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "marketplace.companies"
    label = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from marketplace.companies import (  # noqa: F401 - connect the cache invalidation and the notifications
            caching,
            receivers,
        )
