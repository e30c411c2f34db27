"""OCR output as lines of words with confidences: the shape every document reader works on.

No ORM, no OCR call. Built from :class:`smartbank.engines.ocr.OcrResult`, whose ``text`` keeps
Tesseract's line structure and whose ``words`` carry one confidence (0–100) each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from smartbank.engines.ocr import OcrResult


@dataclass(frozen=True)
class Word:
    """One OCR word: its text (no whitespace) and Tesseract's confidence, 0–100 (None: unknown)."""

    text: str
    confidence: float | None


@dataclass(frozen=True)
class Line:
    """One OCR line: its words in reading order and its index among the document's lines;
    ``top``: the highest top edge of its words in pixels of the image read, None when a word's
    box is unknown (not compared)."""

    index: int
    words: tuple[Word, ...]
    top: int | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The words joined by single spaces."""
        return " ".join(word.text for word in self.words)

    def confidence(self, start: int = 0, stop: int | None = None) -> float | None:
        """Mean confidence of ``words[start:stop]`` (0–100), None when none is known."""
        return mean_confidence(self.words[start:stop])


def mean_confidence(words: Iterable[Word]) -> float | None:
    """Mean of the known confidences of ``words`` rounded to 2 places, None when none is known."""
    known = [word.confidence for word in words if word.confidence is not None]
    return round(sum(known) / len(known), 2) if known else None


def lines_of(ocr: OcrResult) -> list[Line]:
    """Split an OCR result into its non-empty lines, each word with its confidence and each
    line with its top edge (:attr:`Line.top`).

    When ``ocr.words`` does not align with ``ocr.text`` (hand-built results), confidences and
    tops are None.
    """
    texts = [text.split() for text in ocr.text.splitlines()]
    texts = [tokens for tokens in texts if tokens]
    flat = [token for tokens in texts for token in tokens]
    aligned = len(flat) == len(ocr.words) and all(
        token == word.text for token, word in zip(flat, ocr.words, strict=True)
    )
    lines: list[Line] = []
    position = 0
    for tokens in texts:
        words = tuple(
            Word(token, ocr.words[position + offset].confidence if aligned else None)
            for offset, token in enumerate(tokens)
        )
        boxes = [w.box for w in ocr.words[position : position + len(tokens)]] if aligned else []
        tops = [box[1] for box in boxes if box is not None]
        top = min(tops) if tops and len(tops) == len(boxes) else None
        lines.append(Line(index=len(lines), words=words, top=top))
        position += len(tokens)
    return lines


def line_texts(lines: Sequence[Line]) -> list[str]:
    """The text of each line (for the regular-expression searches of the readers)."""
    return [line.text for line in lines]
