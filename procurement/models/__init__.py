from procurement.models.budget import BudgetLine, CostCategory
from procurement.models.einvoices import EInvoice, EInvoiceKind, EInvoiceStatus
from procurement.models.orders import (
    COMMITTED_STATUSES,
    EDITABLE_STATUSES,
    PURCHASE_ORDER_TRANSITIONS,
    REVERSE_CHARGE_RATES,
    VAT_PERCENT,
    Approval,
    ApprovalDecision,
    ApprovalRule,
    ApprovalRuleKind,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    VatRate,
)
from procurement.models.receipts import (
    GoodsReceipt,
    GoodsReceiptLine,
    InvoiceStatus,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from procurement.models.suppliers import Supplier, SupplierKind

__all__ = [
    "COMMITTED_STATUSES",
    "EDITABLE_STATUSES",
    "PURCHASE_ORDER_TRANSITIONS",
    "REVERSE_CHARGE_RATES",
    "VAT_PERCENT",
    "Approval",
    "ApprovalDecision",
    "ApprovalRule",
    "ApprovalRuleKind",
    "BudgetLine",
    "CostCategory",
    "EInvoice",
    "EInvoiceKind",
    "EInvoiceStatus",
    "GoodsReceipt",
    "GoodsReceiptLine",
    "InvoiceStatus",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderStatus",
    "Supplier",
    "SupplierInvoice",
    "SupplierInvoiceLine",
    "SupplierKind",
    "VatRate",
]
