from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .models import Profile
from .selectors import profile_get_for_viewer, profile_of
from .services import profile_save


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
