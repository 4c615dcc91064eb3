"""Reads: the curriculum (curriculum.py) and the career plan (plan.py)."""
