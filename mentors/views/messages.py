"""A mentorship's message thread: its page, where the reader's new messages become read,
and sending a message (from that page or the mentorship's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from mentors.forms_messages import MessageForm
from mentors.models.mentorships import Mentorship
from mentors.selectors.messages import (
    LATEST_ON_MENTORSHIP_PAGE,
    Thread,
    mentorship_get_for_thread,
    thread_for_reader,
)
from mentors.services.messages import message_send, messages_mark_read
from mentors.views.sections import page_of_mentorship


def messages_context(mentorship: Mentorship, user) -> dict:
    """The mentorship page's part: the latest messages and the form (the page's one line,
    `**messages_context(mentorship, request.user)`)."""
    thread = thread_for_reader(mentorship, user, latest=LATEST_ON_MENTORSHIP_PAGE)
    return {
        "thread": thread,
        "message_form": MessageForm() if thread and thread.may_write else None,
    }


def _thread_of(request: AuthenticatedHttpRequest, pk: int) -> tuple[Mentorship, Thread]:
    """The mentorship and its thread, for a participant who may read it; 404 otherwise
    (support staff included, without asking the access rule, which would log a look: the
    thread is the two people's own)."""
    mentorship = mentorship_get_for_thread(user=request.user, pk=pk)
    thread = thread_for_reader(mentorship, request.user) if mentorship is not None else None
    if mentorship is None or thread is None:
        raise Http404("No such thread.")
    return mentorship, thread


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship, current = _thread_of(request, pk)
    form = MessageForm(request.POST or None) if current.may_write else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "This mentorship has ended: its thread is read-only.")
            return redirect("mentors:messages", pk=pk)
        if form.is_valid():
            try:
                with form_sent_once(
                    user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
                ) as sending:
                    sent = message_send(
                        mentorship=mentorship, sender=request.user, body=form.cleaned_data["body"]
                    )
                    sending.leads_to = f"{request.path}#message-{sent.pk}"
            except AlreadySent as repeat:
                return already_sent(request, repeat, fallback=request.path)
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(request, "Message sent.")
                return redirect(sending.leads_to)
        messages.error(request, "Your message was not sent: please see below.")
    if request.method == "GET":  # the page still marks them new: `current` was read before
        messages_mark_read(mentorship=mentorship, reader=request.user)
    page_of_mentorship(request, mentorship)
    return render(
        request,
        "mentors/messages.html",
        {
            "mentorship": mentorship,
            "thread": current,
            "message_form": form,
            "is_mentor": mentorship.mentor_user_id == request.user.pk,
        },
        status=400 if form is not None and form.errors else 200,
    )
