"""What mentors hear of changes made elsewhere: pathways and assessments sit below
mentors and do not know of mentorships, so mentors listen to their rows (connected in
MentorsConfig.ready).

- A mentor submitted ratings of their mentee: the mentee is told (once per set).
- A mentee changed a plan their mentor reviewed: the mentor is told, once a day per plan
  (the day's notice is refreshed with the latest change while unread; its email goes
  with the first change of the day), never for each edit."""

from django.urls import reverse

from assessments.models import RaterRole, RatingSet
from cmo_portal import clock
from cmo_portal.notifications.models import Topic
from cmo_portal.notifications.notices import notify
from mentors.models.mentorships import Mentorship
from pathways.models.plan import PlanChange


def rating_set_submitted(sender, instance: RatingSet, update_fields=None, **kwargs) -> None:
    if instance.rater_role != RaterRole.MENTOR or instance.submitted_at is None:
        return
    if update_fields is not None and "submitted_at" not in update_fields:
        return
    rater = instance.rater
    name = rater.get_full_name() if rater is not None else "Your mentor"
    notify(
        instance.subject,
        Topic.RATING,
        f"{name} rated your competencies on the rubric",
        reverse("assessments:results"),
        f"rating:{instance.pk}",
    )


def plan_changed(sender, instance: PlanChange, created: bool = False, **kwargs) -> None:
    """After a review: a change by the plan's owner tells each active mentor who reviewed
    this plan. Changes by the mentor (a review moving the plan's status) tell no one."""
    if not created:
        return
    plan = instance.plan
    if instance.actor_id is None or instance.actor_id != plan.owner_id:
        return
    mentorships = (
        Mentorship.objects.active()
        .filter(mentee_id=plan.owner_id, mentor__isnull=False, reviews__plan=plan)
        .select_related("mentor__user", "mentee__profile")
        .distinct()
    )
    day = clock.now().date().isoformat()
    for mentorship in mentorships:
        mentee = mentorship.mentee.get_full_name()
        notify(
            mentorship.mentor.user,
            Topic.PLAN_CHANGE,
            f"{mentee} changed their plan for {plan.pathway.title} since your review: "
            f"{instance.summary}",
            plan.get_absolute_url(),
            f"plan-change:{plan.pk}:{day}",
        )
