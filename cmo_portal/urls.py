from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from pathways.admin.curriculum_file import curriculum_file_urls

from . import health, metrics, security
from .home import views as home

# The admin's own login page is replaced by allauth's, so rate limits, email
# verification and two-factor authentication apply to staff too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented wrap
admin.site.site_header = "CMO Pathways administration"
admin.site.site_title = "CMO Pathways admin"
admin.site.index_title = "Curriculum, people and mail"

urlpatterns = [
    path("", home.home, name="home"),
    path("welcome/skip-mentor/", home.skip_mentor_step, name="skip-mentor-step"),
    # Answered by cmo_portal.middleware.operator_endpoints; named here for reverse().
    path("health/", health.health, name="health"),
    path("health/live/", health.alive, name="health-live"),
    # For the operator's Prometheus, with a bearer token; no trailing slash, as it expects.
    path("metrics", metrics.metrics, name="metrics"),
    path("security/csp-report/", security.csp_report, name="csp-report"),
    path("accounts/", include("allauth.urls")),
    path("", include("cmo_portal.accounts.urls")),
    path("", include("pathways.urls")),
    path("", include("assessments.urls")),
    path("", include("mentors.urls")),
    path("", include("cmo_portal.notifications.urls")),
    # The email provider's webhooks: bounces and complaints (notifications/bounces.py).
    path("anymail/", include("anymail.urls")),
    # The curriculum as one file, for curriculum editors (admin pages, before the admin's own).
    path("admin/curriculum-file/", include((curriculum_file_urls(), "curriculum_file"))),
    path("admin/", admin.site.urls),
]
