from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emassess.framework.selectors import framework_guide


@login_required
def guide(request: HttpRequest) -> HttpResponse:
    """The framework explained: archetypes, the TLM checklist, anti-patterns, practices."""
    return render(request, "framework/guide.html", {"guide": framework_guide()})
