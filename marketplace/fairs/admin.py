from django.contrib import admin

from marketplace.fairs.models import FairPhase, FairSession, Hall


class PhaseInline(admin.TabularInline):
    model = FairPhase
    extra = 0
    filter_horizontal = ["industries"]


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0


@admin.register(FairSession)
class FairSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "starts_on", "ends_on"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PhaseInline, HallInline]
    search_fields = ["name", "name_zh", "city"]

    def save_related(self, request, form, formsets, change):
        from marketplace.fairs.services import session_sync_dates

        super().save_related(request, form, formsets, change)
        session_sync_dates(session=form.instance)


# Each part of the fair floor registers its own models.
from marketplace.fairs import badges_admin, exhibitors_admin, hosted_admin, leads_admin  # noqa: E402, F401
