"""Writes: loading the curriculum (curriculum.py) and the career plan (plan.py)."""

from .curriculum import (
    CURRICULUM_DIR,
    CURRICULUM_EDITOR_GROUP,
    CurriculumError,
    LoadReport,
    curriculum_editor_group_sync,
    curriculum_load,
    curriculum_read,
    next_occurrence,
)

__all__ = [
    "CURRICULUM_DIR",
    "CURRICULUM_EDITOR_GROUP",
    "CurriculumError",
    "LoadReport",
    "curriculum_editor_group_sync",
    "curriculum_load",
    "curriculum_read",
    "next_occurrence",
]
