from emassess.core.access import membership_of


def membership(request):
    """The signed-in person's membership, for the navigation."""
    user = getattr(request, "user", None)
    return {"membership": membership_of(user) if user is not None else None}
