from django.urls import path

from .views import agreements, directory, meetings, mentorships, reviews
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
    # The agreement and the end feedback (issue 19, part A).
    path("mentoring/<int:pk>/agreement/", agreements.agreement_edit, name="agreement"),
    path(
        "mentoring/<int:pk>/agreement/confirm/",
        agreements.agreement_confirm_view,
        name="agreement-confirm",
    ),
    path("mentoring/<int:pk>/feedback/", agreements.end_feedback, name="end-feedback"),
    path(
        "mentoring/<int:pk>/feedback/hide/",
        agreements.end_feedback_hide_view,
        name="end-feedback-hide",
    ),
    # Meetings of a mentorship: times, invitations, notes, action items (issue 19, part B).
    path("mentoring/<int:pk>/meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/pick/", meetings.meeting_pick, name="meeting-pick"),
    path(
        "meetings/<int:pk>/other-times/", meetings.meeting_other_times, name="meeting-other-times"
    ),
    path("meetings/<int:pk>/times/", meetings.meeting_times, name="meeting-times"),
    path("meetings/<int:pk>/move/", meetings.meeting_move_view, name="meeting-move"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<int:pk>/notes/", meetings.note_add, name="meeting-note-add"),
    path("action-items/<int:pk>/to-plan/", meetings.action_item_add, name="action-item-to-plan"),
    # The mentorship's message thread (issue 19, messages).
    path("mentoring/<int:pk>/messages/", message_views.thread, name="messages"),
    # A mentor's work on a mentee's plan.
    path("plans/<int:pk>/comments/", reviews.comment_add, name="comment-add"),
    path("plans/<int:pk>/review/", reviews.plan_review, name="plan-review"),
]
