from django.urls import path

from marketplace.matchmaking import matches_views

app_name = "matches"

urlpatterns = [
    path("", matches_views.match_list, name="match_list"),
    path("feedback/", matches_views.match_feedback, name="match_feedback"),
]
