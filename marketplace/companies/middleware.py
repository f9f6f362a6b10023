"""Language choice that follows the person, and the second factor platform staff must use."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from marketplace.companies.models import PlatformRole

STAFF_ROLES_NEEDING_MFA = {PlatformRole.OPERATOR, PlatformRole.RISK_OFFICER}


class UserLanguageMiddleware:
    """Without a language cookie, a signed-in person's saved language wins over the browser's.

    Runs before LocaleMiddleware, which then reads the cookie it sets on the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = settings.LANGUAGE_COOKIE_NAME
        if cookie not in request.COOKIES and hasattr(request, "session"):
            language = request.session.get("preferred_language")
            if language:
                request.COOKIES[cookie] = language
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Operators and risk officers must have TOTP and have used it in this session before any page."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_REQUIRE_MFA
            and user.is_authenticated
            and user.platform_role in STAFF_ROLES_NEEDING_MFA
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect(reverse("mfa_activate_totp"))
            if not any(r.get("method") == "mfa" for r in get_authentication_records(request, user)):
                return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.path}))
        return self.get_response(request)
