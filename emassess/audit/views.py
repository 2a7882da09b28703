from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emassess.audit.models import AuditEvent
from emassess.core.access import role_required
from emassess.orgs.models import Membership


@role_required(Membership.Role.ORG_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    organisation = request.membership.organisation
    events = AuditEvent.objects.filter(Q(organisation=organisation) | Q(organisation=None)).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})
