from django.urls import path

from credit import gating_views, views
from credit.api import CreditSchemaView, FactBatchView

app_name = "credit"

urlpatterns = [
    path("api/v1/facts/", FactBatchView.as_view(), name="api_facts"),
    path("api/schema/", CreditSchemaView.as_view(), name="api_schema"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/upload/", views.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("companies/<int:subject_id>/", views.subject_credit, name="subject_credit"),
    path("models/", views.model_registry, name="model_registry"),
    path("models/<int:version>/promote/", views.model_promote, name="model_promote"),
    path("gating/", gating_views.policy, name="gating_policy"),
    path("gating/overrides/", gating_views.override_list, name="gating_override_list"),
    path("gating/overrides/new/", gating_views.override_create, name="gating_override_create"),
    path("gating/overrides/<int:pk>/", gating_views.override_detail, name="gating_override_detail"),
    path(
        "gating/overrides/<int:pk>/<str:action>/",
        gating_views.override_decide,
        name="gating_override_decide",
    ),
]
