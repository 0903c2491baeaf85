"""Business logic. Services take keyword arguments, raise `AppError`s and know no HTTP."""
