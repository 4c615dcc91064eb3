from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    verbose_name = "Mentors"

    def ready(self) -> None:
        from cmo_portal import page_cache

        from .models.feedback import PlanComment, PlanReview
        from .models.mentorships import Mentorship
        from .models.profiles import MENTORS, MentorProfile, TeachableCompetency

        # Whose cached pages a saved row changes (cmo_portal.page_cache); the mentors on
        # offer (profiles, what they teach, their places taken) are the "mentors" topic.
        page_cache.watch(MentorProfile, "user_id", topics=(MENTORS,))
        page_cache.watch(TeachableCompetency, "mentor__user_id", topics=(MENTORS,))
        page_cache.watch(Mentorship, "mentee_id", "mentor__user_id", topics=(MENTORS,))
        page_cache.watch(PlanComment, "plan__owner_id", "author_id")
        page_cache.watch(PlanReview, "plan__owner_id", "mentorship__mentor__user_id")

        # Messages and notices: the navigation's unread counts are on every cached page.
        from django.db.models.signals import post_save

        from assessments.models import RatingSet
        from cmo_portal.notifications.models import Notice
        from pathways.models.plan import PlanChange

        from . import receivers
        from .models.messages import Message

        page_cache.watch(Message, "recipient_id", "sender_id")
        page_cache.watch(Notice, "user_id")
        post_save.connect(receivers.rating_set_submitted, sender=RatingSet)
        post_save.connect(receivers.plan_changed, sender=PlanChange)
