"""briefgen: knowledge base + YAML briefing spec -> sourced PDF briefings, per audience.

Nothing is imported or run at import time; see :mod:`briefgen.pipeline.build` for the stages.
"""

__version__ = "0.1.0"
