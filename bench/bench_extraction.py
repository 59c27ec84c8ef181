"""Extraction speed against the bare spaCy pipeline it runs, on the same text in the same run.

    .venv/bin/python bench/bench_extraction.py [--words 50000]

The seed article body is repeated to about ``--words`` words. The baseline runs
``fr_core_news_sm`` with the same components extraction loads (tokenizer + NER; see
``factcheck.extraction.nlp``), not the full pipeline, with ``nlp.pipe`` over the same paragraphs;
extraction is ``factcheck.extraction.extract`` on the whole body. Models are loaded (and warmed
up) before timing, so both figures are steady-state throughput.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from _common import verdict  # noqa: E402

from factcheck.extraction import extract  # noqa: E402
from factcheck.extraction.nlp import FR_EXCLUDE, FR_MODEL  # noqa: E402
from factcheck.extraction.segment import split_paragraphs  # noqa: E402
from tests.extraction.seed import seed_body  # noqa: E402


def main() -> None:
    """Print words/s for both and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is kept")
    args = parser.parse_args()

    article = seed_body()
    copies = max(1, round(args.words / len(article.split())))
    body = "\n\n".join([article] * copies)
    words = len(body.split())
    paragraphs = [body[s:e] for s, e in split_paragraphs(body)]

    bare = spacy.load(FR_MODEL, exclude=list(FR_EXCLUDE))
    extract(article, "fr")  # load and warm up
    list(bare.pipe(paragraphs[:20]))

    # Alternate the two so that load from other processes hits both alike; keep each best.
    bare_times: list[float] = []
    ours_times: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        list(bare.pipe(paragraphs))
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        extract(body, "fr")
        ours_times.append(time.perf_counter() - start)
    bare_s, ours_s = min(bare_times), min(ours_times)
    print(f"text: seed article x{copies} = {words} words, {len(paragraphs)} paragraphs")
    components = "+".join(bare.pipe_names)
    label = f"bare {FR_MODEL} ({components})"
    print(f"{label:30s}: {words / bare_s:10,.0f} words/s ({bare_s:.2f} s)")
    print(f"factcheck.extraction.extract  : {words / ours_s:10,.0f} words/s ({ours_s:.2f} s)")
    ratio = bare_s / ours_s
    print(f"ratio extraction / bare       : {ratio:.2f} ({verdict(ratio, 0.8)})")


if __name__ == "__main__":
    main()
