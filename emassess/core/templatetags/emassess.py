from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def delta(change: int | None, up_is_bad: bool = False) -> str:
    """An arrow and the signed change since last time, with words for screen readers."""
    if change is None:
        return ""
    if change == 0:
        return mark_safe('<span class="text-muted small delta">no change</span>')
    up = change > 0
    good = up != up_is_bad
    return format_html(
        '<span class="delta small fw-semibold {}"><span aria-hidden="true">{} {}</span>'
        '<span class="visually-hidden">{} {} since last time</span></span>',
        "text-success" if good else "text-danger",
        "▲" if up else "▼",
        f"{change:+d}",
        "up" if up else "down",
        abs(change),
    )


BAND_CLASSES = {"low": "text-bg-success", "watch": "text-bg-warning", "high": "text-bg-danger"}


@register.filter
def band_class(band: str) -> str:
    return BAND_CLASSES.get(band, "text-bg-secondary")


@register.simple_tag
def share(value) -> str:
    """A dashboard share: '42% (5 of 12)', or 'not enough responses' when suppressed."""
    if value.suppressed:
        return mark_safe('<span class="text-muted fst-italic suppressed">not enough responses</span>')
    return format_html('{}% <span class="text-muted small">({} of {})</span>', value.percent, value.count, value.total)


@register.filter
def heat_class(value) -> str:
    """A heatmap cell's shade: five steps of 20 points, or none when suppressed."""
    if value.suppressed or value.percent is None:
        return "heat-none"
    return f"heat-{min(value.percent // 20, 4)}"


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes."""
    return int(duration.total_seconds() // 60)
