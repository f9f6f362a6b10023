"""POST /payments/stripe/webhook/: Stripe's events, verified on the raw body, stored once, applied by a worker.

No session and no CSRF token (Stripe signs instead): the `Stripe-Signature` header is checked against
STRIPE_WEBHOOK_SECRET with a 300-second tolerance before anything is read or written. A bad or stale
signature answers 400 and writes nothing; a duplicate answers 200 and changes nothing. The answer comes
as soon as the event is stored (Stripe asks for a quick 2xx and retries otherwise); the
`apply_webhook_event` task applies it, and `reconcile_payments` whatever a worker left unapplied.
"""

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments import services
from marketplace.payments import stripe_gateway as gateway


@csrf_exempt
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    if not settings.STRIPE_WEBHOOK_SECRET:
        # No secret configured: anything "signed" with an empty key would pass, so nothing is accepted.
        return HttpResponseBadRequest("webhooks are not configured")
    try:
        event = gateway.construct_event(request.body, signature)
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("bad signature")
    _row, created = services.receive_event(event)
    return HttpResponse("ok" if created else "duplicate")
