"""My Service."""
