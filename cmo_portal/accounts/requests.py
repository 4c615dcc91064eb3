"""The request of a page behind `login_required`, for the type checker: its user is a
signed-in `User`, never the anonymous one (django-stubs' own recipe)."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
