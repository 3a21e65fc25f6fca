"""Estimates computed from a design and the catalog; each returns its value with the math."""

from playbook.estimates.base import Estimate

__all__ = ["Estimate"]
