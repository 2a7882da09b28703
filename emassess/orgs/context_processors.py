from django.http import HttpRequest

from emassess.orgs.access import membership_of
from emassess.orgs.models import Membership


def membership(request: HttpRequest) -> dict[str, Membership | None]:
    """The signed-in person's membership, for the navigation."""
    user = getattr(request, "user", None)
    return {"membership": membership_of(user) if user is not None else None}
