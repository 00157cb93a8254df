"""Schemathesis against our OpenAPI schema with a real token: no 500, every response matches the schema."""

import importlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import positive_data_acceptance

from pmo.roles import Role
from pmo.wsgi import application
from tests.factories import ProjectFactory, RiskFactory, TaskFactory, user_with_role
from tests.procurement.helpers import submitted_order


@pytest.fixture
def api_token(db):
    """A head of PM (reads everything) and some data for the lists and details to show."""
    # Shipped data (role groups, cost categories) may have been flushed by a transactional test.
    from django.apps import apps

    importlib.import_module("pmo.migrations.0002_role_groups").create_role_groups(apps, None)
    importlib.import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(
        apps, None
    )
    user = user_with_role(Role.HEAD_OF_PM)
    project = ProjectFactory()
    RiskFactory(project=project)
    TaskFactory(project=project)
    submitted_order(project=project)
    return Token.objects.create(user=user).key


@pytest.fixture
def api_schema(api_token):
    # The WSGI handler closes the connection after each request; the test's transaction must survive it,
    # as Django's own test client arranges.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", application, headers={"Authorization": f"Token {api_token}"}
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_read_endpoint_answers_within_its_schema(api_schema, api_token):
    headers = {"Authorization": f"Token {api_token}"}
    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            # A filter on an id that does not exist is rejected with a 400 that names it: that is right,
            # so "schema-valid data must be accepted" cannot hold for foreign-key filters.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        checked.append(operation.path)
    assert "/api/v1/purchase-orders/{id}/" in checked and len(checked) > 20
