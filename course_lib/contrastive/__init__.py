"""Contrastive learning: InfoNCE, negatives mining and false-negative filters, training wrappers,
pooling, the course's cross-encoder and its trained models (``course_models``)."""
from .infonce import in_batch_labels, info_nce, positive_probability, row_distribution, similarity_logits

__all__ = ["in_batch_labels", "info_nce", "positive_probability", "row_distribution", "similarity_logits"]
