from django.urls import path, re_path

from marketplace.showcases import views

app_name = "showcases"
urlpatterns = [
    path("portal/showcases/", views.showcase_list, name="showcase_list"),
    path("portal/showcases/new/", views.showcase_create, name="showcase_create"),
    path("portal/showcases/<int:pk>/", views.showcase_manage, name="showcase_manage"),
    re_path(
        r"^portal/showcases/(?P<pk>\d+)/(?P<action>text|add|items|share|invite|revoke|uninvite|extend|close)/$",
        views.showcase_action,
        name="showcase_action",
    ),
    path("showcases/shared/", views.shared_list, name="shared_list"),
    path("showcases/invite/<str:token>/", views.invitation_open, name="invitation_open"),
    path("showcases/<str:token>/", views.showcase_detail, name="showcase_detail"),
    path("showcases/<str:token>/products/<int:item_pk>/", views.showcase_item, name="showcase_item"),
    path(
        "showcases/<str:token>/products/<int:item_pk>/interested/",
        views.interest_create,
        name="interest_create",
    ),
    path(
        "showcases/<str:token>/products/<int:item_pk>/inquiry/",
        views.interest_convert,
        name="interest_convert",
    ),
    path(
        "showcases/<str:token>/products/<int:item_pk>/images/<int:image_pk>/<str:size>/",
        views.showcase_image,
        name="showcase_image",
    ),
]
