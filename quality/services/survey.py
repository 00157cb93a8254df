"""The customer satisfaction survey: a tokenised link, answered once, before it expires."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from projects.choices import Phase
from quality.models import SatisfactionSurvey

if TYPE_CHECKING:
    from projects.models import CustomerContact, Project

SURVEY_VALID_DAYS = 30
SCORE_FIELDS = ("overall", "quality", "communication", "timeliness", "recommend")


@transaction.atomic
def survey_send(*, project: Project, contact: CustomerContact, actor: User) -> SatisfactionSurvey:
    """Create a survey for a customer contact and email them the link after commit."""
    from quality import tasks

    if project.phase not in (Phase.CLOSING, Phase.HANDED_OVER):
        raise ValidationError(_("The survey is sent at closure."))
    if contact.customer_id != project.customer_id:
        raise ValidationError({"contact": _("Choose a contact of the project's customer.")})
    if not contact.email:
        raise ValidationError({"contact": _("This contact has no email address.")})
    survey = SatisfactionSurvey(
        project=project,
        contact=contact,
        token=secrets.token_urlsafe(32),
        language=contact.language,
        sent_by=actor,
        expires_at=timezone.now() + timedelta(days=SURVEY_VALID_DAYS),
    )
    survey.full_clean(exclude=["token"])
    survey.save()
    transaction.on_commit(lambda: tasks.survey_send_email_task.delay(survey.pk))
    return survey


def survey_email_send(*, survey_id: int) -> bool:
    """Email the survey link once; a retry after success sends nothing."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    claimed = SatisfactionSurvey.objects.filter(pk=survey_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    survey = SatisfactionSurvey.objects.select_related("project", "contact").get(pk=survey_id)
    link = settings.SITE_URL.rstrip("/") + reverse("quality:survey-answer", args=[survey.token])
    with translation.override(survey.language):
        context = {"survey": survey, "link": link}
        subject = render_to_string("quality/email/survey_subject.txt", context).strip()
        body = render_to_string("quality/email/survey_body.txt", context)
    try:
        send_mail(subject, body, None, [survey.contact.email])
    except Exception:
        SatisfactionSurvey.objects.filter(pk=survey_id).update(emailed_at=None)
        raise
    return True


def survey_get_by_token(*, token: str) -> SatisfactionSurvey | None:
    """The survey behind a link, or None when the token is unknown (expired ones too: the page says so)."""
    return (
        SatisfactionSurvey.objects.select_related("project", "project__customer").filter(token=token).first()
    )


@transaction.atomic
def survey_answer(*, survey: SatisfactionSurvey, comment: str = "", **scores: int) -> SatisfactionSurvey:
    """Record the customer's answers once, before the link expires."""
    survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_answered:
        raise ValidationError(_("This survey has already been answered. Thank you."))
    if survey.is_expired:
        raise ValidationError(_("This survey link has expired."))
    for field in SCORE_FIELDS:
        setattr(survey, field, scores.get(field))
    survey.comment, survey.answered_at = comment, timezone.now()
    audited_save(survey, actor=None)
    return survey
