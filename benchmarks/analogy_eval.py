"""Time the batched analogy evaluator against gensim's ``evaluate_word_analogies`` on GloVe 6B 50d.

Both run in the same process on the same KeyedVectors, with the same vocabulary restriction
(the 100,000 most frequent words in the laptop / gpu profiles) and the same questions (all
19,544 of the Google set; a sample per section in ci). Library imports and the one-off unit
normalisation happen before either timer starts. ``identical`` is true when every
section's counts of correct and answered questions match.

    .venv/bin/python benchmarks/analogy_eval.py [--profile ci|laptop|gpu]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import Timer, emit, log, parse_args  # noqa: E402

from course_lib import analogy, models, runtime  # noqa: E402
from course_lib.data.evalsets import gensim_datapath, google_analogies  # noqa: E402


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    restrict = runtime.by_profile(ci=30_000, laptop=100_000)
    per_section = runtime.by_profile(ci=100, laptop=None)
    log(f"profile={args.profile}: GloVe 6B 50d, restrict_vocab={restrict}, "
        f"questions={'all' if per_section is None else f'{per_section} per section'}")
    with Timer() as t_load:
        kv = models.load_glove()
    log(f"loaded GloVe ({len(kv.index_to_key)} words) in {t_load.seconds:.1f} s")
    questions = analogy.questions_sample(google_analogies(), per_section, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(gensim_datapath("questions-words.txt")) if per_section is None else \
            analogy.write_questions(questions, Path(tmp) / "questions.txt")
        import torch  # noqa: F401  (ours uses torch.topk: import it before timing, as gensim is imported)

        analogy.unit_vectors(kv)  # both sides start with norms computed (gensim caches its own below)
        kv.fill_norms()
        log("ours …")
        with Timer() as t_ours:
            ours = analogy.evaluate_analogies(kv, questions, restrict_vocab=restrict)
        log(f"ours: {ours} in {t_ours.seconds:.1f} s")
        log("gensim evaluate_word_analogies … (one most_similar call per question)")
        with Timer() as t_gensim:
            gensim_score, gensim_sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict)
        log(f"gensim: {gensim_score:.4f} in {t_gensim.seconds:.1f} s")
    theirs = analogy.counts_from_gensim(gensim_sections)
    mine = ours.counts()
    identical = mine == theirs
    if not identical:
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                log(f"MISMATCH {name}: ours {mine.get(name)} gensim {theirs.get(name)}")
    emit({
        "benchmark": "analogy_eval",
        "profile": args.profile,
        "vectors": "glove-6b-50d",
        "restrict_vocab": restrict,
        "questions": sum(len(q) for q in questions.values()),
        "answered": ours.total,
        "skipped": ours.skipped,
        "ours_s": round(t_ours.seconds, 3),
        "gensim_s": round(t_gensim.seconds, 3),
        "speedup": round(t_gensim.seconds / t_ours.seconds, 2),
        "identical": identical,
        "glove_accuracy": round(ours.accuracy, 4),
        "gensim_accuracy": round(float(gensim_score), 4),
        "semantic_accuracy": round(ours.semantic, 4),
        "syntactic_accuracy": round(ours.syntactic, 4),
        "sections": {name: {"correct": c, "answered": n} for name, (c, n) in mine.items()},
    })


if __name__ == "__main__":
    main()
