from django.urls import path

from .views import directory, mentorships, reviews
from .views import messages as message_views

app_name = "mentors"

urlpatterns = [
    # Finding a mentor.
    path("mentors/", directory.directory, name="directory"),
    path("mentors/suggestions/", directory.suggestions, name="suggestions"),
    path("mentors/<int:pk>/", directory.detail, name="detail"),
    path("mentors/<int:pk>/request/", mentorships.request_create, name="request"),
    # The mentor's own profile.
    path("mentor-profile/", directory.profile_edit, name="profile-edit"),
    path("mentor-profile/pause/", directory.profile_pause, name="profile-pause"),
    # Requests and mentorships.
    path("mentoring/", mentorships.mentorship_list, name="mentorships"),
    path("mentoring/dashboard/", mentorships.dashboard, name="dashboard"),
    path("mentoring/<int:pk>/", mentorships.mentorship_detail, name="mentorship"),
    path("mentoring/<int:pk>/accept/", mentorships.accept, name="accept"),
    path("mentoring/<int:pk>/decline/", mentorships.decline, name="decline"),
    path("mentoring/<int:pk>/ask/", mentorships.ask, name="ask"),
    path("mentoring/<int:pk>/answer/", mentorships.answer, name="answer"),
    path("mentoring/<int:pk>/withdraw/", mentorships.withdraw, name="withdraw"),
    path("mentoring/<int:pk>/end/", mentorships.end, name="end"),
    path("mentoring/<int:pk>/rubric/", reviews.mentee_rubric, name="mentee-rubric"),
    # The mentorship's message thread (issue 19, messages).
    path("mentoring/<int:pk>/messages/", message_views.thread, name="messages"),
    # A mentor's work on a mentee's plan.
    path("plans/<int:pk>/comments/", reviews.comment_add, name="comment-add"),
    path("plans/<int:pk>/review/", reviews.plan_review, name="plan-review"),
]
