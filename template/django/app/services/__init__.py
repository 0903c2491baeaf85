"""Business logic: keyword-only functions that raise ApplicationError and know no HTTP."""
