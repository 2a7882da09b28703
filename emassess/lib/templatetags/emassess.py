from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def delta(change: int | None, up_is_bad: bool = False, neutral: bool = False) -> str:
    """An arrow and the signed change since last time, with words for screen readers. Red marks
    a change for the worse and green one for the better; a `neutral` change (a fit, which is
    neither) is neither colour."""
    if change is None:
        return ""
    if change == 0:
        return mark_safe('<span class="text-muted small delta">no change</span>')
    up = change > 0
    good = up != up_is_bad
    return format_html(
        '<span class="delta small fw-semibold {}"><span aria-hidden="true">{} {}</span>'
        '<span class="visually-hidden">{} {} since last time</span></span>',
        "text-body-secondary" if neutral else "text-success" if good else "text-danger",
        "▲" if up else "▼",
        f"{change:+d}",
        "up" if up else "down",
        abs(change),
    )


BAND_CLASSES = {"low": "text-bg-success", "watch": "text-bg-warning", "high": "text-bg-danger"}


@register.filter
def band_class(band: str) -> str:
    return BAND_CLASSES.get(band, "text-bg-secondary")


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes."""
    return int(duration.total_seconds() // 60)


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, also: str = "") -> str:
    """A link of the main navigation. On the page it leads to it is marked aria-current="page"; on
    the pages under it (`also`: their URL names, space-separated) aria-current="true"."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.view_name if match is not None else None
    if current == url_name:
        state = "page"
    elif current in also.split():
        state = "true"
    else:
        return format_html('<a class="nav-link" href="{}">{}</a>', reverse(url_name), label)
    return format_html('<a class="nav-link active" aria-current="{}" href="{}">{}</a>', state, reverse(url_name), label)
