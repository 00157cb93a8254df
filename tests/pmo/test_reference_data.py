"""An emptied installation gets its shipped reference data back; an edited row stays as edited."""

import pytest
from django.contrib.auth.models import Group

from pmo.reference_data import reference_data_install
from procurement.models import ApprovalRule, CostCategory
from projects.models import IntakeTemplate, MeetingType, RiskBand, RiskCategory, RiskScaleLevel
from quality.models import ChecklistTemplate

pytestmark = pytest.mark.django_db

SHIPPED = (
    Group,
    ApprovalRule,
    CostCategory,
    IntakeTemplate,
    MeetingType,
    RiskBand,
    RiskCategory,
    RiskScaleLevel,
    ChecklistTemplate,
)


def test_it_installs_what_an_emptied_database_lost_and_keeps_an_edited_band():
    shipped_counts = {model: model.objects.count() for model in SHIPPED}
    assert all(shipped_counts.values()), shipped_counts  # the migrations wrote them
    RiskBand.objects.filter(code="high").update(min_score=12, name_en="Serious")
    RiskBand.objects.exclude(code="high").delete()
    ApprovalRule.objects.all().delete()
    RiskScaleLevel.objects.all().delete()

    reference_data_install()

    assert {model: model.objects.count() for model in SHIPPED} == shipped_counts
    high = RiskBand.objects.get(code="high")
    assert (high.min_score, high.name_en) == (12, "Serious")


def test_running_it_twice_adds_nothing():
    counts = {model: model.objects.count() for model in SHIPPED}
    reference_data_install()
    assert {model: model.objects.count() for model in SHIPPED} == counts
