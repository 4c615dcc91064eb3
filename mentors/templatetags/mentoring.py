"""The mentor parts of pages that sit below mentors in the flow of data. The plan page
and the results page render their own data and load this library for what mentoring
adds to them, so the plan and the assessments never import mentors.

On the plan page, `{% plan_mentoring plan as mentoring %}` reads, once, what every part
needs (the viewer's mentorship of the owner, whether the owner has a mentor, the
feedback), so the page's queries do not grow with the parts; the parts then take
`mentoring`: `{% plan_feedback_counts mentoring %}`, `{% plan_mentor_banner mentoring %}`,
`{% plan_mentor_bar mentoring %}`, `{% find_a_mentor_nudge mentoring %}`,
`{% goal_feedback mentoring goal %}` and `{% plan_feedback_sections mentoring sections %}`. On the
results page, `{% mentee_rating_links subject %}`. And, for any page, the mentoring rules
in the models' own numbers: `{% request_expiry %}`."""

from dataclasses import dataclass

from django import template
from django.http import HttpRequest

from cmo_portal.accounts.models import User
from mentors.forms import CommentForm
from mentors.models.mentorships import REQUEST_EXPIRES_AFTER, Mentorship
from mentors.selectors.feedback import PlanFeedback, plan_feedback
from mentors.selectors.mentorships import active_mentorship
from pathways.models.plan import CareerPlan, PlanGoal

register = template.Library()


@register.simple_tag
def request_expiry() -> str:
    """How long a request waits for the mentor's answer before it expires, in words."""
    days = REQUEST_EXPIRES_AFTER.days
    return f"{days} day{'' if days == 1 else 's'}"


# A comment the server refused waits in the session for the form, so nothing typed is lost.
COMMENT_DRAFT_MAX = 4000


def _comment_draft_key(plan: CareerPlan) -> str:
    return f"comment_draft_{plan.pk}"


def comment_draft_keep(request: HttpRequest, plan: CareerPlan, body: str) -> None:
    """Keep the text of a comment that was not sent, for the plan page's comment form."""
    request.session[_comment_draft_key(plan)] = body[:COMMENT_DRAFT_MAX]


def comment_draft_take(request: HttpRequest, plan: CareerPlan) -> str:
    """The kept text of a comment on `plan` ("" if none), taken out of the session."""
    return request.session.pop(_comment_draft_key(plan), "")


@dataclass
class PlanMentoring:
    """What mentoring adds to the plan page, read once for all its parts."""

    plan: CareerPlan
    viewer: User
    is_owner: bool
    mentorship: Mentorship | None  # set when the viewer is an active mentor of the owner
    has_mentor: bool  # the owner has a mentor: no nudge to find one
    feedback: PlanFeedback
    comment_form: CommentForm

    @property
    def can_comment(self) -> bool:
        return self.is_owner or self.mentorship is not None


@register.simple_tag(takes_context=True)
def plan_mentoring(context: template.Context, plan: CareerPlan) -> PlanMentoring:
    request = context["request"]
    viewer = request.user
    is_owner = plan.owner_id == viewer.pk
    mentorship = None if is_owner else active_mentorship(mentor_user=viewer, mentee=plan.owner)
    has_mentor = is_owner and Mentorship.objects.current().filter(mentee=plan.owner).exists()
    return PlanMentoring(
        plan=plan,
        viewer=viewer,
        is_owner=is_owner,
        mentorship=mentorship,
        has_mentor=has_mentor,
        comment_form=CommentForm(initial={"body": comment_draft_take(request, plan)}),
        feedback=plan_feedback(plan),
    )


def _parts(mentoring: PlanMentoring, **more) -> dict:
    """The context of a part: the mentoring, and its members by their usual names."""
    return {
        "mentoring": mentoring,
        "plan": mentoring.plan,
        "user": mentoring.viewer,
        "is_owner": mentoring.is_owner,
        "mentorship": mentoring.mentorship,
        "feedback": mentoring.feedback,
        "can_comment": mentoring.can_comment,
        **more,
    }


@register.inclusion_tag("mentors/_plan_feedback_counts.html")
def plan_feedback_counts(mentoring: PlanMentoring) -> dict:
    """Links to the plan's reviews and comments, with how many there are."""
    return _parts(mentoring)


@register.inclusion_tag("mentors/_plan_mentor_banner.html")
def plan_mentor_banner(mentoring: PlanMentoring) -> dict:
    """The line that tells a mentor whose plan they are reading."""
    return _parts(mentoring)


@register.inclusion_tag("mentors/_plan_mentor_bar.html")
def plan_mentor_bar(mentoring: PlanMentoring) -> dict:
    """A mentor's moves on the plan: review, comment, the mentorship, the results."""
    return _parts(mentoring)


@register.inclusion_tag("mentors/_plan_find_a_mentor.html")
def find_a_mentor_nudge(mentoring: PlanMentoring) -> dict:
    """The owner's nudge on to finding a mentor, while the plan has goals and no mentor."""
    return _parts(mentoring)


@register.inclusion_tag("mentors/_plan_goal_feedback.html")
def goal_feedback(mentoring: PlanMentoring | None, goal: PlanGoal) -> dict:
    """The comments on a goal and its actions, as links to the Comments section."""
    if not isinstance(mentoring, PlanMentoring):
        return {"goal": goal}
    return _parts(mentoring, goal=goal)


@register.inclusion_tag("mentors/_plan_feedback.html", takes_context=True)
def plan_feedback_sections(context: template.Context, mentoring: PlanMentoring, sections) -> dict:
    """The plan's Reviews and Comments sections, with the comment form. `sections` are the
    plan's (value, label, goals), for the form's choice of goal."""
    return _parts(mentoring, sections=sections, request=context["request"])


@register.inclusion_tag("mentors/_mentee_rating_links.html", takes_context=True)
def mentee_rating_links(context: template.Context, subject: User) -> dict:
    """On a mentee's results, their active mentor's link to rate them on the rubric."""
    viewer = context["request"].user
    mentorship = (
        None if subject.pk == viewer.pk else active_mentorship(mentor_user=viewer, mentee=subject)
    )
    return {"mentorship": mentorship, "subject": subject}
