"""Views of the quality app: thin functions over its selectors and services."""
