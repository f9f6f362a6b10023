from django.urls import path

from marketplace.companies import views

app_name = "companies"
urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/<slug:slug>/", views.company_detail, name="company_detail"),
    path("home/", views.role_home, name="role_home"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("portal/supplier/", views.supplier_home, name="supplier_home"),
    path("portal/buyer/", views.buyer_home, name="buyer_home"),
    path("portal/company/", views.company_edit, name="company_edit"),
    path("portal/company/staff/", views.staff, name="staff"),
    path(
        "portal/company/staff/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("portal/company/staff/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("portal/company/verification/", views.verification, name="verification"),
    path("portal/company/credit/", views.company_credit, name="company_credit"),
    path("documents/<int:pk>/", views.document_file, name="document_file"),
    path("operator/verification/", views.operator_queue, name="operator_queue"),
    path("operator/verification/<int:pk>/", views.operator_review, name="operator_review"),
    path("risk/", views.risk_home, name="risk_home"),
    path("language/", views.language_switch, name="language_switch"),
]
