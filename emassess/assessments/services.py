"""Writes of the self-assessment: start a draft, save a section, submit once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments import engine
from emassess.assessments.forms import SectionForm, raw_answers
from emassess.assessments.models import ArchetypeScore, Assessment, RiskScore
from emassess.assessments.questionnaire import current_version
from emassess.orgs.audit import audit_record
from emassess.orgs.cycles import quarter_of
from emassess.orgs.models import AuditEvent, Membership


class NoQuestionnaire(Exception):
    """No questionnaire version has been published yet (run `manage.py load_questionnaire`)."""


@dataclass
class IncompleteAnswers(Exception):
    """A section's stored answers do not validate; `step` is where to send the manager."""

    step: int
    errors: dict[str, list[str]]


def _role_answers(manager: Membership, today: datetime.date) -> dict[str, str]:
    """What the organisation already knows about the manager's role, to spare them typing it."""
    answers = {"role.reports": str(manager.direct_reports.filter(user__is_active=True).count())}
    if manager.manager_role:
        answers["role.current"] = manager.manager_role
    months = manager.months_in_role(today)
    if months is not None:
        answers["role.months"] = str(months)
    if manager.team is not None:
        answers["role.team_kind"] = manager.team.kind
        answers["role.teams"] = "1"  # what the organisation records; a manager of managers corrects it
    return answers


def assessment_start(*, manager: Membership) -> Assessment:
    """The manager's draft: the one they have, or a new one on the current questionnaire version."""
    draft = manager.assessments.filter(status=Assessment.Status.DRAFT).first()
    if draft is not None:
        return draft
    version = current_version()
    if version is None:
        raise NoQuestionnaire
    answers = _role_answers(manager, timezone.localdate())
    previous = manager.assessments.filter(status=Assessment.Status.SUBMITTED).order_by("-submitted_at").first()
    if previous is not None:
        # Facts about the job that rarely change between quarters, offered for the manager to confirm.
        for fact in ("role.paired_tech_lead", "role.teams", "role.codes", "role.reviews", "role.designs"):
            if previous.answers.get(fact):
                answers[fact] = previous.answers[fact]
    try:
        with transaction.atomic():
            return Assessment.objects.create(manager=manager, version=version, answers=answers)
    except IntegrityError:
        # A second tab started one at the same moment: there is exactly one draft, use it.
        return manager.assessments.get(status=Assessment.Status.DRAFT)


def assessment_save_section(*, assessment: Assessment, step: int, data, next_step: int) -> None:
    """Keep what was typed on a page, valid or not, and where the manager is going next."""
    section = assessment.version.sections[step - 1]
    assessment.answers = {**assessment.answers, **raw_answers(data, section)}
    assessment.current_step = next_step
    assessment.furthest_step = max(assessment.furthest_step, next_step)
    assessment.save(update_fields=["answers", "current_step", "furthest_step", "updated_at"])


def validated_answers(assessment: Assessment) -> dict[str, Any]:
    """Every stored answer, checked section by section and typed; raises IncompleteAnswers."""
    definition = assessment.version.definition
    typed: dict[str, Any] = {}
    for step, section in enumerate(definition["sections"], start=1):
        data = {qid: value for qid, value in assessment.answers.items() if value != ""}
        form = SectionForm(data, section=section, definition=definition, answers=assessment.answers)
        if not form.is_valid():
            raise IncompleteAnswers(step, form.errors.get_json_data())
        typed.update(form.typed_answers())
    return typed


def assessment_submit(*, assessment: Assessment, now: datetime.datetime | None = None) -> Assessment:
    """Score and store the result, exactly once however many times it is called (double clicks,
    a second tab, the back button): the first call claims the draft, the others get its result."""
    now = now or timezone.now()
    assessment.refresh_from_db()  # a second tab's copy may be stale: the database decides
    if assessment.is_submitted:
        return assessment
    answers = validated_answers(assessment)
    outcome = engine.score(assessment.version.definition, answers)
    with transaction.atomic():
        claimed = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(
            status=Assessment.Status.SUBMITTED,
            submitted_at=now,
            period=quarter_of(now, assessment.manager.organisation.timezone),
            engine_version=engine.ENGINE_VERSION,
            outcome=outcome.to_json(),
            closest_archetype=outcome.closest,
            held_role=outcome.role_gap.held_role,
            tlm_statements=outcome.tlm.resonating,
            tlm_may_fit=outcome.tlm.may_fit,
            judgement=outcome.judgement,
            team_id=assessment.manager.team_id,
            updated_at=now,
        )
        if claimed == 1:
            ArchetypeScore.objects.bulk_create(
                ArchetypeScore(assessment_id=assessment.pk, archetype=fit.slug, fit=fit.fit)
                for fit in outcome.archetypes
            )
            # A construct with too few applicable answers has no score: the dashboards count it as
            # not flagged rather than guess.
            RiskScore.objects.bulk_create(
                RiskScore(assessment_id=assessment.pk, anti_pattern=risk.slug, risk=risk.risk, band=risk.band)
                for risk in outcome.anti_patterns
                if risk.risk is not None
            )
    assessment.refresh_from_db()
    return assessment


def assessment_set_shared(*, assessment: Assessment, shared: bool, by: User) -> None:
    """The manager's choice to let HR read one submitted result, recorded in the audit log."""
    if not shared:
        assessment.shared_at = None
    elif not assessment.shared_with_hr or assessment.shared_at is None:
        assessment.shared_at = timezone.now()  # sharing again what is already shared keeps its date
    assessment.shared_with_hr = shared
    assessment.known_to_hr = assessment.known_to_hr or shared
    assessment.save(update_fields=["shared_with_hr", "shared_at", "known_to_hr", "updated_at"])
    action = AuditEvent.Action.RESULT_SHARED if shared else AuditEvent.Action.RESULT_UNSHARED
    audit_record(action=action, organisation=assessment.manager.organisation, actor=by,
                 subject=assessment.manager, detail={"result": assessment.period})  # fmt: skip
