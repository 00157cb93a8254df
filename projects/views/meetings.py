"""Meeting pages of a project: the list, planning, the meeting with its agenda and minutes, its actions,
the minutes PDF and the calendar file. Thin: a selector, a form, one service."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.listing import paginate
from pmo.lib.transitions import allowed_actions
from pmo.lib.views import post_action
from pmo.selectors import history_for
from projects.forms import meetings as forms
from projects.models import AgendaItem, MinutesDistribution
from projects.selectors import meetings as selectors
from projects.selectors import project_get_for_user
from projects.services import meetings as services


def _context(request, project) -> dict:
    from projects.views.registers import KINDS

    return {
        "project": project,
        "kinds": KINDS.values(),
        "can_change": request.user.has_perm("projects.change_project", project),
    }


@login_required
@require_GET
def meeting_list(request, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    page = paginate(request, selectors.meeting_list_for_project(project=project))
    return render(request, "projects/meetings/meeting_list.html", _context(request, project) | {"page": page})


def _form_page(request, *, project, meeting=None):
    form = forms.MeetingForm(request.POST or None, instance=meeting, project=project)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            if meeting is None:
                meeting = services.meeting_create(project=project, actor=request.user, **values)
            else:
                services.meeting_update(meeting=meeting, actor=request.user, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(reference)s saved.") % {"reference": meeting.reference})
            return redirect(meeting)
    context = _context(request, project) | {"form": form, "meeting": meeting}
    return render(request, "projects/meetings/meeting_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk, write=True)
    return _form_page(request, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_update(request, project_pk: int, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk, write=True)
    return _form_page(request, project=meeting.project, meeting=meeting)


@login_required
@require_GET
def meeting_detail(request, project_pk: int, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk)
    context = _context(request, meeting.project) | {
        "meeting": meeting,
        "actions": allowed_actions(meeting, request.user),
        "attendees": selectors.meeting_attendees(meeting=meeting),
        "agenda": selectors.meeting_agenda(meeting=meeting),
        "distribution": MinutesDistribution.objects.filter(meeting=meeting).first(),
        "can_close": request.user.has_perm("projects.close_meeting_minutes", meeting),
        "history": history_for(obj=meeting),
    }
    if context["can_change"] and meeting.minutes_are_open:
        proposals = selectors.meeting_agenda_proposals(meeting=meeting)
        context |= {
            "proposals": proposals,
            "proposals_form": forms.AgendaProposalsForm(proposals=proposals),
            "item_form": forms.AgendaItemForm(),
            # Repeated under every agenda item: no ids, the labels wrap their inputs.
            "minutes_form": forms.MinutesForm(auto_id=False),
            "action_form": forms.MinutesActionForm(project=meeting.project, auto_id=False),
            "decision_form": forms.MinutesDecisionForm(project=meeting.project, auto_id=False),
            "risk_form": forms.MinutesRiskForm(project=meeting.project, auto_id=False),
        }
    return render(request, "projects/meetings/meeting_detail.html", context)


def _meeting_for_write(request, project_pk: int, pk: int):
    return selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk, write=True)


def _refuse(request, meeting, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(meeting)


@login_required
@require_POST
def agenda_item_create(request, project_pk: int, pk: int):
    meeting = _meeting_for_write(request, project_pk, pk)
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        return _refuse(request, meeting, form)
    call = partial(services.agenda_item_add, meeting=meeting, actor=request.user, **form.cleaned_data)
    return post_action(request, call, success=_("Agenda item added."), target=meeting)


@login_required
@require_POST
def agenda_proposals_add(request, project_pk: int, pk: int):
    meeting = _meeting_for_write(request, project_pk, pk)
    form = forms.AgendaProposalsForm(
        request.POST, proposals=selectors.meeting_agenda_proposals(meeting=meeting)
    )
    if not form.is_valid():
        return _refuse(request, meeting, form)
    keys = form.cleaned_data["keys"]
    call = partial(services.agenda_items_add_proposed, meeting=meeting, actor=request.user, keys=keys)
    return post_action(
        request,
        call,
        success=lambda items: _("%(count)s item(s) put on the agenda.") % {"count": len(items)},
        target=meeting,
    )


def _item_for_write(request, project_pk: int, pk: int, item_pk: int) -> AgendaItem:
    meeting = _meeting_for_write(request, project_pk, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    item.meeting = meeting
    return item


@login_required
@require_POST
def agenda_item_minutes(request, project_pk: int, pk: int, item_pk: int):
    item = _item_for_write(request, project_pk, pk, item_pk)
    form = forms.MinutesForm(request.POST)
    if not form.is_valid():
        return _refuse(request, item.meeting, form)
    discussion = form.cleaned_data["discussion"]
    call = partial(services.agenda_item_minutes_record, item=item, actor=request.user, discussion=discussion)
    return post_action(request, call, success=_("Minutes saved."), target=item.get_absolute_url())


RAISE = {
    "action": (forms.MinutesActionForm, services.agenda_item_action_create),
    "decision": (forms.MinutesDecisionForm, services.agenda_item_decision_create),
    "risk": (forms.MinutesRiskForm, services.agenda_item_risk_create),
}


@login_required
@require_POST
def agenda_item_raise(request, project_pk: int, pk: int, item_pk: int, what: str):
    """The minutes of an item give an action, a decision or a risk, written into its register."""
    if what not in RAISE:
        raise Http404
    item = _item_for_write(request, project_pk, pk, item_pk)
    form_class, service = RAISE[what]
    form = form_class(request.POST, project=item.meeting.project)
    if not form.is_valid():
        return _refuse(request, item.meeting, form)
    call = partial(service, item=item, actor=request.user, **form.cleaned_data)
    return post_action(request, call, success=_written, target=item.get_absolute_url())


def _written(entry) -> str:
    return _("%(reference)s written in the register.") % {"reference": entry.reference}


TRANSITIONS = {
    "hold": ("hold", services.meeting_hold, gettext_lazy("The meeting is marked as held.")),
    "close-minutes": (
        "close_minutes",
        services.meeting_minutes_close,
        gettext_lazy("The minutes are closed; they are being sent to the attendees."),
    ),
    "cancel": ("cancel", services.meeting_cancel, gettext_lazy("The meeting is cancelled.")),
}


@login_required
@require_POST
def meeting_transition(request, project_pk: int, pk: int, name: str):
    if name not in TRANSITIONS:
        raise Http404
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk)
    transition, service, success = TRANSITIONS[name]
    if transition not in allowed_actions(meeting, request.user):
        raise PermissionDenied
    call = partial(service, meeting=meeting, actor=request.user)
    return post_action(request, call, success=str(success), target=meeting)


@login_required
@require_POST
def meeting_invite(request, project_pk: int, pk: int):
    meeting = _meeting_for_write(request, project_pk, pk)
    call = partial(services.meeting_invitations_queue, meeting=meeting, actor=request.user)
    return post_action(
        request, call, success=_("The invitation is being sent to the attendees."), target=meeting
    )


@login_required
@require_POST
def meeting_distribution_retry(request, project_pk: int, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk)
    if not request.user.has_perm("projects.close_meeting_minutes", meeting):
        raise PermissionDenied
    call = partial(services.meeting_minutes_distribution_retry, meeting=meeting, actor=request.user)
    return post_action(request, call, success=_("The sending is queued again."), target=meeting)


@login_required
@require_GET
def meeting_ics(request, project_pk: int, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk)
    response = HttpResponse(
        services.meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.project.code}-{meeting.reference}.ics"'
    return response


@login_required
@require_GET
def meeting_pdf(request, project_pk: int, pk: int):
    meeting = selectors.meeting_get_for_user(user=request.user, project_pk=project_pk, pk=pk)
    response = HttpResponse(services.meeting_minutes_pdf(meeting=meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.meeting_minutes_filename(meeting)}"'
    return response
