"""Organisations, their teams, and the place each person holds in one."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (try e.g. Europe/London).")


MIN_ANONYMITY_THRESHOLD = 3  # Google's manager feedback: never report on fewer than three people
MAX_ANONYMITY_THRESHOLD = 1000
# The one nudge comes within a cycle's first two months: later than that it is no nudge, and a
# huge number must never reach the date arithmetic of the reminders.
MAX_NUDGE_AFTER_DAYS = 60


class Organisation(models.Model):
    class Cadence(models.IntegerChoices):
        QUARTERLY = 3, "Every quarter"
        HALF_YEARLY = 6, "Every half-year"
        YEARLY = 12, "Every year"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    cadence_months = models.PositiveSmallIntegerField(
        "reassessment cadence", choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    anonymity_threshold = models.PositiveSmallIntegerField(
        default=MIN_ANONYMITY_THRESHOLD,
        validators=[MinValueValidator(MIN_ANONYMITY_THRESHOLD), MaxValueValidator(MAX_ANONYMITY_THRESHOLD)],
        help_text="Aggregates over fewer people than this show as 'not enough responses'.",
    )
    hr_sees_individual_results = models.BooleanField(
        "HR may see individual results",
        default=False,
        help_text="Off: HR sees aggregates and completion only, and a result a manager chose to share.",
    )
    nudge_after_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_NUDGE_AFTER_DAYS)],
        help_text="Days after a cycle opens before one reminder goes to managers who have not finished.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on whenever something the dashboards count live changes (emassess.orgs.live), so that
    # they can keep what they counted until then.
    live_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            # Every setting is bounded in the database too, whatever writes it (a form, the admin, a script).
            models.CheckConstraint(
                condition=models.Q(anonymity_threshold__gte=MIN_ANONYMITY_THRESHOLD)
                & models.Q(anonymity_threshold__lte=MAX_ANONYMITY_THRESHOLD),
                name="anonymity_threshold_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(nudge_after_days__gte=1) & models.Q(nudge_after_days__lte=MAX_NUDGE_AFTER_DAYS),
                name="nudge_after_days_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_months__in=[3, 6, 12]), name="cadence_is_a_quarter_half_or_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> datetime.date:
        """Today's date in the organisation's time zone."""
        return timezone.localtime(timezone=zoneinfo.ZoneInfo(self.timezone)).date()


class Team(models.Model):
    class Kind(models.TextChoices):
        # Seed 004: the TLM role is seen more often on infrastructure teams, whose
        # customers are other engineers.
        INFRASTRUCTURE = "infrastructure", "Infrastructure"
        PLATFORM = "platform", "Platform"
        PRODUCT = "product", "Product"
        DATA = "data", "Data and ML"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    # An archived team takes no more people and is offered nowhere, but its row stays: the figures
    # released for it, and its place in past quarters' dashboards, keep pointing at it.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Membership(models.Model):
    """A person's place in their organisation: one organisation per person."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        REPORT = "report", "Report"
        HR = "hr", "HR"
        ORG_ADMIN = "org_admin", "Org admin"

    class ManagerRole(models.TextChoices):
        EM = "em", "Engineering manager"
        TLM = "tlm", "Tech lead manager"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports"
    )
    manager_role = models.CharField(
        max_length=10, choices=ManagerRole.choices, blank=True, help_text="Managers only: the role they hold."
    )
    manager_role_started_on = models.DateField(
        null=True, blank=True, help_text="Managers only: when they started their current EM or TLM role."
    )
    # Set when the person follows the unsubscribe link of a nudge; the quarterly invitation
    # itself still comes, and HR can see who opted out.
    nudges_unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="manager") | models.Q(manager_role="", manager_role_started_on=None),
                name="manager_role_only_for_managers",
            ),
        ]
        # The one-year reviews coming up are found by the date the role began, at any size.
        indexes = [models.Index(fields=["organisation", "manager_role_started_on"], name="role_start_by_organisation")]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"

    def clean(self) -> None:
        if self.team is not None and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "The team must belong to the same organisation."})
        if self.reports_to is not None and self.reports_to.organisation_id != self.organisation_id:
            raise ValidationError({"reports_to": "People can only report to someone in their organisation."})
        if self.role == self.Role.MANAGER and not self.manager_role:
            raise ValidationError({"manager_role": "Say whether this manager is an EM or a TLM."})
        if self.role != self.Role.MANAGER and (self.manager_role or self.manager_role_started_on):
            raise ValidationError({"manager_role": "Only managers have an EM or TLM role."})

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def sees_organisation(self) -> bool:
        return self.role in (self.Role.HR, self.Role.ORG_ADMIN)

    def months_in_role(self, today: datetime.date) -> int | None:
        """Whole months since the manager role started, or None when not recorded."""
        start = self.manager_role_started_on
        if start is None:
            return None
        months = (today.year - start.year) * 12 + (today.month - start.month)
        if today.day < start.day:
            months -= 1
        return max(months, 0)


class Invitation(models.Model):
    """An invitation to join an organisation. Its link is signed and expires; accepting it once
    creates the person, so a second use finds it accepted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    manager_role = models.CharField(max_length=10, choices=Membership.ManagerRole.choices, blank=True)
    manager_role_started_on = models.DateField(null=True, blank=True)
    # Whom the person will report to once they join; erasing that person leaves it empty.
    reports_to = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Carried in the link: Resend moves it on, so only the newest email's link works.
    link_version = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"


# ---------------------------------------------------------------------------------------------
# The audit log. It lives with the organisations because every change it records is made by a
# service of this app or of an app above it: each records its own event (emassess.orgs.audit).


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        RESULT_VIEWED = "result_viewed", "Viewed an individual result"
        DASHBOARD_EXPORTED = "dashboard_exported", "Exported a dashboard"
        RESULT_SHARED = "result_shared", "Shared a result with HR"
        RESULT_UNSHARED = "result_unshared", "Stopped sharing a result with HR"
        RESULT_REOPENED = "result_reopened", "Reopened a result to change the answers"
        RESULT_RESUBMITTED = "result_resubmitted", "Resubmitted a result with changed answers"
        PERSON_CHANGED = "person_changed", "Changed a person's name, role, team or manager"
        PERSON_DEACTIVATED = "person_deactivated", "Deactivated a person"
        PERSON_REACTIVATED = "person_reactivated", "Reactivated a person"
        SETTINGS_CHANGED = "settings_changed", "Changed the organisation's settings"
        QUESTIONNAIRE_PUBLISHED = "questionnaire_published", "Published a questionnaire version"
        PERSON_ERASED = "person_erased", "Erased a person who left"
        REMINDER_REQUESTED = "reminder_requested", "Reminded a manager to complete this cycle"
        TEAM_CREATED = "team_created", "Created a team"
        TEAM_CHANGED = "team_changed", "Renamed a team or changed its kind"
        TEAM_ARCHIVED = "team_archived", "Archived a team"
        TEAM_RESTORED = "team_restored", "Restored an archived team"

    # Empty for changes that concern every organisation (the question bank).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="Who, as they were named at the time.")
    action = models.CharField(max_length=30, choices=Action.choices)
    subject = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject_label = models.CharField(max_length=254, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"
