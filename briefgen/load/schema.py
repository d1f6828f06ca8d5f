"""Validate a loaded YAML :class:`~briefgen.load.yamlsrc.Document` against a pydantic model and
turn every validation error into a located :class:`~briefgen.errors.Problem` with a
did-you-mean for misspelt keys and choices.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from briefgen.errors import KeyPath, Problem, SpecError, did_you_mean

M = TypeVar("M", bound=BaseModel)


class Located(Protocol):
    """YAML data that can place a problem at a key path: a
    :class:`~briefgen.load.yamlsrc.Document`, or a spec merged from several
    (:class:`~briefgen.load.project.Layered`)."""

    @property
    def data(self) -> Any: ...

    def problem(self, key: KeyPath, message: str, **kw: Any) -> Problem: ...


def parse_model(doc: Located, model: type[M], *, data: Any = None, prefix: KeyPath = ()) -> M:
    """Validate ``data`` (default ``doc.data``; located at ``prefix`` in ``doc``) as ``model``.

    Raises :class:`SpecError` with one :class:`Problem` per pydantic error, each located at
    the line of the offending key.
    """
    data = doc.data if data is None and not prefix else data
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(problems_from_validation(doc, model, exc, prefix)) from None


_THOUSANDS = re.compile(r"\d{3}(?:[.,]\d+)?")
"""A key left by a thousands separator in a flow mapping: ``{value: 1,300}`` reads as ``value: 1`` and a key ``300``."""


def problems_from_validation(doc: Located, model: type[BaseModel], exc: ValidationError,
                             prefix: KeyPath = ()) -> list[Problem]:
    """Map a pydantic ValidationError to located Problems (one per error, in file order)."""
    found: list[tuple[KeyPath, Problem]] = []  # with the key in ``doc.data`` (a merged spec's, not a file's)
    for err in exc.errors(include_url=False):
        loc = tuple(_clean_loc(err["loc"]))
        key = prefix + loc
        kind = err["type"]
        got = _short(err.get("input"))
        suggestion = ""
        expected = ""
        message = err["msg"]
        if kind == "extra_forbidden":
            name = str(loc[-1]) if loc else ""
            allowed = _allowed_keys(model, loc[:-1])
            suggestion = synonym_of(name, allowed) or did_you_mean(name, allowed) or ""
            message = f"unknown key {name!r}" + _invisible(name)
            expected = "one of " + ", ".join(sorted(allowed)) if allowed else ""
            if _THOUSANDS.fullmatch(name) and err.get("input") is None:  # {value: 1,300}: the comma split it
                message += (" (inside { } a comma separates entries: write numbers without a thousands "
                            "separator, 1300 not 1,300)")
                suggestion = ""
            got = ""
            found.append((key, doc.problem(key, message, expected=expected, suggestion=suggestion,
                                           at_key=True, code="unknown-key")))
            continue
        if kind == "missing":
            message = f"required key {str(loc[-1])!r} is missing"
            expected = _needed(model, loc)
            got = ""
        elif kind in ("literal_error", "enum"):
            choices = _choices(err)
            expected = "one of " + ", ".join(repr(c) for c in choices)
            words = " ".join(str(err.get("input")).lower().split())
            said = VALUE_SYNONYMS.get(str(loc[-1]) if loc else "", {}).get(words)
            suggestion = said if said in choices else did_you_mean(str(err.get("input")), choices) or ""
            message = "not an accepted value"
        elif kind == "value_error":
            # validators may raise a ValueError that names a near miss (see briefgen.model.fields.NearMiss)
            error = (err.get("ctx") or {}).get("error")
            suggestion = str(getattr(error, "suggestion", "") or "")
            expected = str(getattr(error, "expected", "") or "")
            message = message.removeprefix("Value error, ")
            if isinstance(err.get("input"), (dict, list)):  # a check of the whole mapping: its message says what
                got = ""
            got = str(getattr(error, "got", "") or "") or got  # what was written, in the validator's words
        elif kind in _PLAIN:
            message, expected = _PLAIN[kind]
            ctx = {k: _num(v) for k, v in (err.get("ctx") or {}).items()}
            message, expected = message.format(**ctx), expected.format(**ctx)
            if kind in _NUMBER_KINDS:
                suggestion, why = number_meant(err.get("input"), whole=kind.startswith("int"),
                                               key=str(loc[-1]) if loc else "")
                message += why
        elif kind in ("model_type", "dict_type"):
            message = "expected a mapping (key: value)"
            required = _required_keys(model, loc)
            expected = "'key: value' lines" + (f" (required: {', '.join(required)})" if required else "")
            if "id" in required and isinstance(err.get("input"), str):  # '- bluf' for a section
                suggestion = f"id: {err['input']}"
        elif kind == "list_type":
            message = "expected a list"
            expected = "[a, b] on one line, or one '- item' line per item"
            suggestion = as_list(err.get("input"))
        if got and got in message:  # the message already quotes the input
            got = ""
        at_key = bool(loc) and loc[-1] == "[key]"  # a bad mapping key (an audience's name): pydantic adds '[key]'
        if at_key:
            key, message, got = key[:-1], _refused_name(loc, message), ""
        found.append((key, doc.problem(key, message, expected=expected, got=got, suggestion=suggestion,
                                       code=kind, at_key=at_key)))
    # "missing 'title'" is noise beside "unknown key 'titel' -- did you mean 'title'?" (in the same
    # mapping of the data: under 'extends' the two may be in different files)
    misspelt = {(key[:-1], p.suggestion) for key, p in found if p.code == "unknown-key" and p.suggestion}
    problems = [p for key, p in found
                if not (p.code == "missing" and key and (key[:-1], str(key[-1])) in misspelt)]
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


_PLAIN = {
    "int_parsing": ("not a whole number", "a whole number such as 3"),
    "int_type": ("not a whole number", "a whole number such as 3"),
    "int_from_float": ("not a whole number", "a whole number such as 3"),
    "float_parsing": ("not a number", "a number such as 65 or 1.5"),
    "float_type": ("not a number", "a number such as 65 or 1.5"),
    "finite_number": ("not a finite number", "a number such as 65 or 1.5 (not inf or nan)"),
    "bool_parsing": ("not true or false", "true or false"),
    "bool_type": ("not true or false", "true or false"),
    "string_type": ("not text", "text (a single value, not a list or mapping)"),
    "greater_than": ("number too small: it must be greater than {gt}", "a number greater than {gt}"),
    "greater_than_equal": ("number too small: it must be greater than or equal to {ge}", "a number of at least {ge}"),
    "less_than": ("number too large: it must be less than {lt}", "a number less than {lt}"),
    "less_than_equal": ("number too large: it must be less than or equal to {le}", "a number of at most {le}"),
    "too_short": ("too few items: at least {min_length} needed", "a list of at least {min_length}"),
}
"""Plain wording of pydantic's error kinds: (message, expected)."""


_NUMBER_KINDS = {"int_parsing", "float_parsing"}
"""Pydantic's kinds for text that is not a number: a near miss of one gets it as the did-you-mean."""

_DECORATED = re.compile(r"^(?:[$€£¥]\s*)?([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?:%|percent)?$",
                        re.IGNORECASE)
"""A number written with what a number field does not take: a thousands separator (1,300), a
percent sign (65%) or a currency symbol ($65)."""

_ADMIRALTY = re.compile(r"^[A-F]\s*([1-6])$", re.IGNORECASE)
"""A whole Admiralty rating (B2) where only its number is asked for."""


def number_meant(value: Any, *, whole: bool, key: str = "") -> tuple[str, str]:
    """``(suggestion, why)`` for ``value``, refused as a number (a whole one when ``whole``): the
    number it is a near miss of (``65%`` -> ``65``, ``1,300`` -> ``1300``, ``$65`` -> ``65``; a
    claim's ``credibility: B2`` -> ``2``, with why the letter goes), or ``("", "")``."""
    text = str(value).strip() if isinstance(value, str) else ""
    rating = _ADMIRALTY.match(text)
    if rating and key == "credibility":
        return rating[1], (f" ({text!r} is a whole Admiralty rating: its letter is the source's reliability, "
                           "set on the source; a claim's credibility is the number)")
    found = _DECORATED.match(text)
    number = found[1].replace(",", "") if found else text
    if number == text or whole and "." in number:
        return "", ""
    return number, ""


VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "comparator": {**dict.fromkeys(("more than", "over", "above", "greater than", "exceeds"), ">"),
                   **dict.fromkeys(("at least", "no less than", "minimum"), ">="),
                   **dict.fromkeys(("less than", "under", "below", "fewer than"), "<"),
                   **dict.fromkeys(("at most", "up to", "no more than", "maximum"), "<="),
                   **dict.fromkeys(("about", "around", "approximately", "approx.", "roughly", "circa", "c.",
                                    "some", "nearly", "almost"), "~"),
                   **dict.fromkeys(("exactly", "equal", "equals", "==", "is"), "=")},
    "kind": {**dict.fromkeys(("corporation", "firm", "business", "enterprise", "state-owned enterprise"), "company"),
             **dict.fromkeys(("organisation", "ngo", "agency", "institution", "party"), "organization"),
             **dict.fromkeys(("individual", "people"), "person"), "programme": "program",
             **dict.fromkeys(("city", "country", "region", "location", "port"), "place"),
             **dict.fromkeys(("state", "ministry"), "government"),
             **dict.fromkeys(("news", "article", "newspaper"), "news-report"),
             **dict.fromkeys(("report", "study", "think tank"), "think-tank-report"),
             **dict.fromkeys(("statement", "press release", "speech"), "official-statement"),
             **dict.fromkeys(("data", "statistics"), "dataset")},
}
"""Words an author may write for an accepted value, by key (a figure's ``comparator: more than`` is
``>``, as the README words it; an entity's ``kind: corporation`` is ``company``): the did-you-mean,
where spelling alone finds nothing or the wrong value."""


def _invisible(name: str) -> str:
    """`` (it holds an invisible ZERO WIDTH NO-BREAK SPACE, U+FEFF: delete it)`` for a key holding a
    character that shows as nothing or as a space (a byte-order mark where two files were joined, a
    no-break space), else ""."""
    import unicodedata

    odd = next((c for c in name if c != " " and unicodedata.category(c) in ("Cf", "Zs")), None)
    if odd is None:
        return ""
    return f" (it holds an invisible {unicodedata.name(odd, 'character')}, U+{ord(odd):04X}: delete it)"


def as_list(value: Any) -> str:
    """A one-line value written where a list is asked for, as the list it most likely means
    (``politics`` -> ``[politics]``, ``rail, mining`` -> ``[rail, mining]``), or "" when the text
    holds what a bracketed list would read otherwise (brackets, braces, ``: ``, ``#``, quotes)."""
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        return ""
    if re.search(r"[\[\]{}#'\"]|: ", value):
        return ""
    return "[" + ", ".join(part.strip() for part in value.split(",")) + "]"


KEY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ceiling": ("tlp",), "floor": ("tlp",), "marking": ("tlp",), "classification": ("tlp",), "tlp_level": ("tlp",),
    "page_budget": ("max_pages",), "budget": ("max_pages",), "pages": ("max_pages",), "page_limit": ("max_pages",),
    "paper_size": ("paper",), "page_size": ("paper",), "toc": ("contents",), "table_of_contents": ("contents",),
    "recipients": ("distribution",), "email": ("distribution",), "mail": ("distribution",),
    "type": ("kind",), "body": ("template", "statement"), "text": ("template", "statement"),
    "kb": ("knowledge_base",), "parent": ("extends",), "inherits": ("extends",), "base": ("extends",),
    "data": ("csv",), "file": ("template_file", "csv", "path"), "link": ("url",), "published": ("date",),
    "min": ("low",), "max": ("high",), "amount": ("value",), "lang": ("language",),
}
"""Words an author may write for a key, as the README names it in words (an audience's *ceiling* is
its ``tlp``, its *page budget* ``max_pages``): key written -> the keys meant, the first one the
model has is suggested. Read before the spelling-based did-you-mean, which cannot find them."""


def synonym_of(name: str, allowed: list[str]) -> str | None:
    """The key of ``allowed`` that ``name`` is a word for (:data:`KEY_SYNONYMS`), or None."""
    for meant in KEY_SYNONYMS.get(name.strip().lower().replace("-", "_").replace(" ", "_"), ()):
        if meant in allowed:
            return meant
    return None


def _refused_name(loc: tuple, message: str) -> str:
    """The message of a mapping key that is refused (an audience named ``public--web``):
    says which name and what it names, then why."""
    name = loc[-2] if len(loc) >= 2 else ""
    what = {"audiences": "audience name"}.get(str(loc[-3]) if len(loc) >= 3 else "", "name")
    reason = re.sub(r"; got '[^']*'$", "", message)
    return f"{what} {str(name)!r} is refused: {reason}"


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _clean_loc(loc: tuple) -> list:
    # pydantic adds validator names like 'function-after[...]' to locations; drop them
    return [p for p in loc if not (isinstance(p, str) and ("[" in p and "]" in p and "-" in p))]


def _short(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        text = "a mapping" if isinstance(value, dict) else "a list"
        return f"an empty {text[2:]}" if not value else text
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _choices(err: ErrorDetails) -> list[str]:
    ctx = err.get("ctx") or {}
    expected = ctx.get("expected", "")
    return [c.strip().strip("'\"") for c in expected.replace(" or ", ",").split(",") if c.strip()]


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model of the mapping at ``loc`` below ``model`` (None when ``loc`` leads to no model)."""
    owner: Any = model
    for part in loc:
        owner = _descend(owner, part)
        if owner is None:
            return None
    return owner if isinstance(owner, type) and issubclass(owner, BaseModel) else None


def _required_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The required keys of the mapping asked for at ``loc`` below ``model`` ([] when it is no model)."""
    owner = _model_at(model, loc)
    return [f.alias or name for name, f in owner.model_fields.items() if f.is_required()] if owner else []


def _needed(model: type[BaseModel], loc: tuple) -> str:
    """What a missing key at ``loc`` below ``model`` is, for ``expected``: ``'tlp: ...' (Ceiling: the
    most restrictive TLP 2.0 level this audience may receive.)``, from the field's description."""
    owner = _model_at(model, loc[:-1]) if loc else None
    if owner is None:
        return ""
    field = next((f for name, f in owner.model_fields.items() if loc[-1] in (name, f.alias)), None)
    about = (field.description or "") if field is not None else ""
    return f"'{loc[-1]}: ...'" + (f" ({about.rstrip('.')})" if about else "")


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names (and aliases) accepted at ``loc`` below ``model``."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        keys = []
        for name, info in current.model_fields.items():
            keys.append(info.alias or name)
        return keys
    return []


def _descend(tp: Any, part: Any) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return _unwrap(info.annotation)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, tuple) and args:
        return _unwrap(args[0])
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    return None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else (args[0] if args else tp)
            if typing.get_origin(tp) in (typing.Annotated, typing.Union):
                continue
            return tp
        return tp


def json_schema(model: type[BaseModel]) -> str:
    """The JSON Schema (draft 2020-12) of ``model``, as indented JSON text."""
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def audience_file_model() -> type[BaseModel]:
    """The model of a shared audiences file (``audiences:`` mapping of name -> Audience)."""
    from pydantic import Field, create_model

    from briefgen.model.models import Audience, Model

    return create_model("AudienceFile", __base__=Model,
                        audiences=(dict[str, Audience], Field(description="Audiences by name.")))
