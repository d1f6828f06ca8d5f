"""Exchange with other tools: STIX 2.1 bundles out of a briefing variant
(:mod:`briefgen.interop.stix_export`) and a draft knowledge base in from a bundle
(:mod:`briefgen.interop.stix_import`); TLP markings in both directions
(:mod:`briefgen.interop.stix_markings`).

A stage of its own, just below :mod:`briefgen.pipeline`: the export reads the document
(:mod:`briefgen.document`), the import writes knowledge-base YAML (a load-side tool). The
command line builds what the export needs (:mod:`briefgen.cli.interop`).
"""
