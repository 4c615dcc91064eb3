"""Django admin: the curriculum editors' tool (curriculum.py), and career plans shown to
support as a record (plan.py). Both are imported here, so admin autodiscovery finds them."""

from . import curriculum, plan

__all__ = ["curriculum", "plan"]
