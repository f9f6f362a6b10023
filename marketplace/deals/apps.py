from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "marketplace.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self):
        from marketplace.deals import receivers  # noqa: F401 - connects the notifications
