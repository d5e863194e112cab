"""Other ways to build an embedding (notebook 09): the pure compute behind each.

* ``static``           — static token tables: model2vec's Zipf/SIF weighting, mean pooling, bad-input checks;
* ``lora``             — LoRA's parameter count and rank checks;
* ``late_interaction`` — MaxSim (ColBERT) from scratch, batched scoring and re-ranking, storage per document;
* ``sparse``           — vocabulary-sized vectors: their non-zeros, top terms and storage;
* ``pareto``           — the cost–quality frontier and the best model within a budget.

Nothing here loads a model: ``course_lib.trained`` does, and passes models or arrays in.
"""
