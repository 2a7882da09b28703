from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emassess.core.access import role_required
from emassess.framework.selectors import framework_guide


@role_required()
def guide(request: HttpRequest) -> HttpResponse:
    """The framework explained: archetypes, the TLM checklist, anti-patterns, practices."""
    return render(request, "framework/guide.html", {"guide": framework_guide()})
