"""Skip-gram with negative sampling (SGNS): the model, its loss, and the closed-form update.

For a center word w, a real context word c and k noise words n_1..n_k drawn from P(w) ∝ count^0.75,
SGNS maximises (Mikolov et al. 2013b; derivation in Goldberg & Levy 2014, "word2vec Explained")

    log σ(v_w · u_c) + Σ_i log σ(−v_w · u_{n_i})

where v are rows of the *input* table (the word embeddings we keep) and u rows of the *output*
(context) table. Each term is a binary question — "is this pair real?" — instead of a softmax over
the whole vocabulary.

Two ways to train it, which give the same numbers (tests/test_word2vec_model.py checks it):

* ``SGNS`` + ``sgns_loss``: ``nn.Embedding`` tables and autograd — the readable version;
* ``sgns_step``: the gradients written out by hand and added to the touched rows with
  ``index_add_`` under ``torch.no_grad()`` — what the fast trainer uses. The derivatives are
  ∂/∂s log σ(s) = 1 − σ(s) and ∂/∂s log σ(−s) = −σ(s).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def sgns_loss(v_w: torch.Tensor, v_c: torch.Tensor, v_n: torch.Tensor) -> torch.Tensor:
    """Mean SGNS loss over a batch: −[log σ(v_w·v_c) + Σ_k log σ(−v_w·v_n_k)].

    v_w: (B, d) center vectors (input table); v_c: (B, d) context vectors (output table);
    v_n: (B, k, d) negative vectors (output table). Returns a scalar tensor.
    """
    positive = F.logsigmoid((v_w * v_c).sum(-1))                                # (B,)
    negative = F.logsigmoid(-torch.einsum("bd,bkd->bk", v_w, v_n)).sum(-1)    # (B,)
    return -(positive + negative).mean()


class SGNS(nn.Module):
    """Two embedding tables: ``input`` (the word vectors we keep) and ``output`` (context vectors).

    Initialised as word2vec does: input uniform in ±0.5/d, output zeros.
    """

    def __init__(self, vocab_size: int, dim: int, generator: torch.Generator | None = None,
                 dtype=torch.float32):
        super().__init__()
        self.input = nn.Embedding(vocab_size, dim, dtype=dtype)
        self.output = nn.Embedding(vocab_size, dim, dtype=dtype)
        with torch.no_grad():
            self.input.weight.copy_((torch.rand(vocab_size, dim, generator=generator, dtype=torch.float64) - 0.5) / dim)
            self.output.weight.zero_()

    def forward(self, center, context, negatives):
        """Mean loss for (B,) centers, (B,) contexts and (B, k) negative ids."""
        return sgns_loss(self.input(center), self.output(context), self.output(negatives))

    @property
    def embeddings(self) -> torch.Tensor:
        """The input table *is* the embedding table."""
        return self.input.weight


def sgns_step(W_in: torch.Tensor, W_out: torch.Tensor, center, context, negatives, lr: float,
              with_loss: bool = True) -> torch.Tensor | None:
    """One SGD step of SGNS, closed form, in place; returns the per-pair losses (B,)
    (before the step), or None when ``with_loss`` is False.

    ``negatives`` is (G, k) for B = G·m pairs: the pairs are taken in G groups of m consecutive
    pairs and each group shares its k noise words (cheaper to gather and to score with one
    batched matrix product; every pair still meets k negatives). With m = 1 every pair has its own.
    The step is plain gradient *ascent* on the summed log-likelihood, i.e. SGD on the summed loss.
    """
    with torch.no_grad():
        B, dim = center.shape[0], W_in.shape[1]
        groups, k = negatives.shape
        if B % groups:
            raise ValueError(f"{B} pairs cannot be split into {groups} equal groups.")
        m = B // groups
        v = W_in.index_select(0, center)                   # (B, d)
        u = W_out.index_select(0, context)                 # (B, d)
        un = W_out.index_select(0, negatives.reshape(-1)).view(groups, k, dim)   # (G, k, d)
        vg = v.view(groups, m, dim)
        pos = (v * u).sum(-1)                              # (B,)  score of the real pair
        neg = torch.bmm(vg, un.transpose(1, 2))            # (G, m, k)  scores of the noise pairs
        loss = -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(-1).view(B)) if with_loss else None
        g_pos = torch.sigmoid(-pos).unsqueeze(1)           # 1 − σ(s)
        g_neg = torch.sigmoid(neg).neg_()                  # −σ(s)
        grad_un = torch.bmm(g_neg.transpose(1, 2), vg)     # (G, k, d)  = Σ_pairs −σ(s)·v_w
        grad_v = torch.bmm(g_neg, un).view(B, dim).addcmul_(g_pos, u)   # (1−σ)·u_c + Σ −σ·u_n
        grad_u = v.mul_(g_pos)                             # (1−σ)·v_w   (v is not needed any more)
        W_in.index_add_(0, center, grad_v.to(W_in.dtype), alpha=lr)
        W_out.index_add_(0, context, grad_u.to(W_out.dtype), alpha=lr)
        W_out.index_add_(0, negatives.reshape(-1), grad_un.view(-1, dim).to(W_out.dtype), alpha=lr)
        return loss
