"""Views of the projects app, one module per area; projects/urls.py routes to them."""
