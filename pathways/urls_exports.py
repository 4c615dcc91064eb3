"""The plan's exports, added to the `pathways` namespace by pathways/urls.py."""

from django.urls import path

from .views import exports

urlpatterns = [
    path("plans/<int:pk>/print/", exports.plan_print, name="plan-print"),
    path("plans/<int:pk>/plan.pdf", exports.plan_pdf, name="plan-pdf"),
    path("plans/<int:pk>/plan.json", exports.plan_json, name="plan-json"),
    path("plans/<int:pk>/plan.csv", exports.plan_csv_download, name="plan-csv"),
    path("calendar/<str:token>.ics", exports.plan_calendar, name="plan-calendar"),
]
