"""The role review: a year after someone starts an EM or TLM role (seed 004: give it a year),
and again at two and three years (the engineer/manager pendulum), a short questionnaire that
compares their first assessment in the role with their latest and ends with a recommendation."""

from __future__ import annotations

from django.db import models

from emassess.assessments.models import Assessment
from emassess.orgs.models import Membership
from emassess.reviews.recommendation import RECOMMENDATION_LABELS, REVIEW_TITLES, REVIEW_YEARS


class RoleReview(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_reviews")
    year = models.PositiveSmallIntegerField(help_text="Years in the role: 1, 2 or 3.")
    role_started_on = models.DateField(help_text="The start of the role this review looks back on.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    first_assessment = models.ForeignKey(Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    latest_assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recommendation = models.CharField(max_length=20, choices=RECOMMENDATION_LABELS, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["manager", "role_started_on", "year"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "role_started_on", "year"], name="one_review_per_role_year"),
            models.CheckConstraint(condition=models.Q(year__in=REVIEW_YEARS), name="review_year_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.manager.user} - year {self.year} review ({self.get_status_display()})"

    @property
    def title(self) -> str:
        return REVIEW_TITLES[self.year]
