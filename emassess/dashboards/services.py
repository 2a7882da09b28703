"""What HR does with the dashboards that the audit log records: exporting a page, opening a result."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.http import Http404

from emassess.accounts.models import User
from emassess.assessments.models import Assessment
from emassess.dashboards.exports import dashboard_csv
from emassess.dashboards.selectors import Overview, TeamPage
from emassess.orgs.audit import audit_record
from emassess.orgs.live import live_counts_changed
from emassess.orgs.models import AuditEvent, Organisation


def dashboard_export(*, page: Overview | TeamPage, organisation: Organisation, label: str, by: User) -> str:
    """The page as CSV, with the export recorded."""
    audit_record(action=AuditEvent.Action.DASHBOARD_EXPORTED, organisation=organisation, actor=by,
                 detail={"page": label, "quarter": page.quarter.label})  # fmt: skip
    return dashboard_csv(page, organisation=organisation)


def result_open_for_hr(*, organisation: Organisation, public_id: uuid.UUID, reader: User) -> Assessment:
    """An individual result of the organisation, only where the manager shared it or the
    organisation lets HR see individual results; anything else is a 404 alike. The read is recorded."""
    assessment = (
        Assessment.objects.select_related("version", "manager__user", "manager__organisation")
        .filter(
            public_id=public_id,
            manager__organisation=organisation,
            status=Assessment.Status.SUBMITTED,
            outcome__isnull=False,  # an erased person's result keeps only its numbers
        )
        .first()
    )
    if assessment is None or not (organisation.hr_sees_individual_results or assessment.shared_with_hr):
        raise Http404("No such result.")
    audit_record(action=AuditEvent.Action.RESULT_VIEWED, organisation=organisation, actor=reader,
                 subject=assessment.manager, detail={"result": assessment.period})  # fmt: skip
    results_shown_to_hr(organisation=organisation, results=[assessment])
    return assessment


def results_shown_to_hr(*, organisation: Organisation, results: Iterable[Assessment]) -> None:
    """HR has now seen these results one by one (shared, or the organisation lets HR see them): from
    now on, and even once that is switched off again, they protect nobody in released figures."""
    unknown = [result for result in results if not result.known_to_hr]
    if unknown:
        Assessment.objects.filter(pk__in=[result.pk for result in unknown]).update(known_to_hr=True)
        live_counts_changed(organisation_id=organisation.pk)
