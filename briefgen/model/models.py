"""Typed models of the knowledge base and the briefing spec (pydantic, unknown keys forbidden).

The JSON Schemas written by ``briefgen schema`` come from these classes, so each field's
``description`` is the documentation an editor shows while the author types. The field
types they share (ids, TLP labels, dates, the base :class:`Model`) are in
:mod:`briefgen.model.fields`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from briefgen.model.chart_kinds import CHART_KINDS
from briefgen.model.fields import (
    ConfidenceField,
    DateField,
    DayField,
    Id,
    LikelihoodField,
    Model,
    NearMiss,
    OutputName,
    PredicateName,
    Text,
    TLPField,
    non_blank,
)
from briefgen.model.kinds import KindName
from briefgen.model.section_kinds import SECTION_KINDS
from briefgen.model.tlp import TLP
from briefgen.model.urls import InlineText, WebUrl
from briefgen.model.vocab import PartialDate, Reliability

# --------------------------------------------------------------------------- knowledge base
OutputFormat = Literal["pdf", "html"]
"""The formats of a briefing: the PDF, and the HTML edition (:mod:`briefgen.html`)."""
OUTPUT_FORMATS: tuple[str, ...] = ("pdf", "html")
_SHARE_UNITS = frozenset({"%", "percent", "per cent", "percentage points", "pp", "share"})
_CURRENCY = re.compile(r"[A-Z]{3}")
_CURRENCY_ANY_CASE = re.compile(r"[A-Za-z]{3}")

EntityKind = Literal["person", "organization", "company", "government", "place", "project", "program"]
SourceKind = Literal["news-report", "think-tank-report", "official-statement", "media-report", "dataset", "other"]


class Entity(Model):
    """A person, organisation, government, place, project or programme."""

    id: Id = Field(description="Unique id used by claims, relations and templates, e.g. 'china-minmetals'.")
    name: Text = Field(description="Display name, exactly as it should be printed (accents kept).")
    kind: EntityKind = Field(description="What the entity is.")
    aliases: list[str] = Field(default_factory=list,
                               description="Other names, including native-script names (e.g. 中国五矿).")
    description: InlineText = Field("", description="One or two sentences for the entity profile.")
    country: str | None = Field(None, description="Country the entity belongs to or is located in.")
    attributes: dict[str, str] = Field(default_factory=dict,
                                       description="Free key/value facts shown in the profile (text as written).")
    tlp: TLPField = Field(TLP.CLEAR, description="TLP 2.0 marking of the entity itself (its name and profile).")


class Source(Model):
    """A document that claims rest on."""

    id: Id = Field(description="Unique id cited by claims.")
    title: Text = Field(description="Title of the source document.")
    publisher: str = Field(description="Publishing organisation or outlet.")
    authors: list[str] = Field(default_factory=list, description="Authors, as printed.")
    date: DateField | None = Field(None, description="Publication date at its precision (YYYY, YYYY-MM or YYYY-MM-DD).")
    url: WebUrl | None = Field(None, description="Where the source can be read: an http or https URL, printed "
                                                 "literally and clickable.")
    kind: SourceKind = Field(description="What kind of document this is.")
    reliability: Reliability = Field(description="Admiralty code source reliability, A (completely reliable) to F "
                                                 "(cannot be judged).")
    tlp: TLPField = Field(TLP.CLEAR, description="TLP 2.0 marking of the source's existence and title.")


class Figure(Model):
    """A number a claim states, with its unit (e.g. 65 USD millions per year), as the source
    gave it: a value, a range (``low``/``high``) or both, possibly an estimate; ``measure``
    names the quantity, so that what different sources report for it can be set side by side."""

    label: str = Field(description="What is measured, e.g. 'PeruRail annual revenue'; used as the bar label.")
    value: float | None = Field(None, description="The number, in the stated unit (may be left out for a range).")
    low: float | None = Field(None, description="Low end of a range the source gives (with 'high').")
    high: float | None = Field(None, description="High end of a range the source gives (with 'low').")
    estimate: bool = Field(False, description="The source gives the number as an estimate.")
    measure: Id | None = Field(None,
                               description="The quantity measured, e.g. 'chancay-port.capital-cost': figures of "
                                           "the same measure from different sources are compared, and a "
                                           "disagreement is reported.")
    scope: str | None = Field(None, description="What the figure covers, e.g. 'phase 1 only', 'incl. dredging'.")
    as_of: DateField | None = Field(None, description="The date the figure is as of, at its precision.")
    unit: str = Field(description="Unit after the currency, e.g. 'million', 'million/year', 'tonnes/year', "
                                  "'locomotives'.")
    currency: str | None = Field(None, description="ISO 4217 currency code when the figure is money, e.g. 'USD'.")
    comparator: Literal["=", "~", ">", ">=", "<", "<="] = Field(
        "=", description="'>' where the source says 'more than', '~' for 'about'.")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not _CURRENCY.fullmatch(value):
            raise NearMiss(f"currency is a three-letter ISO 4217 code such as USD; got {value!r}",
                           suggestion=value.upper() if _CURRENCY_ANY_CASE.fullmatch(value) else "")
        unit = str(info.data.get("unit") or "").strip().lower()
        if value is not None and unit in _SHARE_UNITS:
            raise NearMiss(f"a figure in {unit!r} is a share, not an amount of money: it has no currency",
                           expected="no 'currency' with this unit (or a money unit such as 'million')")
        return value

    @model_validator(mode="after")
    def _value_or_range(self) -> "Figure":
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("a figure needs a 'value', or a range with both 'low' and 'high'")
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both 'low' and 'high'")
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"range low {self.low:g} is above high {self.high:g}")
            if self.value is not None and not self.low <= self.value <= self.high:
                raise ValueError(f"value {self.value:g} lies outside its range {self.low:g}-{self.high:g}")
            if self.comparator not in ("=", "~"):
                raise ValueError(f"a range cannot also be '{self.comparator}' (a range is its own bounds)")
        return self

    @property
    def central(self) -> float:
        """The value, or the middle of the range when only a range is given."""
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None, "validated: a value or a range"
        return (self.low + self.high) / 2


class Claim(Model):
    """One sourced statement, in our own words, attributed to its sources."""

    id: Id = Field(description="Unique id used by sections and templates.")
    statement: Annotated[InlineText, AfterValidator(non_blank)] = Field(
        description="The claim in our words (never copied from the source).")
    label: str | None = Field(None,
                              description="Short headline for timelines and charts (default: the statement's first "
                                          "clause).")
    about: list[Id] = Field(default_factory=list, description="Ids of the entities the claim is about.")
    sources: list[Id] = Field(default_factory=list, description="Ids of the sources behind the claim (at least one).")
    date: DateField | None = Field(None, description="When the stated fact happened (or is planned for), at its "
                                                     "precision.")
    timing: Literal["past", "planned", "forecast"] | None = Field(
        None, description="'planned' (scheduled) or 'forecast' (expected) for an event that has not happened; "
                          "default: planned when dated after the briefing date. Drawn and worded as such.")
    reported: DateField | None = Field(None,
                                       description="When the claim was last reported (default: its newest source's "
                                                   "date); staleness is judged on it.")
    contradicts: list[Id] = Field(default_factory=list,
                                  description="Claims this one disagrees with: shown side by side, never one "
                                              "silently picked.")
    figures: list[Figure] = Field(default_factory=list, description="Numbers the claim states.")
    likelihood: LikelihoodField | None = Field(None, description="ICD 203 likelihood word, for judgments; ICD "
                                                                "203's synonyms ('probable', 'highly likely', "
                                                                "'nearly certain' ...) are read as the word.")
    probability: float | None = Field(None, ge=0, le=100,
                                      description="Stated probability in percent (0-100); must agree with the "
                                                  "likelihood word.")
    confidence: ConfidenceField | None = Field(None, description="ICD 203 analytic confidence (low / moderate / "
                                                                "high).")
    credibility: int | None = Field(None, ge=1, le=6,
                                    description="Admiralty information credibility, 1 (confirmed) to 6 (cannot be "
                                                "judged).")
    origin: Literal["reported", "desk"] | None = Field(
        None, description="'desk': the desk's own assessment, shown as such instead of an Admiralty rating; "
                          "default: a judgment without a credibility is the desk's.")
    tlp: TLPField = Field(TLP.CLEAR, description="TLP 2.0 marking of the claim.")
    tags: list[str] = Field(default_factory=list, description="Free tags used by section selectors.")

    @property
    def is_judgment(self) -> bool:
        """A claim with a likelihood or confidence is an analytic judgment."""
        return self.likelihood is not None or self.confidence is not None

    @property
    def by_desk(self) -> bool:
        """The desk's own assessment (``origin: desk``, or a judgment given no credibility)."""
        return self.origin == "desk" or (self.origin is None and self.is_judgment and self.credibility is None)


class RelationPredicate(Model):
    """A relation predicate a knowledge base adds to the built-in ones."""

    name: PredicateName = Field(description="The predicate as relations write it, e.g. 'dredges-for'.")
    description: str = Field("", description="What it means, for readers of the knowledge base.")


class Relation(Model):
    """A directed edge between two entities, supported by claims."""

    subject: Id = Field(description="Entity id the relation starts from.")
    predicate: PredicateName = Field(description="What the subject does to the object: a built-in predicate (owns, "
                                                 "operates, backs, invests-in, ...) or one the knowledge base "
                                                 "declares under 'predicates'.")
    object: Id = Field(description="Entity id the relation points to.")
    claims: list[Id] = Field(default_factory=list, description="Claims that support the relation (at least one).")
    tlp: TLPField = Field(TLP.CLEAR, description="TLP 2.0 marking of the relation.")

    @field_validator("object")
    @classmethod
    def _not_itself(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("subject"):
            raise ValueError(f"a relation joins two different entities; {value!r} is both its subject and its "
                             f"object (a fact about one entity is a claim 'about' it)")
        return value

    @property
    def key(self) -> str:
        """A readable id for messages: ``subject --predicate--> object``."""
        return f"{self.subject} --{self.predicate}--> {self.object}"


class KnowledgeBaseFile(Model):
    """One YAML file of the knowledge base; any of the four lists may be present."""

    entities: list[Entity] = Field(default_factory=list, description="People, organisations, places, projects.")
    sources: list[Source] = Field(default_factory=list, description="Documents that claims rest on.")
    claims: list[Claim] = Field(default_factory=list, description="Sourced statements.")
    relations: list[Relation] = Field(default_factory=list, description="Links between entities.")
    predicates: list[RelationPredicate] = Field(default_factory=list,
                                                description="Relation predicates beyond the built-in ones.")


# --------------------------------------------------------------------------- spec
class Selector(Model):
    """Which claims a section or chart shows. Every criterion given must hold (AND);
    a criterion left out does not filter. With ``claims`` alone, exactly those, in that order;
    otherwise ordered by date, then id."""

    claims: list[Id] = Field(default_factory=list, description="Claim ids to show, in this order.")
    tags: list[str] = Field(default_factory=list, description="Claims with any of these tags.")
    entities: list[Id] = Field(default_factory=list, description="Claims about any of these entities.")
    date_from: DateField | None = Field(None, description="Claims dated on or after this date.")
    date_to: DateField | None = Field(None, description="Claims dated on or before this date.")
    min_confidence: ConfidenceField | None = Field(None, description="Claims with at least this ICD 203 confidence.")
    judgments: bool | None = Field(None, description="true: only judgments; false: only facts.")
    with_figures: bool | None = Field(None, description="true: only claims stating figures.")
    dated: bool | None = Field(None, description="true: only claims with a date.")
    limit: int | None = Field(None, ge=1, description="At most this many claims.")

    @field_validator("date_to")
    @classmethod
    def _range_in_order(cls, value: PartialDate | None, info: ValidationInfo) -> PartialDate | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value.span()[1] < start.span()[0]:
            raise NearMiss(f"date_to {value.render()} is before date_from {start.render()}: no claim can match",
                           expected="a date_to on or after date_from (swap them?)")
        return value


ChartKindName = Annotated[str, KindName(CHART_KINDS)]
"""A chart kind of the registry (:mod:`briefgen.model.chart_kinds`), built-in or added by a
plugin: checked when a spec is validated, listed in the JSON Schema when it is written."""


class ChartSpec(Model):
    """A figure drawn by matplotlib from the knowledge base or a CSV file."""

    id: Id = Field(description="Figure id, for cross-references ('see Figure {{ ref(\"fig-id\") }}').")
    kind: ChartKindName = Field(description="Chart kind from the registry.")
    title: Text = Field(description="Title drawn in the chart (text shown literally, '$' included).")
    caption: InlineText | None = Field(None, description="Caption printed under the figure number.")
    source: str | None = Field(None, description="Source line override; default: the sources of the claims drawn.")
    alt: str | None = Field(None, description="Alternative text; default: derived from the data.")
    select: Selector | None = Field(None,
                                    description="Claims whose figures (bar), dates (timeline) or relations (network) "
                                                "are drawn.")
    entities: list[Id] = Field(default_factory=list,
                               description="network: entities to draw, with the visible relations between them "
                                           "(default: all in visible relations); no relation joins two: no figure.")
    csv: str | None = Field(None,
                            description="CSV file (relative to the spec) with a '# source:' and '# unit:' header.")
    unit: str | None = Field(None, description="Axis unit label override, e.g. 'USD millions'.")
    width: float = Field(6.5, gt=0, le=20, description="Width in inches.")
    height: float = Field(3.2, gt=0, le=20, description="Height in inches.")


class ImageSpec(Model):
    """A figure from an image file (map, photograph, scanned document)."""

    id: Id = Field(description="Figure id, for cross-references.")
    path: str = Field(description="PNG or JPEG file, relative to the spec; must stay inside the project.")
    title: Text = Field(description="Figure title printed in the caption.")
    caption: InlineText | None = Field(None, description="Caption text after the title.")
    source: str = Field(description="Source line printed under the figure, e.g. 'Source: ...'.")
    alt: str = Field(description="Alternative text describing the image.")
    width: float = Field(6.5, gt=0, le=20, description="Width in inches; scaled down to fit the frame (never up).")
    tlp: TLPField = Field(TLP.CLEAR, description="Marking of the image; withheld from audiences below it.")


SectionKindName = Annotated[str, KindName(SECTION_KINDS)]
"""A section kind of the registry (:mod:`briefgen.model.section_kinds`), built-in or added by
a plugin: checked when a spec is validated, listed in the JSON Schema when it is written."""


class Section(Model):
    """One section of the briefing, in reading order."""

    id: Id = Field(description="Section id, used by audiences to include or drop it.")
    title: Text = Field(description="Heading, contents entry and PDF outline entry.")
    kind: SectionKindName = Field("text", description="How the section is laid out.")
    template: str | None = Field(None,
                                 description="Jinja2 text (sandboxed, strict). In text sections the body; elsewhere "
                                             "an introduction.")
    template_file: str | None = Field(None,
                                      description="Jinja2 template file relative to the spec, instead of 'template'.")
    select: Selector | None = Field(None, description="Claims for key_judgments and claims_table.")
    entities: list[Id] = Field(default_factory=list, description="profiles: entity ids in order.")
    charts: list[ChartSpec] = Field(default_factory=list, description="chart: the figures of the section.")
    images: list[ImageSpec] = Field(default_factory=list,
                                    description="Figures from image files, laid out after the charts.")
    tlp: TLPField = Field(TLP.CLEAR, description="Marking of the section itself; withheld from audiences below it.")
    priority: int | None = Field(None,
                                 description="Page budget: the highest is kept first, each while it still fits; "
                                             "sections without priority are never dropped.")
    subsections: list["Section"] = Field(default_factory=list, description="Nested sections (outline level 2).")

    @model_validator(mode="after")
    def _template_once(self) -> "Section":
        if self.template is not None and self.template_file is not None:
            raise ValueError("give either 'template' or 'template_file', not both")
        return self


class Recipient(Model):
    """A person on a distribution list."""

    name: str = Field("", description="Display name.")
    email: str = Field(description="Address, e.g. 'ana@example.org'.")


class Distribution(Model):
    """Who receives an audience's briefing by email."""

    sender: Recipient | None = Field(None, alias="from", description="From address.")
    to: list[Recipient] = Field(default_factory=list, description="To recipients.")
    cc: list[Recipient] = Field(default_factory=list, description="Cc recipients.")
    bcc: list[Recipient] = Field(default_factory=list,
                                 description="Bcc recipients (SMTP envelope only: never in a header or the .eml).")
    allowed_domains: list[str] = Field(default_factory=list,
                                       description="The only domains whose addresses may receive this audience's "
                                                   "briefing, at every TLP level; required for TLP:AMBER+STRICT and "
                                                   "TLP:RED briefings.")
    subject: str | None = Field(None, description="Jinja2 subject template; the TLP label is always prefixed.")

    @field_validator("allowed_domains")
    @classmethod
    def _some_domain(cls, value: list[str]) -> list[str]:
        if not value:  # given, but empty: it would not restrict, it would forbid; never "not set"
            raise ValueError("allowed_domains is empty, so no address could receive this audience's briefing: "
                             "list the domains that may, or leave the key out")
        return value

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Audience(Model):
    """A reader of the briefing and what they may see."""

    description: str = Field("", description="Who this audience is.")
    tlp: TLPField = Field(description="Ceiling: the most restrictive TLP 2.0 level this audience may receive.")
    sections: list[Id] | None = Field(None, description="Only these sections (default: all).")
    drop_sections: list[Id] = Field(default_factory=list, description="Sections to leave out.")
    charts: list[Id] | None = Field(None, description="Only these charts (by chart id; default: all).")
    drop_charts: list[Id] = Field(default_factory=list, description="Charts to leave out.")
    claims_table: bool = Field(True, description="Include claims_table sections.")
    profiles: bool = Field(True, description="Include entity profile sections.")
    max_key_judgments: int | None = Field(None, ge=1,
                                          description="Show at most this many key judgments: those of highest ICD 203 "
                                                      "confidence (then likelihood), in their original order.")
    max_pages: int | None = Field(None, ge=1,
                                  description="Page budget; see the README for trimming by section priority.")
    paper: Literal["A4", "letter"] | None = Field(None, description="Paper size (default: its theme's page size).")
    cover: bool = Field(True, description="Start with a cover page (false: a compact title block on page 1).")
    contents: bool = Field(True, description="Include the table of contents.")
    prepared_for: str | None = Field(None,
                                     description="Printed on the cover as 'Prepared for: ...' (e.g. 'Andean Team and "
                                                 "partner analysts'); nothing when unset.")
    title: Text | None = Field(None, description="Title override for this audience.")
    cover_note: str | None = Field(None, description="A note printed on the cover (Jinja2).")
    theme: str | None = Field(None, description="Theme file override, relative to the spec.")
    distribution: Distribution = Field(default_factory=Distribution, description="Email recipients.")
    formats: list[OutputFormat] = Field(default_factory=lambda: list[OutputFormat](["pdf"]), min_length=1,
                                        description="What `briefgen build` writes: pdf, html or both (default: "
                                                    "briefgen.toml's `formats`, else pdf; `--format` overrides).")
    portion_marks: bool | None = Field(None,
                                       description="Print each portion's TLP marking before it ('(TLP:AMBER) ...'), "
                                                   "a marking column in claims tables, and mark chart links, "
                                                   "events, bars and rows above the briefing's floor (default: "
                                                   "on when the ceiling is above TLP:CLEAR).")

    @property
    def marks_portions(self) -> bool:
        """Whether this audience's variant shows portion marks: ``portion_marks`` as written,
        else on for a ceiling above TLP:CLEAR (a public release shows none)."""
        return self.portion_marks if self.portion_marks is not None else self.tlp > TLP.CLEAR


class BriefingMeta(Model):
    """Title page and metadata of the briefing."""

    id: OutputName = Field(description="Briefing id: the output files are output/<id>--<audience>.pdf (so no '--' "
                                       "in it).")
    title: Text = Field(description="Briefing title (cover, running header, PDF title).")
    subtitle: str = Field("", description="Subtitle (cover; PDF subject).")
    date: DayField = Field(description="Briefing date (YYYY-MM-DD); also the PDF's fixed creation date.")
    desk: str = Field(description="Issuing desk.")
    author: str = Field("", description="PDF author metadata (default: the desk).")
    tlp: TLPField = Field(TLP.CLEAR,
                          description="Minimum marking of every variant; the banner shows the most restrictive level "
                                      "of what a variant contains, never lower than this.")
    language: str = Field("en", description="BCP 47 language tag of the text.")
    keywords: list[str] = Field(default_factory=list, description="PDF keywords metadata.")


class Checks(Model):
    """Options of the analytic checks ``briefgen validate`` runs."""

    max_claim_age_days: int = Field(730, ge=1,
                                    description="Warn about claims last reported longer ago than this at the "
                                                "briefing date.")
    dispute_tolerance_percent: float = Field(5, ge=0, le=100,
                                             description="Figures of one measure that differ by more than this "
                                                         "(percent of the value) are reported as disputed.")


class Spec(Model):
    """A briefing spec (``specs/*.yaml``)."""

    extends: str | None = Field(None, description="Parent spec file (relative to this one) that this spec overrides.")
    briefing: BriefingMeta = Field(description="Title page, date, desk, marking floor and PDF metadata.")
    knowledge_base: list[str] = Field(description="Knowledge-base YAML files or folders, relative to the spec.")
    theme: str | None = Field(None, description="Theme YAML file relative to the spec (default: the built-in theme).")
    audience_files: list[str] = Field(default_factory=list,
                                      description="YAML files of shared audiences, relative to the spec.")
    audiences: dict[OutputName, Audience] = Field(default_factory=dict,
                                                  description="Audiences by name (no '--' in a name: it separates "
                                                              "briefing id and audience in output file names).")
    default_audience: OutputName | None = Field(None,
                                                description="Audience built when none is named (default: the first).")
    sections: list[Section] = Field(description="The sections in reading order (at least one).", min_length=1)
    checks: Checks = Field(default_factory=Checks, description="Options of the analytic checks.")
