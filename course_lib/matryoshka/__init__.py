"""Matryoshka embeddings (Kusupati et al. 2022): nested prefixes, the MRL loss, what a dimension
costs (storage, measured search time), two-stage search and quantisation.

The course's MRL-trained MiniLM (``load_or_train_mrl_model``) and its quality on the retrieval task
(``ndcg_by_dims``, ``task_embeddings``) are in ``course_lib.trained.matryoshka``."""
from .cost import (DTYPES, LatencyTable, build_quantised_index, bytes_per_vector, format_bytes, format_seconds,
                   measure_latency, pack_binary, storage_bytes)
from ..vectors import check_dim, exact_search, truncate
from .nesting import EVAL_DIMS, MRL_DIMS, MatryoshkaInfoNCELoss, check_prefix_dims, mrl_info_nce
from .search import (Int8Quantiser, binary_search, hamming_distances, int8_search, overlap_at_k,
                     rescore, time_two_stage, two_stage_search, unpack_binary)
from .evaluate import check_targets, reading, retained

__all__ = [
    "DTYPES", "EVAL_DIMS", "check_targets", "reading", "retained", "MRL_DIMS", "Int8Quantiser", "LatencyTable",
    "MatryoshkaInfoNCELoss", "binary_search", "build_quantised_index", "bytes_per_vector", "check_dim", "check_prefix_dims",
    "exact_search", "format_bytes", "format_seconds", "hamming_distances", "int8_search", "measure_latency",
    "mrl_info_nce", "overlap_at_k", "pack_binary", "rescore", "storage_bytes", "time_two_stage", "truncate",
    "two_stage_search", "unpack_binary",
]
