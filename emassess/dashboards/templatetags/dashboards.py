"""How a dashboard figure shows: a share with its count, or the words that say it is suppressed."""

from django import template
from django.utils.html import format_html

from emassess.dashboards.charts import heat_legend, heat_level
from emassess.dashboards.selectors import NOT_ENOUGH_RESPONSES, Share

register = template.Library()


@register.simple_tag
def share(value: Share) -> str:
    """A dashboard share: '42% (5 of 12)', or 'not enough responses' when suppressed."""
    if value.suppressed:
        return format_html('<span class="text-muted fst-italic suppressed">{}</span>', NOT_ENOUGH_RESPONSES)
    return format_html('{}% <span class="text-muted small">({} of {})</span>', value.percent, value.count, value.total)


@register.simple_tag
def heat_cell(value: Share) -> str:
    """A heatmap cell, shaded by its share; a withheld one is grey, and says so to screen readers
    only: the legend explains the grey once, instead of every cell repeating it."""
    level = heat_level(value)
    if level is None:
        return format_html(
            '<td class="text-center heat-none"><span aria-hidden="true">&ndash;</span>'
            '<span class="visually-hidden">{}</span></td>',
            NOT_ENOUGH_RESPONSES,
        )
    return format_html('<td class="text-center heat-{}">{}</td>', level, share(value))


@register.inclusion_tag("dashboards/_heat_legend.html")
def heat_key(threshold: int) -> dict:
    return {"levels": heat_legend(), "threshold": threshold}
