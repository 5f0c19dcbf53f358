# demos.gallery.detr_object_queries.hungarian_match
def hungarian_match(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The one-to-one assignment of minimum total cost: ``(query indices, target indices)``."""
    rows, cols = linear_sum_assignment(cost)
    return rows, cols
