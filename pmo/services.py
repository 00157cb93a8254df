"""Writes of the core app: users, number sequences, the company profile."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from pmo.lib.audit import audited_save
from pmo.lib.identifiers import normalize_enterprise_number
from pmo.lib.validators import normalize_iban
from pmo.models import CompanyProfile, NumberSequence, User
from pmo.roles import Role


def sequence_next(*, series: str, year: int) -> int:
    """Take the next number of a series for a year; gap-free because it commits with the caller."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside the caller's transaction")
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass  # A concurrent transaction created the row first; the lock below waits for it.
    sequence = NumberSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's language choice on their profile."""
    user.preferred_language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    display_name: str,
    roles: list[str],
    password: str | None = None,
    preferred_language: str = "en",
    department: str = "",
) -> User:
    """Create a user with their roles and send the welcome email after commit."""
    from django.contrib.auth.models import Group

    from pmo import tasks

    user = User(
        username=username,
        email=email,
        display_name=display_name,
        preferred_language=preferred_language,
        department=department,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    transaction.on_commit(lambda: tasks.user_send_welcome_email_task.delay(user.pk))
    return user


def user_send_welcome_email(*, user_id: int) -> bool:
    """Send the welcome email once; a retry after success sends nothing."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    claimed = User.objects.filter(pk=user_id, welcome_email_sent_at__isnull=True).update(
        welcome_email_sent_at=timezone.now()
    )
    if not claimed:
        return False
    user = User.objects.get(pk=user_id)
    with translation.override(user.preferred_language):
        context = {"user": user, "site_url": settings.SITE_URL}
        subject = render_to_string("pmo/email/welcome_subject.txt", context).strip()
        body = render_to_string("pmo/email/welcome_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        User.objects.filter(pk=user_id).update(welcome_email_sent_at=None)
        raise
    return True


COMPANY_PROFILE_FIELDS = (
    "legal_name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "country",
    "enterprise_number",
    "vat_number",
    "register_court",
    "iban",
    "bic",
    "phone",
    "email",
    "website",
    "logo",
    "peppol_scheme",
    "peppol_identifier",
    "purchase_terms_en",
    "purchase_terms_fr",
    "purchase_terms_nl",
    "quotation_terms_en",
    "quotation_terms_fr",
    "quotation_terms_nl",
)


@transaction.atomic
def company_profile_save(*, actor: User | None, **values) -> CompanyProfile:
    """Create or change the installation's company profile; identifiers are stored in compact form."""
    if actor is not None and not actor.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied
    profile = CompanyProfile.objects.select_for_update().first() or CompanyProfile()
    if values.get("enterprise_number"):
        values["enterprise_number"] = normalize_enterprise_number(values["enterprise_number"])
    if values.get("iban"):
        values["iban"] = normalize_iban(values["iban"])
    if "bic" in values:
        values["bic"] = values["bic"].replace(" ", "").upper()
    if values.get("logo") is False:  # the "clear" box of the upload field
        values["logo"] = ""
    elif values.get("logo") is None:
        values.pop("logo", None)
    if "country" in values:
        values["country"] = values["country"].upper()
    for field in COMPANY_PROFILE_FIELDS:
        if field in values:
            setattr(profile, field, values[field])
    audited_save(profile, actor=actor)
    return profile


# Notifications (issue 16, branch feature/meetings) ------------------------------------------------
# Every email that tells a user about an event goes through notification_send: the event lands in the
# user's list, and the email goes now, in the daily digest, or not at all, as the user chose.


def notification_delivery_for(*, user: User, event: str) -> str:
    """How the user chose to hear of this event (at once by email when they did not choose)."""
    from pmo.models import NotificationDelivery, NotificationPreference

    chosen = NotificationPreference.objects.filter(user=user, event=event).values_list("delivery", flat=True)
    return next(iter(chosen), NotificationDelivery.IMMEDIATE)


def notification_send(
    *,
    recipient: User,
    event: str,
    subject: str,
    body: str,
    link: str = "",
    project=None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    reply_to: list[str] | None = None,
):
    """Tell a user of an event: a row in their list, and the email at once unless they chose otherwise.

    Subject and body come in the recipient's language. The email goes first: when the mail server
    fails, no row is left behind and the caller's retry does not tell the user twice.
    """
    from django.core.mail import EmailMessage

    from pmo.models import Notification, NotificationDelivery

    delivery = notification_delivery_for(user=recipient, event=event)
    emailed_at = None
    if delivery == NotificationDelivery.IMMEDIATE and recipient.email:
        message = EmailMessage(subject, body, None, [recipient.email], reply_to=reply_to)
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        message.send()
        emailed_at = timezone.now()
    return Notification.objects.create(
        recipient=recipient,
        event=event,
        subject=subject[:250],
        body=body,
        link=link[:500],
        project_ref=getattr(project, "pk", None),
        project_label=_project_label(project),
        delivery=delivery,
        emailed_at=emailed_at,
    )


def _project_label(project) -> str:
    if project is None:
        return ""
    return f"{getattr(project, 'code', '')} · {getattr(project, 'name', project)}"[:250]


def notification_mark_read(*, user: User, notification_id: int) -> int:
    """Mark one of the user's notifications read (someone else's is left alone)."""
    from pmo.models import Notification

    return Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read."""
    from pmo.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Keep the user's choice of delivery for each event."""
    from pmo.models import NotificationPreference

    for event, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, event=event, defaults={"delivery": delivery}
        )


def notification_digests_send(*, day=None) -> int:
    """Send each user with waiting digest notifications their one digest of the day; returns how many."""
    from pmo.models import Notification, NotificationDelivery

    day = day or timezone.localdate()
    waiting = (
        Notification.objects.filter(delivery=NotificationDelivery.DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(notification_digest_send(user_id=user_id, day=day) for user_id in list(waiting))


def notification_digest_send(*, user_id: int, day) -> bool:
    """One email per user and day, grouped by project: the digest row of the day is the claim."""
    from pmo.models import Notification, NotificationDelivery, NotificationDigest

    with transaction.atomic():
        digest, _created = NotificationDigest.objects.get_or_create(user_id=user_id, day=day)
        if not NotificationDigest.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            return False
        Notification.objects.filter(
            recipient_id=user_id, delivery=NotificationDelivery.DIGEST, digest__isnull=True
        ).update(digest=digest)
    try:
        _digest_mail(digest)
    except Exception:
        NotificationDigest.objects.filter(pk=digest.pk).update(sent_at=None)
        Notification.objects.filter(digest=digest).update(digest=None)
        raise
    return True


def _digest_mail(digest) -> None:
    from itertools import groupby

    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    user = User.objects.get(pk=digest.user_id)
    items = list(digest.notifications.order_by("project_label", "created_at", "pk"))
    if not items or not user.email:
        return
    groups = [(label, list(rows)) for label, rows in groupby(items, key=lambda row: row.project_label)]
    with translation.override(user.preferred_language):
        context = {"user": user, "groups": groups, "count": len(items), "day": digest.day}
        context["site_url"] = settings.SITE_URL.rstrip("/")
        subject = render_to_string("pmo/email/digest_subject.txt", context).strip()
        body = render_to_string("pmo/email/digest_body.txt", context)
    send_mail(subject, body, None, [user.email])
