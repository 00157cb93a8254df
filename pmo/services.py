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
