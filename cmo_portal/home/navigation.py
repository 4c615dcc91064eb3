"""The site's main navigation, fitted to the roles a person has.

A person who grows (Profile.intent "grow" or "both", or no profile yet) gets the
physician's links: Results, My plan, Mentors. A mentor (a mentor profile, or the
intent "mentor" or "both") gets Mentoring: the dashboard, or the application until there
is one. Staff get Admin. The roles cost one query per request, and a page that belongs to
a mentee (their plan, their results, their mentorship) costs one more to tell the
mentor reading it (current item: Mentoring) from its owner (current item: My plan).
The same query counts the person's unread notifications and messages, shown beside
Notifications and beside Mentors or Mentoring (a page that loaded the roles already
costs one query for the counts).

Like the home page's composer, this sits above the domain apps and may read them."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse

from cmo_portal.accounts.models import Intent, User
from cmo_portal.notifications.models import Notice
from mentors.models.mentorships import MentorshipStatus
from mentors.models.messages import Message

# Pages in the physician's plan, by URL name in the `pathways` namespace.
PLAN_PAGES = ("plan-", "goal-", "action-")
# Curriculum sections: the list page and the pages inside it.
CURRICULUM = {
    "Pathways": ("pathway-list", {"pathway-detail", "pathway-compare", "role-kinds"}),
    "Competencies": ("competency-list", {"competency-detail"}),
    "Modules": ("module-list", {"module-detail"}),
    "Opportunities": ("opportunity-list", {"opportunity-detail"}),
}
# Pages of the `mentors` namespace a mentor works on; the rest belong to finding one.
MENTORING_PAGES = {
    "dashboard",
    "mentorships",
    "profile-edit",
    "mentee-rubric",
    "plan-review",
    "comment-add",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # "page" on the item's own page, "true" on a page inside its section, else "".
    current: str = ""
    # Unread items behind the link (notifications, messages), shown as a count.
    count: int = 0


@dataclass(frozen=True)
class Roles:
    grows: bool = False
    mentors: bool = False
    has_mentor_profile: bool = False
    staff: bool = False


@dataclass(frozen=True)
class Unread:
    notices: int = 0
    messages: int = 0


def _count(queryset: QuerySet) -> Coalesce:
    """A subquery counting `queryset`'s rows for the outer user."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _unread_counts() -> tuple[Coalesce, Coalesce]:
    """The outer user's unread notifications and messages, as annotations. A mentor
    keeps nothing of a mentorship once it ends; the mentee keeps the thread to read."""
    messages = Message.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).filter(
        Q(mentorship__status=MentorshipStatus.ACTIVE) | Q(mentorship__mentee=OuterRef("pk"))
    )
    notices = Notice.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
    return _count(notices), _count(messages)


def roles_of(user: User | AnonymousUser) -> Roles:
    """What the person does on the site, read in one query (none when the page has
    loaded the profile and the mentor profile already)."""
    return _roles_and_unread(user)[0]


def _roles_and_unread(user: User | AnonymousUser) -> tuple[Roles, Unread | None]:
    """The roles and, when their query ran, the unread counts it read along."""
    if not user.is_authenticated:
        return Roles(), Unread()
    cached = user._state.fields_cache
    unread = None
    if "profile" in cached and "mentor_profile" in cached:  # loaded by the dashboard
        intent = (cached["profile"].intent if cached["profile"] else None) or Intent.GROW
        has_mentor_profile = cached["mentor_profile"] is not None
    else:
        notices, messages = _unread_counts()
        row = (
            User.objects.filter(pk=user.pk)
            .annotate(unread_notices=notices, unread_messages=messages)
            .values("profile__intent", "mentor_profile__id", "unread_notices", "unread_messages")
            .first()
        )
        intent = (row["profile__intent"] if row else None) or Intent.GROW
        has_mentor_profile = bool(row and row["mentor_profile__id"])
        if row:
            unread = Unread(notices=row["unread_notices"], messages=row["unread_messages"])
    roles = Roles(
        grows=intent in {Intent.GROW, Intent.BOTH},
        mentors=has_mentor_profile or intent in {Intent.MENTOR, Intent.BOTH},
        has_mentor_profile=has_mentor_profile,
        staff=user.is_staff,
    )
    return roles, unread


def unread_of(user: User) -> Unread:
    """The person's unread notifications and messages, in one query."""
    notices, messages = _unread_counts()
    row = User.objects.filter(pk=user.pk).annotate(unread_notices=notices, unread_messages=messages)
    values = row.values("unread_notices", "unread_messages").first()
    if values is None:
        return Unread()
    return Unread(values["unread_notices"], values["unread_messages"])


class Navigation:
    """The main navigation of one request; templates read `nav.items` and `nav.roles`."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        # A request refused before authentication (a host not allowed, say) has no user:
        # its error page shows the navigation of a visitor.
        self.user = getattr(request, "user", None) or AnonymousUser()

    @cached_property
    def _roles_and_unread(self) -> tuple[Roles, Unread | None]:
        return _roles_and_unread(self.user)

    @cached_property
    def roles(self) -> Roles:
        return self._roles_and_unread[0]

    @cached_property
    def unread(self) -> Unread:
        unread = self._roles_and_unread[1]
        if unread is None and isinstance(self.user, User):
            unread = unread_of(self.user)  # the roles came from the page's rows: one query
        return unread or Unread()

    @cached_property
    def items(self) -> list[NavItem]:
        section = self._section()
        roles = self.roles
        entries: list[tuple[str, str]] = [("Home", reverse("home"))]
        if roles.grows:
            entries += [
                ("Results", reverse("assessments:results")),
                ("My plan", reverse("pathways:plan-list")),
                ("Mentors", reverse("mentors:directory")),
            ]
        if roles.mentors:
            mentoring = "mentors:dashboard" if roles.has_mentor_profile else "mentors:profile-edit"
            entries.append(("Mentoring", reverse(mentoring)))
        entries += [(label, reverse(f"pathways:{name}")) for label, (name, _) in CURRICULUM.items()]
        counts: dict[str, int] = {}
        if self.user.is_authenticated:
            entries.append(("Notifications", reverse("notifications:notices")))
            entries.append(("Profile", reverse("accounts:profile-edit")))
            unread = self.unread
            # Unread messages beside the mentoring link: Mentoring for a mentor, else Mentors.
            counts = {
                "Notifications": unread.notices,
                "Mentoring" if roles.mentors else "Mentors": unread.messages,
            }
        if roles.staff:
            entries.append(("Admin", reverse("admin:index")))
        path = self.request.path
        return [
            NavItem(
                label,
                url,
                "page" if url == path else ("true" if label == section else ""),
                counts.get(label, 0),
            )
            for label, url in entries
        ]

    def _section(self) -> str:
        """The label of the item whose section the page is in, or ""."""
        match = getattr(self.request, "resolver_match", None)
        if match is None:
            return ""
        name, namespace = match.url_name or "", match.namespace
        if namespace == "accounts" or self.request.path.startswith("/accounts/"):
            if name == "profile-detail" or not self.user.is_authenticated:
                return ""
            return "Profile"
        if namespace == "notifications":
            return "Notifications" if name == "notices" else "Profile"
        if namespace == "assessments":
            if name == "results-for":
                return self._someone_elses(int(match.kwargs["user_id"]))
            return "Results"
        if namespace == "pathways":
            for label, (_, inside) in CURRICULUM.items():
                if name in inside:
                    return label
            if name.startswith(PLAN_PAGES):
                return self._plan_section(match.kwargs.get("pk"), name)
            return ""
        if namespace == "mentors":
            side = getattr(self.request, "mentoring_side", None)  # mentors/views/sections.py
            if side is not None:
                return "Mentoring" if side == "mentor" else "Mentors"
            if name in {"plan-review", "comment-add", "mentee-rubric"}:
                return "Mentoring"
            if name == "mentorship":
                return self._mentorship_section(int(match.kwargs["pk"]))
            return "Mentoring" if name in MENTORING_PAGES else "Mentors"
        return ""

    def _someone_elses(self, owner_id: int) -> str:
        if owner_id == self.user.pk:
            return "Results"
        return "Mentoring" if self.roles.mentors else ""

    def _plan_section(self, pk, name: str) -> str:
        if pk is None or not name.startswith("plan-") or name == "plan-list":
            return "My plan"
        from pathways.selectors.plan import plan_owner_id

        owner_id = plan_owner_id(self.request, int(pk))
        if owner_id is None or owner_id == self.user.pk:
            return "My plan"
        return "Mentoring" if self.roles.mentors else ""

    def _mentorship_section(self, pk: int) -> str:
        from mentors.models.mentorships import Mentorship

        mentor_user_id = (
            Mentorship.objects.filter(pk=pk).values_list("mentor__user_id", flat=True).first()
        )
        return "Mentoring" if mentor_user_id == self.user.pk else "Mentors"


def navigation(request: HttpRequest) -> dict:
    """Context processor: `nav`, built on first use and kept for the request."""
    nav = getattr(request, "_navigation", None)
    if nav is None:
        nav = Navigation(request)
        request._navigation = nav  # type: ignore[attr-defined]  # kept on the request, built once
    return {"nav": nav}
