"""The value types of procurement that other apps may use: choices and status sets, no model, no query.

Quality and reporting import these (`public_surface` contract, ARCHITECTURE.md); the models stay the
owners of their definitions. `tests/pmo/test_import_rules.py` fails if a model or a function lands here.
"""

from procurement.models import InvoiceStatus, PurchaseOrderStatus, SupplierKind

__all__ = ["InvoiceStatus", "PurchaseOrderStatus", "SupplierKind"]
