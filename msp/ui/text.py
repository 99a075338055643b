"""Showing text that users typed: as text, never as Markdown or HTML."""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """`text` made safe to put inside Markdown (labels, headings, captions): every ASCII
    punctuation character is backslash-escaped, so nothing in it can become formatting, a
    link, HTML or a coloured span. For free text on its own, use `st.text` instead."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
