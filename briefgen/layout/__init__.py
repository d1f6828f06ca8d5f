"""layout: the document model laid out as a tagged PDF with ReportLab.

ReportLab's platypus is imported here first (:func:`briefgen.compat.reportlab_import.import_platypus`),
so that what it compiles or runs at import and a build seldom uses (two regular expressions,
Pillow's image module) waits for its first use.
"""

from briefgen.compat.reportlab_import import import_platypus

import_platypus()
