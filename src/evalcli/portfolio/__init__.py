"""Portfolios: many reports at once — changed since a git ref, in parallel, indexed."""
