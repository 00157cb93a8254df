"""Views of the procurement app: thin functions over its selectors and services."""
