from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cmo_portal import clock
from cmo_portal.time_zones import time_zone_remember

from .forms import AccountDeleteForm, ProfileForm, VerificationResendForm
from .models import FORMER_MEMBER, FORMER_MENTOR, MENTOR_DELETED_REASON, Profile
from .personal_data import (
    export_filename,
    personal_data_json,
    personal_data_of,
    personal_data_summary,
)
from .requests import AuthenticatedHttpRequest
from .selectors import data_access_log_of, profile_get_for_viewer, profile_of
from .services import account_delete, profile_save, verification_email_resend

LOG_ENTRIES_PER_PAGE = 25


@login_required
def after_login(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a login lands: the profile form until it is filled in, then home."""
    if profile_of(request.user) is None:
        messages.info(request, "Welcome! Tell us about yourself so we can tailor your path.")
        return redirect("accounts:profile-edit")
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = profile_of(request.user) or Profile(user=request.user)
    is_new = profile.pk is None
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            profile = profile_save(user=request.user, data=form.cleaned_data)
            time_zone_remember(request, profile.time_zone)
            messages.success(request, "Your profile is saved.")
            return redirect("home" if is_new else "accounts:profile-edit")
        messages.error(
            request, "Your profile was not saved: please correct the fields marked below."
        )
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "is_new": is_new},
        status=400 if form.errors else 200,
    )


@login_required
def profile_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    profile = profile_get_for_viewer(viewer=request.user, user_id=user_id)
    return render(
        request,
        "accounts/profile_detail.html",
        {"profile": profile, "is_own": profile.user_id == request.user.pk},
    )


@login_required
@require_safe
def data_access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who has seen my data: every look a support member took at the user's records."""
    page = Paginator(data_access_log_of(request.user), LOG_ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/data_access_log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET shows what the download holds; POST (or GET with ?download=1) returns it as
    one JSON file."""
    data = personal_data_of(request.user)
    if request.method == "POST" or request.GET.get("download"):
        response = HttpResponse(
            personal_data_json(data), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename(clock.today())}"'
        return response
    return render(request, "accounts/data_download.html", {"summary": personal_data_summary(data)})


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Asks for the password again (allauth), says what goes and what stays, and deletes
    the account once the person types their email address."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                account_delete(user_id=request.user.pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(
                    request,
                    "Your account and your data are deleted. What you wrote on other "
                    "people's plans stays, signed by a former member. Thank you for "
                    "using CMO Pathways.",
                )
                return redirect("home")
        if form.errors:
            messages.error(request, "Your account was not deleted: see the message below.")
    return render(
        request,
        "accounts/delete.html",
        {
            "form": form,
            "summary": personal_data_summary(personal_data_of(request.user)),
            "former_member": FORMER_MEMBER,
            "former_mentor": FORMER_MENTOR,
            "mentor_deleted_reason": MENTOR_DELETED_REASON,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def verification_resend(request: HttpRequest) -> HttpResponse:
    """ "Send it again" from the page that says a confirmation link was emailed. The same
    answer whether or not the address has an account waiting."""
    form = VerificationResendForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and form.is_valid():
        verification_email_resend(request=request, email=form.cleaned_data["email"])
        messages.info(
            request,
            "If that address is waiting to be confirmed, a new link is on its way (we "
            "send one at most every three minutes). Look in the spam folder too.",
        )
        return redirect("account_email_verification_sent")
    return render(
        request,
        "account/verification_resend.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
