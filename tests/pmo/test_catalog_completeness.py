"""Every string the source marks for translation is in the French and Dutch catalogs, translated.

The same extraction as `makemessages` (Django's templatize for templates, xgettext with Django's
keywords), into a temporary directory: the catalogs are never rewritten. A few seconds.
"""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", "static", "staticfiles", "node_modules", "media", "locale", ".git", "tests"}
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


def _source_files(suffixes: tuple[str, ...]) -> list[Path]:
    found = []
    for path in ROOT.iterdir():
        if path.name in SKIPPED or path.name.startswith("."):
            continue
        candidates = path.rglob("*") if path.is_dir() else [path]
        found += [
            candidate for candidate in candidates if candidate.suffix in suffixes and candidate.is_file()
        ]
    return sorted(found)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[tuple[str | None, str]]:
    if shutil.which("xgettext") is None:
        pytest.skip("needs GNU gettext (apt install gettext)")
    work = tmp_path_factory.mktemp("messages")
    inputs = [str(path) for path in _source_files((".py",))]
    for number, template in enumerate(_source_files((".html", ".txt"))):
        target = work / f"{number}.py"
        target.write_text(
            templatize(template.read_text(encoding="utf-8"), origin=str(template)), encoding="utf-8"
        )
        inputs.append(str(target))
    listing = work / "files.txt"
    listing.write_text("\n".join(inputs), encoding="utf-8")
    pot = work / "django.pot"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *KEYWORDS,
            "--files-from",
            str(listing),
            "--output",
            str(pot),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(pot)) if entry.msgid}


def test_the_extraction_finds_strings_of_python_and_templates(source_messages):
    # One string from a model and one from a template: the extraction works, so the next test can fail.
    assert (None, "Hours worked") in source_messages
    assert (None, "Send the survey") in source_messages
    assert len(source_messages) > 1000


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_string_of_the_source_is_translated(source_messages, language):
    catalog = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    translated = {(entry.msgctxt, entry.msgid) for entry in catalog.translated_entries()}

    missing = sorted(msgid for context, msgid in source_messages - translated)

    assert not missing, f"add to locale/pending/<branch>.{language}.po:\n" + "\n".join(missing)
