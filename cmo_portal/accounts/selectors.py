"""Who may see whose data: the one rule every view that shows a user's data goes through."""

from django.http import Http404

from .models import Profile, User


def user_can_view_data_of(viewer: User, owner: User) -> bool:
    """A physician's data is seen by the physician, by staff, and by a mentor while their
    mentorship with the physician is active: the moment it ends, so does the access."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == owner.pk or viewer.is_staff:
        return True
    from mentors.selectors import is_active_mentor_of

    return is_active_mentor_of(viewer, owner)


def profile_get_for_viewer(*, viewer: User, user_id: int) -> Profile:
    """The profile of user `user_id`, or 404 when it does not exist or `viewer` may not
    see it: a stranger learns nothing, not even that the user exists."""
    profile = Profile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or not user_can_view_data_of(viewer, profile.user):
        raise Http404("No such profile.")
    return profile


def profile_of(user: User) -> Profile | None:
    """The user's profile, or None if they have not filled it in yet."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None
