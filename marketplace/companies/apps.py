from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "marketplace.companies"
    label = "companies"
    verbose_name = _("Companies")

    def ready(self):
        from marketplace.companies import (  # noqa: F401 - connect the cache invalidation and the notifications
            caching,
            context_processors,
            receivers,
        )
        from marketplace.companies.staff_groups import staff_groups_after_migrate

        # Once per migrate (sent for this app only): the staff groups are reference data, not demo data.
        post_migrate.connect(staff_groups_after_migrate, sender=self, dispatch_uid="companies.staff_groups")
