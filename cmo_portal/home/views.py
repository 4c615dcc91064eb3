"""The home page: the front door for visitors, a signed-in person's journey and
dashboard; and the one onboarding step that is a button (skipping the mentor step)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.accounts.selectors import profile_of
from cmo_portal.accounts.services import profile_onboarding_mark
from cmo_portal.page_cache import cached_for_reader
from mentors.models.profiles import MENTORS
from pathways.selectors.curriculum import CURRICULUM

from .dashboard import dashboard_for


@require_safe
@cached_for_reader(CURRICULUM, MENTORS)
def home(request: HttpRequest) -> HttpResponse:
    """The front door for visitors; for a signed-in person, their journey (until it is
    done) and their dashboard."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {})
    board = dashboard_for(request.user)
    return render(request, "dashboard.html", {"board": board, "journey": board.journey})


@login_required
@require_POST
def skip_mentor_step(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile_onboarding_mark(profile=profile_of(request.user), flag="mentors_skipped")
    messages.info(request, "Skipped for now. Mentor suggestions stay under Mentors.")
    return redirect("home")
