"""An id written into a URL or a form value must not be localized: 2659 prints as "2.659" in fr and nl."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# `value="{{ task.pk }}"`, `?order={{ order.pk }}`: an id printed straight into an attribute or a query.
# (A clause reference's `id`, "A.7.4", is text and cannot be localized.)
LOCALIZED_ID = re.compile(r"""(=|value=")\{\{ ?[\w.]+(?<!reference)\.(pk|id) ?\}\}""")


def test_no_template_writes_an_id_through_number_localization():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LOCALIZED_ID.search(line)
    ]
    assert offenders == [], "use {{ x.pk|unlocalize }} (load l10n)"
