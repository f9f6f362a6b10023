from django.urls import path

from marketplace.matchmaking import meetings_views as views

app_name = "meetings"

urlpatterns: list = [
    path("", views.meeting_list, name="list"),
    path("request/", views.meeting_request, name="request"),
    path("settings/", views.meeting_settings, name="settings"),
    path("statistics/", views.meeting_statistics, name="statistics"),
    path("feed/<str:token>.ics", views.meeting_feed, name="feed"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/accept/", views.meeting_accept, name="accept"),
    path("<int:pk>/decline/", views.meeting_decline, name="decline"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:pk>/resolve/", views.meeting_resolve, name="resolve"),
]
