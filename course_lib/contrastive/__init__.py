"""Contrastive learning: InfoNCE, negatives mining and filtering, training wrappers."""
