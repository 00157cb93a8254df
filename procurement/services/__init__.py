"""Changes of state in the procurement app, one module per area."""

from procurement.services.budget import budget_line_adjust, budget_line_set, budget_lines_from_estimate
from procurement.services.orders import (
    purchase_order_approve,
    purchase_order_cancel,
    purchase_order_close,
    purchase_order_create,
    purchase_order_mark_sent,
    purchase_order_reject,
    purchase_order_reopen,
    purchase_order_send,
    purchase_order_submit,
    purchase_order_take_over,
    purchase_order_update,
)
from procurement.services.receipts import (
    InvoiceLineInput,
    goods_receipt_record,
    supplier_invoice_record,
    supplier_invoice_resolve,
)
from procurement.services.substitutes import approver_substitute_create, approver_substitute_delete
from procurement.services.suppliers import supplier_create, supplier_update

__all__ = [
    "InvoiceLineInput",
    "approver_substitute_create",
    "approver_substitute_delete",
    "budget_line_adjust",
    "budget_line_set",
    "budget_lines_from_estimate",
    "goods_receipt_record",
    "purchase_order_approve",
    "purchase_order_cancel",
    "purchase_order_close",
    "purchase_order_create",
    "purchase_order_mark_sent",
    "purchase_order_reject",
    "purchase_order_reopen",
    "purchase_order_send",
    "purchase_order_submit",
    "purchase_order_take_over",
    "purchase_order_update",
    "supplier_create",
    "supplier_invoice_record",
    "supplier_invoice_resolve",
    "supplier_update",
]
