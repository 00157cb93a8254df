"""Models of the quality app (see ../shared/DESIGN.md, "Apps and what lives where")."""
