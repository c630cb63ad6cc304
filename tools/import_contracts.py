"""An allow-list contract for import-linter: a layer may import only what is listed.

import-linter's ``forbidden`` contract is a deny-list, and deny-lists drift: every new
core module had to be added to the GUI's and the CLI's lists by hand, and 34 were
missed.  This contract names what a layer *may* import from the root package instead;
anything new is refused until someone decides it belongs to the public API.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class AllowedImportsContract(Contract):
    """``source_modules`` (and everything below them) may import, from ``root_package``,
    only themselves and ``allowed_modules`` (each with what is below it)."""

    type_name = "allowed"

    root_package = fields.StringField()
    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        root: str = self.root_package  # type: ignore[assignment]
        sources: list[str] = list(self.source_modules)  # type: ignore[call-overload]
        allowed: list[str] = list(self.allowed_modules)  # type: ignore[call-overload]
        violations: list[tuple[str, str, int]] = []
        for source in sources:
            for importer in sorted({source, *graph.find_descendants(source)}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if not _within(imported, root) or _within(imported, source):
                        continue
                    if imported == root or any(_within(imported, a) for a in allowed):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    line = details[0]["line_number"] if details else 0
                    violations.append((importer, imported, line))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        metadata: dict[str, Any] = check.metadata
        for importer, imported, line in metadata["violations"]:
            output.print_error(f"{importer}:{line} imports {imported}, which is not allowed")
            output.new_line()
