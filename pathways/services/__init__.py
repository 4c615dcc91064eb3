"""Writes: loading the curriculum (curriculum.py), the career plan (plan.py: generation and
status; plan_items.py: the edits of its goals and actions) and its PDF (pdf.py)."""
