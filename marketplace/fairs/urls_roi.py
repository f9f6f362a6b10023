from django.urls import path

from marketplace.fairs import roi_views as views

app_name = "fair_roi"

urlpatterns = [
    path("<slug:slug>/", views.session_roi, name="session_roi"),
    path("<slug:slug>/export.csv", views.session_roi_csv, name="session_roi_csv"),
]
