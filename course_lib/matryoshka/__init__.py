"""Matryoshka embeddings (Kusupati et al. 2022): nested prefixes, the MRL loss, what a dimension
costs (storage, measured search time), two-stage search and quantisation, and the course's
MRL-trained MiniLM (``load_or_train_mrl_model``)."""
from .cost import (DTYPES, LatencyTable, build_index, bytes_per_vector, format_bytes, format_seconds,
                   measure_latency, pack_binary, storage_bytes)
from .nesting import EVAL_DIMS, MRL_DIMS, MatryoshkaInfoNCELoss, check_dim, check_prefix_dims, mrl_info_nce, truncate
from .search import (Int8Quantiser, binary_search, exact_search, hamming_distances, int8_search, overlap_at_k,
                     rescore, time_two_stage, two_stage_search, unpack_binary)
from .evaluate import check_targets, ndcg_by_dims, retained, task_embeddings
from .training import apply_head, load_or_train_mrl_model, load_or_train_standard_model, train_pairs

__all__ = [
    "DTYPES", "EVAL_DIMS", "apply_head", "check_targets", "ndcg_by_dims", "retained", "task_embeddings", "MRL_DIMS", "Int8Quantiser", "LatencyTable", "MatryoshkaInfoNCELoss",
    "binary_search", "build_index", "bytes_per_vector", "check_dim", "check_prefix_dims", "exact_search",
    "format_bytes", "format_seconds", "hamming_distances", "int8_search", "load_or_train_mrl_model",
    "load_or_train_standard_model", "measure_latency", "mrl_info_nce", "overlap_at_k", "pack_binary",
    "rescore", "storage_bytes", "time_two_stage", "train_pairs", "truncate", "two_stage_search", "unpack_binary",
]
