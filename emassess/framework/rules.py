"""Rules of the framework that are logic rather than text."""


def tlm_may_fit(*, resonating: int, total: int) -> bool:
    """Seed 004's rule: when half or more of the TLM statements resonate, the role may suit."""
    if total <= 0 or not 0 <= resonating <= total:
        raise ValueError(f"resonating must be between 0 and total (got {resonating} of {total})")
    return 2 * resonating >= total
