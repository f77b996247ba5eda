"""The `grouped` filter: every page and print shows amounts and quantities with thousands
grouped (11,636.70). Registered as a template builtin, so no template needs to load it."""

from django import template

from openjxc.core.numbers import grouped as _grouped

register = template.Library()


@register.filter(is_safe=True)
def grouped(value) -> str:
    return _grouped(value)
