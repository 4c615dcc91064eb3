"""The career plan's background work."""

from celery import shared_task

from assessments.services import PLANS_REFRESH
from cmo_portal.celery import RUN_AGAIN_IF_CUT_OFF, retries_for

from .services import pdf
from .services.plan import plans_refresh as refresh_plans


@shared_task(
    name=pdf.PLAN_PDF_RENDER,
    **retries_for(ConnectionError, TimeoutError),
    soft_time_limit=90,
    time_limit=120,
    **RUN_AGAIN_IF_CUT_OFF,
)
def plan_pdf_render(pdf_id: int) -> bool:
    """Render the plan's PDF. Safe to run twice (a retry, a message whose worker died):
    the render claims its row (pending -> rendering), so a second run renders nothing; a
    render cut off mid-way is queued again by the next ask after RENDER_CUT_OFF."""
    return pdf.plan_pdf_render(pdf_id=pdf_id)


@shared_task(
    name=PLANS_REFRESH,
    **retries_for(ConnectionError, TimeoutError),
    soft_time_limit=120,
    time_limit=150,
    **RUN_AGAIN_IF_CUT_OFF,
)
def plans_refresh(user_id: int) -> int:
    """Regenerate the physician's plans after a new self-rating. Safe to run twice:
    regeneration adds nothing it already added."""
    return refresh_plans(user_id=user_id)
