"""Views of the reporting app: thin functions over its selectors and services."""
