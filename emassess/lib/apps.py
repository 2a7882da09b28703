from django.apps import AppConfig


class LibConfig(AppConfig):
    """The floor every app stands on: email building, the worker heartbeat and general template
    filters. It imports no other app of emassess."""

    name = "emassess.lib"
    label = "lib"
    verbose_name = "Library"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from emassess.lib.middleware import mark_session_seen

        # Logging in saves the session anyway: note it as seen then, so the next request need not.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: mark_session_seen(request.session), dispatch_uid="lib.session_seen"
        )
