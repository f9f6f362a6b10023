"""The Django admin's "view on site" redirect, guarded.

Django's own (`/django-admin/r/<content type>/<id>/`) answers any staff user with the address of any
object that has `get_absolute_url`, whatever that user may see in the admin. Where the address itself
is a secret (a showcase's bearer link, an invitation link that admits the first company to open it),
counting ids would collect every one. This view answers only for a model the user may view or change
in the admin, and never for a model that declares `address_is_secret = True`.
"""

from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.shortcuts import get_object_or_404


def view_on_site(request, content_type_id, object_id):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or getattr(model, "address_is_secret", False):
        raise Http404
    opts = model._meta
    if not any(
        request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    ):
        raise Http404
    return shortcut(request, content_type_id, object_id)
