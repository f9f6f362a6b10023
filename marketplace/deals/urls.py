from django.urls import path

from marketplace.deals import views, views_order

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="deal_list"),
    path("<int:pk>/", views.deal_detail, name="deal_detail"),
    # --- contract, order, milestones (D2) ---
    path("<int:pk>/contract.pdf", views_order.contract_pdf, name="contract_pdf"),
    path("<int:pk>/contract/issue/", views_order.contract_issue, name="contract_issue"),
    path("<int:pk>/contract/accept/", views_order.contract_accept, name="contract_accept"),
    path("<int:pk>/order/", views_order.order_place, name="order_place"),
    path("<int:pk>/payments/<int:seq>/proof/", views_order.milestone_proof, name="milestone_proof"),
    path("<int:pk>/payments/<int:seq>/confirm/", views_order.milestone_confirm, name="milestone_confirm"),
    path("<int:pk>/payments/proofs/<int:proof_pk>/", views_order.proof_file, name="proof_file"),
]
