"""The username django-axes counts failed logins by."""


def username_of(request, credentials=None) -> str | None:
    """The email typed into the login form, without NUL characters: PostgreSQL cannot store them,
    and a login attempt must never turn into a server error."""
    value = credentials.get("username") if credentials else request.POST.get("username")
    return value.replace("\x00", "") if isinstance(value, str) else value
