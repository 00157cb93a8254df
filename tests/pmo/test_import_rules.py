"""The import rules of ARCHITECTURE.md: the repository keeps them, and the checks catch a breach."""

import importlib
import subprocess
import sys
from pathlib import Path

import grimp
from django.db import models

from pmo.lib.import_contracts import NoPrivateNamesContract, PublicSurfaceContract, private_imports

ROOT = Path(__file__).resolve().parents[2]
APPS = ("pmo", "projects", "procurement", "quality", "reporting")


def _graph(*links: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for package in ("quality", "projects"):
        graph.add_module(package)
    for importer, imported in links:
        graph.add_import(importer=importer, imported=imported, line_number=3, line_contents="from x import y")
    return graph


def _surface(**options) -> PublicSurfaceContract:
    return PublicSurfaceContract(
        name="surface",
        session_options={"root_packages": ["quality", "projects"]},
        contract_options={
            "source_modules": ["quality"],
            "target_modules": ["projects"],
            "public_modules": ["selectors", "choices"],
            **options,
        },
    )


def test_it_keeps_every_import_rule_of_the_repository():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "pmo.settings"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "quality and reporting read other apps through their selectors" in result.stdout
    assert "No private (_name) import across modules KEPT" in result.stdout


def test_a_query_of_another_apps_models_breaks_the_surface_contract():
    graph = _graph(
        ("quality.closure_checks", "projects.models"),
        ("quality.views", "projects.selectors.core"),
        ("quality.forms", "projects.choices"),
    )
    check = _surface().check(graph, verbose=False)
    assert not check.kept
    assert [(link["importer"], link["imported"]) for link in check.metadata["illegal"]] == [
        ("quality.closure_checks", "projects.models")
    ]


def test_a_foreign_key_target_is_the_one_structural_exception():
    links = (("quality.models.reviews", "projects.models"), ("quality.selectors", "projects.selectors"))
    structural = _surface(ignore_imports=["quality.models.* -> projects.models"])
    assert structural.check(_graph(*links), verbose=False).kept
    # the contract removes ignored imports from the graph it is given: a fresh graph for the second check
    assert not _surface().check(_graph(*links), verbose=False).kept


def test_it_finds_a_private_name_imported_from_another_module(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "orders.py").write_text("def _lock(): ...\n__version__ = 1\n")
    (package / "receipts.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "from shop import orders\n"
        "from shop.orders import __version__\n"
        "from shop.orders import (\n    _lock,\n)\n"
        "from .orders import _lock as lock\n"
        "from os.path import _joinrealpath\n"
    )
    found = list(private_imports("shop.receipts", package / "receipts.py", ["shop"]))
    assert [(item.imported, item.name, item.line) for item in found] == [
        ("shop.orders", "_lock", 4),
        ("shop.orders", "_lock", 7),
    ]


def test_the_private_names_contract_breaks_on_a_package_that_imports_one(tmp_path, monkeypatch):
    package = tmp_path / "depot"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("from depot.services.common import _save\n")
    (package / "services" / "common.py").write_text("def _save(): ...\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    contract = NoPrivateNamesContract(
        name="private", session_options={"root_packages": ["depot"]}, contract_options={}
    )
    check = contract.check(grimp.build_graph("depot"), verbose=False)
    assert not check.kept
    assert [(item.importer, item.name) for item in check.metadata["found"]] == [("depot.services", "_save")]


def test_choices_modules_hold_values_only():
    for app in ("projects", "procurement"):
        module = importlib.import_module(f"{app}.choices")
        assert module.__all__
        for name in module.__all__:
            value = getattr(module, name)
            is_choices = isinstance(value, type) and issubclass(value, models.Choices)
            is_values = isinstance(value, tuple | frozenset) and all(isinstance(item, str) for item in value)
            assert is_choices or is_values, f"{app}.choices.{name} is not a value type"


def test_every_code_folder_is_a_regular_package_the_import_rules_see():
    # A folder without __init__.py is a namespace package: grimp leaves it out of the graph, so no
    # contract would see its imports (quality/services was one).
    missing = [
        str(folder.relative_to(ROOT))
        for app in APPS
        for folder in [ROOT / app, *(ROOT / app).rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py"))
        if not (folder / "__init__.py").is_file()
    ]
    assert missing == []
