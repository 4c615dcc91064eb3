"""Views: the public curriculum (curriculum.py), the career plan (plan.py) and its exports (exports.py)."""
