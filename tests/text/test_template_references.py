"""TLP 2.0 in templates: what a template is given names only what its audience may see.

Every field of a template's objects that names another item (a claim's ``sources``, ``about``
and ``contradicts``; a dispute's claims and its reports' sources) lists only items the
audience may see, so a withheld item "is not even named". The example gets a probe: a
TLP:CLEAR claim ``c-probe`` citing a TLP:AMBER source, contradicting a TLP:AMBER claim and
reporting the same measure as it, and a section printing every field of the probe.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from conftest import pdf_pages_text, squash

from briefgen.model.fields import Id
from briefgen.model.models import Claim
from briefgen.pipeline.build import prepare
from briefgen.resolve.select import resolve
from briefgen.text.renderer import Renderer

PROBE, HIDDEN, HIDDEN_SOURCE = "c-probe", "c-probe-hidden", "src-probe-hidden"
HIDDEN_TEXTS = (HIDDEN, HIDDEN_SOURCE, "PROBEHIDDEN", "Probehidden dossier")
"""What must not reach the public: the withheld claim's and source's ids, statement and title."""

REFERENCE_FIELDS = {"Claim.about", "Claim.sources", "Claim.contradicts"}
"""The fields of a claim (and of the items inside it) that name other knowledge-base items;
the probe gives each a withheld target. ``Figure.measure`` names a quantity, not an item."""

TEMPLATE_NAMES = {"claim", "entity", "source", "visible", "cite", "ref", "conflicts", "briefing", "audience"}
"""The globals briefgen gives templates (Jinja2's own ``range``, ``dict``... aside); each one
that returns items is walked below."""


def probe_template() -> str:
    """One line printing every field of the probe (an unset one as nothing), the ids of its
    sources and about entities, and every field of every dispute."""
    fields = " ".join(f"[{name}={{% if claim('{PROBE}').{name} is defined %}}{{{{ claim('{PROBE}').{name} }}}}"
                      f"{{% endif %}}]" for name in Claim.model_fields)
    ids = (f"[source ids={{% for s in claim('{PROBE}').sources %}}{{{{ s.id }}}} {{% endfor %}}]"
           f"[about ids={{% for e in claim('{PROBE}').about %}}{{{{ e.id }}}} {{% endfor %}}]")
    disputes = ("[disputes={% for d in conflicts() %}{{ d.measure }} {{ d.claims }} {{ d }} "
                "{% for r in d.reports %}{{ r.claim }} {{ r.sources }} {% for s in r.sources %}{{ s.id }} {% endfor %}"
                "{% endfor %}{% endfor %}]")
    return f"PROBESTART {fields} {ids} {disputes} PROBEEND"


def add_probe(root: Path) -> Path:
    """Add the probe (module doc) to the example project in ``root``; returns its spec."""
    kb = root / "assets" / "kb"
    sources = yaml.safe_load((kb / "sources.yaml").read_text(encoding="utf-8"))
    sources["sources"].append({"id": HIDDEN_SOURCE, "title": "Probehidden dossier", "publisher": "Probe Desk",
                               "kind": "other", "reliability": "B", "tlp": "TLP:AMBER"})
    (kb / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False), encoding="utf-8")
    claims = yaml.safe_load((kb / "claims.yaml").read_text(encoding="utf-8"))
    gap = {"label": "Probe gap", "unit": "million", "currency": "USD", "measure": "probe.gap"}
    claims["claims"] += [
        {"id": PROBE, "statement": "PROBEVISIBLE the gap is about USD 30 million.", "about": ["chancay-port"],
         "sources": ["src-article", HIDDEN_SOURCE], "contradicts": [HIDDEN], "date": "2025-04",
         "figures": [{**gap, "value": 30}], "credibility": 3},
        {"id": HIDDEN, "statement": "PROBEHIDDEN the gap is about USD 60 million.", "about": ["chancay-port"],
         "sources": [HIDDEN_SOURCE], "contradicts": [PROBE], "figures": [{**gap, "value": 60}],
         "credibility": 3, "tlp": "TLP:AMBER"},
    ]
    (kb / "claims.yaml").write_text(yaml.safe_dump(claims, allow_unicode=True, sort_keys=False), encoding="utf-8")
    spec = root / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    section = (f"  - id: probe\n    title: Template probe\n    template: |\n      {probe_template()}\n\n"
               f"  - id: endnotes\n")
    assert text.count("  - id: endnotes\n") == 1
    spec.write_text(text.replace("  - id: endnotes\n", section), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def probe_spec(tmp_path_factory, copy_example) -> Path:
    return add_probe(copy_example(tmp_path_factory.mktemp("references") / "project"))


@pytest.fixture(scope="module")
def probe_prepared(probe_spec):
    return prepare(probe_spec)


def strings_in(value: Any, seen: set[int] | None = None) -> Iterator[str]:
    """Every text a template can reach from ``value``: the fields and properties of a
    knowledge-base item, the fields of a dataclass, the items of a list or mapping, recursively."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, pydantic.BaseModel):
        names = list(type(value).model_fields) + [n for n in dir(type(value))
                                                  if isinstance(getattr(type(value), n, None), property)
                                                  and not n.startswith(("_", "model_"))]
        for name in names:
            yield from strings_in(getattr(value, name), seen)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from strings_in(getattr(value, name), seen)
        yield str(value)  # a dispute prints as its reports
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_in(k, seen)
            yield from strings_in(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from strings_in(item, seen)
    elif value is not None:
        yield str(value)


def everything_a_template_can_read(prepared, audience: str) -> list[str]:
    """The texts of every item the template globals give ``audience``'s templates: each claim,
    entity and source it may see, every dispute, the briefing and the audience."""
    b = resolve(prepared.loaded, prepared.kb, audience)
    renderer = Renderer(b, prepared.kb)
    g = renderer.env.globals
    assert set(g) - {"range", "dict", "lipsum", "cycler", "joiner", "namespace"} == TEMPLATE_NAMES
    items: list[Any] = [g["claim"](cid) for cid in b.claims] + [g["entity"](eid) for eid in b.entities]
    items += [g["source"](sid) for sid in b.sources] + [g["conflicts"](), g["briefing"], g["audience"]]
    return [text for item in items for text in strings_in(item)]


def _names_items(annotation: Any) -> bool:
    return annotation == Id or any(_names_items(arg) for arg in typing.get_args(annotation))


def _id_fields(model: type[pydantic.BaseModel], done: set | None = None) -> set[str]:
    """``Model.field`` for every field of ``model`` (and of the models inside it) typed as ids."""
    done = set() if done is None else done
    out = set()
    for name, info in model.model_fields.items():
        if name != "id" and _names_items(info.annotation):
            out.add(f"{model.__name__}.{name}")
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, pydantic.BaseModel) and arg not in done:
                done.add(arg)
                out |= _id_fields(arg, done)
    return out


def test_the_probe_gives_every_field_naming_an_item_a_withheld_target(probe_prepared):
    """A new field naming other items fails here until the probe (and the renderer's
    ``claim``) covers it."""
    assert _id_fields(Claim) - {"Figure.measure"} == REFERENCE_FIELDS
    probe = probe_prepared.kb.claims[PROBE]
    b = resolve(probe_prepared.loaded, probe_prepared.kb, "public")
    for field in REFERENCE_FIELDS:
        named = getattr(probe, field.split(".")[1])
        hidden = b.hidden_claims | b.hidden_sources | b.hidden_entities
        if field != "Claim.about":  # a claim about a withheld entity is itself withheld
            assert set(named) & hidden, field
    assert PROBE in b.claims and {HIDDEN, HIDDEN_SOURCE} <= b.hidden_claims | b.hidden_sources


def test_no_template_object_names_a_withheld_item(probe_prepared):
    public = "\n".join(everything_a_template_can_read(probe_prepared, "public"))
    assert "PROBEVISIBLE" in public and "src-article" in public  # the walk reaches the probe and its sources
    b = resolve(probe_prepared.loaded, probe_prepared.kb, "public")
    for ident in sorted(b.hidden_claims | b.hidden_sources | b.hidden_entities):
        assert ident not in public, ident
    for needle in HIDDEN_TEXTS:
        assert needle not in public, needle
    analyst = "\n".join(everything_a_template_can_read(probe_prepared, "analyst"))
    assert all(needle in analyst for needle in HIDDEN_TEXTS)  # the same walk finds them where they may be seen


def test_claim_fields_list_only_visible_items(probe_prepared):
    b = resolve(probe_prepared.loaded, probe_prepared.kb, "public")
    seen = Renderer(b, probe_prepared.kb).env.globals["claim"](PROBE)
    assert seen.contradicts == [] and [s.id for s in seen.sources] == ["src-article"]
    assert [e.id for e in seen.about] == ["chancay-port"]
    analyst = resolve(probe_prepared.loaded, probe_prepared.kb, "analyst")
    seen = Renderer(analyst, probe_prepared.kb).env.globals["claim"](PROBE)
    assert seen.contradicts == [HIDDEN] and [s.id for s in seen.sources] == ["src-article", HIDDEN_SOURCE]


def _probe_line(text: str) -> str:
    start, end = text.index("PROBESTART"), text.index("PROBEEND")
    return squash(text[start:end])


@pytest.mark.slow  # two audiences laid out
def test_built_files_print_no_withheld_reference(probe_spec, tmp_path, monkeypatch):
    """The probe section as the public PDF, HTML edition and document JSON print it: the
    contradicted claim and the withheld source are not even named; the analyst's name them."""
    from typer.testing import CliRunner

    from briefgen.cli.app import app

    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "editions"))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(probe_spec), "-a", "public", "-a", "analyst", "--format",
                                      "pdf,html", "--emit-document", "--no-edition", "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = {}
    for audience in ("public", "analyst"):
        stem = out / f"peru-china--{audience}"
        document = json.loads(Path(f"{stem}.document.json").read_text(encoding="utf-8"))
        texts[audience] = {
            "pdf": _probe_line(" ".join(pdf_pages_text(Path(f"{stem}.pdf").read_bytes()))),
            "html": _probe_line(Path(f"{stem}.html").read_text(encoding="utf-8")),
            "document": _probe_line(json.dumps(document, ensure_ascii=False)),
        }
    for kind, line in texts["public"].items():
        assert "[contradicts=]" in line and "[source ids=src-article ]" in line, (kind, line)
        assert "[disputes=]" in line, (kind, line)
        assert not [n for n in HIDDEN_TEXTS if n in line], (kind, line)
    for kind, line in texts["analyst"].items():
        assert f"[contradicts={HIDDEN}]" in line and f"[source ids=src-article {HIDDEN_SOURCE} ]" in line, kind
    public = " ".join(pdf_pages_text((out / "peru-china--public.pdf").read_bytes()))
    assert not [n for n in HIDDEN_TEXTS if n in public]
