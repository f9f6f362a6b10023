from django.urls import path

from marketplace.fairs import badges_views as views

app_name = "badges"

urlpatterns = [
    path("", views.my_badges, name="my_badges"),
    path("<int:pk>/badge.pdf", views.badge_pdf, name="badge_pdf"),
    path("register/<slug:slug>/", views.register, name="register"),
    path("register/<slug:slug>/staff/", views.register_staff, name="register_staff"),
    path("desk/", views.desk_list, name="desk_list"),
    path("desk/<int:pk>/", views.desk, name="desk"),
    path("desk/<int:pk>/check-in/", views.desk_check_in, name="desk_check_in"),
    path("desk/<int:pk>/walk-in/", views.desk_walk_in, name="desk_walk_in"),
    path("desk/<int:pk>/badge/<int:badge_pk>/", views.desk_badge, name="desk_badge"),
    path("desk/<int:pk>/badge/<int:badge_pk>/print.pdf", views.desk_badge_pdf, name="desk_badge_pdf"),
    path("desk/<int:pk>/badge/<int:badge_pk>/reprint/", views.desk_reprint, name="desk_reprint"),
    path("desk/<int:pk>/badge/<int:badge_pk>/revoke/", views.desk_revoke, name="desk_revoke"),
]
