"""A person's data: everything emassess holds about them, and erasing it when they have left.

Erasing deletes the person, their account, answers, reviews and reminders. Their submitted
results stay only as the numbers the dashboards count (period, closest archetype, TLM verdict,
fits and risks), under an anonymous placeholder that cannot log in and names nobody, so the
organisation's past aggregates do not change.
"""

from __future__ import annotations

import uuid
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments.models import Assessment
from emassess.feedback.models import Response
from emassess.orgs.audit import audit_record
from emassess.orgs.live import live_counts_changed
from emassess.orgs.models import AuditEvent, Invitation, Membership, Organisation
from emassess.orgs.selectors import ERASED_EMAIL_DOMAIN
from emassess.reminders.models import Reminder
from emassess.reviews.models import RoleReview

ERASED_LABEL = "erased person"


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything the product holds about one person, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "active": user.is_active,
        },
    }
    membership = Membership.objects.select_related("organisation", "team", "reports_to__user").filter(user=user).first()
    if membership is None:
        return data
    data["membership"] = {
        "organisation": membership.organisation.name,
        "role": membership.role,
        "team": membership.team.name if membership.team else None,
        "reports_to": membership.reports_to.user.email if membership.reports_to else None,
        "manager_role": membership.manager_role or None,
        "manager_role_started_on": _when(membership.manager_role_started_on),
        "nudges_unsubscribed_at": _when(membership.nudges_unsubscribed_at),
    }
    data["assessments"] = [
        {
            "status": a.status,
            "questionnaire_version": a.version.number,
            "started_at": _when(a.started_at),
            "submitted_at": _when(a.submitted_at),
            "period": a.period,
            "shared_with_hr": a.shared_with_hr,
            "shared_at": _when(a.shared_at),
            "answers": a.answers,
            "answers_being_changed": a.reopened_answers,
            "result": a.outcome,
            "plan": a.plan,
        }
        for a in membership.assessments.select_related("version").order_by("started_at")
    ]
    data["role_reviews"] = [
        {
            "year": r.year,
            "status": r.status,
            "submitted_at": _when(r.submitted_at),
            "answers": r.answers,
            "recommendation": r.recommendation,
            "result": r.outcome,
        }
        for r in membership.role_reviews.order_by("year")
    ]
    # Upward feedback: the answers this person gave about their manager, theirs alone. What their
    # own reports answered about them is not theirs to read one by one (README, "Upward feedback").
    data["upward_feedback_given"] = [
        {
            "cycle": r.cycle,
            "about": r.manager.user.email,
            "survey_version": r.version.number,
            "submitted_at": _when(r.submitted_at),
            "changed_at": _when(r.changed_at),
            "answers": r.answers,
        }
        for r in Response.objects.filter(report=membership).select_related("manager__user", "version").order_by("cycle")
    ]
    data["reminders"] = [
        {"kind": r.kind, "period": r.period, "status": r.status, "sent_at": _when(r.sent_at), "email": r.email}
        for r in membership.reminders.order_by("created_at")
    ]
    data["audit_events_about_you"] = [
        {"when": _when(e.created_at), "who": e.actor_label, "what": e.get_action_display(), "detail": e.detail}
        for e in AuditEvent.objects.filter(subject=membership).order_by("created_at")
    ]
    return data


def _scrub_audit_details(*, organisation: Organisation, names: list[str]) -> None:
    """Replace the person's name and address wherever other people's audit events mention them
    (a change of whom someone reports to names both). Read in Python: JSON text escapes accents,
    so a database text search would miss "Tomás"."""
    names = [name for name in names if name]
    for event in AuditEvent.objects.filter(organisation=organisation).exclude(detail={}):
        detail = _replaced(event.detail, names)
        if detail != event.detail:
            AuditEvent.objects.filter(pk=event.pk).update(detail=detail)


def _replaced(value: Any, names: list[str]) -> Any:
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, ERASED_LABEL)
        return value
    if isinstance(value, dict):
        return {key: _replaced(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, names) for item in value]
    return value


class CannotErase(Exception):
    """Only people who have left (deactivated) can be erased, and never oneself."""


@transaction.atomic
def person_erase(*, membership: Membership, by: Membership) -> None:
    if membership.pk == by.pk or membership.user.is_active:
        raise CannotErase
    email = membership.user.email
    submitted = membership.assessments.filter(status=Assessment.Status.SUBMITTED)
    if submitted.exists():
        placeholder_user = User.objects.create_user(
            email=f"erased-{uuid.uuid4().hex}{ERASED_EMAIL_DOMAIN}", full_name=ERASED_LABEL, is_active=False
        )  # create_user without a password sets an unusable one
        placeholder = Membership.objects.create(
            user=placeholder_user,
            organisation=membership.organisation,
            role=membership.role,
            team=membership.team,
            manager_role=membership.manager_role,
        )
        # The numbers stay; the answers and the explained result, which could identify, go.
        submitted.update(
            manager=placeholder,
            answers={},
            outcome=None,
            shared_with_hr=False,
            shared_at=None,
            reopened_at=None,
            reopened_answers=None,
            plan=[],
            plan_from=[],
        )
    membership.assessments.all().delete()  # what is left: drafts and superseded results
    RoleReview.objects.filter(manager=membership).delete()
    # Their answers about their manager go; a team view already released from them stays as the
    # figures it is, like the dashboards' numbers.
    Response.objects.filter(report=membership).delete()
    Reminder.objects.filter(person=membership).delete()
    Invitation.objects.filter(organisation=membership.organisation, email__iexact=email).delete()
    AuditEvent.objects.filter(Q(subject=membership) | Q(subject_label=email)).update(
        subject=None, subject_label=ERASED_LABEL
    )
    AuditEvent.objects.filter(actor=membership.user).update(actor=None, actor_label=ERASED_LABEL)
    _scrub_audit_details(organisation=membership.organisation, names=[email, membership.user.full_name])
    # django-axes keeps every login, failed or not, with the address, the IP and the browser.
    for log in (AccessAttempt, AccessFailureLog, AccessLog):
        log.objects.filter(username__iexact=email).delete()
    organisation = membership.organisation
    membership.user.delete()  # and with it the membership
    live_counts_changed(organisation_id=organisation.pk)
    audit_record(action=AuditEvent.Action.PERSON_ERASED, organisation=organisation, actor=by.user,
                 detail={"kept": "aggregated numbers only"})  # fmt: skip
