"""The plan's PDF, out of the request. A page asks for the PDF of the plan as it stands
today; the first ask creates a row for that version and queues the render; a Celery task
claims the row (pending -> rendering, a conditional UPDATE), renders it with WeasyPrint
and stores it. Rendering takes seconds, so no web worker waits on it: the page says
"being prepared" until the row is ready. On the embedded default the task runs inline,
so the PDF is ready in the same request."""

import datetime
import hashlib
import logging

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction

from cmo_portal import clock, page_cache
from pathways import exports
from pathways.models.plan import CareerPlan, PdfStatus, PlanPdf
from pathways.selectors.plan import plan_with_items

logger = logging.getLogger(__name__)

# A render claimed this long ago and not finished was cut off (a worker restarted): the
# next ask queues it again.
RENDER_CUT_OFF = datetime.timedelta(minutes=5)
# The render task's stated name (pathways/tasks.py), by which Celery's registry finds it.
PLAN_PDF_RENDER = "pathways.tasks.plan_pdf_render"


def plan_pdf_version(plan: CareerPlan) -> str:
    """What the PDF shows, as a key: the plan and every goal and action as last saved,
    and today's date (it marks what is overdue). Uses the prefetched items."""
    parts = [f"plan:{plan.pk}:{plan.status}:{plan.updated_at.isoformat()}", str(clock.today())]
    for goal in plan.goals.all():
        parts.append(f"g{goal.pk}:{goal.version}:{goal.updated_at.isoformat()}")
        parts.extend(
            f"a{action.pk}:{action.version}:{action.updated_at.isoformat()}"
            for action in goal.actions.all()
        )
    return hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()


def _queue(pdf_id: int) -> None:
    # The task calls this module: it is found by its stated name, not imported.
    task = current_app.tasks[PLAN_PDF_RENDER]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No worker (the embedded default): render now, so this page gets the PDF.
        task.apply(args=(pdf_id,))
        return
    transaction.on_commit(lambda: task.delay(pdf_id))


def plan_pdf_request(*, plan: CareerPlan, retry: bool = False) -> PlanPdf:
    """The PDF row for the plan as it stands (plan with its items prefetched), queued for
    rendering when it is new, cut off, or failed and `retry` is asked. Asking again while
    it renders queues nothing more."""
    version = plan_pdf_version(plan)
    try:
        with transaction.atomic():
            pdf, created = PlanPdf.objects.get_or_create(plan=plan, version=version)
    except IntegrityError:  # asked for by another request at the same moment
        pdf, created = PlanPdf.objects.get(plan=plan, version=version), False
    if created:
        _queue(pdf.pk)
    else:
        cut_off = clock.now() - RENDER_CUT_OFF
        again = PlanPdf.objects.filter(
            pk=pdf.pk, status=PdfStatus.RENDERING, claimed_at__lt=cut_off
        )
        if retry:
            again = again | PlanPdf.objects.filter(pk=pdf.pk, status=PdfStatus.FAILED)
        if again.update(status=PdfStatus.PENDING, requested_at=clock.now(), error=""):
            page_cache.pages_changed_for([plan.owner_id])
            _queue(pdf.pk)
    pdf.refresh_from_db()
    return pdf


def plan_pdf_render(*, pdf_id: int) -> bool:
    """Render one claimed PDF. False when another worker has it, or it is done."""
    claimed = PlanPdf.objects.filter(pk=pdf_id, status=PdfStatus.PENDING).update(
        status=PdfStatus.RENDERING, claimed_at=clock.now()
    )
    if not claimed:
        return False
    pdf = PlanPdf.objects.select_related("plan").only("plan__owner_id").get(pk=pdf_id)
    plan = plan_with_items(CareerPlan(pk=pdf.plan_id))
    try:
        content = exports.plan_pdf(plan, base_url=settings.SITE_URL)
    except Exception as error:
        logger.exception("The PDF of plan %s could not be rendered", pdf.plan_id)
        PlanPdf.objects.filter(pk=pdf_id).update(status=PdfStatus.FAILED, error=str(error)[:500])
        page_cache.pages_changed_for([pdf.plan.owner_id])
        return False
    PlanPdf.objects.filter(pk=pdf_id, status=PdfStatus.RENDERING).update(
        status=PdfStatus.READY, content=content, rendered_at=clock.now()
    )
    # The plan page shows the download (cmo_portal.page_cache).
    page_cache.pages_changed_for([pdf.plan.owner_id])
    # Older versions are of no more use: keep the newest only.
    PlanPdf.objects.filter(plan_id=pdf.plan_id, pk__lt=pdf_id).exclude(
        status__in=(PdfStatus.PENDING, PdfStatus.RENDERING)
    ).delete()
    return True
