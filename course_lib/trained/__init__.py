"""The course's trained models: every recipe and every load-or-train, in one layer above the topics.

A topic package (``contrastive``, ``matryoshka``, ``retrieval`` …) only computes; this package puts
the topics together to train, save and load the models the notebooks share:

* ``word2vec``        — the SGNS and gensim word vectors of notebooks 02-03 (``course_vectors``);
* ``recipes``         — notebook 04's training sizes per profile;
* ``held_out``        — the test side: every evaluated article, which no training row contains;
* ``train_split``     — the train split (test side left out) and BM25 hard-negative mining on it;
* ``cross_encoder``   — ``cross-encoder-{profile}`` (``load_or_train_cross_encoder``, ``load_course_cross_encoder``);
* ``bi_encoder``      — ``finetuned-minilm-{profile}`` and its training record;
* ``loss_comparison`` — notebook 04's measured experiment, one cached run per loss;
* ``augmented_sbert`` — the cross-encoder labelling pairs for a bi-encoder (``silver_pairs``);
* ``explorer``        — notebook 04's mining explorer on a small train-split collection;
* ``matryoshka``      — notebook 05's MRL and standard models, and their quality per dimension;
* ``encoders``        — the dense encoders notebook 06 compares;
* ``negatives``       — notebook 07's runs (batch size, accumulation) with their provenance; ``negatives_bank``
  (the memory-bank run), ``negatives_launch`` (``torchrun`` and the memory measurements, in their own
  processes), ``negatives_ddp`` / ``negatives_memory`` (what those processes run), ``negatives_parity``
  (GradCache against ``CachedMultipleNegativesRankingLoss``), ``negatives_duplicates``;
* ``static``          — notebook 09's static table distilled from the fine-tuned MiniLM (model2vec);
* ``lora``            — notebook 09's LoRA adapters on the full fine-tune's data and steps;
* ``late_interaction`` — notebook 09's ColBERT-style MiniLM (``MultiVectorEncoder``) and token matrices;
* ``cost_quality``    — notebook 09's (nDCG@10, p50 latency, bytes per document) points.

Import the submodule you need (``from course_lib.trained import bi_encoder``): importing the package
itself loads nothing.
"""
