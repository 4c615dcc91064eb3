from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cmo_portal.accounts.models import User
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.accounts.selectors import profile_of
from cmo_portal.accounts.services import profile_onboarding_mark
from cmo_portal.page_cache import cached_for_reader
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from pathways.models.curriculum import ProficiencyLevel
from pathways.selectors import lessons as lessons_selectors
from pathways.selectors.curriculum import CURRICULUM

from . import charts, scoring, selectors, services
from .forms import STEP_FORMS, RubricForm
from .models import NeedsAssessment, RaterRole, RatingSet


@login_required
@require_safe
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Resume the assessment in progress at the step reached, or start one."""
    assessment = services.assessment_start_or_resume(user=request.user)
    return redirect("assessments:step", pk=assessment.pk, step=assessment.step_reached)


@login_required
@require_POST
def retake(request: AuthenticatedHttpRequest) -> HttpResponse:
    assessment = services.assessment_start_or_resume(user=request.user)
    if assessment.step_reached > 1:
        messages.info(request, "You already have an assessment in progress: carry on here.")
        return redirect("assessments:step", pk=assessment.pk, step=assessment.step_reached)
    messages.info(request, "A new assessment, filled in with your last answers to review.")
    return redirect("assessments:step", pk=assessment.pk, step=1)


@login_required
@require_http_methods(["GET", "POST"])
def step(request: AuthenticatedHttpRequest, pk: int, step: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_owner(user=request.user, pk=pk)
    if not 1 <= step <= assessment.step_count:
        raise Http404("No such step.")
    if assessment.is_complete:
        messages.info(request, "This assessment is finished. Retake it to change your answers.")
        return redirect(assessment)
    if step > assessment.step_reached:
        messages.warning(request, "Please finish this step first.")
        return redirect("assessments:step", pk=pk, step=assessment.step_reached)

    form_class = STEP_FORMS.get(step)
    form = form_class(request.POST or None, instance=assessment) if form_class else None
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if form is None:  # the review step: finish
            try:
                services.assessment_complete(assessment=assessment)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("assessments:step", pk=pk, step=2)
            messages.success(request, "Assessment finished. Next: rate your competencies.")
            return redirect("assessments:rubric")
        if form.is_valid():
            services.assessment_save_step(assessment=assessment, step=step, data=form.cleaned_data)
            if action == "back":
                return redirect("assessments:step", pk=pk, step=max(step - 1, 1))
            if action == "save":
                messages.success(request, "Saved. You can come back and carry on at any time.")
                return redirect("home")
            return redirect("assessments:step", pk=pk, step=step + 1)
        messages.error(request, "This step was not saved: please correct the fields marked below.")
    return render(
        request,
        "assessments/step.html",
        {
            "assessment": assessment,
            "form": form,
            "step": step,
            "step_name": NeedsAssessment.STEPS[step - 1],
            "steps": list(enumerate(NeedsAssessment.STEPS, start=1)),
            "progress": round(100 * (step - 1) / assessment.step_count),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_safe
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get_for_viewer(viewer=request.user, pk=pk)
    return render(
        request,
        "assessments/detail.html",
        {"assessment": assessment, "is_own": assessment.user_id == request.user.pk},
    )


@login_required
@require_safe
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/history.html",
        {
            "assessments": request.user.needs_assessments.all(),
            "rating_sets": RatingSet.objects.submitted()
            .filter(subject=request.user)
            .select_related("rater__profile"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request: AuthenticatedHttpRequest) -> HttpResponse:
    return rubric_page(
        request,
        subject=request.user,
        role=RaterRole.SELF,
        submitted_url=reverse("assessments:results"),
    )


# The rubric's view switch: buttons of the rubric form that save the draft, then show
# the other view, so nothing rated or typed is lost on the way.
RUBRIC_VIEW_SWITCHES = {"show-all": "?scope=all", "show-targets": ""}


def rubric_page(
    request: AuthenticatedHttpRequest, *, subject: User, role: str, submitted_url: str
) -> HttpResponse:
    """The rubric form for `request.user` rating `subject`: the physician themselves, or
    (from the mentors app) an active mentor rating their mentee. The caller checks access.

    A POST saves the draft, then: "submit" submits it, a view switch shows the other
    view, "autosave" (the page's script, as the rater goes) answers in JSON."""
    everything = request.GET.get("scope") == "all"
    competencies, everything = selectors.competencies_to_rate(subject, everything=everything)
    draft = services.rating_draft_get_or_create(subject=subject, rater=request.user, role=role)
    saved = {r.competency_id: r for r in draft.ratings.all()}
    initial = {f"level_{c.pk}": "" for c in competencies}  # "Not rated yet"
    for competency_id, rating in saved.items():
        initial[f"level_{competency_id}"] = str(rating.level)
        initial[f"evidence_{competency_id}"] = rating.evidence
    if role == RaterRole.SELF:  # the lessons they finished: evidence to cite, theirs alone
        evidence = lessons_selectors.lesson_evidence_by_competency(subject)
        for competency in competencies:
            setattr(competency, "finished_lessons", evidence.get(competency.pk, []))  # noqa: B010
    scale = list(ProficiencyLevel.objects.values_list("number", flat=True))
    form = RubricForm(request.POST or None, initial=initial, competencies=competencies, scale=scale)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "autosave":
            return _rubric_autosave(form, draft)
        if form.is_valid():
            if action == "submit":
                # A submitted set is permanent: the same form sent twice (Back, then
                # Submit again) makes one set, not a second from a fresh draft.
                token = request.POST.get(TOKEN_FIELD)
                try:
                    with form_sent_once(
                        user=request.user, token=token, content=request.POST
                    ) as sending:
                        services.rating_draft_save(rating_set=draft, ratings=form.ratings())
                        services.rating_set_submit(rating_set=draft)
                        sending.leads_to = submitted_url
                except AlreadySent as repeat:
                    return already_sent(request, repeat, fallback=submitted_url)
                except ValidationError as error:
                    services.rating_draft_save(rating_set=draft, ratings=form.ratings())
                    messages.error(request, " ".join(error.messages))
                    return redirect(request.get_full_path())
                messages.success(
                    request,
                    "Ratings submitted. Here is where you stand."
                    if role == RaterRole.SELF
                    else "Ratings submitted. They now show beside your mentee's own.",
                )
                return redirect(submitted_url)
            services.rating_draft_save(rating_set=draft, ratings=form.ratings())
            messages.success(request, "Draft saved. Nothing is final until you submit.")
            switch = RUBRIC_VIEW_SWITCHES.get(action)
            return redirect(request.get_full_path() if switch is None else request.path + switch)
        messages.error(request, "Your ratings were not saved: please correct what is marked below.")
    return render(
        request,
        "assessments/rubric.html",
        {
            "form": form,
            "draft": draft,
            "has_saved": bool(saved),
            "everything": everything,
            "rated": sum(1 for c in competencies if c.pk in saved),
            "total": len(competencies),
            "subject": subject,
            "is_own": role == RaterRole.SELF,
        },
        status=400 if form.errors else 200,
    )


def _rubric_autosave(form: RubricForm, draft: RatingSet) -> JsonResponse:
    """Save the draft and say when, in the reader's time; or say why not, saving nothing."""
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.error_lines()}, status=400)
    ratings = form.ratings()
    draft = services.rating_draft_save(rating_set=draft, ratings=ratings)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": f"{timezone.localtime(draft.updated_at):%H:%M}",
            "rated": sum(1 for level, _ in ratings.values() if level is not None),
            "total": len(ratings),
        }
    )


@login_required
@require_safe
def rating_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rating_set = selectors.rating_set_get_for_viewer(viewer=request.user, pk=pk)
    ratings = rating_set.ratings.in_rubric_order().select_related("competency__domain")
    return render(
        request, "assessments/rating_set.html", {"rating_set": rating_set, "ratings": ratings}
    )


def _results_page(request: AuthenticatedHttpRequest, subject: User) -> HttpResponse:
    """The gap analysis of `subject`. The nudge to build a plan and a mentor's link to
    rate their mentee come from the template's plan and mentoring tags: the plan and
    mentors sit above the assessments."""
    results = selectors.results_for(subject=subject, pathway_slug=request.GET.get("pathway"))
    top_level = max(results.scale, default=4)
    return render(
        request,
        "assessments/results.html",
        {
            "results": results,
            "is_own": subject.pk == request.user.pk,
            "rules": scoring.RULES_IN_WORDS,
            "radar": charts.radar(results.gaps, top_level),
            "history_chart": charts.readiness_over_time(
                results.history, {p.pk: p.title for p in results.target_pathways}
            ),
        },
    )


@login_required
@require_safe
@cached_for_reader(CURRICULUM)
def results(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = _results_page(request, request.user)
    profile_onboarding_mark(profile=profile_of(request.user), flag="results_seen")
    return response


@login_required
@require_safe
def results_for(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.results_subject_get_for_viewer(viewer=request.user, user_id=user_id)
    return _results_page(request, subject)
