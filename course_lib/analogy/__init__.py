"""Word analogies and word-similarity evaluation, batched (notebook 03).

* ``solve``    — answer ``a : b :: c : ?`` with 3CosAdd, 3CosMul or the nearest-c baseline
  (Mikolov, Yih & Zweig 2013; Levy & Goldberg 2014; Linzen 2016);
* ``evaluate`` — the Google analogy set and word-pair similarity, matching gensim's evaluators;
* ``bias``     — analogies asked both ways and projections on a direction such as he → she.

The plane a parallelogram is drawn in is ``course_lib.viz.analogy_plane.parallelogram_plane``.
"""
from .bias import both_ways, direction_projection
from .evaluate import (AnalogyReport, SectionResult, WordPairResult, counts_from_gensim, covered_questions,
                       evaluate_analogies, evaluate_word_pairs, questions_sample, section_kind, write_questions)
from .solve import (COSMUL_EPS, METHODS, Question, offset_queries, parse_query, restricted_vocab, solve,
                    solve_analogy, top_candidates, unit_vectors, word_index, word_indices)

__all__ = [
    "AnalogyReport", "COSMUL_EPS", "METHODS", "Question", "SectionResult", "WordPairResult", "both_ways",
    "counts_from_gensim", "covered_questions", "direction_projection", "evaluate_analogies", "evaluate_word_pairs",
    "offset_queries", "parse_query", "questions_sample", "restricted_vocab", "section_kind", "solve", "solve_analogy",
    "top_candidates", "unit_vectors", "word_index", "word_indices", "write_questions",
]
