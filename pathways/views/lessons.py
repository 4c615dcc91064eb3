"""Taking a lesson: its overview, each section in turn, the reflection questions (the
answers are the physician's alone) and the self-check that finishes it. The place reached
is kept, so the overview resumes there. Every page is the signed-in physician's own: the
URLs name a module, never a person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from pathways.forms.lessons import ReflectionForm, SelfCheckForm
from pathways.models.opportunities import LearningModule
from pathways.selectors import lessons as selectors
from pathways.services import lessons as services


def _lesson_or_404(slug: str) -> LearningModule:
    """The lesson, once it has sections and a self-check to take (an editor may be
    writing it still)."""
    try:
        module = selectors.lesson_get(slug)
    except LearningModule.DoesNotExist as error:
        raise Http404("No lesson on this site by that name.") from error
    if not module.lesson_sections.all() or not module.check_questions.all():
        raise Http404("This lesson is still being written.")
    return module


def step_url(module: LearningModule, step: int, sections: int) -> str:
    """Steps 1..sections are the sections, then the reflection, then the self-check."""
    if step <= sections:
        return reverse("pathways:lesson-section", args=[module.slug, max(step, 1)])
    if step == sections + 1:
        return reverse("pathways:lesson-reflect", args=[module.slug])
    return reverse("pathways:lesson-check", args=[module.slug])


def _context(request: AuthenticatedHttpRequest, module: LearningModule, **extra) -> dict:
    sections = list(module.lesson_sections.all())
    progress = selectors.lesson_progress(request.user, module)
    return {
        "module": module,
        "sections": sections,
        "progress": progress,
        "steps": len(sections) + 2,
        "reflect_step": len(sections) + 1,
        "check_step": len(sections) + 2,
        **extra,
    }


@login_required
@require_safe
def lesson(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    module = _lesson_or_404(slug)
    context = _context(request, module)
    progress = context["progress"]
    context["resume_url"] = step_url(
        module, progress.step if progress else 1, len(context["sections"])
    )
    context["competencies"] = module.competencies.all()
    return render(request, "pathways/lesson.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_section(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    module = _lesson_or_404(slug)
    context = _context(request, module, step=number)
    sections = context["sections"]
    if not 1 <= number <= len(sections):
        raise Http404("The lesson has no section by that number.")
    if request.method == "POST":
        services.lesson_section_read(
            user=request.user, module=module, number=number, count=len(sections)
        )
        return redirect(step_url(module, number + 1, len(sections)))
    context["section"] = sections[number - 1]
    context["previous_url"] = step_url(module, number - 1, len(sections)) if number > 1 else ""
    return render(request, "pathways/lesson_section.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_reflect(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    module = _lesson_or_404(slug)
    context = _context(request, module)
    context["step"] = context["reflect_step"]
    questions = list(module.reflection_questions.all())
    if request.method == "POST":
        form = ReflectionForm(request.POST, questions=questions)
        if form.is_valid():
            kept = services.lesson_reflections_save(
                user=request.user,
                module=module,
                answers=form.answers(),
                count=len(context["sections"]),
            )
            if kept:
                messages.success(request, "Your reflections are saved. Only you can read them.")
            return redirect("pathways:lesson-check", slug=module.slug)
    else:
        saved = selectors.reflections_of(request.user, module)
        form = ReflectionForm(
            questions=questions,
            initial={f"reflection_{pk}": text for pk, text in saved.items()},
        )
    context["form"] = form
    context["previous_url"] = step_url(module, len(context["sections"]), len(context["sections"]))
    return render(request, "pathways/lesson_reflect.html", context)


def _graded(module: LearningModule, answers: dict) -> list[dict]:
    """Each self-check question with the choice given last time, and whether it was right."""
    rows = []
    for question in module.check_questions.all():
        given = answers.get(str(question.pk))
        choices = question.choice_list
        rows.append(
            {
                "question": question,
                "given": choices[given - 1] if given and 0 < given <= len(choices) else "",
                "right": choices[question.answer - 1] if question.answer <= len(choices) else "",
                "is_right": given == question.answer,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_check(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    module = _lesson_or_404(slug)
    context = _context(request, module)
    context["step"] = context["check_step"]
    questions = list(module.check_questions.all())
    sections = len(context["sections"])
    context["previous_url"] = step_url(module, sections + 1, sections)
    context["pass_mark"] = services.pass_mark(len(questions))
    context["question_count"] = len(questions)
    if request.method == "POST":
        form = SelfCheckForm(request.POST, questions=questions)
        if form.is_valid():
            result = services.lesson_check_submit(
                user=request.user, module=module, choices=form.choices(), sections=sections
            )
            _tell(request, module, result)
            return redirect("pathways:lesson-check", slug=module.slug)
        context["form"] = form
        return render(request, "pathways/lesson_check.html", context)
    progress = context["progress"]
    if progress and progress.check_answers and "again" not in request.GET:
        context["graded"] = _graded(module, progress.check_answers)
    else:
        context["form"] = SelfCheckForm(questions=questions)
    return render(request, "pathways/lesson_check.html", context)


def _tell(request, module: LearningModule, result: services.CheckResult) -> None:
    score = f"{result.score} of {result.total} right"
    if result.finished_now:
        done = (
            f" {result.actions_done} action{'s' if result.actions_done != 1 else ''} in your "
            "plan for it " + ("is" if result.actions_done == 1 else "are") + " marked done."
            if result.actions_done
            else ""
        )
        messages.success(
            request,
            f"{score}: you finished “{module.title}”. It now shows as evidence on the "
            f"competencies it builds.{done}",
        )
    elif result.passed and result.unread_sections:
        messages.warning(
            request,
            f"{score}, a pass. Read the {result.unread_sections} section"
            f"{'s' if result.unread_sections != 1 else ''} you have not opened yet, then take "
            "the self-check again to finish the lesson.",
        )
    elif result.passed:
        messages.info(request, f"{score}. You had finished this lesson already.")
    else:
        messages.warning(
            request,
            f"{score}: not yet a pass. Read why each answer is right below, then try again.",
        )
