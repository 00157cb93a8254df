"""The company profile: one per installation, edited by the administrator, with history."""

import pytest
from django.core.exceptions import ValidationError

from pmo.lib.identifiers import normalize_eu_vat, normalize_peppol_id
from pmo.models import CompanyProfile
from pmo.roles import Role
from pmo.seed import DEMO_COMPANY
from pmo.services import company_profile_save
from tests.factories import user_with_role

FORM = {
    **{key: value for key, value in DEMO_COMPANY.items()},
    "enterprise_number": "0784.123.452",
    "iban": "BE71 0961 2345 6769",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0208:0403170701", "0208:0403170701"),
        ("0208:0403.170.701", "0208:0403170701"),
        ("9925:BE0403170701", "9925:BE0403170701"),
        ("9944:NL004495445B01", "9944:NL004495445B01"),
        ("0088:5790000435968", "0088:5790000435968"),
        ("0106:12345678", "0106:12345678"),
    ],
)
def test_peppol_ids_are_checked_by_scheme(value, expected):
    assert normalize_peppol_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "0208:0403170702",  # wrong check digits: Peppol rule COMMON-R043 would reject it
        "9925:NL004495445B01",  # a Dutch VAT number under the Belgian VAT scheme
        "0088:5790000435969",
        "1234:0403170701",
        "0208:",
    ],
)
def test_bad_peppol_ids_are_refused(value):
    with pytest.raises(ValidationError):
        normalize_peppol_id(value)


def test_eu_vat_numbers_follow_the_country():
    assert normalize_eu_vat("NL004495445B01", "NL") == "NL004495445B01"
    assert normalize_eu_vat("136695976", "DE") == "DE136695976"
    assert normalize_eu_vat("be 0403.170.701", "BE") == "BE0403170701"
    with pytest.raises(ValidationError):
        normalize_eu_vat("DE136695976", "FR")
    with pytest.raises(ValidationError):
        normalize_eu_vat("DE136695977", "DE")


@pytest.mark.django_db
def test_the_administrator_fills_in_the_profile_and_its_history_is_kept(client):
    admin = user_with_role(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post("/company/", FORM)
    assert response.status_code == 302
    profile = CompanyProfile.objects.get()
    assert profile.enterprise_number == "0784123452"
    assert profile.iban == "BE71096123456769"
    assert profile.peppol_id == "0208:0784123452"
    client.post("/company/", {**FORM, "phone": "+32 9 999 99 99"})
    assert CompanyProfile.objects.count() == 1
    page = client.get("/company/")
    assert b"+32 9 999 99 99" in page.content
    assert profile.history.count() == 2
    assert profile.history.first().history_user == admin


@pytest.mark.django_db
def test_invalid_identifiers_are_refused_and_nothing_is_saved(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    response = client.post(
        "/company/", {**FORM, "enterprise_number": "0784.123.453", "peppol_identifier": "0784123453"}
    )
    assert response.status_code == 200
    assert "enterprise_number" in response.context["form"].errors
    assert not CompanyProfile.objects.exists()
    response = client.post("/company/", {**FORM, "peppol_identifier": "0784123453"})
    assert "peppol_identifier" in response.context["form"].errors
    assert not CompanyProfile.objects.exists()


@pytest.mark.django_db
def test_only_the_administrator_edits_the_profile(client):
    client.force_login(user_with_role(Role.FINANCE))
    assert client.get("/company/").status_code == 403
    assert client.post("/company/", FORM).status_code == 403
    assert not CompanyProfile.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service itself
        company_profile_save(actor=user_with_role(Role.FINANCE), **DEMO_COMPANY)
    assert not CompanyProfile.objects.exists()


@pytest.mark.django_db
def test_the_logo_must_be_an_image(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user_with_role(Role.ADMINISTRATOR))
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post("/company/", {**FORM, "logo": fake})
    assert "logo" in response.context["form"].errors
    png = SimpleUploadedFile("logo.png", PNG_1PX, content_type="image/png")
    assert client.post("/company/", {**FORM, "logo": png}).status_code == 302
    assert client.get("/company/logo/").status_code == 200


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000020001e221bc330000000049454e44ae426082"
)
