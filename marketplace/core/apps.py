from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Shared layer")

    def ready(self):
        from marketplace.core import checks  # noqa: F401 - registers the system checks
