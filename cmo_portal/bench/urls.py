"""The benchmark's root URLconf (cmo_portal/settings/bench.py): the site's own URLs and,
beside them, the two reference pages. Under any other settings /bench/ does not exist."""

from django.urls import path

from cmo_portal.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/plain/", views.plain, name="bench-plain"),
    path("bench/fortunes/", views.fortunes, name="bench-fortunes"),
    *site_urlpatterns,
]
