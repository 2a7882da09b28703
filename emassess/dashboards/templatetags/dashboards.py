"""How a dashboard figure shows: a share with its count, or the words that say it is suppressed."""

from django import template
from django.utils.html import format_html

from emassess.dashboards.selectors import NOT_ENOUGH_RESPONSES, Share

register = template.Library()


@register.simple_tag
def share(value: Share) -> str:
    """A dashboard share: '42% (5 of 12)', or 'not enough responses' when suppressed."""
    if value.suppressed:
        return format_html('<span class="text-muted fst-italic suppressed">{}</span>', NOT_ENOUGH_RESPONSES)
    return format_html('{}% <span class="text-muted small">({} of {})</span>', value.percent, value.count, value.total)


@register.filter
def heat_class(value: Share) -> str:
    """A heatmap cell's shade: five steps of 20 points, or none when suppressed."""
    if value.suppressed or value.percent is None:
        return "heat-none"
    return f"heat-{min(value.percent // 20, 4)}"
