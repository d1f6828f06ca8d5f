"""Markdown reference of every key of the spec, knowledge-base and theme formats, generated
from the models' field descriptions (the same text editors show from ``briefgen schema``).

``python -m briefgen.cli.keydoc README.md`` rewrites the part of the README between the
``<!-- keys:start -->`` and ``<!-- keys:end -->`` markers; a test checks it is current.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from briefgen.model.kinds import KindName

START, END = "<!-- keys:start -->", "<!-- keys:end -->"


def _type_name(tp) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        base = args[0]
        name = getattr(base, "__name__", str(base))
        return {"str": "text", "TLP": "TLP label", "PartialDate": "date"}.get(name, name)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" or null" if type(None) in args else "")
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return f"[{tp.__name__}](#{tp.__name__.lower()})"
        return {"str": "text", "int": "integer", "float": "number", "bool": "true/false",
                "PartialDate": "date", "TLP": "TLP label", "Likelihood": "ICD 203 likelihood",
                "Confidence": "`low` \\| `moderate` \\| `high`",
                "Reliability": "`A`-`F`"}.get(tp.__name__, tp.__name__)
    return str(tp)


def _default(info) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        try:
            value = info.default_factory()
        except TypeError:
            return ""
    else:
        value = info.default
    if value is PydanticUndefined or value in ([], {}, None, ""):
        return ""
    if isinstance(value, BaseModel):
        return ""
    return f"`{getattr(value, 'value', value)}`"


def model_table(model: type[BaseModel]) -> str:
    """A Markdown section for one model: heading, docstring, table of its keys."""
    doc = " ".join((model.__doc__ or "").split())
    lines = [f"#### {model.__name__}", "", doc, "", "| key | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        desc = " ".join((info.description or "").split()).replace("|", "\\|")
        # a name from a kind registry (briefgen.model.kinds): its kinds, listed as a Literal's values
        kinds = next((m.registry for m in info.metadata if isinstance(m, KindName)), None)
        kind = " \\| ".join(f"`{n}`" for n in kinds.names()) if kinds is not None else None
        lines.append(f"| `{key}` | {kind or _type_name(info.annotation)} | {_default(info)} | {desc} |")
    return "\n".join(lines) + "\n"


def reference() -> str:
    """The whole key reference (spec, knowledge base, theme) as Markdown."""
    from briefgen.model import models, theme

    groups: list[tuple[str, list[type[BaseModel]]]] = [
        ("Briefing spec (`specs/*.yaml`)", [models.Spec, models.BriefingMeta, models.Section, models.Selector,
                                             models.ChartSpec, models.ImageSpec, models.Audience,
                                             models.Distribution, models.Recipient, models.Checks]),
        ("Knowledge base (`assets/kb/*.yaml`)", [models.KnowledgeBaseFile, models.Entity, models.Source,
                                                 models.Claim, models.Figure, models.Relation,
                                                 models.RelationPredicate]),
        ("Theme (`assets/themes/*.yaml`)", [theme.Theme, theme.Page, theme.Margins, theme.Fonts, theme.Colors,
                                            theme.Style, theme.Table, theme.Chart, theme.Logo]),
    ]
    out = ["The *default* column is the value a key takes when its file leaves it out. The built-in theme\n"
           "(`assets/themes/default.yaml`) sets many theme keys to values of its own (its `table_stripe` is\n"
           "`#f0f3f7`, for instance). A theme file of your own is complete in itself (start from a copy of the\n"
           "built-in one, see [Themes and fonts](#themes-and-fonts)): where it leaves an optional key out, the\n"
           "default below applies, not the built-in theme's value.\n"]
    for title, items in groups:
        out.append(f"### {title}\n")
        out.extend(model_table(m) for m in items)
    return "\n".join(out)


def update(readme: Path) -> bool:
    """Rewrite the marked part of ``readme``; True when it changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = f"{head}{START}\n{reference()}\n{END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print(("updated " if update(target) else "unchanged ") + str(target))
