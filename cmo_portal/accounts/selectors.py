"""Reads of accounts: profiles, and the log of who has seen a person's data."""

from django.db.models import QuerySet
from django.http import Http404

from .access import user_can_view_data_of
from .models import DataAccessLog, DataKind, Profile, User


def profile_get_for_viewer(*, viewer: User, user_id: int) -> Profile:
    """The profile of user `user_id`, or 404 when it does not exist or `viewer` may not
    see it: a stranger learns nothing, not even that the user exists."""
    profile = Profile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or not user_can_view_data_of(viewer, profile.user, what=DataKind.PROFILE):
        raise Http404("No such profile.")
    return profile


def profile_of(user: User) -> Profile | None:
    """The user's profile, or None if they have not filled it in yet."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def data_access_log_of(person: User) -> QuerySet[DataAccessLog]:
    """The support views of `person`'s data, newest first, with who looked: one query
    per page of the log, however long it is."""
    return DataAccessLog.objects.filter(person=person).select_related("viewer__profile")
