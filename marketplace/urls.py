from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace.pagecache import cache_for_visitors


def healthz(request):
    """Liveness probe for load balancers; also the bare-Django ceiling in bench/."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/cms/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("marketplace.notifications.urls")),
    path("fairs/", include("marketplace.fairs.urls")),
    path("credit/", include("credit.urls")),
    path("", include("marketplace.core.urls")),
    path("", include("marketplace.companies.urls")),
    path("", include("marketplace.catalog.urls")),
    path("", include("marketplace.showcases.urls")),
]
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Wagtail serves every other path from its page tree (home, fair pages, news, help). Its page view is
# declared first, marked for the visitor page cache; the include adds Wagtail's other routes.
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, cache_for_visitors(wagtail_views.serve), name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
