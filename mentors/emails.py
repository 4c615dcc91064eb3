"""The mentoring emails: who is told what, rendered by the site's one renderer and sent
from the Celery tasks in tasks.py."""

from django.urls import reverse

from cmo_portal.notifications.emails import email_render

from .models import MentorProfile, Mentorship, MentorshipStatus, PlanComment, PlanReview

# Event -> (template, who is told: "mentor" or "mentee").
MENTORSHIP_EVENTS = {
    "requested": ("mentorship_requested", "mentor"),
    "answered": ("mentorship_answered", "mentor"),
    "withdrawn": ("mentorship_withdrawn", "mentor"),
    "accepted": ("mentorship_accepted", "mentee"),
    "declined": ("mentorship_declined", "mentee"),
    "question": ("mentorship_question", "mentee"),
    "expired": ("mentorship_expired", "mentee"),
    "ended": ("mentorship_ended", None),  # whoever did not end it
}


def _name(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.full_name if profile else user.email


def mentorship_event_send(mentorship_id: int, event: str) -> None:
    mentorship = (
        Mentorship.objects.select_related("mentee__profile", "mentor__user__profile")
        .prefetch_related("goals")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None or event not in MENTORSHIP_EVENTS:
        return
    template, side = MENTORSHIP_EVENTS[event]
    mentee, mentor = mentorship.mentee, mentorship.mentor.user
    if side is None:
        recipient = mentor if mentorship.ended_by_id == mentee.pk else mentee
    else:
        recipient = mentor if side == "mentor" else mentee
    context = {
        "mentorship": mentorship,
        "mentee_name": _name(mentee),
        "mentor_name": _name(mentor),
        "recipient_name": _name(recipient),
        "other_name": _name(mentee if recipient == mentor else mentor),
        "link": reverse("mentors:mentorship", kwargs={"pk": mentorship.pk}),
        "suggestions_link": reverse("mentors:suggestions"),
    }
    if event == "expired":
        if mentorship.status != MentorshipStatus.EXPIRED:
            return
        from .selectors import next_suggestion

        context["next"] = next_suggestion(mentee)
    email_render(template, to=recipient.email, context=context).send(fail_silently=False)


def plan_comment_send(comment_id: int) -> None:
    """A mentor's comment goes to the physician; the physician's to their active mentors."""
    comment = (
        PlanComment.objects.select_related(
            "plan__owner__profile", "plan__pathway", "author__profile", "goal", "action"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.author is None:
        return
    owner = comment.plan.owner
    if comment.author_id == owner.pk:
        recipients = [
            m.mentor.user
            for m in Mentorship.objects.active()
            .filter(mentee=owner)
            .select_related("mentor__user__profile")
        ]
    else:
        recipients = [owner]
    link = comment.plan.get_absolute_url() + f"#comment-{comment.pk}"
    for recipient in recipients:
        email_render(
            "plan_comment",
            to=recipient.email,
            context={
                "comment": comment,
                "author_name": _name(comment.author),
                "recipient_name": _name(recipient),
                "link": link,
            },
        ).send(fail_silently=False)


def plan_review_send(review_id: int) -> None:
    review = (
        PlanReview.objects.select_related(
            "plan__owner__profile", "plan__pathway", "mentorship__mentor__user__profile"
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        return
    owner = review.plan.owner
    email_render(
        "plan_review",
        to=owner.email,
        context={
            "review": review,
            "mentor_name": _name(review.mentorship.mentor.user),
            "recipient_name": _name(owner),
            "link": review.plan.get_absolute_url() + "#reviews",
        },
    ).send(fail_silently=False)


def mentor_application_send(profile_id: int) -> None:
    profile = MentorProfile.objects.select_related("user__profile").filter(pk=profile_id).first()
    if profile is None:
        return
    email_render(
        "mentor_application",
        to=profile.user.email,
        context={
            "profile": profile,
            "recipient_name": _name(profile.user),
            "link": reverse("mentors:profile-edit"),
        },
    ).send(fail_silently=False)
