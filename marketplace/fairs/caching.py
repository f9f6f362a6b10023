"""Fair sessions, phases and halls show on the home page and fair pages: a change renews the cached pages."""

from django.apps import apps

from marketplace.core import caching

caching.register("pages", models=apps.get_app_config("fairs").get_models())
