"""The career plan in templates: the words for the values a plan's history stores, and
the plan's part of the results page (which sits below the plan in the flow of data).

`{{ value|plan_change_value:field }}`: a status or section code of a changed goal or
action, as the model's label. `{{ item|due_in_words }}`: a goal's or an action's due date.
`{% build_a_plan_nudge subject %}`: the nudge on to
building a plan, for a physician who has none."""

from django import template
from django.db import models
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cmo_portal.accounts.models import User
from cmo_portal.accounts.templatetags.time_zones import days_from_today
from pathways.models.plan import CareerPlan, ItemStatus, PlanAction, PlanGoal, PlanSection

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


@register.filter
def due_in_words(item: PlanGoal | PlanAction) -> SafeString:
    """ "Due 31 March 2027" or "No due date"; while the item is not done, "overdue",
    "(today)" or "(tomorrow)", counted from the reader's own today. A filter, not an
    include, because the plan page writes it for every goal and action it lists."""
    due = item.due_date
    if due is None:
        return SafeString("No due date")
    when = format_html(
        'Due <time datetime="{}">{}</time>', due.isoformat(), date_format(due, "j F Y")
    )
    if item.status == ItemStatus.DONE:
        return when
    days = days_from_today(due)
    if days is None:
        return when
    if days < 0:
        return format_html('{} <span class="overdue">overdue</span>', when)
    if days in (0, 1):
        word = "today" if days == 0 else "tomorrow"
        return format_html('{} <span class="due-soon">({})</span>', when, word)
    return when


@register.inclusion_tag("pathways/_build_a_plan.html")
def build_a_plan_nudge(subject: User) -> dict:
    return {"has_plans": CareerPlan.objects.filter(owner=subject).exists()}
