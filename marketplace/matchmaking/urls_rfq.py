from django.urls import path

from marketplace.matchmaking import rfq_views as views

app_name = "rfq"

urlpatterns = [
    path("", views.rfq_list, name="rfq_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("profile/", views.sourcing_profile, name="profile"),
    path("new/", views.rfq_create, name="rfq_create"),
    path("<int:pk>/", views.rfq_detail, name="rfq_detail"),
    path("<int:pk>/edit/", views.rfq_edit, name="rfq_edit"),
    path("<int:pk>/cancel/", views.rfq_cancel, name="rfq_cancel"),
    path("<int:pk>/files/<int:attachment_pk>/", views.rfq_file, name="rfq_file"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/quote/", views.quotation_create, name="quotation_create"),
    path("<int:pk>/quotations/<int:quotation_pk>/", views.quotation_detail, name="quotation_detail"),
    path("<int:pk>/quotations/<int:quotation_pk>/revise/", views.quotation_revise, name="quotation_revise"),
    path(
        "<int:pk>/quotations/<int:quotation_pk>/files/<int:attachment_pk>/",
        views.quotation_file,
        name="quotation_file",
    ),
    path(
        "<int:pk>/quotations/<int:quotation_pk>/<str:decision>/",
        views.quotation_decide,
        name="quotation_decide",
    ),
]
