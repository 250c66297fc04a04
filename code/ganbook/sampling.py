r"""Markov chains that sample an energy model :math:`q(x) \propto \exp(-U(x))` (Part III).

With step size :math:`\varepsilon`, the Langevin chain (source 004, equations 25-26) is

.. math:: x_{t+1} = x_t - \tfrac{\varepsilon}{2} \nabla U(x_t) + \sqrt{\varepsilon}\, \xi_t,
          \qquad \xi_t \sim \mathcal{N}(0, I),

whose stationary distribution tends to :math:`q` as :math:`\varepsilon \to 0` but is biased
for a finite step. MALA (Roberts and Tweedie 1996; equation 30) uses the same move as a
proposal :math:`x'` and accepts it with probability

.. math:: \min\Big\{1, \frac{e^{-U(x')} \kappa(x_t \mid x')}
          {e^{-U(x_t)} \kappa(x' \mid x_t)}\Big\},
          \qquad \kappa(x' \mid x) = \exp\Big(-\frac{\|x' - x + \tfrac{\varepsilon}{2}
          \nabla U(x)\|^2}{2 \varepsilon}\Big),

with the **squared** norm (a reference implementation of Kumar et al. 2019 used the plain
norm, which targets another distribution; see the notes on the sources). The accept step
removes the bias: :math:`q` is then exactly stationary.

``energy`` maps a batch (n, ...) to one energy per sample, shape (n,). Each sample is its own
chain; the functions run them all at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ganbook.validate import finite_tensor, integer, real

Energy = Callable[[torch.Tensor], torch.Tensor]


def _check(energy: Energy, x0: torch.Tensor, step_size: float,
           n_steps: int) -> tuple[torch.Tensor, float, int]:
    """The arguments of a chain, checked: a copy of ``x0``, ``step_size`` and ``n_steps``."""
    if not callable(energy):
        raise TypeError("energy must be callable: a batch (n, ...) -> energies (n,)")
    if not isinstance(x0, torch.Tensor) or not x0.is_floating_point() or x0.dim() < 1:
        raise ValueError("x0 must be a floating-point tensor of shape (n, ...)")
    x0 = finite_tensor("x0", x0)
    step_size = real("step_size", step_size, positive=True)
    n_steps = integer("n_steps", n_steps, minimum=0)
    return x0.detach().clone(), step_size, n_steps


def energy_and_grad(energy: Energy, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """:math:`U(x)` (n,) and :math:`\\nabla_x U(x)` (n, ...), without a graph.

    ``x`` is not checked for finiteness: a wild proposal of MALA may hold infinities, and
    the accept step, not this function, rejects it.
    """
    if not callable(energy):
        raise TypeError("energy must be callable: a batch (n, ...) -> energies (n,)")
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() < 1:
        raise ValueError("x must be a floating-point tensor of shape (n, ...)")
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        u = energy(x)
        if not isinstance(u, torch.Tensor) or u.shape != x.shape[:1]:
            raise ValueError(f"energy must return one value per sample, shape ({len(x)},), "
                             f"got {tuple(getattr(u, 'shape', ()))}")
        (grad,) = torch.autograd.grad(u.sum(), x)
    return u.detach(), grad.detach()


def _noise(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)


def langevin(energy: Energy, x0: torch.Tensor, step_size: float, n_steps: int,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """Run ``n_steps`` of unadjusted Langevin dynamics from ``x0``; the final samples.

    Args:
        energy: :math:`U`, a batch (n, ...) to energies (n,).
        x0: the starting points, one chain each, (n, ...): a floating-point tensor of
            finite numbers, with at least one chain.
        step_size: :math:`\\varepsilon > 0`, finite.
        n_steps: the number of steps, a non-negative int.
        generator: the source of the noise (a CPU ``torch.Generator``).
    """
    x, step_size, n_steps = _check(energy, x0, step_size, n_steps)
    for _ in range(n_steps):
        _, grad = energy_and_grad(energy, x)
        x = x - step_size / 2 * grad + math.sqrt(step_size) * _noise(x, generator)
    return x


def _log_proposal(to: torch.Tensor, frm: torch.Tensor, grad_frm: torch.Tensor,
                  step_size: float) -> torch.Tensor:
    """:math:`\\log k(to \\mid frm)` up to a constant: the squared norm over all but dim 0."""
    diff = to - frm + step_size / 2 * grad_frm
    return -diff.pow(2).flatten(1).sum(1) / (2 * step_size)


def mala(energy: Energy, x0: torch.Tensor, step_size: float, n_steps: int,
         generator: torch.Generator | None = None) -> tuple[torch.Tensor, float]:
    """Run ``n_steps`` of the Metropolis-adjusted Langevin algorithm from ``x0``.

    Args: as for :func:`langevin`.

    Returns:
        ``(samples, acceptance_rate)``: the final samples (n, ...) and the share of accepted
        proposals over all chains and steps (``nan`` when ``n_steps`` is 0).
    """
    x, step_size, n_steps = _check(energy, x0, step_size, n_steps)
    u, grad = energy_and_grad(energy, x)
    accepted = 0
    for _ in range(n_steps):
        proposal = x - step_size / 2 * grad + math.sqrt(step_size) * _noise(x, generator)
        u_new, grad_new = energy_and_grad(energy, proposal)
        log_ratio = (-u_new + _log_proposal(x, proposal, grad_new, step_size)
                     + u - _log_proposal(proposal, x, grad, step_size))
        uniform = torch.rand(len(x), generator=generator, dtype=x.dtype).to(x.device)
        accept = torch.log(uniform) < log_ratio
        shape = (-1,) + (1,) * (x.dim() - 1)
        x = torch.where(accept.view(shape), proposal, x)
        u = torch.where(accept, u_new, u)
        grad = torch.where(accept.view(shape), grad_new, grad)
        accepted += int(accept.sum())
    rate = accepted / (n_steps * len(x)) if n_steps else math.nan
    return x, rate
