"""Forms: the curriculum's filters (curriculum.py) and the career plan's (plan.py)."""
