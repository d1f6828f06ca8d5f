"""TLP markings in STIX 2.1: the TLP 2.0 marking-definitions briefgen writes, and the three
sets of TLP marking ids in circulation that it reads.

STIX 2.1 §7.2 (Data Markings) marks an object by listing marking-definition ids in its
``object_marking_refs``. Three sets of TLP ids are in use:

1. **STIX 2.1's own TLP 1.0 markings** (§7.2.1.4, ``definition_type: tlp``): WHITE, GREEN,
   AMBER, RED, with fixed ids (``marking-definition--613f2e26-...`` for WHITE).
2. **The OASIS TLP 2.0 extension** (``extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d``,
   published in oasis-open/cti-stix-common-objects): CLEAR, GREEN, AMBER, AMBER+STRICT,
   RED, each a marking-definition with fixed id and ``created``, whose extension holds
   ``tlp_2_0``. briefgen writes these, exactly as published.
3. **OpenCTI's markings**: OpenCTI names its TLP 1.0 WHITE id "TLP:CLEAR" (CLEAR-as-WHITE)
   and adds TLP:AMBER+STRICT under its own id (``marking-definition--826578e1-...``), both
   with ``definition_type: TLP``. The ``stix2`` library refuses both (a predefined TLP id
   with other content; an unknown definition type), so :func:`normalise` replaces them before
   a bundle is parsed.

TLP 1.0 WHITE is TLP 2.0 CLEAR (FIRST, TLP 2.0 "changes from 1.0").
"""

from __future__ import annotations

from typing import Any

from briefgen.model.tlp import TLP

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
"""The OASIS TLP 2.0 marking extension (a property extension of marking-definition)."""

TLP2_CREATED = "2022-10-01T00:00:00.000Z"
"""``created`` of every OASIS TLP 2.0 marking-definition (part of the published objects)."""

TLP2_IDS: dict[TLP, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
"""The OASIS TLP 2.0 marking-definition ids."""

TLP1_IDS: dict[str, TLP] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,  # TLP:WHITE (OpenCTI: TLP:CLEAR)
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
"""STIX 2.1's predefined TLP 1.0 marking ids (§7.2.1.4)."""

OPENCTI_IDS: dict[str, TLP] = {
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": TLP.AMBER_STRICT,
}
"""OpenCTI's own TLP marking ids (its CLEAR is the TLP 1.0 WHITE id, in :data:`TLP1_IDS`)."""

KNOWN_IDS: dict[str, TLP] = {**{v: k for k, v in TLP2_IDS.items()}, **TLP1_IDS, **OPENCTI_IDS}
"""Every TLP marking id briefgen recognises, with its TLP 2.0 level."""


def marking_definition(level: TLP) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking-definition of ``level``, as published."""
    word = level.value.split(":", 1)[1].lower()
    return {"type": "marking-definition", "spec_version": "2.1", "id": TLP2_IDS[level], "created": TLP2_CREATED,
            "name": level.value,
            "extensions": {TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": word}}}


class UnknownMarking(ValueError):
    """A marking-definition that says it is TLP but names a level TLP 2.0 does not have."""


def level_of(marking: dict[str, Any]) -> TLP | None:
    """The TLP 2.0 level of a marking-definition object (any of the three sets, or a TLP
    marking under another id that says its level), None when it is not a TLP marking (a
    statement, OpenCTI's PAP). Raises :class:`UnknownMarking` for a TLP marking whose level
    is not a TLP level."""
    ident = marking.get("id")
    if ident in KNOWN_IDS:
        return KNOWN_IDS[ident]
    ext = (marking.get("extensions") or {}).get(TLP2_EXTENSION_ID)
    if isinstance(ext, dict) and "tlp_2_0" in ext:
        return _parse(str(ext["tlp_2_0"]), ident)
    kind = str(marking.get("definition_type", "")).lower()
    definition = marking.get("definition")
    if kind == "tlp":
        if isinstance(definition, dict):
            word = next((v for k, v in definition.items() if k.lower() == "tlp"), None)
            if word is not None:
                return _parse(str(word), ident)
        if isinstance(definition, str):
            return _parse(definition, ident)
        return _parse(str(marking.get("name", "")), ident)
    name = str(marking.get("x_opencti_definition", "") or "")
    if str(marking.get("x_opencti_definition_type", "")).lower() == "tlp" and name:
        return _parse(name, ident)
    return None


def _parse(word: str, ident: Any) -> TLP:
    try:
        return TLP.parse(word)
    except ValueError:
        raise UnknownMarking(f"marking {ident} names TLP level {word!r}, which TLP 2.0 does not have "
                             f"(CLEAR, GREEN, AMBER, AMBER+STRICT, RED; WHITE is read as CLEAR)") from None


def normalise(objects: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, TLP], list[str]]:
    """Replace every TLP marking-definition of a bundle's ``objects`` by its OASIS TLP 2.0
    one and point every ``object_marking_refs`` entry at it (what the ``stix2`` library then
    parses). Returns the new objects, the level of every TLP marking id seen (original ids),
    and the ids of marking-definitions that are not TLP (left in place, their refs kept).
    Raises :class:`UnknownMarking` for a TLP marking of an unknown level."""
    levels: dict[str, TLP] = dict(KNOWN_IDS)
    other: list[str] = []
    for obj in objects:
        if obj.get("type") == "marking-definition":
            level = level_of(obj)
            if level is None:
                other.append(str(obj.get("id")))
            else:
                levels[str(obj.get("id"))] = level
    used: set[TLP] = set()
    out: list[dict[str, Any]] = []
    for obj in objects:
        if obj.get("type") == "marking-definition" and obj.get("id") in levels:
            continue
        refs = obj.get("object_marking_refs")
        if isinstance(refs, list):
            new_refs: list[str] = []
            for ref in refs:
                if ref in levels:
                    used.add(levels[ref])
                    ref = TLP2_IDS[levels[ref]]
                if ref not in new_refs:
                    new_refs.append(ref)
            obj = {**obj, "object_marking_refs": new_refs}
        out.append(obj)
    out = [marking_definition(level) for level in sorted(used)] + out
    return out, levels, other
