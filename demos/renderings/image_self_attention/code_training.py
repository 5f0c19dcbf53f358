# demos.gallery.image_self_attention.train
def train(block: SelfAttention2d, rng: np.random.Generator, steps: int = STEPS) -> list[float]:
    """Adam on fresh noisy images each step: predict each pixel from the others.

    Returns the loss every 50 steps.
    """
    weight = block.f.weight
    opt = Adam(block.parameters(), lr=LR)
    losses = []
    for step in range(steps):
        noisy = noisy_batch(rng, BATCH, weight.dtype, str(weight.device))  # (B, 3, H, W)
        out, _ = block(colour_features(noisy), noisy)
        loss = ((out - noisy) ** 2).mean()  # the target is the pixel's own noisy colour
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            losses.append(float(loss.detach()))
    return losses
