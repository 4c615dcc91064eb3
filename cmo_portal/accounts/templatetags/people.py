"""How templates name people, including those whose account was deleted:
`{{ comment.author|member_name }}`, `{{ mentorship.mentor|mentor_name }}` (a mentor
profile or a user). Add `|capfirst` at the start of a sentence."""

from django import template

from cmo_portal.accounts.models import FORMER_MEMBER, FORMER_MENTOR, name_or_former

register = template.Library()


@register.filter
def member_name(person) -> str:
    return name_or_former(person, former=FORMER_MEMBER)


@register.filter
def mentor_name(person) -> str:
    return name_or_former(person, former=FORMER_MENTOR)
