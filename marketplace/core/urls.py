from django.urls import path

from marketplace.core import views

app_name = "core"

urlpatterns = [
    path("operator/fx-rates/", views.fx_rates, name="fx_rates"),
]
