"""Build the POST data an admin change form would send, from the form Django rendered,
so a test changes only the fields it cares about."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def admin_form_data(response) -> dict:
    context = response.context
    data: dict = {}
    form = context["adminform"].form
    for name in form.fields:
        value = _value(form[name])
        if value not in ("", []):
            data[name] = value
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = _value(sub[name])
                if value not in ("", []):
                    data[sub.add_prefix(name)] = value
    return data
