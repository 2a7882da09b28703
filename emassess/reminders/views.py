from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from emassess.orgs.access import MemberRequest, role_required
from emassess.orgs.models import Membership
from emassess.reminders.models import Reminder
from emassess.reminders.selectors import OUTBOX_KINDS, nudge_opt_outs, outbox_counts, outbox_list
from emassess.reminders.services import membership_from_unsubscribe_token, nudges_unsubscribe

PAGE_SIZE = 50


@role_required(Membership.Role.HR, Membership.Role.ORG_ADMIN)
def outbox(request: MemberRequest) -> HttpResponse:
    """What was sent to whom and when, and what failed and why."""
    organisation = request.membership.organisation
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    status = status if status in Reminder.Status.values else ""
    kind = kind if kind in dict(OUTBOX_KINDS) else ""
    page = Paginator(outbox_list(organisation=organisation, status=status, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": Reminder.Status.choices,
        "kinds": OUTBOX_KINDS,
        "counts": outbox_counts(organisation=organisation),
        "opt_outs": nudge_opt_outs(organisation=organisation),
    }
    return render(request, "reminders/outbox.html", context)


# Mail clients' one-click unsubscribe (RFC 8058) POSTs here without a CSRF token; the signed
# token in the URL is what authorises it, and all it can do is stop nudges.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    membership = membership_from_unsubscribe_token(token)
    if membership is None:
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        nudges_unsubscribe(membership=membership)
        membership.refresh_from_db()
    return render(request, "reminders/unsubscribe.html", {"membership": membership})
