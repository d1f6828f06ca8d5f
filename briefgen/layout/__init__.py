"""layout: the document model laid out as a tagged PDF with ReportLab.

ReportLab's platypus is imported here first (:func:`briefgen.compat.reportlab.import_platypus`),
so that the regular expressions it compiles at import and seldom uses are compiled on first use.
"""

from briefgen.compat.reportlab import import_platypus

import_platypus()
