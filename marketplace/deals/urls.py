from django.urls import path

from marketplace.deals import views, views_fulfilment, views_order

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
    path("<int:pk>/reopen/", views.deal_reopen, name="deal_reopen"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_file, name="attachment_file"),
    path("<int:pk>/verify/", views.deal_verify, name="deal_verify"),
    # --- contract, order, milestones (D2) ---
    path("<int:pk>/contract.pdf", views_order.contract_pdf, name="contract_pdf"),
    path(
        "<int:pk>/contracts/<int:contract_pk>/void.pdf",
        views_order.voided_contract_pdf,
        name="voided_contract_pdf",
    ),
    path("<int:pk>/contract/issue/", views_order.contract_issue, name="contract_issue"),
    path("<int:pk>/contract/accept/", views_order.contract_accept, name="contract_accept"),
    path("<int:pk>/order/", views_order.order_place, name="order_place"),
    path("<int:pk>/payments/<int:seq>/proof/", views_order.milestone_proof, name="milestone_proof"),
    path("<int:pk>/payments/<int:seq>/confirm/", views_order.milestone_confirm, name="milestone_confirm"),
    path("<int:pk>/payments/proofs/<int:proof_pk>/", views_order.proof_file, name="proof_file"),
    # --- visits, shipments, disputes, ratings (D3) ---
    path("<int:pk>/visits/new/", views_fulfilment.visit_request, name="visit_request"),
    path("<int:pk>/visits/<int:visit_pk>/confirm/", views_fulfilment.visit_confirm, name="visit_confirm"),
    path("<int:pk>/visits/<int:visit_pk>/report/", views_fulfilment.visit_report, name="visit_report"),
    path("<int:pk>/visits/photos/<int:file_pk>/", views_fulfilment.visit_photo, name="visit_photo"),
    path("<int:pk>/shipments/new/", views_fulfilment.shipment_create, name="shipment_create"),
    path(
        "<int:pk>/shipments/documents/<int:file_pk>/",
        views_fulfilment.shipment_document,
        name="shipment_document",
    ),
    path("<int:pk>/delivery/", views_fulfilment.delivery_confirm, name="delivery_confirm"),
    path("<int:pk>/dispute/", views_fulfilment.dispute_open, name="dispute_open"),
    path("<int:pk>/dispute/answer/", views_fulfilment.dispute_answer, name="dispute_answer"),
    path("<int:pk>/dispute/decision/", views_fulfilment.dispute_resolve, name="dispute_resolve"),
    path(
        "<int:pk>/dispute/evidence/<int:file_pk>/", views_fulfilment.dispute_evidence, name="dispute_evidence"
    ),
    path("<int:pk>/rating/", views_fulfilment.rating_create, name="rating_create"),
]
