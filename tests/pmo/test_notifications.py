"""In-app notifications: every event email lands in the list, the user's choice per event (at once, daily
digest, in-app only) applies to every event, the digest is one email per user and day grouped by project."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone

from pmo import services
from pmo.models import (
    Notification,
    NotificationDelivery,
    NotificationDigest,
    NotificationEvent,
    NotificationPreference,
)
from pmo.roles import Role
from projects.models import Phase
from projects.services import registers
from tests.factories import ProjectFactory, RiskFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def user():
    return UserFactory(preferred_language="fr")


def _tell(user, *, project=None, subject="Quelque chose", event=NotificationEvent.RISK_REVIEW):
    return services.notification_send(
        recipient=user, event=event, subject=subject, body="Corps", link="/projects/", project=project
    )


def _choose(user, event, delivery):
    NotificationPreference.objects.update_or_create(user=user, event=event, defaults={"delivery": delivery})


def test_an_event_is_emailed_at_once_by_default_and_listed(user, mailoutbox):
    notification = _tell(user)
    assert [message.to for message in mailoutbox] == [[user.email]]
    assert notification.delivery == NotificationDelivery.IMMEDIATE and notification.emailed_at
    assert not notification.is_read


def test_in_app_only_sends_no_email_but_lists_it(user, mailoutbox):
    _choose(user, NotificationEvent.RISK_REVIEW, NotificationDelivery.IN_APP)
    _tell(user)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=user, emailed_at=None).count() == 1


def test_the_choice_applies_to_the_existing_risk_review_email(mailoutbox):
    from django.apps import apps

    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)
    project = ProjectFactory(phase=Phase.EXECUTION)
    owner = project.project_manager
    _choose(owner, NotificationEvent.RISK_REVIEW, NotificationDelivery.DIGEST)
    risk = RiskFactory(project=project, review_date=timezone.localdate())
    assert registers.risk_review_reminders_send() == 1
    assert mailoutbox == []
    notification = Notification.objects.get(recipient=owner)
    assert (notification.link, notification.project_ref) == (risk.get_absolute_url(), project.pk)
    assert notification.project_label.startswith(project.code)


def test_the_digest_is_one_email_per_user_and_day_grouped_by_project(user, mailoutbox):
    other = UserFactory(preferred_language="nl")
    first, second = ProjectFactory(), ProjectFactory()
    for person in (user, other):
        for event in NotificationEvent.values:
            _choose(person, event, NotificationDelivery.DIGEST)
    for index in range(3):
        _tell(user, project=first, subject=f"Premier {index}")
        _tell(user, project=second, subject=f"Second {index}", event=NotificationEvent.HANDOVER)
    _tell(user, subject="Sans projet", event=NotificationEvent.INTAKE_STATUS)
    _tell(other, project=first, subject="Eerste")
    assert mailoutbox == []

    day = date(2026, 12, 2)
    assert services.notification_digests_send(day=day) == 2
    assert services.notification_digests_send(day=day) == 0  # beat ran twice: nothing more
    assert sorted(message.to[0] for message in mailoutbox) == sorted([user.email, other.email])
    (mine,) = [message for message in mailoutbox if message.to == [user.email]]
    body = mine.body
    assert (
        body.index(first.code) < body.index("Premier 0") < body.index("Premier 2") < body.index(second.code)
    )
    assert body.index(second.code) < body.index("Second 0")
    assert "Sans projet" in body
    assert NotificationDigest.objects.filter(sent_at__isnull=False).count() == 2

    _tell(user, project=first, subject="Plus tard")
    assert services.notification_digests_send(day=day) == 0  # the day's digest has gone: tomorrow's
    assert services.notification_digests_send(day=day + timedelta(days=1)) == 1
    assert "Plus tard" in mailoutbox[-1].body and "Premier 0" not in mailoutbox[-1].body


def test_a_failed_digest_is_given_back_for_the_next_run(user, mailoutbox, monkeypatch):
    _choose(user, NotificationEvent.RISK_REVIEW, NotificationDelivery.DIGEST)
    _tell(user)
    monkeypatch.setattr(services, "_digest_mail", lambda digest: (_ for _ in ()).throw(OSError("smtp down")))
    with pytest.raises(OSError):
        services.notification_digests_send(day=date(2026, 12, 2))
    assert NotificationDigest.objects.get().sent_at is None
    assert Notification.objects.get().digest is None
    monkeypatch.undo()
    assert services.notification_digests_send(day=date(2026, 12, 2)) == 1
    assert len(mailoutbox) == 1


# Pages ---------------------------------------------------------------------------------------------


def test_the_list_has_a_fixed_number_of_queries(client, user, django_assert_max_num_queries):
    client.force_login(user)
    _tell(user)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("pmo:notification-list")).status_code == 200
    for index in range(15):
        _tell(user, project=ProjectFactory(), subject=f"N{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("pmo:notification-list"))


def test_the_bell_counts_the_unread_and_mark_read_clears_it(client, user):
    client.force_login(user)
    first, _second = _tell(user), _tell(user)
    bell = client.get(reverse("pmo:notification-bell")).content.decode()
    assert 'data-unread-count="2"' in bell
    response = client.post(reverse("pmo:notification-read", args=[first.pk]))
    assert response.status_code == 302
    assert 'data-unread-count="1"' in client.get(reverse("pmo:notification-bell")).content.decode()
    client.post(reverse("pmo:notification-read-all"))
    assert "data-unread-count" not in client.get(reverse("pmo:notification-bell")).content.decode()


def test_nobody_marks_someone_elses_notification(client, user):
    mine = _tell(user)
    client.force_login(UserFactory())
    client.post(reverse("pmo:notification-read", args=[mine.pk]))
    client.post(reverse("pmo:notification-read-all"))
    mine.refresh_from_db()
    assert mine.read_at is None
    assert mine.subject not in client.get(reverse("pmo:notification-list")).content.decode()


def test_mark_read_refuses_get_and_anonymous(client, user):
    notification = _tell(user)
    assert client.post(reverse("pmo:notification-read", args=[notification.pk])).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None  # the anonymous post went to the login page
    client.force_login(user)
    assert client.get(reverse("pmo:notification-read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("pmo:notification-read-all")).status_code == 405


def test_the_preferences_page_keeps_the_choice_per_event(client, user):
    client.force_login(user)
    assert client.get(reverse("pmo:notification-preferences")).status_code == 200
    data = {event: NotificationDelivery.IMMEDIATE for event in NotificationEvent.values}
    data[NotificationEvent.MEETING_MINUTES] = NotificationDelivery.DIGEST
    response = client.post(reverse("pmo:notification-preferences"), data)
    assert response.status_code == 302
    assert services.notification_delivery_for(user=user, event="meeting_minutes") == "digest"
    assert services.notification_delivery_for(user=user, event="handover") == "immediate"


def test_a_bad_choice_changes_nothing(client, user):
    client.force_login(user)
    data = {event: "carrier-pigeon" for event in NotificationEvent.values}
    assert client.post(reverse("pmo:notification-preferences"), data).status_code == 200
    assert not NotificationPreference.objects.exists()


def test_roles_do_not_matter_for_ones_own_notifications(client):
    from tests.factories import user_with_role

    sales = user_with_role(Role.SALES)
    _tell(sales, subject="Votre intake")
    client.force_login(sales)
    assert "Votre intake" in client.get(reverse("pmo:notification-list")).content.decode()
