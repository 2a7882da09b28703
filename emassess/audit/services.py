from __future__ import annotations

from typing import Any

from emassess.audit.models import AuditEvent
from emassess.orgs.models import Membership, Organisation


def audit_record(
    *,
    action: str,
    organisation: Organisation | None,
    actor=None,
    subject: Membership | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.email if actor is not None and actor.is_authenticated else "system",
        action=action,
        subject=subject,
        subject_label=subject.user.email if subject is not None else "",
        detail=detail or {},
    )


def form_changes(form) -> dict[str, str]:
    """What a bound, valid ModelForm changes, as {field: "old → new"}."""

    def text(value) -> str:
        return "—" if value in (None, "") else str(value)

    return {name: f"{text(form.initial.get(name))} → {text(form.cleaned_data.get(name))}" for name in form.changed_data}
