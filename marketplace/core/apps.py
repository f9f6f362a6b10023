from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Shared layer")

    def ready(self):
        from marketplace.core import (
            checks,  # noqa: F401 - registers the system checks
            fx,
        )

        post_migrate.connect(fx.ensure_reference_rates, sender=self, dispatch_uid="core_reference_fx_rates")
