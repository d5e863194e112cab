"""Word analogies and word-similarity evaluation, batched.

An analogy question ``a : b :: c : ?`` (man : king :: woman : ?) is answered by the word whose
vector is closest to the *offset* point ``b − a + c``; the three query words are never allowed as
answers (Mikolov, Yih & Zweig, 2013, "Linguistic Regularities in Continuous Space Word
Representations"). Two ways to score a candidate ``d`` (Levy & Goldberg, 2014, "Linguistic
Regularities in Sparse and Explicit Word Representations"):

* **3CosAdd**  ``cos(d, b − a + c)``, which ranks like ``cos(d, b) − cos(d, a) + cos(d, c)``
  on unit vectors;
* **3CosMul**  ``cos'(d, b) · cos'(d, c) / (cos'(d, a) + ε)`` with ``cos' = (1 + cos) / 2``,
  so that one large similarity cannot drown the other two.

``nearest-c`` is a baseline, not a solver: the nearest word to c alone (a and b still excluded),
which shows how much of an accuracy figure needs no offset at all (Linzen, 2016, "Issues in
evaluating semantic spaces using word analogies").

``evaluate_analogies`` reproduces gensim's ``KeyedVectors.evaluate_word_analogies`` exactly
(same vocabulary restriction, upper-casing, skipping of out-of-vocabulary questions and choice
of the prediction) but scores all questions with a few matrix products instead of one
``most_similar`` call per question. ``evaluate_word_pairs`` reproduces gensim's
``evaluate_word_pairs`` (Spearman and Pearson against human ratings).

Modules: ``solve`` (the solvers), ``evaluate`` (analogy and word-pair benchmarks), ``bias`` (a
direction probe). The plane a parallelogram is drawn in is ``course_lib.viz.analogy_plane.parallelogram_plane``.
"""
from .bias import both_ways, direction_projection
from .evaluate import (AnalogyReport, SectionResult, WordPairResult, counts_from_gensim, covered_questions,
                       evaluate_analogies, evaluate_word_pairs, questions_sample, section_kind, write_questions)
from .solve import (COSMUL_EPS, METHODS, Question, offset_queries, parse_query, restricted_vocab, solve,
                    top_candidates, unit_vectors, word_index, word_indices)

__all__ = [
    "AnalogyReport", "COSMUL_EPS", "METHODS", "Question", "SectionResult", "WordPairResult", "both_ways",
    "counts_from_gensim", "covered_questions", "direction_projection", "evaluate_analogies", "evaluate_word_pairs",
    "offset_queries", "parse_query", "questions_sample", "restricted_vocab", "section_kind", "solve",
    "top_candidates", "unit_vectors", "word_index", "word_indices", "write_questions",
]
