from django.urls import path

from marketplace.payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("deal/<int:pk>/milestone/<int:seq>/", views.milestone_payment, name="milestone_payment"),
    path("attempt/<int:pk>/", views.attempt_detail, name="attempt_detail"),
    path("attempt/<int:pk>/card/", views.attempt_card, name="attempt_card"),
    path("attempt/<int:pk>/verify/", views.attempt_verify, name="attempt_verify"),
    path("attempt/<int:pk>/cancel/", views.attempt_cancel, name="attempt_cancel"),
    path("attempt/<int:pk>/proof/", views.attempt_proof, name="attempt_proof"),
    path("attempt/<int:pk>/refund/", views.attempt_refund, name="attempt_refund"),
    path("payouts/", views.payout_account, name="payout_account"),
    path("payouts/setup/", views.payout_onboard, name="payout_onboard"),
    path("payouts/return/", views.payout_return, name="payout_return"),
    path("attempts/", views.operator_attempts, name="operator_attempts"),
]
