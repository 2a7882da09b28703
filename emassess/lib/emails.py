"""Every email is three templates, rendered by one helper: emails/<name>-subject.txt,
emails/<name>-body.txt and emails/<name>-body.html."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone


def build_email(
    name: str,
    context: dict[str, Any],
    *,
    to: str,
    timezone_name: str = "UTC",
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The message `name` for one recipient, its dates read in their organisation's time zone."""
    context = {"site_url": settings.SITE_URL, **context}
    with timezone.override(zoneinfo.ZoneInfo(timezone_name)):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message
