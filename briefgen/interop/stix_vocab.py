"""What briefgen's knowledge base and STIX 2.1 share: ids, confidence scales, entity kinds.

* **Ids** (STIX 2.1 §2.9, Identifier): ``<type>--<UUID>``, here UUIDv5 over
  :data:`NAMESPACE` and ``<type>:<knowledge-base id>``, so the same item always gets the
  same id (and an import of an export finds its own ids again). STIX 2.1 recommends
  UUIDv4 for domain objects; ``stix2-validator`` warns ({103}) and accepts these.
* **Confidence** (STIX 2.1 §3.2 ``confidence``, 0-100, mapped by Appendix A, through the
  ``stix2`` library's ``stix2.confidence.scales``): an ICD 203 analytic confidence by the
  None/Low/Med/High scale (A.1: low 15, moderate 50, high 85); a fact's Admiralty
  information credibility by the Admiralty Credibility scale (A.3: 1 -> 90, 2 -> 70,
  3 -> 50, 4 -> 30, 5 -> 10, 6 "cannot be judged" -> no confidence). An ICD 203 likelihood
  word is the DNI scale of A.5 (almost no chance 5 ... almost certain 95), kept in the
  briefgen extension with the stated probability.
* **Entity kinds**: a place is a ``location`` (§4.10); every other kind an ``identity``
  (§4.5): person -> individual, organization and company -> organization, government ->
  organization in the ``government`` sector, project and program -> unknown (the exact
  kind travels in the briefgen extension).
"""

from __future__ import annotations

import uuid

from briefgen.model.vocab import Confidence, Likelihood

NAMESPACE = uuid.UUID("6f1f7e0c-3a9b-5d2e-9c41-b7a8e0d4c2f5")
"""Fixed namespace of briefgen's STIX ids (never change it: ids would change)."""

TOOL_CREATED = "2025-01-01T00:00:00.000Z"
"""``created``/``modified`` of the objects describing briefgen itself (the same in every export)."""


def stix_id(stix_type: str, key: str) -> str:
    """The STIX id of knowledge-base item ``key`` as a ``stix_type`` object."""
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, f'{stix_type}:{key}')}"


TOOL_IDENTITY_ID = stix_id("identity", "briefgen")
"""The identity (identity_class ``system``) that defines briefgen's extension."""

EXTENSION_ID = stix_id("extension-definition", "briefgen-knowledge-base")
"""briefgen's property extension (STIX 2.1 §7.3): the knowledge-base fields STIX has no
property for (partial dates, figures, likelihood, Admiralty ratings, own TLP levels)."""

# --------------------------------------------------------------------------- confidence (Appendix A)
_ICD_TO_SCALE = {Confidence.LOW: "Low", Confidence.MODERATE: "Med", Confidence.HIGH: "High"}
_SCALE_TO_ICD = {"Low": Confidence.LOW, "Med": Confidence.MODERATE, "High": Confidence.HIGH}
_CREDIBILITY = {1: "1 - Confirmed by other sources", 2: "2 - Probably True", 3: "3 - Possibly True",
                4: "4 - Doubtful", 5: "5 - Improbable"}
_DNI = {Likelihood.ALMOST_NO_CHANCE: "Almost No Chance / Remote",
        Likelihood.VERY_UNLIKELY: "Very Unlikely / Highly Improbable",
        Likelihood.UNLIKELY: "Unlikely / Improbable",
        Likelihood.ROUGHLY_EVEN_CHANCE: "Roughly Even Chance / Roughly Even Odds",
        Likelihood.LIKELY: "Likely / Probable",
        Likelihood.VERY_LIKELY: "Very Likely / Highly Probable",
        Likelihood.ALMOST_CERTAIN: "Almost Certain / Nearly Certain"}


def confidence_value(confidence: Confidence | None, credibility: int | None) -> int | None:
    """STIX ``confidence`` of a claim: its ICD 203 confidence (Appendix A.1), else its
    Admiralty credibility (A.3); None when it has neither (or credibility 6)."""
    from stix2.confidence import scales

    if confidence is not None:
        return scales.none_low_med_high_to_value(_ICD_TO_SCALE[confidence])
    if credibility in _CREDIBILITY:
        return scales.admiralty_credibility_to_value(_CREDIBILITY[credibility])
    return None


def likelihood_value(likelihood: Likelihood) -> int:
    """An ICD 203 likelihood word on the DNI scale (Appendix A.5), 0-100."""
    from stix2.confidence import scales

    return scales.dni_to_value(_DNI[likelihood])


def confidence_of(value: int) -> Confidence | None:
    """The ICD 203 confidence a STIX ``confidence`` reads as (Appendix A.1; 0 is "None")."""
    from stix2.confidence import scales

    return _SCALE_TO_ICD.get(scales.value_to_none_low_medium_high(value))


def credibility_of(value: int) -> int:
    """The Admiralty credibility (1-5) a STIX ``confidence`` reads as (Appendix A.3)."""
    from stix2.confidence import scales

    return int(scales.value_to_admiralty_credibility(value).split(" ", 1)[0])


# --------------------------------------------------------------------------- entity kinds
def stix_kind(kind: str) -> tuple[str, dict]:
    """The STIX type of an entity kind and the properties that say it (``identity_class``,
    ``sectors``)."""
    if kind == "place":
        return "location", {}
    if kind == "person":
        return "identity", {"identity_class": "individual"}
    if kind in ("organization", "company"):
        return "identity", {"identity_class": "organization"}
    if kind == "government":
        return "identity", {"identity_class": "organization", "sectors": ["government"]}
    return "identity", {"identity_class": "unknown"}


def entity_kind(obj: dict) -> str | None:
    """The entity kind of an imported STIX object (identity, location, threat-actor,
    intrusion-set, campaign), or None for a type briefgen does not map."""
    kind = obj.get("type")
    if kind == "location":
        return "place"
    if kind in ("threat-actor", "intrusion-set"):
        return "organization"
    if kind == "campaign":
        return "program"
    if kind != "identity":
        return None
    identity_class = obj.get("identity_class", "unknown")
    if identity_class == "individual":
        return "person"
    if any(str(s).startswith("government") for s in obj.get("sectors") or []):
        return "government"
    return "organization"  # organization, group, class, system, unknown: the extension says more


# --------------------------------------------------------------------------- relationship types (§4, §5.1)
RELATIONSHIP_PREDICATES = {"located-at": "located-in", "part-of": "member-of"}
"""STIX relationship types read as a built-in briefgen predicate. The export writes
``located-in`` as STIX's ``located-at`` (§4.5, §4.10)."""

RELATIONSHIP_MEANINGS = {
    "attributed-to": "the subject's activity is attributed to the object (STIX 2.1 attributed-to: "
                     "who is behind a campaign, intrusion set or threat actor)",
    "impersonates": "the subject poses as the object (STIX 2.1 impersonates)",
    "targets": "the subject targets the object (STIX 2.1 targets)",
    "uses": "the subject uses the object (STIX 2.1 uses)",
    "originates-from": "the subject comes from the object, a place (STIX 2.1 originates-from)",
    "compromises": "the subject compromised the object (STIX 2.1 compromises)",
    "hosts": "the subject hosts the object (STIX 2.1 hosts)",
    "authored-by": "the subject was written by the object (STIX 2.1 authored-by)",
    "communicates-with": "the subject communicates with the object (STIX 2.1 communicates-with)",
    "controls": "the subject controls the object (STIX 2.1 controls)",
    "delivers": "the subject delivers the object (STIX 2.1 delivers)",
    "indicates": "the subject indicates the object (STIX 2.1 indicates)",
    "mitigates": "the subject mitigates the object (STIX 2.1 mitigates)",
    "consists-of": "the subject consists of the object (STIX 2.1 consists-of)",
    "related-to": "the subject is related to the object (STIX 2.1 related-to: no more precise relationship known)",
}
"""STIX 2.1 relationship types with no built-in briefgen predicate: imported as a predicate of
the same name, declared under ``predicates:`` with this meaning."""

OBJECT_RELATIONSHIPS = ("derived-from", "duplicate-of")
"""Relationships about the STIX objects themselves (§5.1.2 common relationships), not between
the entities they describe: not imported."""
