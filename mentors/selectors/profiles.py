"""Reads for mentor profiles: whose profile, the directory, one mentor's page."""

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from mentors.models.profiles import MentorProfile, TeachableCompetency


def mentor_profile_of(user: User) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).first() if user.is_authenticated else None


def mentor_profiles_with_details(
    profiles: QuerySet[MentorProfile],
) -> QuerySet[MentorProfile]:
    """What a mentor's card and page show, loaded with the profiles so they query nothing."""
    return profiles.select_related("user__profile").prefetch_related(
        "settings_known",
        "pathways_known",
        Prefetch("teaches", queryset=TeachableCompetency.objects.select_related("competency")),
    )


def mentor_directory(
    *, setting=None, pathway=None, competency=None, with_room: bool = False, q: str = ""
) -> QuerySet[MentorProfile]:
    """Approved mentors, each with `active_count`, filtered; ordered by name."""
    mentors = MentorProfile.objects.approved().with_load()
    if setting is not None:
        mentors = mentors.filter(settings_known=setting)
    if pathway is not None:
        mentors = mentors.filter(pathways_known=pathway)
    if competency is not None:
        mentors = mentors.filter(teaches__competency=competency)
    if with_room:
        mentors = mentors.filter(accepting_requests=True, active_count__lt=F("capacity"))
    if q:
        mentors = mentors.filter(
            Q(user__profile__full_name__icontains=q)
            | Q(headline__icontains=q)
            | Q(current_role__icontains=q)
        )
    # The mentee count groups the query, and Django drops Meta.ordering on a grouped
    # query: order explicitly so pages never repeat or skip a mentor.
    return mentor_profiles_with_details(mentors.distinct()).order_by(
        "user__profile__full_name", "pk"
    )


def mentor_get_for_viewer(*, viewer: User, pk: int) -> MentorProfile:
    """An approved mentor's page is seen by any signed-in user; one that is not listed (an
    application not approved, a deactivated account) is the mentor's own data, seen by its
    author and, through the access rule, support. Staff review applications in the admin."""
    mentor = mentor_profiles_with_details(MentorProfile.objects.with_load()).filter(pk=pk).first()
    listed = mentor is not None and mentor.is_approved and mentor.user.is_active
    if mentor is None or not (
        listed or user_can_view_data_of(viewer, mentor.user, what=DataKind.MENTOR_PROFILE)
    ):
        raise Http404("No such mentor.")
    return mentor
