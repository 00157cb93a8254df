"""The administrator fills in the company profile in French; the order page then offers the Peppol file."""

from pathlib import Path

import pytest

from pmo.models import CompanyProfile
from pmo.roles import Role
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/peppol")


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        save_screenshot(page, str(SHOTS / f"{name}.png"), full_page=True)


def test_the_administrator_fills_in_the_company_profile_in_french(page):
    admin = browser_user(Role.ADMINISTRATOR, "admin")
    admin.preferred_language = "fr"
    admin.save(update_fields=["preferred_language"])
    sign_in(page, "admin")
    page.goto("/company/")
    page.fill("input[name=legal_name]", "Lumen Integration")
    page.select_option("select[name=legal_form]", "srl")
    page.fill("input[name=street]", "Kortrijksesteenweg 1000")
    page.fill("input[name=postal_code]", "9000")
    page.fill("input[name=city]", "Gent")
    page.fill("input[name=enterprise_number]", "0784.123.453")  # wrong check digits
    page.fill("input[name=register_court]", "Gent, afdeling Gent")
    page.fill("input[name=iban]", "BE71 0961 2345 6769")
    page.fill("input[name=peppol_identifier]", "0784123452")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    _shot(page, "company-profile-error-fr")
    assert "n'est pas un numéro d'entreprise belge valide" in page.content()
    assert not CompanyProfile.objects.exists()
    page.fill("input[name=enterprise_number]", "0784.123.452")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    _shot(page, "company-profile-saved-fr")
    assert "Le profil de l'entreprise est enregistré." in page.content()
    assert CompanyProfile.objects.get().enterprise_number == "0784123452"
    order = make_order()
    page.goto(order.get_absolute_url())
    _shot(page, "order-peppol-missing-fr")
    assert "Pas encore envoyable par Peppol" in page.content()
    assert page.console_errors == []
