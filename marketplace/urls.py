from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.core.admin_views import view_on_site
from marketplace.core.pagecache import cache_for_visitors


def healthz(request):
    """Liveness probe for load balancers; also the bare-Django ceiling in bench/."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers and the Django admin ask for /favicon.ico whatever the page says. The static address is
    looked up per request: with the manifest storage it exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static_url("img/favicon.ico"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    # Before the admin's own: its "view on site" redirect, guarded (see marketplace/core/admin_views.py).
    path("django-admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/cms/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("marketplace.notifications.urls")),
    path("fairs/", include("marketplace.fairs.urls")),
    path("exhibitors/", include("marketplace.fairs.urls_exhibitors")),
    path("badges/", include("marketplace.fairs.urls_badges")),
    path("leads/", include("marketplace.fairs.urls_leads")),
    path("buyer-meetings/", include("marketplace.fairs.urls_hosted")),
    path("fair-roi/", include("marketplace.fairs.urls_roi")),
    path("credit/", include("credit.urls")),
    path("deals/", include("marketplace.deals.urls")),
    path("sourcing/", include("marketplace.matchmaking.urls_rfq")),
    path("meetings/", include("marketplace.matchmaking.urls_meetings")),
    path("matches/", include("marketplace.matchmaking.urls_matches")),
    path("payments/", include("marketplace.payments.urls")),
    path("insurance/", include("marketplace.insurance.urls")),
    path("financing/", include("marketplace.financing.urls")),
    path("", include("marketplace.core.urls")),
    path("", include("marketplace.companies.urls")),
    path("", include("marketplace.catalog.urls")),
    path("", include("marketplace.showcases.urls")),
]
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Wagtail serves every other path from its page tree (home, fair pages, news, help). Its own routes
# (unlocking a password-protected page, its login) come first: the page pattern matches "_util/…" too.
# Its page view is then declared once, marked for the visitor page cache.
urlpatterns += [
    *(pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, cache_for_visitors(wagtail_views.serve), name="wagtail_serve"),
]

handler403 = "marketplace.core.error_views.permission_denied"
handler404 = "marketplace.core.error_views.page_not_found"
handler500 = "marketplace.core.error_views.server_error"
