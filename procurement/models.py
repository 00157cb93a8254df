"""Models of the procurement app (see ../shared/DESIGN.md, "Apps and what lives where")."""
