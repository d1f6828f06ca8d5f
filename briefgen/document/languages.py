"""The language of a stretch of text by its script, for text in another language than the
briefing's: WCAG 2.2 SC 3.1.2 Language of Parts (HTML ``lang``) and ISO 14289-1 7.2 (a PDF
``/Lang`` on a Span), so that a screen reader switches voice instead of spelling out letters
its English voice has no sounds for.

A script names a language only by a guess, kept to the usual one and refined by the letters
only a language of that script has: Arabic script ``ar`` (``ur`` with the Urdu letters ٹ ڈ ڑ ں
ھ ہ ے, else ``fa`` with the Persian letters پ چ ژ ک گ ی), Hebrew ``he``, Cyrillic ``ru`` (``uk``
with є і ї ґ, ``be`` with ў, ``sr`` with ђ ћ џ ј љ њ, ``mk`` with ѓ ќ ѕ, ``kk`` with ә ғ қ ң ө ұ
ү һ), Han ``zh`` (the PDF's tagger also tells kana ``ja`` and Hangul ``ko``).
"""

from __future__ import annotations

import re

__all__ = ["FOREIGN_STRETCH", "stretch_language"]

_HAN = "\u2E80-\u2FDF\u3005\u3007\u3021-\u3029\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F"
_HAN_MORE = "\u2E80-\u2FDF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F"
_ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_HEBREW = "\u0590-\u05FF\uFB1D-\uFB4F"
_CYRILLIC = "\u0400-\u052F\u1C80-\u1C8F\u2DE0-\u2DFF\uA640-\uA69F"

FOREIGN_STRETCH = re.compile(
    f"[{_HAN}]+(?:[\u3000-\u303F\uFF00-\uFFEF]*[{_HAN_MORE}]+)*"
    f"|[{_ARABIC}](?:[{_ARABIC}\u200c\u200d\\s0-9.,:;()\\-]*[{_ARABIC}])?"
    f"|[{_HEBREW}](?:[{_HEBREW}\u200c\u200d\\s0-9.,:;()\\-]*[{_HEBREW}])?"
    f"|[{_CYRILLIC}]+(?:[\\s\\-'\u2019]+[{_CYRILLIC}]+)*")
"""A stretch of one script: Han ideographs with the CJK punctuation between them; Arabic or
Hebrew letters with the spaces, joiners, digits and punctuation between them (as
:data:`briefgen.document.direction.RTL_STRETCH`: a sentence with a year in it is one stretch);
Cyrillic words with the spaces and hyphens between them. What is around it is the sentence's own."""

_URDU = re.compile("[\u0679\u0688\u0691\u06BA\u06BE\u06C1\u06D2]")
_PERSIAN = re.compile("[\u067E\u0686\u0698\u06A9\u06AF\u06CC\uFB56-\uFB59\uFB7A-\uFB7D\uFB8A\uFB8B"
                      "\uFB8E-\uFB95\uFBFC-\uFBFF]")
_CYRILLIC_LANGS = (("uk", "єіїґЄІЇҐ"), ("be", "ўЎ"), ("sr", "ђћџјљњЂЋЏЈЉЊ"), ("mk", "ѓќѕЃЌЅ"),
                   ("kk", "әғқңөұүһӘҒҚҢӨҰҮҺ"))


def stretch_language(stretch: str) -> str:
    """The language (BCP 47 primary subtag) of a stretch :data:`FOREIGN_STRETCH` found, by its
    first letter's script (module doc); ``""`` for one of none of these scripts."""
    first = stretch[:1]
    if not first:
        return ""
    cp = ord(first)
    if 0x0590 <= cp <= 0x05FF or 0xFB1D <= cp <= 0xFB4F:
        return "he"
    if re.match(f"[{_ARABIC}]", first):
        return "ur" if _URDU.search(stretch) else "fa" if _PERSIAN.search(stretch) else "ar"
    if re.match(f"[{_CYRILLIC}]", first):
        return next((lang for lang, letters in _CYRILLIC_LANGS if any(c in letters for c in stretch)), "ru")
    if re.match(f"[{_HAN}]", first):
        return "zh"
    return ""
