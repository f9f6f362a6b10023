from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace.notifications.models import Notification
from marketplace.notifications.services import notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/notification_list.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request):
    raw = request.POST.get("id")
    notification_mark_read(user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
    return redirect("notifications:notification_list")
