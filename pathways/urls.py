from django.urls import path

from .urls_exports import urlpatterns as export_urlpatterns
from .views import curriculum as views
from .views import lessons, plan, plan_history, plan_items, plan_quick

app_name = "pathways"

urlpatterns = [
    path("pathways/", views.pathway_list, name="pathway-list"),
    path("pathways/compare/", views.pathway_compare, name="pathway-compare"),
    path("pathways/roles/", views.role_kinds, name="role-kinds"),
    path("pathways/<slug:slug>/", views.pathway_detail, name="pathway-detail"),
    path("competencies/", views.competency_list, name="competency-list"),
    path("competencies/<slug:slug>/", views.competency_detail, name="competency-detail"),
    path("modules/", views.module_list, name="module-list"),
    path("modules/<slug:slug>/", views.module_detail, name="module-detail"),
    # A lesson on the site, taken by the signed-in physician.
    path("modules/<slug:slug>/lesson/", lessons.lesson, name="lesson"),
    path(
        "modules/<slug:slug>/lesson/<int:number>/",
        lessons.lesson_section,
        name="lesson-section",
    ),
    path("modules/<slug:slug>/lesson/reflect/", lessons.lesson_reflect, name="lesson-reflect"),
    path("modules/<slug:slug>/lesson/check/", lessons.lesson_check, name="lesson-check"),
    path("opportunities/", views.opportunity_list, name="opportunity-list"),
    path("opportunities/<slug:slug>/", views.opportunity_detail, name="opportunity-detail"),
    # The physician's career plan.
    path("plans/", plan.plan_list, name="plan-list"),
    path("plans/new/", plan.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plan.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/regenerate/", plan.plan_regenerate, name="plan-regenerate"),
    path("plans/<int:pk>/status/", plan.plan_status, name="plan-status"),
    path("plans/<int:pk>/history/", plan_history.plan_history, name="plan-history"),
    path("plans/<int:pk>/calendar/reset/", plan.plan_calendar_reset, name="plan-calendar-reset"),
    path("plans/<int:pk>/removed/", plan_history.plan_removed, name="plan-removed"),
    path("plans/<int:pk>/role/", plan.plan_role, name="plan-role"),
    path("plans/<int:pk>/role/clear/", plan.plan_role_clear, name="plan-role-clear"),
    path("plans/<int:pk>/goals/new/", plan_items.goal_add, name="goal-add"),
    path("plans/goals/<int:pk>/edit/", plan_items.goal_edit, name="goal-edit"),
    path("plans/goals/<int:pk>/delete/", plan_items.goal_delete, name="goal-delete"),
    path("plans/goals/<int:pk>/restore/", plan_items.goal_restore, name="goal-restore"),
    path("plans/goals/<int:pk>/move/", plan_items.goal_move, name="goal-move"),
    path("plans/goals/<int:pk>/met/", plan_quick.goal_met, name="goal-met"),
    path("plans/goals/<int:pk>/keep-open/", plan_quick.goal_keep_open, name="goal-keep-open"),
    path("plans/goals/<int:pk>/actions/new/", plan_items.action_add, name="action-add"),
    path("plans/actions/<int:pk>/edit/", plan_items.action_edit, name="action-edit"),
    path("plans/actions/<int:pk>/delete/", plan_items.action_delete, name="action-delete"),
    path("plans/actions/<int:pk>/restore/", plan_items.action_restore, name="action-restore"),
    path("plans/actions/<int:pk>/move/", plan_items.action_move, name="action-move"),
    path("plans/actions/<int:pk>/done/", plan_quick.action_done, name="action-done"),
    path("plans/actions/<int:pk>/not-done/", plan_quick.action_not_done, name="action-not-done"),
]

# The exports (print, PDF, JSON, CSV, calendar) live in their own module.
urlpatterns += export_urlpatterns
