from django.urls import path

from marketplace.fairs import leads_views as views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="lead_list"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("capture/<slug:slug>/", views.capture, name="capture"),
    path("capture/<slug:slug>/upload/", views.upload, name="upload"),
    path("<int:pk>/", views.lead_detail, name="lead_detail"),
    path("<int:pk>/convert/", views.convert, name="convert"),
]
