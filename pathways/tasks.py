"""The career plan's background work."""

from celery import shared_task


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=10,
    max_retries=3,
    soft_time_limit=90,
    time_limit=120,
)
def plan_pdf_render(pdf_id: int) -> bool:
    """Render the plan's PDF (a claimed row: running it twice renders once)."""
    from .services.pdf import plan_pdf_render as render

    return render(pdf_id=pdf_id)
