"""End to end: a tiny VAE and a policy-gradient step train through ember.distributions."""
import numpy as np

import ember
import ember.distributions as D
from ember import nn


def test_vae_rsample_gradients_reach_the_encoder_and_training_lowers_the_loss():
    ember.manual_seed(0)
    rng = np.random.default_rng(0)
    x = ember.tensor((rng.random((32, 8)) < np.linspace(0.1, 0.9, 8)).astype(np.float32))
    encoder, decoder = nn.Linear(8, 2 * 2), nn.Linear(2, 8)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = ember.optim.Adam(params, lr=0.05)
    prior = D.Normal(ember.zeros(2), ember.ones(2))

    def loss_fn():
        mu, log_var = encoder(x).chunk(2, dim=-1)
        q = D.Independent(D.Normal(mu, (0.5 * log_var).exp()), 1)
        z = q.rsample()
        recon = D.Independent(D.Bernoulli(logits=decoder(z)), 1).log_prob(x)
        kl = D.kl_divergence(q, D.Independent(prior, 1))
        return (kl - recon).mean()

    loss = loss_fn()
    loss.backward()
    for p in encoder.parameters():  # the reparameterised sample carries the gradient
        assert p.grad is not None and np.abs(p.grad.numpy()).sum() > 0
    first = float(loss.item())
    for _ in range(150):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
    ember.manual_seed(1)
    final = np.mean([loss_fn().item() for _ in range(10)])
    assert final < first - 0.5, (first, final)


def test_reinforce_step_moves_probability_to_the_rewarded_action():
    ember.manual_seed(0)
    logits = ember.zeros(3, requires_grad=True)
    opt = ember.optim.SGD([logits], lr=0.5)
    reward = ember.tensor([0.0, 0.0, 1.0])
    for _ in range(50):
        pi = D.Categorical(logits=logits)
        a = pi.sample((64,))
        loss = -(pi.log_prob(a) * reward[a]).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert D.Categorical(logits=logits).probs[2].item() > 0.9
