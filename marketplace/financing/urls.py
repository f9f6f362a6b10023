from django.urls import path

from marketplace.financing import views

app_name = "financing"

urlpatterns = [
    path("", views.application_list, name="application_list"),
    path("deal/<int:pk>/apply/", views.application_create, name="application_create"),
    path("bank/", views.bank_queue, name="bank_queue"),
    path("<int:pk>/", views.application_detail, name="application_detail"),
    path("<int:pk>/decide/<str:decision>/", views.application_decide, name="application_decide"),
    path("<int:pk>/answer/<str:answer>/", views.application_answer, name="application_answer"),
    path("<int:pk>/disburse/", views.application_disburse, name="application_disburse"),
    path("<int:pk>/repayments/", views.repayment_create, name="repayment_create"),
]
