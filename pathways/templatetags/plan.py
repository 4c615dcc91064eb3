"""The career plan in templates: the words for the values a plan's history stores, and
the plan's part of the results page (which sits below the plan in the flow of data).

`{{ value|plan_change_value:field }}`: a status or section code of a changed goal or
action, as the model's label. `{% build_a_plan_nudge subject %}`: the nudge on to
building a plan, for a physician who has none."""

from django import template
from django.db import models

from cmo_portal.accounts.models import User
from pathways.models.plan import CareerPlan, ItemStatus, PlanSection

register = template.Library()

# The fields of a goal or an action whose history keeps a code, and the choices naming it.
CHANGE_CHOICES: dict[str, type[models.TextChoices]] = {
    "status": ItemStatus,
    "section": PlanSection,
}


@register.filter
def plan_change_value(value: str, field: str) -> str:
    """The label of `value` when `field` keeps a choice's code; else `value` as stored
    (a plan's own status changes are kept in words already)."""
    choices = CHANGE_CHOICES.get(field)
    if choices is not None and value in choices.values:
        return choices(value).label
    return value


@register.inclusion_tag("pathways/_build_a_plan.html")
def build_a_plan_nudge(subject: User) -> dict:
    return {"has_plans": CareerPlan.objects.filter(owner=subject).exists()}
