"""The HTML edition: one audience's :class:`~briefgen.document.model.Document` as one
self-contained HTML5 file (issue 15), beside the PDF made from the same document.

* :mod:`briefgen.html.runs`: document runs -> escaped HTML (emphasis, links, citations
  linked to the endnotes, cross-references, ``lang`` on Han text);
* :mod:`briefgen.html.svg`: a chart drawn as inline SVG (matplotlib's SVG backend) with a
  ``<title>`` and ``<desc>``, ids made unique per figure, deterministic bytes;
* :mod:`briefgen.html.svgcache`: the chart SVGs kept in the chart cache folder;
* :mod:`briefgen.html.render`: :func:`~briefgen.html.render.render_html`, the Jinja2
  template ``templates/edition.html.j2`` filled in from the document.

Beside :mod:`briefgen.layout` in the layers (neither imports the other); never imports
ReportLab or pikepdf.
"""
