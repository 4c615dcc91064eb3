"""The curriculum's editors: the models they edit, and their group, which holds every
permission on those models and none elsewhere."""

from django.contrib.auth.models import Group, Permission

from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    Pathway,
    PathwayCompetency,
    PathwayEducation,
    PathwayStep,
    ProficiencyLevel,
    RoleKind,
    RubricLevel,
    Setting,
)
from pathways.models.lessons import LessonSection, ReflectionQuestion, SelfCheckQuestion
from pathways.models.opportunities import LearningModule, Opportunity

CURRICULUM_EDITOR_GROUP = "Curriculum editor"

# What curriculum editors edit, and nothing else of this app (plans are physicians' own).
CURRICULUM_MODELS = (
    Setting,
    RoleKind,
    ProficiencyLevel,
    CompetencyDomain,
    Competency,
    RubricLevel,
    Pathway,
    PathwayStep,
    PathwayEducation,
    PathwayCompetency,
    LearningModule,
    LessonSection,
    ReflectionQuestion,
    SelfCheckQuestion,
    Opportunity,
)


def curriculum_editor_group_sync() -> Group:
    """The "Curriculum editor" group: every permission on the curriculum's models and
    none elsewhere (not on people, not on physicians' plans), so editors need not be
    superusers."""
    group, _ = Group.objects.get_or_create(name=CURRICULUM_EDITOR_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="pathways",
        content_type__model__in=[model._meta.model_name for model in CURRICULUM_MODELS],
    )
    group.permissions.set(permissions)
    return group
