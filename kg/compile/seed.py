"""The source text's citation rule: :func:`normalize_text` and :class:`SeedText`, the text cut into sentences with the
citations each carries, against which a row's quote and citations are checked."""

from __future__ import annotations

import re

__all__ = [
    "normalize_text",
    "SeedText",
]

def normalize_text(text: str) -> str:
    """Reduce the source text's markup so quotes can be matched against it.

    Markdown links ``[text](@entry_id:N)`` keep their text, citation markers
    ``[@problem_id:N]`` and emphasis asterisks are dropped, the typographic
    apostrophe becomes ``'`` and runs of whitespace become one space. LaTeX is
    kept as written.

    Examples
    --------
    >>> normalize_text("a [central sensitization](@entry_id:177629) **here** [@problem_id:1].")
    'a central sensitization here.'
    """
    text = re.sub(r"\[([^\]]*)\]\(@entry_id:\d+\)", r"\1", text)
    text = re.sub(r"\s*\[@problem_id:\d+\]", "", text)
    text = text.replace("*", "").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


_MARKER = re.compile(r"\[@problem_id:(\d+)\]")
#: A sentence ends at . ! or ? followed by space, unless the period closes a common abbreviation.
_SENTENCE_END = re.compile(r"(?<![ (]e\.g)(?<![ (]i\.e)(?<![ (]vs)(?<![ (]cf)(?<![ (]Dr)(?<![ (]al)(?<=[.!?])\s+(?=\S)")


class SeedText:
    """The source text cut into paragraphs and sentences, with the citations each sentence carries.

    A sentence's citations are the markers inside it; a sentence without one takes those of the next
    sentence of its paragraph that has markers (the citation closing a run of sentences), or else those
    of the previous one; a paragraph without markers is uncited. Headings (``#`` lines) name the section
    of what follows.

    Examples
    --------
    >>> t = SeedText("## S\\n\\nA is B, e.g. here. C is D [@problem_id:1]. E is F.\\n\\nG is H.")
    >>> t.locate("A is B, e.g. here"), t.locate("E is F"), t.locate("G is H"), t.locate("nowhere")
    ({'1'}, {'1'}, set(), None)
    >>> t.sections["1"]
    {'S'}
    """

    def __init__(self, text: str):
        self.paragraphs: list[tuple[str, list[tuple[int, int, frozenset[str]]]]] = []
        self.sections: dict[str, set[str]] = {}
        section = ""
        for raw in re.split(r"\n\s*\n", text):
            lines = raw.strip().splitlines()
            while lines and lines[0].startswith("#"):
                section = normalize_text(lines.pop(0).lstrip("#"))
            raw_sentences = _SENTENCE_END.split("\n".join(lines))
            if not any(x.strip() for x in raw_sentences):
                continue
            own = [frozenset(_MARKER.findall(x)) for x in raw_sentences]
            sentences = [normalize_text(x) for x in raw_sentences]
            cited = [i for i, c in enumerate(own) if c]
            spans, pos = [], 0
            for i, sentence in enumerate(sentences):
                later = [j for j in cited if j >= i]
                earlier = [j for j in cited if j < i]
                cites = own[later[0]] if later else own[earlier[-1]] if earlier else frozenset()
                spans.append((pos, pos + len(sentence), cites))
                pos += len(sentence) + 1
                for c in own[i]:
                    self.sections.setdefault(c, set()).add(section)
            self.paragraphs.append((" ".join(sentences), spans))

    def occurrences(self, quote: str) -> list[set[str]]:
        """The citations of the sentences each occurrence of a quote spans (empty list: the text does not contain it)."""
        q, out = normalize_text(quote), []
        for text, spans in self.paragraphs:
            at = text.find(q)
            while at >= 0 and q:
                end = at + len(q)
                out.append(set().union(*(c for lo, hi, c in spans if lo < end and hi > at)))
                at = text.find(q, at + 1)
        return out

    def locate(self, quote: str) -> set[str] | None:
        """The citations of the sentences a quote spans, or None when the text does not contain it."""
        found = self.occurrences(quote)
        return found[0] if found else None
