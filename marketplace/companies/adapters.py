from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """After sign-in, remember the person's saved language for this session."""

    def login(self, request, user):
        super().login(request, user)
        if user.preferred_language:
            request.session["preferred_language"] = user.preferred_language
