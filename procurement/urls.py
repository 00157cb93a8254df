from django.urls import path

from procurement.views import exports, invoices, money, orders, substitutes, suppliers

app_name = "procurement"

urlpatterns: list = [
    path("orders/", orders.purchase_order_list, name="purchase-order-list"),
    path("orders/awaiting/", orders.purchase_order_awaiting, name="purchase-order-awaiting"),
    path("orders/create/", orders.purchase_order_create, name="purchase-order-create"),
    path("orders/export.csv", exports.purchase_order_export_csv, name="purchase-order-export-csv"),
    path("orders/export.xlsx", exports.purchase_order_export_xlsx, name="purchase-order-export-xlsx"),
    path("orders/<int:pk>/", orders.purchase_order_detail, name="purchase-order-detail"),
    path("orders/<int:pk>/update/", orders.purchase_order_update, name="purchase-order-update"),
    path("orders/<int:pk>/submit/", orders.purchase_order_submit, name="purchase-order-submit"),
    path("orders/<int:pk>/approve/", orders.purchase_order_approve, name="purchase-order-approve"),
    path("orders/<int:pk>/reject/", orders.purchase_order_reject, name="purchase-order-reject"),
    path("orders/<int:pk>/reopen/", orders.purchase_order_reopen, name="purchase-order-reopen"),
    path("orders/<int:pk>/send/", orders.purchase_order_send, name="purchase-order-send"),
    path("orders/<int:pk>/cancel/", orders.purchase_order_cancel, name="purchase-order-cancel"),
    path("orders/<int:pk>/close/", orders.purchase_order_close, name="purchase-order-close"),
    path("orders/<int:pk>/receive/", orders.purchase_order_receive, name="purchase-order-receive"),
    path("orders/<int:pk>/pdf/", orders.purchase_order_pdf, name="purchase-order-pdf"),
    path("orders/<int:pk>/ubl.xml", orders.purchase_order_ubl, name="purchase-order-ubl"),
    path("orders/<int:pk>/invoices/create/", invoices.invoice_create, name="invoice-create"),
    path("invoices/", invoices.invoice_list, name="invoice-list"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/resolve/", invoices.invoice_resolve, name="invoice-resolve"),
    path("suppliers/", suppliers.supplier_list, name="supplier-list"),
    path("suppliers/create/", suppliers.supplier_create, name="supplier-create"),
    path("suppliers/<int:pk>/", suppliers.supplier_detail, name="supplier-detail"),
    path("suppliers/<int:pk>/update/", suppliers.supplier_update, name="supplier-update"),
    path("projects/<int:pk>/pnl/", money.project_pnl, name="project-pnl"),
    path("projects/<int:pk>/budget/<slug:category>/", money.budget_line_edit, name="budget-line-edit"),
    path("substitutes/", substitutes.substitute_list, name="substitute-list"),
    path("substitutes/<int:pk>/delete/", substitutes.substitute_delete, name="substitute-delete"),
    path("orders/<int:pk>/take-over/", orders.purchase_order_take_over, name="purchase-order-take-over"),
    path("orders/lines/", orders.purchase_order_lines_partial, name="purchase-order-lines"),
    path("portfolio/", money.portfolio_money, name="portfolio-money"),
]
