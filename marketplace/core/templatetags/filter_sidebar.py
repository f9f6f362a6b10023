"""`{% filter_form filter %}`: a list page's filter form, drawn once per language and marked per request.

Rendering the form's fields through Django's templates cost 12-19 ms per search (issue 12): eleven
field groups, and select boxes of 117 categories and 250 countries. The options do not change from
one request to the next, only the chosen values do. So the form is rendered once, unbound, per
FilterSet class, language and `sidebar_version()` (the version of its options: the HS tree's cache
generation, the directory's countries), and each request marks its values in that HTML:

- a select box: ` selected` on the chosen options (and off the empty one);
- a text or number box: its `value="…"`, escaped as Django's template would;
- a checkbox: ` checked`.

The result is byte for byte what `{% include "includes/form.html" with form=filter.form %}` draws
(tests/marketplace/catalog/test_filter_sidebar.py compares both for every filter, in both languages).
A form with errors, a FilterSet whose options vary per request (`sidebar_version()` is None) or a
widget not listed above is rendered in full, as before.
"""

from __future__ import annotations

import re

from django import forms, template
from django.forms.widgets import Input
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_filters.widgets import BooleanWidget

register = template.Library()

FORM_TEMPLATE = "includes/form.html"
_blank: dict[tuple, str] = {}
BOOLEAN = {True: "true", False: "false", "1": "true", "0": "false"}  # as BooleanWidget.render


def _render(form) -> str:
    return render_to_string(FORM_TEMPLATE, {"form": form})


def _select(html: str, name: str, chosen: list[str]) -> str | None:
    match = re.search(f'<select[^>]* name="{re.escape(name)}"', html)
    if match is None:
        return None
    start = match.start()
    end = html.find("</select>", start)
    if end < 0:
        return None
    part = html[start:end]
    if any(chosen):
        part = part.replace('<option value="" selected>', '<option value="">', 1)
    for value in chosen:
        if value:
            option = f'<option value="{escape(value)}"'
            at = part.find(option + ">")
            if at < 0:
                continue  # a value with no option of its own (the directory's "name" sort): none marked
            at += len(option)
            part = part[:at] + " selected" + part[at:]
    return html[:start] + part + html[end:]


def _input(html: str, widget: Input, name: str, value) -> str | None:
    tag = f'<input type="{widget.input_type}" name="{name}"'
    at = html.find(tag)
    if at < 0:
        return None
    at += len(tag)
    return html[:at] + f' value="{escape(value)}"' + html[at:]


def _checkbox(html: str, name: str) -> str | None:
    at = html.find(f'<input type="checkbox" name="{name}"')
    end = html.find(">", at)
    if at < 0 or end < 0:
        return None
    return html[:end] + " checked" + html[end:]


def _mark(html: str, form) -> str | None:
    """The blank form's HTML with this bound form's values marked; None when a widget is not one we know."""
    for name, field in form.fields.items():
        widget = field.widget
        if widget.is_hidden or getattr(widget, "allow_multiple_selected", False):
            return None
        value = form[name].value()
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                html = _checkbox(html, name)
        elif isinstance(widget, BooleanWidget):  # its own value mapping (django_filters.widgets)
            chosen = BOOLEAN.get(value, "")
            if chosen:
                html = _select(html, name, [chosen])
        elif isinstance(widget, forms.Select):
            chosen = [v for v in widget.format_value(value) if v]
            if chosen:
                html = _select(html, name, chosen)
        elif isinstance(widget, Input) and widget.input_type in ("text", "search", "number", "email"):
            shown = widget.format_value(value)
            if shown is not None:
                html = _input(html, widget, name, shown)
        else:
            return None
        if html is None:
            return None
    return html


def _filter_sidebar_html(filterset) -> str:
    form = filterset.form
    version = filterset.sidebar_version() if hasattr(filterset, "sidebar_version") else None
    if version is None or (form.is_bound and form.errors):
        return _render(form)
    key = (type(filterset).__module__, type(filterset).__qualname__, get_language(), version)
    blank = _blank.get(key)
    if blank is None:
        if len(_blank) > 64:  # old versions: a handful of classes × 2 languages is what stays
            _blank.clear()
        blank = _render(type(filterset)(None, queryset=filterset.queryset).form)
        _blank[key] = blank
    if not form.is_bound:
        return blank
    marked = _mark(blank, form)
    return marked if marked is not None else _render(form)


@register.simple_tag
def filter_form(filterset) -> str:
    """The fields of `filterset.form`, as `includes/form.html` renders them."""
    return mark_safe(_filter_sidebar_html(filterset))  # noqa: S308 - Django's own rendering, values escaped
