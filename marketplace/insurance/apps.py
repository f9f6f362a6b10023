from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "marketplace.insurance"
    label = "insurance"
    verbose_name = _("Export credit insurance")

    def ready(self):
        from marketplace.insurance import timeline

        timeline.register()
