"""The career plan taken out of the site: a dict (for JSON and the print page), CSV, an
iCalendar feed and a PDF.

Every function here reads a plan loaded with `selectors.plan_with_items(plan)` (its goals
in section order) and makes no query of its own, so an export costs the same few queries
however long the plan is.
"""

import csv
import datetime
import io
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join
from icalendar import Calendar, Event

from cmo_portal import clock
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanGoal,
    PlanSection,
)

PRINT_TEMPLATE = "pathways/plan_print.html"
CSV_COLUMNS = [
    "section",
    "goal",
    "goal status",
    "goal due",
    "target level",
    "action",
    "action status",
    "action due",
    "effort hours",
    "module",
    "opportunity",
    "notes",
    "evidence",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Progress ---------------------------------------------------------------------------


def goal_progress(goal: PlanGoal) -> int:
    """Per cent done: 100 for a done goal, else the share of its actions done (0 with
    none). Uses the prefetched actions."""
    return goal.progress()


def plan_progress(plan: CareerPlan) -> int:
    """Per cent of the plan done: each action counts once, and so does each goal without
    actions. Uses the prefetched goals and actions."""
    return plan.progress()


# --- The whole plan as plain data -------------------------------------------------------


def _link(path: str, site_url: str) -> str:
    return f"{site_url}{path}" if path else ""


def _action_as_dict(action: PlanAction, goal: PlanGoal, site_url: str) -> dict:
    module, opportunity = action.module, action.opportunity
    others = [g for g in action.serves.all() if g.pk != goal.pk]
    serves = [goal.pk, *sorted(g.pk for g in others)]
    return {
        "id": action.pk,
        "title": action.title,
        "status": action.status,
        "status_label": action.get_status_display(),
        "due_date": action.due_date,
        "effort_hours": action.effort_hours,
        "section": goal.section,
        "goal_ids": serves,  # the goal it is listed under first, then the others it serves
        "source": action.source,
        "also_serves": [g.title for g in others],
        "notes": action.notes,
        "evidence": action.evidence,
        "generated": action.is_generated,
        "module": {
            "title": module.title,
            "url": _link(module.get_absolute_url(), site_url),
            "external_url": module.url,
            "effort_hours": module.effort_hours,
        }
        if module
        else None,
        "opportunity": {
            "title": opportunity.title,
            "organisation": opportunity.organisation,
            "listing": opportunity.listing,
            "deadline": opportunity.deadline_to_act_on,
            "url": _link(opportunity.get_absolute_url(), site_url),
            "external_url": opportunity.url,
        }
        if opportunity
        else None,
        "updated_at": action.updated_at,
    }


def _goal_as_dict(goal: PlanGoal, site_url: str) -> dict:
    competency = goal.competency
    return {
        "id": goal.pk,
        "title": goal.title,
        "section": goal.section,
        "section_label": goal.get_section_display(),
        "status": goal.status,
        "status_label": goal.get_status_display(),
        "due_date": goal.due_date,
        "target_level": goal.target_level,
        "competency": {
            "name": competency.name,
            "slug": competency.slug,
            "url": _link(competency.get_absolute_url(), site_url),
        }
        if competency
        else None,
        "notes": goal.notes,
        "progress": goal_progress(goal),
        "generated": goal.is_generated,
        "updated_at": goal.updated_at,
        "actions": [_action_as_dict(action, goal, site_url) for action in goal.actions.all()],
    }


def plan_as_dict(plan: CareerPlan, *, site_url: str = "") -> dict:
    """The whole plan: its pathway, status, dates and progress, then every section of
    the development plan in order, each with its goals and their actions. Dates stay
    `date`/`datetime` objects (serialise with DjangoJSONEncoder); links are site paths,
    made absolute with `site_url` (e.g. "https://cmo-pathways.example.org")."""
    site_url = site_url.rstrip("/")
    goals = plan.goals.all()
    sections = [
        {
            "key": value,
            "title": label,
            "goals": [_goal_as_dict(goal, site_url) for goal in goals if goal.section == value],
        }
        for value, label in PlanSection.choices
    ]
    return {
        "id": plan.pk,
        "url": _link(plan.get_absolute_url(), site_url),
        "owner": plan.owner.get_full_name(),
        "pathway": {
            "title": plan.pathway.title,
            "slug": plan.pathway.slug,
            "url": _link(plan.pathway.get_absolute_url(), site_url),
        },
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "progress": plan_progress(plan),
        "goal_count": len(goals),
        "action_count": sum(len(goal.actions.all()) for goal in goals),
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "generated_at": plan.generated_at,
        "exported_at": clock.now(),
        # The pace it was scheduled at: hours a week, the end of the horizon, and the
        # weeks the planned work needs at that pace (null for a plan never generated).
        "hours_per_week": plan.hours_per_week,
        "horizon_end": plan.horizon_end,
        "weeks_needed": plan.weeks_needed,
        "sections": sections,
    }


# --- CSV --------------------------------------------------------------------------------


def _cell(value) -> str | int:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a
    leading apostrophe, so it shows as typed."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def plan_csv(plan: CareerPlan) -> str:
    """One row per action, and one per goal that has no action. The notes are the
    action's on an action's row and the goal's on a goal's own row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for goal in plan.goals.all():
        goal_cells = [
            goal.get_section_display(),
            goal.title,
            goal.get_status_display(),
            goal.due_date,
            goal.target_level,
        ]
        actions = list(goal.actions.all())
        if not actions:
            writer.writerow([_cell(v) for v in [*goal_cells, *[""] * 6, goal.notes, ""]])
        for action in actions:
            row = [
                *goal_cells,
                action.title,
                action.get_status_display(),
                action.due_date,
                action.effort_hours,
                action.module.title if action.module else "",
                action.opportunity.title if action.opportunity else "",
                action.notes,
                action.evidence,
            ]
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()


# --- iCalendar --------------------------------------------------------------------------


def _event(*, uid: str, summary: str, due: datetime.date, description: str, url: str, item):
    event = Event()
    event.add("uid", uid)
    # The item's last change: a calendar app sees an event changed when this moves.
    event.add("dtstamp", item.updated_at)
    event.add("last-modified", item.updated_at)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("dtstart", due)
    # An all-day event lasts a day; a duration, not an end date, holds for any due date
    # stored (31 December 9999 has no next day).
    event.add("duration", datetime.timedelta(days=1))
    # A deadline, not a meeting: it does not make the physician look busy.
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Career plan"])
    return event


def plan_ical(plan: CareerPlan, *, site_url: str) -> bytes:
    """An all-day event on the due date of every dated goal and action, each with a UID
    that stays the same across downloads so calendar apps update events in place."""
    link = f"{site_url.rstrip('/')}{plan.get_absolute_url()}"
    calendar = Calendar()
    calendar.add("prodid", "-//CMO Pathways//Career development plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"CMO Pathways: {plan.pathway.title}")
    calendar.add("x-wr-caldesc", f"Due dates of your career development plan: {link}")
    # Hints for how often to poll; the feed is cheap and changes when the plan does.
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for goal in plan.goals.all():
        if goal.due_date:
            done = " (done)" if goal.status == ItemStatus.DONE else ""
            target = f" Target: level {goal.target_level}." if goal.target_level else ""
            calendar.add_component(
                _event(
                    uid=f"plan-{plan.pk}-goal-{goal.pk}@cmo-pathways",
                    summary=f"Goal due: {goal.title}{done}",
                    due=goal.due_date,
                    description=f"{goal.get_section_display()}. Status: "
                    f"{goal.get_status_display()}.{target}\n\nYour plan: {link}",
                    url=link,
                    item=goal,
                )
            )
        for action in goal.actions.all():
            if not action.due_date:
                continue
            done = " (done)" if action.status == ItemStatus.DONE else ""
            effort = f" About {action.effort_hours} h." if action.effort_hours else ""
            calendar.add_component(
                _event(
                    uid=f"plan-{plan.pk}-action-{action.pk}@cmo-pathways",
                    summary=f"{action.title}{done}",
                    due=action.due_date,
                    description=f"For the goal “{goal.title}”. Status: "
                    f"{action.get_status_display()}.{effort}\n\nYour plan: {link}",
                    url=link,
                    item=action,
                )
            )
    return calendar.to_ical()


# --- Print page and PDF -----------------------------------------------------------------


def print_context(plan: CareerPlan) -> dict:
    """What templates/pathways/plan_print.html needs, for the page and for the PDF."""
    return {"plan": plan, "data": plan_as_dict(plan), "today": clock.today()}


def _static_file(path: str) -> Path | None:
    """The file on disk for a path under STATIC_URL: the source file through the
    finders, else the collected copy (hashed names in production). The source first,
    so a stale collectstatic on a developer's machine is not what the PDF shows."""
    path = posixpath.normpath(unquote(path)).lstrip("/")
    if path.startswith("..") or not path or path == ".":
        return None
    if found := finders.find(path):
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, path))
        except SuspiciousFileOperation:
            return None
        if collected.is_file():
            return collected
    return None


def _static_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that serves the site's static files from disk and
    refuses everything else: the PDF needs no network, not even the site itself."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = f"{base_url.rstrip('/')}{settings.STATIC_URL}"

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(static_prefix):
                found = _static_file(urlsplit(url).path[len(settings.STATIC_URL) :])
                if found is not None:
                    content_type = mimetypes.guess_type(found.name)[0]
                    return URLFetcherResponse(
                        url,
                        found.read_bytes(),
                        {"Content-Type": content_type or "application/octet-stream"},
                    )
            raise ValueError(f"The PDF loads only the site's static files, not {url}")

    return StaticFilesFetcher()


def plan_pdf(plan: CareerPlan, *, base_url: str) -> bytes:
    """The print page as a PDF, with the same stylesheets (site.css, then print.css);
    links are absolute under `base_url` (the site's address). Rendered by a task, with
    no request: pathways/services/pdf.py."""
    # Imported here: WeasyPrint loads Pango, which only the PDF needs.
    from weasyprint import HTML

    base_url = base_url.rstrip("/") + "/"
    context = {**print_context(plan), "pdf": True, "messages": ()}
    html = render_to_string(PRINT_TEMPLATE, context)
    document = HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher(base_url))
    return document.write_pdf()
