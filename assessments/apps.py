from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from cmo_portal import page_cache

        from .models import NeedsAssessment, Rating, RatingSet, TargetPathway

        # Whose cached pages a saved row changes (cmo_portal.page_cache).
        page_cache.watch(NeedsAssessment, "user_id")
        page_cache.watch(TargetPathway, "assessment__user_id")
        page_cache.watch(RatingSet, "subject_id", "rater_id")
        page_cache.watch(Rating, "rating_set__subject_id")
