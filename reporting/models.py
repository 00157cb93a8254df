"""Models of the reporting app (see ../shared/DESIGN.md, "Apps and what lives where")."""
