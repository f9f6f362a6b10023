from django.urls import path

from marketplace.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="deal_list"),
    path("new/product/<int:product_pk>/", views.inquiry_from_product, name="inquiry_from_product"),
    path("new/supplier/<slug:slug>/", views.inquiry_from_company, name="inquiry_from_company"),
    path("<int:pk>/", views.deal_detail, name="deal_detail"),
    path("<int:pk>/messages/", views.message_post, name="message_post"),
    path("<int:pk>/offers/new/", views.offer_create, name="offer_create"),
    path(
        "<int:pk>/offers/<int:offer_pk>/<decision>/",
        views.offer_decide,
        name="offer_decide",
    ),
    path("<int:pk>/cancel/", views.deal_cancel, name="deal_cancel"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_file, name="attachment_file"),
    path("<int:pk>/verify/", views.deal_verify, name="deal_verify"),
]
