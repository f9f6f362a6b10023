"""The Django admin of the fair's exhibitors: booths (with a "generate grid" page per hall) and applications.

Decisions on applications go through the exhibitor pages (exhibitors:application_detail), which call the
services: the admin shows applications read-only so that no booth is assigned around them.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.fairs import exhibitors_services
from marketplace.fairs.exhibitors_forms import GridForm
from marketplace.fairs.models import Booth, ExhibitorApplication, Hall


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["number", "phase", "size_sqm", "zone_industry", "zone_category"]
    list_filter = ["phase__session", "phase__number", "hall__code"]
    list_select_related = ["hall", "phase__session", "zone_industry", "zone_category"]
    raw_id_fields = ["zone_category"]

    def get_urls(self):
        extra = [
            path(
                "generate/<int:hall_id>/",
                self.admin_site.admin_view(self.generate_grid),
                name="fairs_booth_generate",
            )
        ]
        return extra + super().get_urls()

    def generate_grid(self, request, hall_id):
        hall = get_object_or_404(Hall.objects.select_related("session"), pk=hall_id)
        form = GridForm(request.POST or None, hall=hall)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = exhibitors_services.generate_grid(
                    hall=hall,
                    phase=data["phase"],
                    rows=data["rows"],
                    columns=data["columns"],
                    size_sqm=data["size_sqm"],
                    zone_industry=data["zone_industry"],
                    by_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(n)s booths created in %(hall)s.") % {"n": len(created), "hall": hall},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:fairs_booth_changelist") + f"?hall__code={hall.code}")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate a booth grid in %(hall)s") % {"hall": hall},
            "form": form,
            "hall": hall,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "fairs/exhibitors/admin_generate_grid.html", context)


@admin.register(ExhibitorApplication)
class ExhibitorApplicationAdmin(admin.ModelAdmin):
    list_display = ["company", "phase", "status", "booth", "applied_at", "decide"]
    list_filter = ["status", "phase__session", "phase__number"]
    list_select_related = ["company", "phase__session", "booth__hall"]
    search_fields = ["company__name", "company__name_zh"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Decision"))
    def decide(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("exhibitors:application_detail", kwargs={"pk": obj.pk}), _("Open")
        )


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    """Halls with a link to lay out their booth grid per phase."""

    list_display = ["code", "name", "session", "area_sqm", "grid"]
    list_filter = ["session"]
    list_select_related = ["session"]

    @admin.display(description=_("Booth grid"))
    def grid(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:fairs_booth_generate", args=[obj.pk]), _("Generate booths")
        )
