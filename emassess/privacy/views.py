import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from emassess.orgs.access import AuthenticatedHttpRequest, MemberRequest, role_required
from emassess.orgs.models import Membership
from emassess.privacy.services import CannotErase, person_erase, personal_data


@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything emassess holds about the person asking, as a JSON download."""
    content = json.dumps(personal_data(user=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="emassess-my-data-{timezone.localdate()}.json"'
    return response


@role_required(Membership.Role.ORG_ADMIN)
def person_erase_view(request: MemberRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST, with the person's email typed again, erases them."""
    person = get_object_or_404(
        Membership.objects.select_related("user", "team"), pk=pk, organisation=request.membership.organisation
    )
    if request.method == "POST":
        if request.POST.get("confirm_email", "").strip().lower() != person.user.email:
            messages.error(request, "Type the person's email address exactly to confirm; nothing was erased.")
        else:
            try:
                person_erase(membership=person, by=request.membership)
            except CannotErase:
                messages.error(request, "Only someone who has left (deactivated), and never yourself, can be erased.")
            else:
                messages.success(request, "The person and their answers are erased; the aggregates keep their numbers.")
                return redirect("people")
    return render(request, "privacy/erase.html", {"person": person})
