"""Contrastive learning: negatives mining and false-negative filters, training wrappers, pooling and
the cross-encoder. InfoNCE itself is ``course_lib.infonce`` (Matryoshka's loss is built on it too);
the course's trained models are in ``course_lib.trained``."""
from ..infonce import in_batch_labels, info_nce, positive_probability, row_distribution, similarity_logits

__all__ = ["in_batch_labels", "info_nce", "positive_probability", "row_distribution", "similarity_logits"]
