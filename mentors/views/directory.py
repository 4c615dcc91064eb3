"""Finding a mentor: the directory, a mentor's page, suggestions; and the mentor's own
profile (apply, edit, pause requests)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cmo_portal import clock
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.page_cache import cached_for_reader
from mentors import matching
from mentors.forms import DirectoryFilterForm, MentorProfileForm, PauseForm, SuggestionFilterForm
from mentors.models.mentorships import MAX_OPEN_REQUESTS, Mentorship
from mentors.models.profiles import MENTORS
from mentors.selectors.endings import mentor_public_feedback
from mentors.selectors.profiles import mentor_directory, mentor_get_for_viewer, mentor_profile_of
from mentors.selectors.suggestions import mentor_suggestions
from mentors.services.profiles import mentor_profile_save, mentor_requests_pause
from pathways.selectors.curriculum import CURRICULUM

MENTORS_PER_PAGE = 12


@login_required
@require_safe
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    mentors = mentor_directory(
        setting=filters.get("setting"),
        pathway=filters.get("pathway"),
        competency=filters.get("competency"),
        with_room=bool(filters.get("room")),
        q=filters.get("q", ""),
    )
    page = Paginator(mentors, MENTORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentors/directory.html",
        {"form": form, "page": page, "own_profile": mentor_profile_of(request.user)},
    )


@login_required
@require_safe
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor = mentor_get_for_viewer(viewer=request.user, pk=pk)
    mine = Mentorship.objects.filter(mentee=request.user, mentor=mentor)
    declined = mine.declined_within_cool_off(clock.now()).order_by("-responded_at").first()
    return render(
        request,
        "mentors/detail.html",
        {
            "mentor": mentor,
            "current": mine.current().first(),
            # The page says when a physician who was declined may ask again.
            "declined_until": declined.may_ask_again_from if declined else None,
            "is_self": mentor.user_id == request.user.pk,
            "mentee_feedback": mentor_public_feedback(mentor),
        },
    )


@login_required
@require_safe
@cached_for_reader(CURRICULUM, MENTORS)
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SuggestionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = mentor_suggestions(
        mentee=request.user,
        pathway_slug=filters.get("pathway") or None,
        formats=frozenset(filters.get("formats") or ()),
    )
    if not form.is_bound:  # show the ways of meeting given in the needs assessment
        form = SuggestionFilterForm(initial={"formats": sorted(found.needs.formats)})
    return render(
        request,
        "mentors/suggestions.html",
        {
            "form": form,
            "found": found,
            "results": found.results,
            "rules": matching.RULES_IN_WORDS,
            "open_requests": found.open_requests,
            "max_open_requests": MAX_OPEN_REQUESTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Apply to mentor, or edit the mentor profile."""
    profile = mentor_profile_of(request.user)
    teaches = dict(profile.teaches.values_list("competency_id", "level")) if profile else {}
    initial = {}
    if profile is None and hasattr(request.user, "profile"):
        initial = {
            "time_zone": request.user.profile.time_zone,
            "current_role": request.user.profile.current_role,
            "languages": ["en"],
        }
    form = MentorProfileForm(
        request.POST or None, instance=profile, teaches=teaches, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = {**form.cleaned_data}
            try:
                saved, created = mentor_profile_save(
                    user=request.user, data=data, teaches=form.teaches()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if created or not saved.is_approved:
                    messages.success(
                        request,
                        "Thank you. Your application is with our team; you will hear by "
                        "email once it is reviewed.",
                    )
                else:
                    messages.success(request, "Your mentor profile is saved.")
                return redirect("mentors:profile-edit")
        messages.error(request, "Your profile was not saved: please correct what is marked below.")
    return render(
        request,
        "mentors/profile_form.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def profile_pause(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = mentor_profile_of(request.user)
    form = PauseForm(request.POST)
    if profile is None:
        messages.error(request, "You have no mentor profile yet.")
        return redirect("mentors:profile-edit")
    if not form.is_valid():
        messages.error(request, "Choose whether you are taking requests.")
        return redirect("mentors:dashboard")
    mentor_requests_pause(
        profile=profile, accepting=form.cleaned_data["accepting"], note=form.cleaned_data["note"]
    )
    if form.cleaned_data["accepting"]:
        messages.success(request, "You are taking new requests again.")
    else:
        messages.success(
            request, "New requests are paused. Your current mentorships carry on as before."
        )
    return redirect("mentors:dashboard")
