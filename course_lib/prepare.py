"""Prepare every corpus the course reads into data/cache/ (``python -m course_lib.prepare``).

Safe to run again: prepared items whose checksums verify are kept, damaged ones are rebuilt.
"""
import sys
import time

from . import data


def main() -> int:
    start = time.perf_counter()
    articles = data.load_articles()
    print(f"Wikipedia summaries: {len(articles)} articles", file=sys.stderr)
    splits = {s: len(data.retrieval_queries(s)) for s in ("train", "dev", "test")}
    print(f"retrieval queries per split: {splits}", file=sys.stderr)
    stats = data.corpus_stats()
    print(f"word2vec corpus: {sum(s['tokens'] for s in stats.values()):,} tokens from {', '.join(stats)}", file=sys.stderr)
    print(f"data ready in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
