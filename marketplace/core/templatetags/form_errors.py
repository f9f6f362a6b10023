"""`{% error_summary form formset … %}`: one list of every error of a page's forms, at the top of the page.

A long form (the product editor is ~3,400 px) otherwise shows its errors half-way down with nothing at
the top; the summary links each error to its field and `static/js/site.js` scrolls to it on load.
"""

from django import forms, template

register = template.Library()


def _form_errors(form: forms.BaseForm, row: int | None = None):
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            label, anchor = "", ""
        else:
            field = form.fields.get(name)
            label = str(field.label) if field is not None and field.label else name
            if row is not None:
                label = f"{label} ({row})"
            anchor = form[name].id_for_label if field is not None else ""
        for message in errors:
            yield {"label": label, "anchor": anchor, "message": message}


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets):
    items = []
    for obj in forms_and_formsets:
        # A name the page does not have (a form it did not get) arrives as "" from the template.
        if not getattr(obj, "is_bound", False):
            continue
        if isinstance(obj, forms.BaseFormSet):
            items.extend({"label": "", "anchor": "", "message": m} for m in obj.non_form_errors())
            for number, form in enumerate(obj.forms, start=1):
                items.extend(_form_errors(form, row=number))
        else:
            items.extend(_form_errors(obj))
    return {"errors": items}
