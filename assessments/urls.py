from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("assessment/", views.start, name="start"),
    path("assessment/retake/", views.retake, name="retake"),
    path("assessment/history/", views.history, name="history"),
    path("assessment/<int:pk>/", views.detail, name="detail"),
    path("assessment/<int:pk>/step/<int:step>/", views.step, name="step"),
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/sets/<int:pk>/", views.rating_set, name="rating-set"),
    path("results/", views.results, name="results"),
    path("people/<int:user_id>/results/", views.results_for, name="results-for"),
]
