"""The plan's pages, by URL name: `url("plan-print", plan)` is pathways:plan-print of it."""

from django.urls import reverse

from pathways.models.plan import CareerPlan


def url(name: str, plan: CareerPlan) -> str:
    return reverse(f"pathways:{name}", kwargs={"pk": plan.pk})
