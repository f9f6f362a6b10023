from django.urls import path

from marketplace.fairs import exhibitors_views as views

app_name = "exhibitors"

urlpatterns = [
    path("mine/", views.my_applications, name="my_applications"),
    path("applications/", views.application_queue, name="application_queue"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("<slug:slug>/", views.directory, name="directory"),
    path("<slug:slug>/phase/<int:number>/apply/", views.apply, name="apply"),
    path("<slug:slug>/phase/<int:number>/hall/<str:hall>/", views.floor_plan, name="floor_plan"),
]
