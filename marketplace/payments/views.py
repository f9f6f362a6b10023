"""Pages of payments: a milestone's payment page, an attempt (card form, 3-D Secure step, proof upload),
the supplier's payout account, and the operators' list of attempts. Thin views over services.py.

Who sees what: the deal's two parties and the platform's operators; anyone else gets the same 404 as for a
deal that does not exist (a buyer never sees another deal's payments, nor a supplier another's).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.companies.models import CompanyKind, Membership
from marketplace.companies.permissions import is_owner
from marketplace.core.money import Money
from marketplace.deals import milestones as deal_milestones
from marketplace.deals import permissions
from marketplace.deals.forms import PaymentProofForm
from marketplace.deals.models import Milestone, MilestoneStatus
from marketplace.payments import forms, providers, selectors, services
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import PAID_STATES, AttemptState, ConnectedAccount, PaymentAttempt


def _deal(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    if not services.may_see(request.user, deal):
        raise Http404
    return deal


def _attempt(request, pk) -> PaymentAttempt:
    attempt = get_object_or_404(PaymentAttempt.objects.select_related("milestone", "deal"), pk=pk)
    _deal(request, attempt.deal_id)
    return attempt


def _errors_to(form, error: ValidationError, field=None) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error.messages)


def _methods():
    return [(p.code, str(p.name)) for p in providers.enabled() if p.enabled]


@login_required
def milestone_payment(request, pk, seq):
    deal = _deal(request, pk)
    milestone = get_object_or_404(Milestone, deal=deal, seq=seq)
    payer = services.is_payer(request.user, deal)
    attempts = list(milestone.payment_attempts.order_by("-number"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    may_start = payer and not milestone.is_paid and open_attempt is None and selectors.may_start(milestone)
    form = forms.MethodForm(request.POST or None, choices=_methods())
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied
        if form.is_valid():
            try:
                attempt = services.start(
                    milestone=milestone, method=form.cleaned_data["method"], by_user=request.user
                )
            except ValidationError as error:
                _errors_to(form, error, "method")
            else:
                return redirect("payments:attempt_detail", pk=attempt.pk)
    today = timezone.localdate()
    status = deal_milestones.status_on(milestone, today)
    paid = [a for a in attempts if a.state in PAID_STATES or a.state == AttemptState.REFUNDED]
    refunded = sum((a.refunded_amount for a in paid), Decimal(0))
    captured = sum((a.captured_amount for a in paid), Decimal(0))
    return render(
        request,
        "payments/milestone_payment.html",
        {
            "deal": deal,
            "milestone": milestone,
            "status": status,
            "status_label": MilestoneStatus(status).label,
            "days_overdue": deal_milestones.days_overdue(milestone, today),
            "refunded": refunded,
            "kept": captured - refunded,
            "card_enabled": providers.get("stripe").enabled,
            "money": services.payable(milestone),
            "attempts": attempts,
            "open_attempt": open_attempt,
            "form": form if may_start else None,
            "providers": [p for p in providers.enabled() if p.enabled],
            "payer": payer,
            "due_on_order": services.due_on_order(milestone, deal),
        },
    )


def _attempt_context(request, attempt, **extra):
    deal = attempt.deal
    payer = services.is_payer(request.user, deal)
    provider = providers.get(attempt.provider)
    return {
        "deal": deal,
        "attempt": attempt,
        "milestone": attempt.milestone,
        "provider": provider,
        "payer": payer,
        "operator": permissions.is_platform_staff(request.user),
        "test_server": gateway.is_test_server(),
        "refunds": list(attempt.refunds.all()),
        "due_on_order": services.due_on_order(attempt.milestone, deal),
        "card_form": extra.pop("card_form", None)
        or (
            forms.CardForm()
            if payer and attempt.state == AttemptState.CREATED and not provider.manual
            else None
        ),
        "proof_form": extra.pop("proof_form", None)
        or (
            PaymentProofForm(seq=attempt.milestone.seq)
            if payer and attempt.state == AttemptState.PENDING
            else None
        ),
        "refund_form": extra.pop("refund_form", None)
        or (
            forms.RefundForm(initial={"amount": attempt.refundable.amount})
            if permissions.is_platform_staff(request.user)
            and attempt.state in (AttemptState.CAPTURED, AttemptState.RELEASED)
            else None
        ),
        **extra,
    }


@login_required
def attempt_detail(request, pk):
    attempt = _attempt(request, pk)
    return render(request, "payments/attempt_detail.html", _attempt_context(request, attempt))


@login_required
@require_POST
def attempt_card(request, pk):
    attempt = _attempt(request, pk)
    if not services.is_payer(request.user, attempt.deal):
        raise PermissionDenied
    if not gateway.is_test_server():
        raise Http404  # production collects card details with Stripe Elements, never on TrustFair's server
    form = forms.CardForm(request.POST)
    if form.is_valid():
        try:
            services.pay_by_card(attempt=attempt, by_user=request.user, **form.cleaned_data)
        except services.PaymentRefused as error:
            # That attempt ended; a fresh one takes the next card, with the refusal at the card number.
            attempt = services.start(
                milestone=attempt.milestone, method=attempt.provider, by_user=request.user
            )
            form.add_error("number", error.messages)
        except ValidationError as error:
            _errors_to(form, error)
        except gateway.StripeError:
            form.add_error(
                None,
                _(
                    "The card service did not answer, so we cannot tell yet whether your card was charged. "
                    "Try again: TrustFair checks with the card service first and never charges this payment twice."
                ),
            )
        else:
            return redirect("payments:attempt_detail", pk=attempt.pk)
    context = _attempt_context(request, attempt, card_form=form)
    return render(request, "payments/attempt_detail.html", context, status=400)


@login_required
@require_POST
def attempt_verify(request, pk):
    attempt = _attempt(request, pk)
    try:
        attempt = services.authenticate(
            attempt=attempt, by_user=request.user, success=request.POST.get("result") == "pass"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if attempt.state == AttemptState.FAILED:
        messages.error(request, _("The card's verification failed: nothing was charged. Pay again."))
        return redirect("payments:milestone_payment", pk=attempt.deal_id, seq=attempt.milestone.seq)
    return redirect("payments:attempt_detail", pk=attempt.pk)


@login_required
@require_POST
def attempt_cancel(request, pk):
    attempt = _attempt(request, pk)
    try:
        services.cancel(attempt=attempt, by_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The payment was cancelled; nothing was charged."))
    return redirect("payments:milestone_payment", pk=attempt.deal_id, seq=attempt.milestone.seq)


@login_required
@require_POST
def attempt_proof(request, pk):
    attempt = _attempt(request, pk)
    if not services.is_payer(request.user, attempt.deal) or attempt.state != AttemptState.PENDING:
        raise PermissionDenied
    form = PaymentProofForm(request.POST, request.FILES, seq=attempt.milestone.seq)
    if form.is_valid():
        try:
            deal_milestones.upload_proof(
                milestone=attempt.milestone,
                by_user=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _errors_to(form, error, "file")
        else:
            messages.success(request, _("Proof of payment uploaded; the supplier confirms receipt."))
            return redirect("payments:attempt_detail", pk=attempt.pk)
    return render(
        request,
        "payments/attempt_detail.html",
        _attempt_context(request, attempt, proof_form=form),
        status=400,
    )


@login_required
@require_POST
def attempt_refund(request, pk):
    attempt = _attempt(request, pk)
    if not permissions.is_platform_staff(request.user):
        raise PermissionDenied
    form = forms.RefundForm(request.POST)
    if form.is_valid():
        try:
            services.refund(
                attempt=attempt,
                amount=Money(form.cleaned_data["amount"], attempt.currency),
                by_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _errors_to(form, error, "amount")
        except gateway.StripeError as error:
            form.add_error(
                "amount",
                _("The card service refused the refund: %(reason)s")
                % {"reason": error.user_message or error},
            )
        else:
            messages.success(request, _("Refunded."))
            return redirect("payments:attempt_detail", pk=attempt.pk)
    return render(
        request,
        "payments/attempt_detail.html",
        _attempt_context(request, attempt, refund_form=form),
        status=400,
    )


def _supplier_company(user):
    membership = (
        Membership.objects.filter(user=user, company__kind__in=(CompanyKind.SUPPLIER, CompanyKind.BOTH))
        .select_related("company")
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return membership.company


@login_required
def payout_account(request):
    company = _supplier_company(request.user)
    account = ConnectedAccount.objects.filter(company=company).first()
    return render(
        request,
        "payments/payout_account.html",
        {
            "company": company,
            "account": account,
            "owner": is_owner(request.user, company),
            "enabled": providers.get("stripe").enabled,
            "held": selectors.supplier_money(company),
        },
    )


@login_required
@require_POST
def payout_onboard(request):
    company = _supplier_company(request.user)
    if not providers.get("stripe").enabled:
        raise Http404
    try:
        url = services.onboarding_link(
            company=company,
            by_user=request.user,
            refresh_url=request.build_absolute_uri(reverse("payments:payout_account")),
            return_url=request.build_absolute_uri(reverse("payments:payout_return")),
        )
    except gateway.StripeError:
        messages.error(request, _("The card service did not answer; try again in a moment."))
        return redirect("payments:payout_account")
    return redirect(url)


@login_required
def payout_return(request):
    company = _supplier_company(request.user)
    account = get_object_or_404(ConnectedAccount, company=company)
    account = services.refresh_account(account)
    if account.ready:
        messages.success(request, _("Your payout account is ready: held payments are released to it."))
    else:
        messages.info(request, _("Your payout account still needs details before it can receive money."))
    return redirect("payments:payout_account")


@login_required
def operator_attempts(request):
    if not permissions.is_platform_staff(request.user):
        raise Http404
    state = request.GET.get("state", "")
    rows = PaymentAttempt.objects.select_related("deal", "milestone").order_by("-created_at", "-pk")
    if state in AttemptState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/operator_attempts.html",
        {"page_obj": page, "states": AttemptState.choices, "state": state},
    )
