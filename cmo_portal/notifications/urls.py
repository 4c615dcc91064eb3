from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("email/preferences/", views.preferences, name="preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/", views.notices, name="notices"),
    path("notifications/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("notifications/read/", views.notices_read, name="notices-read"),
]
