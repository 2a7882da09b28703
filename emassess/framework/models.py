"""The framework the product encodes: archetypes, the TLM checklist, anti-patterns and
practices. The text lives in content/framework.toml, is loaded by `load_framework`, and
is editable in the admin afterwards."""

from __future__ import annotations

from django.db import models


class Source(models.Model):
    """An article or book the content paraphrases, cited wherever it is used."""

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=120, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.title} ({self.author})" if self.author else self.title


class FocusArea(models.Model):
    """One of the six places a manager's week can go (hands-on coding, people and team...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Archetype(models.Model):
    class Kind(models.TextChoices):
        KUA = "kua", "Pat Kua's archetype"
        HYBRID = "hybrid", "Hybrid role"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    description = models.TextField()
    watch_out = models.TextField(help_text="The risk that comes with working this way.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="archetypes")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def focus_profile(self) -> dict[str, int]:
        """Expected percent of a week per focus area slug (our calibration)."""
        return {focus.area.slug: focus.percent for focus in self.focus.all()}


class ArchetypeFocus(models.Model):
    archetype = models.ForeignKey(Archetype, on_delete=models.CASCADE, related_name="focus")
    area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["archetype", "area__order"]
        verbose_name = "focus"
        verbose_name_plural = "focus profile"
        constraints = [
            models.UniqueConstraint(fields=["archetype", "area"], name="one_focus_per_area"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="focus_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.archetype}: {self.area} {self.percent}%"


class TlmChecklistItem(models.Model):
    """One of the six TLM-fit statements of seed 004."""

    slug = models.SlugField(max_length=60, unique=True)
    statement = models.TextField()
    explanation = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "TLM checklist item"

    def __str__(self) -> str:
        return self.statement


class AntiPattern(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    summary = models.CharField(max_length=300)
    description = models.TextField()
    root_cause = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Signal(models.Model):
    """A behaviour someone could notice in a week that points to an anti-pattern."""

    anti_pattern = models.ForeignKey(AntiPattern, on_delete=models.CASCADE, related_name="signals")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["anti_pattern", "order"]

    def __str__(self) -> str:
        return self.text


class Practice(models.Model):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", "Staying-technical framework"
        TLM_HABIT = "tlm-habit", "TLM habit"
        MULTIPLIER = "multiplier", "Multiplier mindset"
        EM_RESPONSIBILITY = "em-responsibility", "EM responsibility"
        STEP_BACK = "step-back", "Stepping back"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    how = models.TextField(help_text="How to do it this week, concretely.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    counters = models.ManyToManyField(AntiPattern, blank=True, related_name="practices")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class StepBackQuestion(models.Model):
    """Seed 000's four questions to ask before getting involved in technical work."""

    slug = models.SlugField(max_length=60, unique=True)
    question = models.CharField(max_length=300)
    why = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.question


class ReflectionQuestion(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    question = models.CharField(max_length=300)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.question


class FrameworkText(models.Model):
    """Free-standing texts of the framework (the calibration note, the TLM rule...)."""

    key = models.SlugField(max_length=60, unique=True)
    text = models.TextField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
