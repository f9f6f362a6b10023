from django.urls import path

from marketplace.fairs import views

app_name = "fairs"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("<slug:slug>/", views.session_detail, name="session_detail"),
]
