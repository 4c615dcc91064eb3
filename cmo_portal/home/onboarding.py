"""Where a person stands on their way through the site: their onboarding steps.

Onboarding is read from what the person has done, not from a separate state: a profile,
a finished needs assessment, submitted ratings, a plan, a mentorship. So a person who
stops can come back at the step they left, on any device. Two steps leave no other
trace and are kept in Profile.onboarding: the results seen, and the mentor step skipped.

A physician's steps: profile, needs assessment, rubric, results, plan, mentor.
A mentor's steps (intent "mentor"): profile, mentor profile, approval.
Someone here for both has the physician's steps, then the mentor profile."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass
class Step:
    key: str
    title: str
    why: str
    url: str
    action: str  # the button's words when this is the current step
    done: bool = False
    started: bool = False  # begun but not finished (an assessment in progress)


@dataclass
class Journey:
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps)) if self.steps else 100


def physician_steps(
    *, profile, assessment_open, results, plans, mentorships, onboarding
) -> list[Step]:
    assessment_done = results is not None and results.assessment is not None
    rated = results is not None and results.has_ratings
    return [
        Step(
            "profile",
            "Your profile",
            "Career stage, specialty, where you work and your time zone.",
            reverse("accounts:profile-edit"),
            "Complete your profile",
            done=profile is not None,
        ),
        Step(
            "assessment",
            "Needs assessment",
            "Your background and the CMO roles you aim for, in four short steps.",
            reverse("assessments:start"),
            "Continue the needs assessment" if assessment_open else "Take the needs assessment",
            done=assessment_done,
            started=assessment_open and not assessment_done,
        ),
        Step(
            "rubric",
            "Rate your competencies",
            "Pick the level that describes you today on what your target roles need.",
            reverse("assessments:rubric"),
            "Rate your competencies",
            done=rated,
        ),
        Step(
            "results",
            "See where you stand",
            "Your readiness for each target role and your largest gaps.",
            reverse("assessments:results"),
            "See your results",
            done=rated and (bool(onboarding.get("results_seen")) or bool(plans)),
        ),
        Step(
            "plan",
            "Build your plan",
            "Goals from your largest gaps, with actions and due dates.",
            reverse("pathways:plan-list"),
            "Build your plan",
            done=bool(plans),
        ),
        Step(
            "mentor",
            "Find a mentor",
            "Mentors ranked by how well they cover your gaps, each with the reasons.",
            reverse("mentors:suggestions"),
            "See your mentor suggestions",
            done=bool(mentorships) or bool(onboarding.get("mentors_skipped")),
        ),
    ]


def mentor_steps(*, profile, mentor_profile) -> list[Step]:
    return [
        Step(
            "mentor-profile",
            "Your mentor profile",
            "What you can teach and at what level, the settings you know, your capacity.",
            reverse("mentors:profile-edit"),
            "Apply to mentor",
            done=mentor_profile is not None,
        ),
        Step(
            "approval",
            "Approval",
            "Our team reads every application; you hear by email.",
            reverse("mentors:dashboard"),
            "See your mentor dashboard",
            done=mentor_profile is not None and mentor_profile.is_approved,
            started=mentor_profile is not None,
        ),
    ]
