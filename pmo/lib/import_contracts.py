"""Import-linter contract types for the rules of ARCHITECTURE.md that the built-in types cannot say.

- `public_surface`: the source packages reach the target packages only through the listed public
  modules of each target (`selectors`, `services`, ...). Anything else (models, views, forms, api, ...)
  is an illegal direct import, except what `ignore_imports` names (the structural rule: models point at
  models with foreign keys). Imports under `if TYPE_CHECKING:` are left out of the graph by the session
  option `exclude_type_checking_imports`.
- `no_private_names`: no `from x import _name` where `x` is a module of the root packages. A helper
  that is shared is public API: it gets a public name; a helper that is not shared stays in its module.

Kept free of Django: `lint-imports` loads this module before any settings exist.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class PublicSurfaceContract(Contract):
    """Source modules may import target packages only through their public modules."""

    type_name = "public_surface"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    target_modules = fields.ListField(subfield=fields.ModuleField())
    public_modules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        illegal = [
            {"importer": importer, "imported": imported, "lines": lines}
            for importer, imported, lines in self._illegal_imports(graph)
        ]
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"illegal": illegal},
        )

    def _illegal_imports(self, graph: grimp.ImportGraph) -> Iterator[tuple[str, str, tuple[int, ...]]]:
        sources = [module.name for module in self.source_modules]  # type: ignore[attr-defined]
        for target in self.target_modules:  # type: ignore[attr-defined]
            public = tuple(f"{target.name}.{name}" for name in self.public_modules)  # type: ignore[attr-defined]
            for source in sources:
                importers = {source} | graph.find_descendants(source)
                for importer in sorted(importers):
                    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                        if not _within(imported, target.name) or _within_any(imported, public):
                            continue
                        details = graph.get_import_details(importer=importer, imported=imported)
                        yield importer, imported, tuple(detail["line_number"] for detail in details)

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports outside the public modules of the target app:", bold=False)
        output.new_line()
        for link in check.metadata["illegal"]:
            lines = ", ".join(map(str, link["lines"]))
            output.print_error(f"- {link['importer']} -> {link['imported']} (l.{lines})", bold=False)
        output.new_line()


@dataclass(frozen=True)
class PrivateImport:
    importer: str
    imported: str
    name: str
    line: int


class NoPrivateNamesContract(Contract):
    """No module imports a private (`_name`) name from another module of the root packages."""

    type_name = "no_private_names"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = self.session_options["root_packages"]
        found = [
            found
            for module in sorted(graph.modules)
            if (path := module_path(module, roots)) is not None
            for found in private_imports(module, path, roots)
        ]
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names imported from another module:", bold=False)
        output.new_line()
        for found in check.metadata["found"]:
            output.print_error(
                f"- {found.importer} (l.{found.line}) imports {found.name} from {found.imported}", bold=False
            )
        output.new_line()


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _within_any(module: str, packages: tuple[str, ...]) -> bool:
    return any(_within(module, package) for package in packages)


def is_private(name: str) -> bool:
    """`_helper` is private; `__version__` and `__all__` are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_path(module: str, roots: list[str]) -> Path | None:
    """The source file of a module of the root packages, found without importing it."""
    root, *rest = module.split(".")
    if root not in roots:
        return None
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def private_imports(module: str, path: Path, roots: list[str]) -> Iterator[PrivateImport]:
    """Every `from x import _name` of this module where `x` is another module of the root packages."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        imported = _resolve(module, is_package, node.module, node.level)
        if imported.split(".")[0] not in roots:
            continue
        for alias in node.names:
            if is_private(alias.name):
                yield PrivateImport(module, imported, alias.name, node.lineno)


def _resolve(module: str, is_package: bool, name: str | None, level: int) -> str:
    if not level:
        return name or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)
