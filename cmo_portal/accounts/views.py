from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import ProfileForm
from .models import Profile
from .selectors import data_access_log_of, profile_get_for_viewer, profile_of
from .services import profile_save

LOG_ENTRIES_PER_PAGE = 25


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Where a login lands: the profile form until it is filled in, then home."""
    if profile_of(request.user) is None:
        messages.info(request, "Welcome! Tell us about yourself so we can tailor your path.")
        return redirect("accounts:profile-edit")
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request.user) or Profile(user=request.user)
    is_new = profile.pk is None
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            profile_save(user=request.user, data=form.cleaned_data)
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
def profile_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = profile_get_for_viewer(viewer=request.user, user_id=user_id)
    return render(
        request,
        "accounts/profile_detail.html",
        {"profile": profile, "is_own": profile.user_id == request.user.pk},
    )


@login_required
@require_GET
def data_access_log(request: HttpRequest) -> HttpResponse:
    """Who has seen my data: every look a support member took at the user's records."""
    page = Paginator(data_access_log_of(request.user), LOG_ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    profile = profile_of(request.user)
    return render(
        request,
        "accounts/data_access_log.html",
        {"page": page, "time_zone": profile.time_zone if profile else "UTC"},
    )
