"""Error pages in the site's layout and the reader's language, with a way on.

They are drawn with `error_page` set, so that the layout leaves out what differs between two requests
(the CSRF token of the sign-out and language forms) and never echo the address asked for: a "not found"
must be byte-identical whether the object does not exist or the reader may not see it, or the page
itself would tell which.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception=None, template_name="errors/404.html"):
    return render(request, template_name, {"error_page": True}, status=404)


def permission_denied(request, exception=None, template_name="errors/403.html"):
    return render(request, template_name, {"error_page": True}, status=403)


def server_error(request, template_name="500.html"):
    # No request context: whatever broke may be what the context processors need.
    return HttpResponseServerError(loader.get_template(template_name).render())
