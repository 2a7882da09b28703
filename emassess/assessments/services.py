"""Writes of the self-assessment: start a draft, save a section, submit once per cycle, and reopen
a result to change its answers until its quarter closes (resubmitting re-scores the same row)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments import engine
from emassess.assessments.forms import SectionForm, checking_fields, raw_answers
from emassess.assessments.models import ArchetypeScore, Assessment, RiskScore
from emassess.assessments.plans import asked_section
from emassess.assessments.questionnaire import current_version
from emassess.assessments.selectors import (
    can_change,
    cycle_at,
    drafts,
    result_in_cycle,
    submitted_in_cycle,
    submitted_list,
)
from emassess.orgs.audit import audit_record
from emassess.orgs.cycles import parse_quarter, quarter_of
from emassess.orgs.live import live_counts_changed
from emassess.orgs.models import AuditEvent, Membership


class NoQuestionnaire(Exception):
    """No questionnaire version has been published yet (run `manage.py load_questionnaire`)."""


@dataclass
class AlreadyDone(Exception):
    """The manager has already submitted this cycle's assessment: `result` is it (reopen it to
    change the answers)."""

    result: Assessment


@dataclass
class ResultClosed(Exception):
    """The result's quarter has closed (its figures are or will be released): it can no longer change."""

    result: Assessment


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


def assessment_start(*, manager: Membership, now: datetime.datetime | None = None) -> Assessment:
    """The manager's draft: the one they have, or a new one on the current questionnaire version.
    Raises AlreadyDone when they have submitted this cycle's assessment already."""
    now = now or timezone.now()
    draft = drafts(manager=manager).first()
    if draft is not None:
        return draft
    done = result_in_cycle(manager=manager, cycle=cycle_at(organisation=manager.organisation, now=now))
    if done is not None:
        raise AlreadyDone(done)
    version = current_version()
    if version is None:
        raise NoQuestionnaire
    # Changes to an earlier result begun and never resubmitted before its quarter closed are over.
    manager.assessments.filter(reopened_at__isnull=False, closes_at__lte=now).update(
        reopened_at=None, reopened_answers=None
    )
    answers = _role_answers(manager, timezone.localdate())
    previous = submitted_list(manager=manager).first()
    if previous is not None:
        # Facts about the job that rarely change between quarters, offered for the manager to confirm.
        for fact in ("role.paired_tech_lead", "role.teams", "role.codes", "role.reviews", "role.designs"):
            if previous.answers.get(fact):
                answers[fact] = previous.answers[fact]
    plan_from = previous.plan if previous is not None else []
    try:
        with transaction.atomic():
            draft = Assessment.objects.create(manager=manager, version=version, answers=answers, plan_from=plan_from)
            live_counts_changed(organisation_id=manager.organisation_id)  # not started -> in progress
            return draft
    except IntegrityError:
        # A second tab started one at the same moment: there is exactly one draft, use it.
        return drafts(manager=manager).get()


def assessment_save_section(*, assessment: Assessment, step: int, data, next_step: int) -> None:
    """Keep what was typed on a page, valid or not, and where the manager is going next: in a draft's
    answers, or in a reopened result's changes (its submitted answers stay as they were)."""
    section = asked_section(assessment, step)
    typed = {**assessment.answers_in_progress, **raw_answers(data, section)}
    field = "reopened_answers" if assessment.is_reopened else "answers"
    setattr(assessment, field, typed)
    assessment.current_step = next_step
    assessment.furthest_step = max(assessment.furthest_step, next_step)
    assessment.save(update_fields=[field, "current_step", "furthest_step", "updated_at"])


def validated_answers(assessment: Assessment, *, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every stored answer (a reopened result's changed ones, or the `answers` given: the submitted
    ones), checked section by section and typed; raises IncompleteAnswers."""
    definition = assessment.version.definition
    answers = assessment.answers_in_progress if answers is None else answers
    checking = checking_fields(assessment.version)
    typed: dict[str, Any] = {}
    for step in range(1, len(definition["sections"]) + 1):
        section = asked_section(assessment, step)
        data = {qid: value for qid, value in answers.items() if value != ""}
        form = SectionForm(data, section=section, definition=definition, answers=answers, checking=checking)
        if not form.is_valid():
            raise IncompleteAnswers(step, form.errors.get_json_data())
        typed.update(form.typed_answers())
    return typed


def _scored_fields(outcome: engine.Outcome) -> dict[str, Any]:
    return {
        "engine_version": engine.ENGINE_VERSION,
        "outcome": outcome.to_json(),
        "closest_archetype": outcome.closest,
        "held_role": outcome.role_gap.held_role,
        "tlm_statements": outcome.tlm.resonating,
        "tlm_may_fit": outcome.tlm.may_fit,
        "judgement": outcome.judgement,
    }


def _store_scores(assessment_id: int, outcome: engine.Outcome) -> None:
    ArchetypeScore.objects.bulk_create(
        ArchetypeScore(assessment_id=assessment_id, archetype=fit.slug, fit=fit.fit) for fit in outcome.archetypes
    )
    # A construct with too few applicable answers has no score: the dashboards count it as not
    # flagged rather than guess.
    RiskScore.objects.bulk_create(
        RiskScore(assessment_id=assessment_id, anti_pattern=risk.slug, risk=risk.risk, band=risk.band)
        for risk in outcome.anti_patterns
        if risk.risk is not None
    )


# What may have changed on an assessment's row since it was read (a second tab's submit, a reopen):
# every field but its version, which never changes, so re-reading keeps the version's definition as
# loaded, and its manager (which only the erasure of someone who can no longer log in changes), which
# assessment_submit reads again with its lock.
_REREAD = [
    field.attname for field in Assessment._meta.concrete_fields if field.attname not in ("version_id", "manager_id")
]


def _reread(assessment: Assessment) -> None:
    assessment.refresh_from_db(fields=_REREAD)


def _as_stored(assessment: Assessment, claimed: dict[str, Any] | None) -> None:
    """The assessment as the database now holds it: the fields this call's claim wrote (`claimed`),
    without reading them back, or, when another call won the claim, re-read."""
    if claimed is None:
        _reread(assessment)
        return
    for name, value in claimed.items():
        setattr(assessment, name, value)


def assessment_submit(*, assessment: Assessment, now: datetime.datetime | None = None) -> Assessment:
    """Score and store the result, exactly once however many times it is called (double clicks,
    a second tab, the back button): the first call claims the draft, the others get its result.

    A manager submits one assessment per cycle: AlreadyDone when they have a result of the cycle
    already. A reopened result is re-scored in place (ResultClosed once its quarter has closed)."""
    now = now or timezone.now()
    period = ""  # the quarter a first submit files its result under, once known
    try:
        with transaction.atomic():
            # A second tab's copy may be stale: read it again, with its manager, their organisation
            # and user (a resubmit's audit record names them) as they are now, and take the manager's
            # lock, so that their submissions go one at a time (PostgreSQL; SQLite writes one at a
            # time anyway). Only the membership's row is locked. Whatever this read says, the claims
            # below are what decide.
            assessment.refresh_from_db(
                fields=[*_REREAD, "manager_id"],
                from_queryset=Assessment.objects.select_for_update(of=("manager",)).select_related(
                    "manager__organisation", "manager__user"
                ),
            )
            if assessment.is_reopened:
                return _resubmit(assessment, now=now)
            if assessment.status != Assessment.Status.DRAFT:
                return assessment
            answers = validated_answers(assessment)
            outcome = engine.score(assessment.version.definition, answers)
            manager = assessment.manager
            organisation = manager.organisation
            period = quarter_of(now, organisation.timezone)
            cycle = cycle_at(organisation=organisation, now=now)
            submitted = {
                "status": Assessment.Status.SUBMITTED,
                "submitted_at": now,
                "period": period,
                "closes_at": parse_quarter(period).bounds(organisation.timezone)[1],
                "team_id": manager.team_id,
                "updated_at": now,
                **_scored_fields(outcome),
            }
            # The claim: still a draft, and no other result of the cycle (read after the lock, so
            # a result stored by the manager's other tab just before is seen).
            claimed = (
                Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT)
                .exclude(Exists(submitted_in_cycle(cycle=cycle, manager=manager).exclude(pk=assessment.pk)))
                .update(**submitted)
            )
            if claimed == 1:
                _store_scores(assessment.pk, outcome)
                live_counts_changed(organisation_id=organisation.pk)  # in progress -> done
            else:
                done = result_in_cycle(manager=manager, cycle=cycle)
                if done is not None and done.pk != assessment.pk:
                    raise AlreadyDone(done)
    except IntegrityError:
        if not period:
            raise  # not a first submit's claim
        # Another result of the quarter was stored at the same moment: one per quarter, that one.
        other = Assessment.objects.get(
            manager_id=assessment.manager_id, period=period, status=Assessment.Status.SUBMITTED
        )
        raise AlreadyDone(other) from None
    _as_stored(assessment, submitted if claimed == 1 else None)
    return assessment


def assessment_reopen(*, assessment: Assessment, by: User, now: datetime.datetime | None = None) -> Assessment:
    """Let the manager change the answers of a submitted result until its quarter closes. The result
    stays in force (dashboards, reminders, a share with HR) until they resubmit; their changes start
    from the submitted answers. Reopening a reopened result changes nothing. Raises ResultClosed."""
    now = now or timezone.now()
    # Another tab may have changed it: read its fields again, keeping the manager (with their
    # organisation and user) and the version (with the definition each process keeps) as given.
    _reread(assessment)
    if not assessment.is_submitted:
        raise ValueError("only a submitted result can be reopened")
    if assessment.is_reopened:
        return assessment
    if not can_change(assessment=assessment, now=now):
        raise ResultClosed(assessment)
    reopened = {
        "reopened_at": now,
        "reopened_answers": assessment.answers,
        "current_step": 1,
        "furthest_step": len(assessment.version.sections),
        "updated_at": now,
    }
    claimed = Assessment.objects.filter(
        pk=assessment.pk, status=Assessment.Status.SUBMITTED, reopened_at__isnull=True
    ).update(**reopened)
    if claimed == 1:
        audit_record(action=AuditEvent.Action.RESULT_REOPENED, organisation=assessment.manager.organisation,
                     actor=by, subject=assessment.manager, detail={"result": assessment.period})  # fmt: skip
    _as_stored(assessment, reopened if claimed == 1 else None)
    return assessment


def assessment_keep(*, assessment: Assessment) -> None:
    """Drop the changes of a reopened result: the submitted answers and result stand as they were."""
    Assessment.objects.filter(pk=assessment.pk, reopened_at__isnull=False).update(
        reopened_at=None, reopened_answers=None
    )
    assessment.refresh_from_db()


def _resubmit(assessment: Assessment, *, now: datetime.datetime) -> Assessment:
    """Re-score a reopened result in place with its changed answers, once (the first of two tabs
    claims it), and only while its quarter is open: once it has closed its figures may be released,
    and a result that changed afterwards would be a difference. The period, the team, the first
    submission time, the share with HR and known_to_hr stay as they were.

    Runs inside assessment_submit's transaction, which holds the manager's lock."""
    if not can_change(assessment=assessment, now=now):
        raise ResultClosed(assessment)
    changed = assessment.reopened_answers or {}
    answers = validated_answers(assessment)
    outcome = engine.score(assessment.version.definition, answers)
    resubmitted = {
        "answers": changed,
        "reopened_at": None,
        "reopened_answers": None,
        "resubmitted_at": now,
        "updated_at": now,
        **_scored_fields(outcome),
    }
    claimed = Assessment.objects.filter(
        pk=assessment.pk, status=Assessment.Status.SUBMITTED, reopened_at=assessment.reopened_at
    ).update(**resubmitted)
    if claimed == 1:
        ArchetypeScore.objects.filter(assessment_id=assessment.pk).delete()
        RiskScore.objects.filter(assessment_id=assessment.pk).delete()
        _store_scores(assessment.pk, outcome)
        audit_record(action=AuditEvent.Action.RESULT_RESUBMITTED, organisation=assessment.manager.organisation,
                     actor=assessment.manager.user, subject=assessment.manager,
                     detail={"result": assessment.period})  # fmt: skip
    _as_stored(assessment, resubmitted if claimed == 1 else None)
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
    live_counts_changed(organisation_id=assessment.manager.organisation_id)  # which results HR knows
    action = AuditEvent.Action.RESULT_SHARED if shared else AuditEvent.Action.RESULT_UNSHARED
    audit_record(action=action, organisation=assessment.manager.organisation, actor=by,
                 subject=assessment.manager, detail={"result": assessment.period})  # fmt: skip


def assessment_set_plan(
    *, assessment: Assessment, practices: list[str], advised: list[dict[str, Any]] | None = None
) -> None:
    """Keep the practices (slugs, already checked by PlanForm) the manager will work on, in the
    order the result advises them, with their names as the result gave them. `advised` is the advice
    the page showed, by default the stored result's (the team's view can add to it: feedback)."""
    advised = advised if advised is not None else (assessment.outcome or {}).get("practices", [])
    chosen = [{"slug": advice["slug"], "name": advice["name"]} for advice in advised if advice["slug"] in practices]
    Assessment.objects.filter(pk=assessment.pk).update(plan=chosen, updated_at=timezone.now())
    assessment.refresh_from_db()
