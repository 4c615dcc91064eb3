from django.urls import path

from . import views

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
    path("opportunities/", views.opportunity_list, name="opportunity-list"),
    path("opportunities/<slug:slug>/", views.opportunity_detail, name="opportunity-detail"),
]
