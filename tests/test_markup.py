"""Markdown conversion: each thread converts with its own converter, so serve's two threads never mix documents."""
from __future__ import annotations

import random
import threading

from generator.markup import to_html


def document(number: int) -> str:
    """A text that uses what keeps state inside a converter: footnotes, abbreviations, heading ids, code, HTML."""
    return (f"# Heading {number}\n\n## Part {number}\n\nParagraph {number} with a note[^n{number}] and "
            f"ABBR{number}.\n\n*[ABBR{number}]: Abbreviation {number}\n\n"
            f"```\ncode {number}\n```\n\n<div markdown=\"1\">inside *{number}*</div>\n\n"
            f"| a | b |\n|:-:|--:|\n| {number} | {number * 2} |\n\n"
            f"[^n{number}]: Footnote {number}.\n" + f"\nMore text {number}. " * (number % 7))


def test_many_threads_converting_at_once_each_get_what_one_thread_alone_gets():
    texts = [document(number) for number in range(60)]
    expected = [to_html(text) for text in texts]
    threads, rounds = 8, 4
    start = threading.Barrier(threads)
    wrong: list[int] = []

    def convert(seed: int) -> None:
        order = list(range(len(texts))) * rounds
        random.Random(seed).shuffle(order)
        start.wait()
        for index in order:
            if to_html(texts[index]) != expected[index]:
                wrong.append(index)

    workers = [threading.Thread(target=convert, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not any(worker.is_alive() for worker in workers)
    assert wrong == [], f"{len(wrong)} of {threads * rounds * len(texts)} conversions differ"
