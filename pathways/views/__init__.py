"""Views: the public curriculum (curriculum.py), and the career plan: its pages (plan.py),
its goals and actions (plan_items.py), its history and removed list (plan_history.py) and
its exports (exports.py)."""
