# demos.learned_attention.train
def train(
    model: PronounModel, rng: np.random.Generator, device: str, steps: int = STEPS
) -> list[float]:
    """Adam on fresh batches each step; returns the loss every 50 steps."""
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(steps):
        ids, targets = sample(rng, BATCH)
        logits, _ = model(torch.tensor(ids, device=device))
        loss = nn.functional.cross_entropy(logits, torch.tensor(targets, device=device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return losses
