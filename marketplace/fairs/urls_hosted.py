from django.urls import path

from marketplace.fairs import hosted_views as views

app_name = "buyer_meetings"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/manage/", views.event_manage, name="manage"),
    path("<int:pk>/manage/action/", views.event_action, name="action"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/<int:pair_pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("<int:pk>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
]
