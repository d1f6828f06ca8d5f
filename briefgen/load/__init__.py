"""load: YAML files, the knowledge base, specs and themes read, checked and located.

PyYAML is imported here first, so that the pattern its pure-Python reader compiles at import is
compiled on first use (:mod:`briefgen.compat.pyyaml`).
"""

from briefgen.compat import pyyaml

with pyyaml.importing():
    import yaml  # noqa: F401
