"""Email preferences, the one-click unsubscribe that works without logging in, and the
in-site notifications list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cmo_portal.time_zones import time_zone_remember

from . import notices as notice_services
from . import services
from .forms import PreferencesForm
from .models import PREFERENCE_FOR_KIND, EmailKind, Notice, NotificationPreferences
from .tokens import UnsubscribeLinkExpired, unsubscribe_token_read

if TYPE_CHECKING:
    # The user model AUTH_USER_MODEL names (django-stubs' name for it), never by
    # importing accounts.
    from django.contrib.auth.models import _User as User


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    # The outbox sits below accounts, so not AuthenticatedHttpRequest: the check that
    # login_required already made, for the type checker.
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("The email preferences are behind login_required.")
    prefs = services.preferences_for(user)
    profile_time_zone = _profile_time_zone_of(user)
    form = PreferencesForm(request.POST or None, instance=prefs, time_zone=profile_time_zone)
    if request.method == "POST":
        if form.is_valid():
            services.preferences_save(user=user, data=form.cleaned_data)
            if profile_time_zone is not None:
                time_zone_remember(request, form.cleaned_data["time_zone"])
            messages.success(request, "Your email preferences are saved.")
            return redirect("notifications:preferences")
        messages.error(request, "Your preferences were not saved: please correct what is marked.")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "prefs": prefs, "has_profile": profile_time_zone is not None},
        status=400 if form.errors else 200,
    )


def _profile_time_zone_of(user: User) -> str | None:
    """The time zone on the person's profile (the outbox knows the profile only by
    attribute), or None before they have filled it in."""
    try:
        return user.profile.time_zone
    except ObjectDoesNotExist:
        return None


@csrf_exempt  # a mail client's one-click POST (RFC 8058) has no session and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link will turn off and changes nothing (mail scanners follow
    links); POST, from the page's button or a mail client's one-click, turns it off. A link
    past its age changes nothing and offers the preferences, after sign-in."""
    try:
        read = unsubscribe_token_read(token)
    except UnsubscribeLinkExpired:
        return render(request, "notifications/unsubscribe_expired.html", status=410)
    if read is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    key, kind = read
    prefs = (
        NotificationPreferences.objects.select_related("user__profile")
        .filter(unsubscribe_key=key, user__is_active=True)
        .first()
    )
    if prefs is None or kind not in PREFERENCE_FOR_KIND:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user = prefs.user
    kind_label = EmailKind(kind).label
    if request.method == "POST":
        services.unsubscribe(user=user, kind=kind)
        return render(
            request,
            "notifications/unsubscribe_done.html",
            {"kind_label": kind_label, "email": user.email},
        )
    return render(
        request,
        "notifications/unsubscribe_confirm.html",
        {"kind_label": kind_label, "email": user.email, "token": token},
    )


def _signed_in(request: HttpRequest) -> User:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("The notifications are behind login_required.")
    return user


@login_required
@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    """The person's notifications, unread first."""
    items = notice_services.notices_for(_signed_in(request))
    return render(
        request,
        "notifications/notices.html",
        {"notices": items, "unread": sum(1 for notice in items if notice.read_at is None)},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the reader's notifications read (404 for anyone else's); sent twice,
    the second does nothing more."""
    user = _signed_in(request)
    if not Notice.objects.filter(user=user, pk=pk).exists():
        raise Http404("No such notification.")
    notice_services.notice_mark_read(user=user, pk=pk)
    return redirect("notifications:notices")


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    count = notice_services.notices_mark_read(user=_signed_in(request))
    if count:
        messages.success(request, "All your notifications are marked read.")
    return redirect("notifications:notices")
