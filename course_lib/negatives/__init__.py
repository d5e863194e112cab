"""More negatives without more memory (notebook 07): pure compute, no model loading.

* ``batches``     — how many negatives a set-up gives each query (batch, accumulation, processes,
  a memory bank), the logit blocks of gradient accumulation, duplicates inside a batch, input checks;
* ``gradcache``   — GradCache from scratch (Gao et al. 2021): embed in chunks without a graph, loss on
  the whole batch, gradients back into the chunks; beside it full-batch and accumulated steps;
* ``memory_bank`` — a MoCo-style queue of earlier keys as extra negatives (He et al. 2020) and the
  staleness of what it holds;
* ``memory``      — measuring the peak memory of one step (RSS on a CPU, the allocator on CUDA).
"""
