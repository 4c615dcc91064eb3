"""The curriculum's public pages: the site's front door, readable without an account."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from cmo_portal.page_cache import cached_for_visitors
from pathways.forms.curriculum import (
    ModuleFilterForm,
    OpportunityFilterForm,
    PathwayCompareForm,
    PathwayFilterForm,
)
from pathways.models.curriculum import Competency, Pathway, ProficiencyLevel, RoleKind
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.selectors import curriculum as selectors
from pathways.selectors import lessons as lesson_selectors

PAGE_SIZE = 20


def _filters(form) -> dict:
    """The valid filters of a bound form; invalid ones stay on the form as errors."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    """A page of `items`; a page number that is not a number, or past the end, gives
    the first or the last page rather than an error."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def _get_or_404(loader, slug: str):
    try:
        return loader(slug)
    except (Pathway.DoesNotExist, Competency.DoesNotExist) as error:
        raise Http404("Not in the curriculum.") from error


def _filtered_list(request: HttpRequest, form_class, selector, template: str) -> HttpResponse:
    """A list page: the filter form bound to the query string, one page of results."""
    form = form_class(request.GET)
    page = _page(request, selector(**_filters(form)))
    return render(request, template, {"form": form, "page": page})


@require_safe
@cached_for_visitors(selectors.CURRICULUM)
def pathway_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request, PathwayFilterForm, selectors.pathway_list, "pathways/pathway_list.html"
    )


@require_safe
@cached_for_visitors(selectors.CURRICULUM)
def pathway_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pathway = _get_or_404(selectors.pathway_with_details, slug)
    return render(
        request,
        "pathways/pathway_detail.html",
        {
            "pathway": pathway,
            "scale": selectors.scale_names(),
            "modules": selectors.modules_for_pathway(pathway),
            "opportunities": selectors.open_opportunities_for_pathway(pathway),
        },
    )


@require_safe
def pathway_compare(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.getlist("pathways")
    if "compare" in request.GET or len(chosen) >= 2:
        form = PathwayCompareForm(request.GET)
    else:
        # Arriving from a pathway's page with one ticked: a starting choice, not an error.
        form = PathwayCompareForm(initial={"pathways": chosen})
    pathways, rows = [], []
    if form.is_valid():
        pathways = list(
            form.cleaned_data["pathways"]
            .select_related("setting", "role_kind")
            .prefetch_related("education")
        )
        rows = selectors.pathway_comparison(pathways)
    return render(
        request,
        "pathways/pathway_compare.html",
        {
            "form": form,
            "pathways": pathways,
            "rows": rows,
            "all_pathways": Pathway.objects.select_related("setting"),
            "scale": selectors.scale_names(),
        },
    )


@require_safe
def role_kinds(request: HttpRequest) -> HttpResponse:
    kinds = RoleKind.objects.prefetch_related("pathways")
    return render(request, "pathways/role_kinds.html", {"role_kinds": kinds})


@require_safe
@cached_for_visitors(selectors.CURRICULUM)
def competency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pathways/competency_list.html",
        {"domains": selectors.competency_library(), "levels": ProficiencyLevel.objects.all()},
    )


@require_safe
def competency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    competency = _get_or_404(selectors.competency_with_details, slug)
    return render(
        request,
        "pathways/competency_detail.html",
        {
            "competency": competency,
            "scale": selectors.scale_names(),
            "modules": competency.modules.order_by("title"),
            "opportunities": competency.opportunities.open().soonest_first()[:6],
            # The reader's own evidence: the lessons they finished that build it.
            "finished_lessons": lesson_selectors.lessons_finished(
                request.user, competency_ids=[competency.pk]
            ),
        },
    )


@require_safe
def module_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request, ModuleFilterForm, selectors.module_list, "pathways/module_list.html"
    )


@require_safe
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_object_or_404(
        LearningModule.objects.prefetch_related("competencies__domain", "lesson_sections"),
        slug=slug,
    )
    progress = lesson_selectors.lesson_progress(request.user, module) if module.is_lesson else None
    return render(request, "pathways/module_detail.html", {"module": module, "progress": progress})


@require_safe
@cached_for_visitors(selectors.CURRICULUM)
def opportunity_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request,
        OpportunityFilterForm,
        selectors.opportunity_list,
        "pathways/opportunity_list.html",
    )


@require_safe
def opportunity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    opportunity = get_object_or_404(
        Opportunity.objects.prefetch_related("pathways", "competencies"), slug=slug
    )
    return render(request, "pathways/opportunity_detail.html", {"opportunity": opportunity})
