from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "marketplace.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        # The ranking's receivers, and its admin pages (the app's admin.py is shared by its parts).
        from marketplace.matchmaking import matches_admin, ranking_receivers  # noqa: F401
