"""Writes: loading the curriculum (curriculum.py), the career plan (plan.py) and its PDF
(pdf.py)."""
