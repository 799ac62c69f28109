"""Small helpers that page routers share for plain HTML forms."""

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi.responses import RedirectResponse
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.datastructures import FormData

from app.i18n import gettext as _
from app.security import CSRF_FORM_FIELD
from app.services.errors import InvalidInput, NotAllowed

T = TypeVar("T", bound=BaseModel)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    """The answer to every successful form POST: 303, so a reload does not post again."""
    return RedirectResponse(url, status_code=303)


def form_values(form: FormData, *, lists: Iterable[str] = ()) -> dict[str, Any]:
    """What a person typed, trimmed; empty means "not given"; `lists` fields keep every value."""
    values: dict[str, Any] = {}
    for key in set(form.keys()) - {CSRF_FORM_FIELD}:
        if key in lists:
            values[key] = [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]
        else:
            value = form.get(key)
            text = value.strip() if isinstance(value, str) else ""
            values[key] = text or None
    for key in lists:
        values.setdefault(key, [])
    return values


# a service's rule between fields (e.g. event_rules.field_errors): the fields given, parsed,
# in; the field at fault and its message out
Rule = Callable[[Mapping[str, Any]], dict[str, str]]


def parse_input(model: type[T], values: dict[str, Any], *, rules: Iterable[Rule] = ()) -> T:
    """Validates form values with the API's own input model; errors name the field, translated.

    Everything wrong is said at once: when a field does not parse, the service's `rules` are
    run on the fields that did, and their errors join the others (when every field parses, the
    service checks the same rules itself, with the rest).
    """
    known = {k: v for k, v in values.items() if k in model.model_fields}
    try:
        return model.model_validate(known)
    except ValidationError as error:
        errors: dict[str, str] = {}
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "__all__"
            errors.setdefault(field, _error_message(item))
        rules = list(rules)
        if rules:
            parsed = _fields_that_parse(model, known, skip=set(errors))
            for rule in rules:
                for field, message in rule(parsed).items():
                    errors.setdefault(field, message)
        raise InvalidInput(errors) from error


def _fields_that_parse(
    model: type[BaseModel], known: dict[str, Any], *, skip: set[str]
) -> dict[str, Any]:
    """Each given field validated on its own, as the model would (those that fail left out);
    a field not given has its default."""
    parsed: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        if name not in known:
            if not info.is_required() and info.default_factory is None:
                parsed[name] = info.default
            continue
        try:
            parsed[name] = _adapter(model, name).validate_python(known[name])
        except ValidationError:
            continue
    return parsed


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    kind: Any = info.annotation
    return TypeAdapter(Annotated[kind, *info.metadata] if info.metadata else kind)


def parse_update(model: type[T], values: dict[str, Any], *, required: tuple[str, ...]) -> T:
    """parse_input for an edit form: a field the form always sends may not be left empty."""
    errors = {name: _("This field is required.") for name in required if values.get(name) is None}
    try:
        data = parse_input(model, values)
    except InvalidInput as error:
        raise InvalidInput({**error.errors, **errors}) from error
    if errors:
        raise InvalidInput(errors)
    return data


def refusal(
    error: InvalidInput | NotAllowed, *, field: str = "__all__"
) -> tuple[dict[str, str], int]:
    """The messages to show on the form (a refusal next to `field`), and the status to answer."""
    if isinstance(error, InvalidInput):
        return error.errors, 400
    return {error.field or field: error.message}, 403


def _error_message(item: Any) -> str:
    kind = item.get("type", "")
    context = item.get("ctx") or {}
    if kind == "missing" or item.get("input") is None:
        return _("This field is required.")
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return _("This field is required.")
        return _("At least %(count)s characters.", count=context.get("min_length"))
    if kind == "string_too_long":
        return _("At most %(count)s characters.", count=context.get("max_length"))
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(value)s.", value=context.get("ge", context.get("gt")))
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(value)s.", value=context.get("le", context.get("lt")))
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind.startswith("datetime"):
        return _("Enter a date and a time.")
    if kind.startswith("date"):
        return _("Enter a date.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of the options.")
    if kind == "string_pattern_mismatch":
        return _("This is not in the expected format.")
    if kind == "event_year":
        return _("Events take place between the years %(first)s and %(last)s.", **context)
    if kind == "nul_character":
        return _("This text holds a character that cannot be stored.")
    if kind == "too_short":
        return _("Choose at least one.")
    return _("This value is not valid.")
