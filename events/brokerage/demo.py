def seed_brokerage(*, scale: int = 1) -> int:
    return 0
