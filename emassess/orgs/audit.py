"""The audit log: who opened or exported individual results, and who changed a role, a setting,
a person or the question bank. Rows are only ever added, each by the service that makes the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from emassess.accounts.models import User
from emassess.orgs.models import AuditEvent, Membership, Organisation


def audit_record(
    *,
    action: str,
    organisation: Organisation | None,
    actor: User | None = None,
    subject: Membership | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one event; without an actor it was the system (a command, a migration)."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        subject=subject,
        subject_label=subject.user.email if subject is not None else "",
        detail=detail or {},
    )


def form_changes(form: forms.ModelForm) -> dict[str, str]:
    """What a bound, valid ModelForm changes, as {field: "old → new"}."""

    def text(value: object) -> str:
        return "—" if value in (None, "") else str(value)

    return {name: f"{text(form.initial.get(name))} → {text(form.cleaned_data.get(name))}" for name in form.changed_data}


def audit_log_list(*, organisation: Organisation) -> QuerySet[AuditEvent]:
    """The organisation's events, with those that concern every organisation (the question bank)."""
    return AuditEvent.objects.filter(Q(organisation=organisation) | Q(organisation=None)).order_by("-created_at", "-pk")
