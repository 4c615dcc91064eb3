from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.after_login, name="after-login"),
    path("profile/", views.profile_edit, name="profile-edit"),
    path("people/<int:user_id>/", views.profile_detail, name="profile-detail"),
    path("profile/who-has-seen-my-data/", views.data_access_log, name="data-access-log"),
    path("account/data/", views.data_download, name="data-download"),
    path("account/delete/", views.delete, name="delete"),
    path("account/confirm-again/", views.verification_resend, name="verification-resend"),
]
