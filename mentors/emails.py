"""The mentoring emails: who is told what. Each is also an in-site notice
(cmo_portal/notifications/notices.py), and both go by the recipient's choice for its
topic (requests, agreements, comments, reviews). Each is composed into the email log inside
the transaction that made the change, keyed by its event, and sent by a Celery task after
the commit (cmo_portal/notifications/services.py): a rolled back change sends nothing,
and a retried one sends once."""

from django.core.mail import EmailMessage
from django.urls import reverse

from cmo_portal.accounts.models import name_or_former
from cmo_portal.notifications.emails import email_render
from cmo_portal.notifications.models import EmailKind, Topic
from cmo_portal.notifications.notices import notify
from cmo_portal.notifications.services import email_queue
from cmo_portal.time_zones import time_zone_of

from .models.feedback import PlanComment, PlanReview
from .models.mentorships import Mentorship, MentorshipStatus
from .models.profiles import MentorProfile

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
# What the notice says of each, by its template; {other} is the other side's name.
REQUEST_NOTICES = {
    "mentorship_requested": "{other} asked you to be their mentor",
    "mentorship_answered": "{other} answered your question about their request",
    "mentorship_withdrawn": "{other} withdrew their request",
    "mentorship_withdrawn_found_mentor": "{other}'s request is closed: they found a mentor",
    "mentorship_accepted": "{other} accepted your request",
    "mentorship_declined": "{other} declined your request",
    "mentorship_question": "{other} asked a question about your request",
    "mentorship_expired": "Your request to {other} expired without an answer",
    "mentorship_ended": "{other} ended your mentorship",
}


def _render(template: str, recipient, context: dict) -> EmailMessage:
    return email_render(
        template,
        to=recipient.email,
        context=context,
        user_id=recipient.pk,
        kind=EmailKind.MENTORING,
        # The recipient's zone: a mentor reads the answer-by time on their own clock.
        time_zone=time_zone_of(recipient),
    )


def _queue(template: str, recipient, context: dict, key: str) -> None:
    email_queue(
        message=_render(template, recipient, context),
        kind=EmailKind.MENTORING,
        period_key=key,
        user=recipient,
    )


def _notify(topic: str, text: str, template: str, recipient, context: dict, key: str) -> None:
    """An in-site notice and this email, by the recipient's choice for the topic."""
    notify(
        recipient,
        topic,
        text,
        context["link"],
        key,
        email=lambda: _render(template, recipient, context),
    )


def mentorship_event_queue(mentorship: Mentorship, event: str) -> None:
    """Tell the other side that a request was sent, answered, or a mentorship ended."""
    if event not in MENTORSHIP_EVENTS:
        return
    if mentorship.mentor is None:  # the mentor's account is deleted: nobody to tell
        return
    template, side = MENTORSHIP_EVENTS[event]
    mentee, mentor = mentorship.mentee, mentorship.mentor.user
    if side is None:
        recipient = mentor if mentorship.ended_by_id == mentee.pk else mentee
    else:
        recipient = mentor if side == "mentor" else mentee
    context = {
        "mentorship": mentorship,
        "mentee_name": mentee.get_full_name(),
        "mentor_name": mentor.get_full_name(),
        "recipient_name": recipient.get_full_name(),
        "other_name": (mentee if recipient == mentor else mentor).get_full_name(),
        "link": reverse("mentors:mentorship", kwargs={"pk": mentorship.pk}),
        "suggestions_link": reverse("mentors:suggestions"),
    }
    if event == "withdrawn" and mentorship.withdrawn_for_id is not None:
        # Another mentor accepted: this mentor hears why, but not who.
        template = "mentorship_withdrawn_found_mentor"
    if event == "accepted":
        context["withdrawn_mentors"] = [
            name_or_former(m.mentor, former="A former mentor")
            for m in mentorship.withdrawn_requests.select_related("mentor__user__profile")
        ]
    if event == "expired":
        if mentorship.status != MentorshipStatus.EXPIRED:
            return
        from .selectors.suggestions import next_suggestion

        context["next"] = next_suggestion(mentee)
    # Each event happens at most once to a mentorship (one question, one answer, one
    # withdrawal, whichever way it came).
    text = REQUEST_NOTICES[template].format(other=context["other_name"])
    _notify(
        Topic.REQUEST, text, template, recipient, context, f"mentorship:{mentorship.pk}:{event}"
    )


def plan_comment_queue(comment: PlanComment) -> None:
    """A mentor's comment goes to the physician; the physician's to their active mentors."""
    if comment.author is None:
        return
    owner = comment.plan.owner
    if comment.author_id == owner.pk:
        recipients = [
            m.mentor.user
            for m in Mentorship.objects.active()
            .filter(mentee=owner, mentor__isnull=False)
            .select_related("mentor__user__profile")
        ]
    else:
        recipients = [owner]
    link = comment.plan.get_absolute_url() + f"#comment-{comment.pk}"
    for recipient in recipients:
        context = {
            "comment": comment,
            "author_name": comment.author.get_full_name(),
            "recipient_name": recipient.get_full_name(),
            "link": link,
        }
        text = f"{context['author_name']} commented on {_plan_title(comment.plan, recipient)}"
        _notify(Topic.COMMENT, text, "plan_comment", recipient, context, f"comment:{comment.pk}")


def plan_review_queue(review: PlanReview) -> None:
    owner = review.plan.owner
    mentor = review.mentorship.mentor
    if mentor is None:  # cannot be: the mentor submitting the review is queueing it
        raise ValueError(f"Review {review.pk} has no mentor to name.")
    context = {
        "review": review,
        "mentor_name": mentor.user.get_full_name(),
        "recipient_name": owner.get_full_name(),
        "link": review.plan.get_absolute_url() + "#reviews",
    }
    text = f"{context['mentor_name']} reviewed your plan for {review.plan.pathway.title}"
    _notify(Topic.REVIEW, text, "plan_review", owner, context, f"review:{review.pk}")


def _plan_title(plan, reader) -> str:
    owner = "your plan" if plan.owner_id == reader.pk else f"{plan.owner.get_full_name()}'s plan"
    return f"{owner} for {plan.pathway.title}"


def mentor_application_queue(profile: MentorProfile) -> None:
    """The applicant hears that their application was approved or not."""
    context = {
        "profile": profile,
        "recipient_name": profile.user.get_full_name(),
        "link": reverse("mentors:profile-edit"),
    }
    _queue(
        "mentor_application",
        profile.user,
        context,
        f"application:{profile.pk}:{profile.status}:{profile.reviewed_at:%Y%m%d%H%M%S}",
    )


# --- The agreement and the end feedback (issue 19, part A) ---------------------------


def _person(mentorship: Mentorship, side: str):
    """The person on `side`; None when the mentor's account is gone."""
    if side == "mentor":
        return mentorship.mentor.user if mentorship.mentor is not None else None
    return mentorship.mentee


def _opposite(side: str) -> str:
    return "mentee" if side == "mentor" else "mentor"


def agreement_event_queue(agreement, event: str) -> None:
    """ "proposed": the other side is asked to confirm the version; "confirmed": the
    proposer hears that both have. Each happens once to a version."""
    mentorship = agreement.mentorship
    proposer = _person(mentorship, agreement.proposed_by)
    other = _person(mentorship, _opposite(agreement.proposed_by))
    recipient, named = (other, proposer) if event == "proposed" else (proposer, other)
    if recipient is None or named is None:
        return
    context = {
        "agreement": agreement,
        "recipient_name": recipient.get_full_name(),
        "other_name": named.get_full_name(),
        "link": reverse("mentors:mentorship", kwargs={"pk": mentorship.pk}) + "#agreement",
    }
    text = (
        f"{context['other_name']} proposed an agreement for your mentorship: confirm it"
        if event == "proposed"
        else f"{context['other_name']} confirmed your mentorship's agreement"
    )
    _notify(
        Topic.AGREEMENT,
        text,
        f"agreement_{event}",
        recipient,
        context,
        f"agreement:{agreement.pk}:{event}",
    )


def end_feedback_invite_queue(mentorship: Mentorship, *, given_by: str) -> None:
    """The side that has not given feedback yet is asked for theirs, once."""
    recipient = _person(mentorship, _opposite(given_by))
    named = _person(mentorship, given_by)
    if recipient is None or named is None:
        return
    context = {
        "recipient_name": recipient.get_full_name(),
        "other_name": named.get_full_name(),
        "is_mentee": given_by == "mentor",
        "link": reverse("mentors:mentorship", kwargs={"pk": mentorship.pk}) + "#end-feedback",
    }
    _notify(
        Topic.AGREEMENT,
        f"{context['other_name']} gave feedback on your mentorship: give yours",
        "end_feedback_invite",
        recipient,
        context,
        f"mentorship:{mentorship.pk}:feedback-invite",
    )
