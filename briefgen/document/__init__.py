"""The document stage: one audience's briefing as format-neutral data, before layout.

* :mod:`briefgen.document.model`: the frozen blocks and runs;
* :mod:`briefgen.document.build`: :func:`build_document` (resolved briefing + texts -> document);
* :mod:`briefgen.document.sections`: what each section kind adds;
* :mod:`briefgen.document.marking`: per-block TLP 2.0 markings and the roll-up;
* :mod:`briefgen.document.runs`: inline text -> runs;
* :mod:`briefgen.document.jsonout`: the document as JSON.
"""
