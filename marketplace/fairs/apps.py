from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "marketplace.fairs"
    label = "fairs"
    verbose_name = _("Trade fairs")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from marketplace.pagecache import pages

        # The home page and fair pages show sessions, phases and halls: a change renews cached pages.
        for model in self.get_models():
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    pages.bump, sender=model, dispatch_uid=f"pagecache_{model._meta.label}_{name}", weak=False
                )
