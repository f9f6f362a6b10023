from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcasesConfig(AppConfig):
    name = "marketplace.showcases"
    label = "showcases"
    verbose_name = _("Showcases")

    def ready(self):
        from marketplace.showcases import receivers  # noqa: F401 - connects the notifications
