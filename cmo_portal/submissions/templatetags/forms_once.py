from django import template
from django.utils.html import format_html

from cmo_portal.submissions.services import TOKEN_FIELD, form_token_new

register = template.Library()


@register.simple_tag
def form_once_token() -> str:
    """The hidden one-time token of a creating form: a new one at every rendering.
    (When Back reloads the page, static/js/submit-once.js puts the first one back.)"""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, form_token_new())
