"""Forms of the meeting pages. Slots are typed in the person's own time zone and turned into UTC here."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.matchmaking.meetings_services import MAX_SLOTS, opening_text, table_open_at
from marketplace.matchmaking.models.meetings import AttendanceMark, MeetingMode, MeetingTable

DURATIONS = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
]


class SlotsMixin:
    """Five optional start fields and one duration; `slots()` gives the filled ones as UTC (start, end)."""

    zone: zoneinfo.ZoneInfo

    def _add_slot_fields(self):
        for n in range(1, MAX_SLOTS + 1):
            self.fields[f"slot_{n}"] = forms.DateTimeField(
                label=_("Proposed time %(n)d") % {"n": n},
                required=n == 1,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            )
        self.fields["duration"] = forms.TypedChoiceField(
            label=_("Length"), choices=DURATIONS, coerce=int, initial=30
        )

    def slots(self) -> list[tuple[dt.datetime, dt.datetime]]:
        minutes = dt.timedelta(minutes=self.cleaned_data["duration"])
        out = []
        for n in range(1, MAX_SLOTS + 1):
            value = self.cleaned_data.get(f"slot_{n}")
            if value is None:
                continue
            local = value.replace(tzinfo=None)
            start = local.replace(tzinfo=self.zone).astimezone(dt.UTC)
            out.append((start, start + minutes))
        return out


class TableChoiceField(forms.ModelChoiceField):
    """Each table with its opening hours, so two booths of different sessions never read the same."""

    def label_from_instance(self, obj):
        hours = opening_text(obj)
        return f"{obj.label} — {hours}" if hours else obj.label


class MeetingRequestForm(SlotsMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    mode = forms.ChoiceField(
        label=_("How"), choices=MeetingMode.choices, initial=MeetingMode.ONLINE, widget=forms.RadioSelect
    )
    table = TableChoiceField(
        label=_("Table"),
        queryset=MeetingTable.objects.none(),
        required=False,
        help_text=_("For a meeting in person: the booth or matchmaking table."),
    )
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty and TrustFair makes a meeting room link."),
    )
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, own_company, with_company, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        # Only tables still open (a booth of a past session is no place to meet).
        self.fields["table"].queryset = (
            MeetingTable.objects.filter(is_active=True)
            .filter(Q(company__isnull=True) | Q(company=with_company) | Q(company=own_company))
            .filter(Q(available_until__isnull=True) | Q(available_until__gt=timezone.now()))
            .order_by("available_from", "label")
        )
        self._add_slot_fields()
        order = ["subject", "mode", "table", "video_link"] + [f"slot_{n}" for n in range(1, MAX_SLOTS + 1)]
        self.order_fields([*order, "duration", "message"])

    def limit_slots_to(self, table: MeetingTable) -> None:
        """Offer only times the table is open: the date pickers start and stop at its dates."""
        for n in range(1, MAX_SLOTS + 1):
            attrs = self.fields[f"slot_{n}"].widget.attrs
            if table.available_from:
                start = max(table.available_from, timezone.now()).astimezone(self.zone)
                attrs["min"] = f"{start:%Y-%m-%dT%H:%M}"
            if table.available_until:
                attrs["max"] = f"{table.available_until.astimezone(self.zone):%Y-%m-%dT%H:%M}"
        hours = opening_text(table)
        if hours:
            self.fields["slot_1"].help_text = _("%(table)s is open %(hours)s.") % {
                "table": table.label,
                "hours": hours,
            }

    def clean(self):
        data = super().clean()
        table = data.get("table")
        if data.get("mode") == MeetingMode.IN_PERSON and not table:
            self.add_error("table", _("Choose a table for a meeting in person."))
        if data.get("mode") == MeetingMode.IN_PERSON and table and data.get("duration"):
            minutes = dt.timedelta(minutes=data["duration"])
            for n in range(1, MAX_SLOTS + 1):
                value = data.get(f"slot_{n}")
                if value is None:
                    continue
                start = value.replace(tzinfo=None).replace(tzinfo=self.zone).astimezone(dt.UTC)
                if not table_open_at(table, start, start + minutes):
                    self.add_error(
                        f"slot_{n}",
                        _("The table is not open at this time. Open: %(hours)s.")
                        % {"hours": opening_text(table) or "—"},
                    )
        return data


class RescheduleForm(SlotsMixin, forms.Form):
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self._add_slot_fields()
        self.order_fields([*(f"slot_{n}" for n in range(1, MAX_SLOTS + 1)), "duration", "message"])


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AttendanceForm(forms.Form):
    mark = forms.ChoiceField(label=_("What happened"), choices=AttendanceMark.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
