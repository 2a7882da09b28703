"""The username django-axes counts failed logins by."""

# django-axes keeps the username of a failed attempt in a varchar(255).
AXES_USERNAME_LENGTH = 255


def username_of(request, credentials=None) -> str | None:
    """The email typed into the login form, without NUL characters and cut to what django-axes
    can store: PostgreSQL refuses both, and a login attempt must never turn into a server error."""
    value = credentials.get("username") if credentials else request.POST.get("username")
    return value.replace("\x00", "")[:AXES_USERNAME_LENGTH] if isinstance(value, str) else value
