# demos.gallery.learned_attention.train
def train(
    model: ArticleModel,
    rng: np.random.Generator,
    device: str,
    steps: int = STEPS,
    modifier_nouns: bool = True,
) -> list[float]:
    """Adam on fresh training sentences each step; returns the loss every 50 steps."""
    opt = Adam(model.parameters(), lr=LR)
    losses = []
    for step in range(steps):
        ids, articles, targets = _tensors(sample(rng, BATCH, False, modifier_nouns), device)
        logits, _ = model(ids, articles)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(ARTICLES)), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return losses
