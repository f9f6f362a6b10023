"""Export credit insurance pages, mounted at /insurance/."""

from django.urls import path

from marketplace.insurance import views

app_name = "insurance"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("rates/", views.rate_table, name="rates"),
    path("limits/<int:pk>/", views.limit_detail, name="limit_detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("deals/<int:pk>/", views.deal_insurance, name="deal_insurance"),
    path("deals/<int:pk>/request/", views.request_cover, name="request_cover"),
    path("deals/<int:pk>/declare/", views.declare, name="declare"),
    path("declarations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("declarations/<int:pk>/report-overdue/", views.report_overdue, name="report_overdue"),
    path("declarations/<int:pk>/claim/", views.file_claim, name="file_claim"),
]
