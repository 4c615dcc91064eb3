from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = "Curriculum and pathways"

    def ready(self) -> None:
        from cmo_portal import page_cache

        from .models.plan import CareerPlan, PlanAction, PlanChange, PlanGoal, PlanPdf

        # Whose cached pages a saved row changes (cmo_portal.page_cache); the curriculum's
        # rows change the "curriculum" topic (services.curriculum_cache_drop).
        page_cache.watch(CareerPlan, "owner_id")
        page_cache.watch(PlanGoal, "plan__owner_id")
        page_cache.watch(PlanAction, "goal__plan__owner_id")
        page_cache.watch(PlanChange, "plan__owner_id")
        page_cache.watch(PlanPdf, "plan__owner_id")
