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
